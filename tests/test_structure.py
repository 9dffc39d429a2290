"""The codebase's structure: no import cycles, so every module can be read (and tested) from the bottom up.

Imports inside functions count too (they are how a cycle is usually hidden);
imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGES = {
    "pathways": "pathways",
    "simulation": "pathways.simulation",
    "calibration": "pathways.calibration",
    "experiments": "pathways.experiments",
    "benchmarks": "pathways.benchmarks",
}


def modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            out[name] = path
    return out


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name | ast.Attribute) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that module ``name`` imports (at any depth of its code)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # "from . import x" imports module x
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each a cycle or several."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    found = modules()
    known = set(found)
    graph = {name: imports(name, path, known) for name, path in found.items()}
    # A package's __init__ importing its own submodules is how a package is made, not a cycle.
    for name in graph:
        graph[name] = {
            m for m in graph[name] if not m.startswith(name + ".") or name not in PACKAGES.values()
        }
    assert cycles(graph) == []


def test_a_checkout_that_was_never_installed_imports_and_runs(tmp_path):
    # -S: no site-packages processing, hence no editable-install finder; the libraries the
    # package needs come through PYTHONPATH, the package itself only from the checkout.
    import subprocess
    import sys

    import numpy

    libraries = str(Path(numpy.__file__).parents[1])
    code = (
        "import pathways.simulation, pathways.experiments.provenance as p; "
        "print(pathways.simulation.__file__); print(p.code_identity())"
    )
    env = {"PYTHONPATH": libraries, "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    where, identity = proc.stdout.split()
    assert Path(where) == ROOT / "simulation" / "__init__.py" and len(identity) == 16


def test_the_run_and_compare_commands_start_without_importing_scipy_stats():
    # scipy.stats takes about a second to import; every command paid it at start before the t
    # quantile came from scipy.special and the quasi-random designs imported qmc where they draw.
    import subprocess
    import sys

    code = (
        "import sys; import pathways.cli, pathways.experiments.run, pathways.experiments.compare, "
        "pathways.experiments.sweep, pathways.experiments.summarize, pathways.experiments.uncertainty; "
        "print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
