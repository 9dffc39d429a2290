"""Hostile inputs (issue 11): no traceback, no silent overwrite, no garbage accepted.

``CASES`` is what a new user, or a hostile tester, types: malformed files, bad flags, wrong
folders, damaged results. Each case builds its files in a temporary folder and returns the
command line; ``test_hostile_input`` runs it in-process and asserts:

* the exit status (2: a user error);
* nothing escapes ``main`` and "Traceback" is in neither stream;
* stderr is one line, ``pathways: error: <culprit>: ...``, under 1,000 characters, whose first
  field is the user's own file, folder or flag (not ``scenarios/baseline.toml``), and it names
  what else the case lists (a key path, the limit, the flag that would help);
* everything that existed before is byte-for-byte unchanged (results folders, the user's
  files), nothing was written outside the output folder the case named, and the shipped
  scenarios did not change;
* no simulation started (user errors are caught before any run) and the case ended within
  seconds.

Real results (a run, a comparison and a sweep at toy size) are built once per session and
copied into each case that needs them. After the table: the behaviour the table cannot show
(resuming past a damaged run file, a sweep whose every run fails, --overwrite removing stale
files, progress lines, file modes), and two process tests: a SIGKILLed sweep leaves no pool
worker alive, and --resume refuses a folder made by other code.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pathways.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TINY_RUN = "[run]\nworkers = 300\nmonths = 12\nburn_in_months = 6\n"
MAX_LINE = 1000
SECONDS = 8.0  # a hostile case must be refused well within this (a busy 2-core machine)
BINARY = bytes(range(256)) * 8
DEEP = 100_000
HUGE = 2_000_000

SWEEP = """\
[sweep]
name = "{name}"
seed = 5
seeds = 2
workers = 300
months = 12
burn_in_months = 6

[arms.base]
scenario = "{calibrated}"

[arms.boot]
scenario = "{bootcamp}"

[design]
kind = "grid"

[[parameters]]
name = "homophily"
keys = ["network.homophily"]
values = [0.5, 0.8]
"""

# --------------------------------------------------------------------------- helpers


class SimulationStarted(BaseException):
    """A user error got as far as starting a simulation (it must be refused before any run)."""


class CaseTimeout(BaseException):
    """A case still running after its time limit (a hang)."""


def exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


def call(argv: list[str], seconds: float | None = None) -> tuple[int | None, BaseException | None]:
    """``main(argv)`` in this process: (exit status, None), or (None, what escaped main)."""

    def alarm(_signum, _frame):
        raise CaseTimeout(f"still running after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, alarm)
    if seconds:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            return main([str(a) for a in argv]), None
        except SystemExit as exc:
            return exit_code(exc), None
        except BaseException as exc:  # anything escaping main is a finding, reported by the caller
            return None, exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def captured(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with stdout and stderr captured into strings (for session fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc, exc = call(argv)
    if exc is not None:
        raise exc
    return rc, out.getvalue(), err.getvalue()


def short(text: str, limit: int = 400) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit // 2] + " [...] " + text[-limit // 2 :]


def snapshot(root: Path) -> dict[str, str]:
    """Every path under ``root`` (relative) -> sha256 of a file, "dir", a link's target or "special"."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                state[rel] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(mode):
                state[rel] = "dir"
            elif stat.S_ISREG(mode):
                state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                state[rel] = "special"
    return state


def changes(before: dict[str, str], after: dict[str, str], allowed: list[str]) -> list[str]:
    """What changed between two snapshots, apart from new paths under the ``allowed`` roots."""
    problems = [
        f"{p} {'changed' if p in after else 'was removed'}" for p, v in before.items() if after.get(p) != v
    ]
    for p in sorted(after.keys() - before.keys()):
        if not any(p == r or p.startswith(r + "/") for r in allowed):
            problems.append(f"{p} was created")
    return problems


def shipped_state() -> dict[str, str]:
    """The shipped scenarios and calibration files (which no case may change), and whether out/ exists."""
    state = {}
    for folder, patterns in ((SCENARIOS, ("*.toml",)), (ROOT / "calibration", ("*.toml", "*.csv"))):
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    state["out/"] = str((ROOT / "out").exists())
    return state


def stderr_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {short(err)!r}"
    return lines[0]


def blamed(line: str) -> str:
    """The first field of ``pathways: error: <culprit>: ...``."""
    return line.removeprefix("pathways: error: ").split(": ", 1)[0].strip().rstrip("/")


def check_one_line_error(err: str, culprit: str | tuple[str, ...] | None, names=()) -> str:
    """Assert the contract for a user error on stderr; returns the line."""
    line = stderr_line(err)
    assert line.startswith("pathways: error: "), f"not a pathways error line: {short(line)!r}"
    assert len(line) < MAX_LINE, f"error line is {len(line):,} characters: {short(line)!r}"
    if culprit is not None:
        options = culprit if isinstance(culprit, tuple) else (culprit,)
        head = blamed(line)
        ok = any(head.startswith(c) if c.startswith("--") else head.endswith(c) for c in options)
        assert ok, f"blames {head!r}, expected {' or '.join(options)}: {short(line)!r}"
    for name in names:
        options = name if isinstance(name, tuple) else (name,)
        assert any(o in line for o in options), f"does not name {' or '.join(options)}: {short(line)!r}"
    return line


def assert_same_table(a: Path, b: Path, what: str = "") -> None:
    """Two Parquet files hold the same rows (NaN equal to NaN)."""
    np.testing.assert_equal(pq.read_table(a).to_pydict(), pq.read_table(b).to_pydict(), err_msg=what)


def copy_results(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def damage(path: Path, how: str) -> None:
    """Break a results file: binary, truncated, empty, not JSON, NaN, deeply nested, or a folder."""
    data = path.read_bytes() if path.is_file() else b""
    if how == "folder":
        path.unlink()
        path.mkdir()
        return
    broken = {
        "binary": BINARY,
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "not-json": b"hello, world\n",
        "list": b"[]\n",
        "deep": b"[" * DEEP + b"]" * DEEP,
        "nan": re.sub(rb'(": )(\d+)', rb"\1NaN", data, count=1),
    }[how]
    path.write_bytes(broken)


# --------------------------------------------------------------------------- results built once


@dataclass
class Results:
    folder: Path
    stdout: str = ""
    stderr: str = ""
    source: Path | None = None  # the sweep file of a sweep folder


def write_scenario(path: Path, body: str = "", extends: str = "calibrated.toml", tiny: bool = True) -> Path:
    text = f'extends = "{SCENARIOS / extends}"\n{body}\n' + (TINY_RUN if tiny else "")
    path.write_text(text)
    return path


def write_sweep(path: Path, name: str) -> Path:
    path.write_text(
        SWEEP.format(
            name=name, calibrated=SCENARIOS / "calibrated.toml", bootcamp=SCENARIOS / "tuition_bootcamp.toml"
        )
    )
    return path


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    write_scenario(folder / "tiny.toml")
    write_scenario(folder / "boot.toml", extends="tuition_bootcamp.toml")
    write_scenario(folder / "sectoral.toml", extends="sectoral_tuition_free.toml")
    write_sweep(folder / "fixture_sweep.toml", "fixture_sweep")
    return folder


@pytest.fixture(scope="session")
def run_results(tmp_path_factory, inputs) -> Results:
    """`pathways run` of the sectoral program (it has a synthetic trial, so trial.parquet too)."""
    out = tmp_path_factory.mktemp("results") / "run"
    rc, stdout, stderr = captured(["run", inputs / "sectoral.toml", "--out", out])
    assert rc == 0, stderr
    return Results(out, stdout, stderr)


@pytest.fixture(scope="session")
def compare_results(tmp_path_factory, inputs) -> Results:
    """`pathways compare` of the calibrated market and the bootcamp: 2 arms x 2 seeds, one process."""
    out = tmp_path_factory.mktemp("results") / "compare"
    argv = ["compare", inputs / "tiny.toml", inputs / "boot.toml", "--seeds", "2", "--jobs", "1",
            "--no-parameter-uncertainty"]  # fmt: skip
    rc, stdout, stderr = captured([*argv, "--workers", "300", "--months", "12", "--out", out])
    assert rc == 0, stderr
    return Results(out, stdout, stderr)


@pytest.fixture(scope="session")
def sweep_results(tmp_path_factory, inputs) -> Results:
    """`pathways sweep` of 2 arms x 2 homophily values x 2 seeds (8 runs), summarised."""
    out = tmp_path_factory.mktemp("results") / "sweep"
    rc, stdout, stderr = captured(["sweep", inputs / "fixture_sweep.toml", "--out", out])
    assert rc == 0, stderr
    assert (out / "results.parquet").exists() and (out / "summary.parquet").exists()
    return Results(out, stdout, stderr, inputs / "fixture_sweep.toml")


# --------------------------------------------------------------------------- the case table


class Env:
    """A case's temporary world: files it writes, results it copies, folders it may create."""

    def __init__(self, root: Path, request: pytest.FixtureRequest) -> None:
        self.root = root
        self.files = root / "files"
        self.files.mkdir()
        self.cwd = root / "cwd"
        self.cwd.mkdir()
        self.allowed = ["cwd/out"]  # default output folders land under the working folder's out/
        self.env: dict[str, str] = {}  # environment variables for the case
        self.mine = ""  # the case's own file name (<case id>.toml)
        self.cleanups: list[Callable[[], None]] = []
        self._request = request

    def write(self, name: str, content: str | bytes) -> str:
        path = self.files / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return str(path)

    def scenario(self, name: str, body: str = "", extends: str = "calibrated.toml", tiny: bool = True) -> str:
        """A scenario file over a shipped one, at toy size unless ``tiny=False`` (the body sets [run])."""
        return str(write_scenario(self.files / name, body, extends, tiny))

    def sweep(self, name: str, *edits: tuple[str, str], extra: str = "", sweep_name: str = "hostile") -> str:
        """The toy sweep file with ``(old, new)`` edits and ``extra`` text appended."""
        text = SWEEP.format(
            name=sweep_name,
            calibrated=SCENARIOS / "calibrated.toml",
            bootcamp=SCENARIOS / "tuition_bootcamp.toml",
        )
        for old, new in edits:
            assert old in text, f"edit of the test's sweep template: {old!r} not found"
            text = text.replace(old, new, 1)
        return self.write(name, text + extra)

    def out(self, name: str = "fresh_out") -> str:
        """A new output folder, which the case may create."""
        self.allowed.append(name)
        return str(self.root / name)

    def results(self, kind: str, name: str | None = None) -> Path:
        """A copy of the session's results of ``kind`` (run, compare, sweep), which must stay unchanged."""
        src: Results = self._request.getfixturevalue(f"{kind}_results")
        return copy_results(src.folder, self.root / (name or f"{kind}_copy"))

    def sweep_source(self) -> str:
        return str(self._request.getfixturevalue("sweep_results").source)

    def symlink_loop(self, name: str) -> str:
        a, b = self.files / name, self.files / f"{name}.other"
        os.symlink(b, a)
        os.symlink(a, b)
        return str(a)

    def regular_file(self, name: str = "a_file.txt") -> str:
        return self.write(name, "not a folder\n")

    def readonly_dir(self, name: str) -> str:
        """An empty folder nobody may write to (chattr +i as root, where permissions do not bind)."""
        path = self.root / name
        path.mkdir()
        if os.geteuid() == 0:
            made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if made.returncode != 0:
                pytest.skip("as root without chattr +i no folder is read-only here")
            self.cleanups.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=False))
        else:
            path.chmod(0o555)
            self.cleanups.append(lambda: path.chmod(0o755))
        return str(path)


@dataclass(frozen=True)
class Case:
    id: str
    argv: Callable[[Env], list]
    culprit: str | tuple[str, ...] | None  # a --flag, or how the blamed path ends; MINE: the case's file
    names: tuple = ()  # more the line must contain (an entry that is a tuple: any one of its options)
    seconds: float = SECONDS


MINE = "<the case's own file>"  # the culprit is the file the case wrote, named <case id>.toml


def case(id: str, argv: Callable[[Env], list], culprit, *names, seconds: float = SECONDS) -> Case:
    return Case(id, argv, culprit, names, seconds)


def scenario(id: str, body: str, *names, extends="calibrated.toml", tiny=True, flags=(), seconds=SECONDS):
    """`pathways run <its own file>`: ``body`` over a shipped scenario (at toy size unless tiny=False)."""

    def argv(e: Env) -> list:
        return ["run", e.scenario(e.mine, body, extends, tiny), *flags]

    return Case(f"scenario-{id}", argv, MINE, names, seconds)


def scenario_bytes(id: str, content: str | bytes, *names) -> Case:
    """`pathways run <its own file>` holding exactly ``content``."""
    return Case(f"scenario-{id}", lambda e: ["run", e.write(e.mine, content)], MINE, names)


def sweep(id: str, edits=(), *names, extra="", flags=(), out=True, seconds=SECONDS) -> Case:
    """`pathways sweep <its own file> --out <new folder>`: the toy sweep with ``(old, new)`` edits."""
    edits = [edits] if edits and isinstance(edits[0], str) else list(edits)

    def argv(e: Env) -> list:
        return ["sweep", e.sweep(e.mine, *edits, extra=extra), *(["--out", e.out()] if out else []), *flags]

    return Case(f"sweep-{id}", argv, MINE, names, seconds)


def sweep_bytes(id: str, content: str | bytes) -> Case:
    return Case(f"sweep-{id}", lambda e: ["sweep", e.write(e.mine, content), "--out", e.out()], MINE)


def compare_two(e: Env) -> list:
    """`pathways compare` of the toy calibrated market and the toy bootcamp."""
    return ["compare", e.scenario("tiny.toml"), e.scenario("boot.toml", extends="tuition_bootcamp.toml"),
            "--no-parameter-uncertainty"]  # fmt: skip


def grid_values(n: int, lo: float = 0.1, hi: float = 0.9) -> str:
    return ", ".join(f"{lo + (hi - lo) * i / (n - 1):.4f}" for i in range(n))


# ----------------------------------------------------------------- numeric flags of every command

# command -> its command line without the flag (argparse keeps the last value given)
FLAG_BASES: dict[str, Callable[[Env], list]] = {
    "run": lambda e: ["run", e.scenario("tiny.toml")],
    "compare": lambda e: [*compare_two(e), "--out", e.out()],
    "sweep": lambda e: ["sweep", e.sweep("flags.toml"), "--out", e.out()],
    "validate": lambda e: ["validate", "--out", e.out()],
    "sensitivity": lambda e: ["sensitivity", "--out", e.out()],
    "calibrate": lambda e: ["calibrate", "--out", e.out()],
    "bench": lambda e: ["bench", "--sizes", "1000", "--months", "2", "--plain-sizes", "", "--skip-matching"],
    "brief": lambda e: ["brief", e.results("compare"), "--out", e.out()],
}

BAD_FLAGS: list[tuple[str, str, list[str]]] = [
    ("run", "--months", ["0", "-1", "nan", "inf", "1.5", "abc", "1201", ""]),
    ("run", "--workers", ["0", "-5", "10000000000", "10000001", "1e3", "nan"]),
    ("run", "--seed", ["-1", "nan", "1.5", "inf"]),
    ("compare", "--seeds", ["1", "0", "-2", "nan", "2.5"]),
    ("compare", "--jobs", ["0", "-3", "257", "1.5", "inf", "many"]),
    ("compare", "--workers", ["0", "10000000001"]),
    ("compare", "--months", ["0", "inf", "1201"]),
    ("sweep", "--seeds", ["0", "-1", "nan"]),
    ("sweep", "--workers", ["0", "10000000000"]),
    ("sweep", "--months", ["0", "99999"]),
    ("sweep", "--jobs", ["0", "-3", "1000"]),
    ("validate", "--workers", ["0", "-1", "inf", "10000001"]),
    ("validate", "--seeds", ["0", "1", "-3"]),
    ("validate", "--jobs", ["0", "-1"]),
    ("sensitivity", "--samples", ["0", "1", "nan"]),
    ("sensitivity", "--replicates", ["0", "-1"]),
    ("sensitivity", "--workers", ["0"]),
    ("sensitivity", "--jobs", ["0"]),
    ("calibrate", "--budget", ["0", "3", "-1", "nan"]),
    ("calibrate", "--jobs", ["0", "-2"]),
    ("bench", "--sizes", ["0", "-5", "ten", ",", "1000,0", "nan", "1.5"]),
    ("bench", "--months", ["0", "-1"]),
    ("bench", "--plain-months", ["0"]),
    ("bench", "--plain-sizes", ["-5"]),
    ("brief", "--material-relative", ["-0.1", "1.5", "nan", "inf", "two percent"]),
    ("brief", "--material-points", ["-1", "2", "nan"]),
    ("compare", "--dask", [""]),
]


def flag_case(command: str, flag: str, value: str) -> Case:
    base = FLAG_BASES[command]
    more = ["--plain-sizes", "1000"] if flag == "--plain-months" else []  # plain runs need sizes
    return case(f"flag-{command}{flag}={value or 'empty'}", lambda e: [*base(e), *more, flag, value], flag)


FLAG_CASES = [flag_case(command, flag, v) for command, flag, bad in BAD_FLAGS for v in bad]

# ----------------------------------------------------------------- scenario files

BOOTCAMP = "[trainers.bootcamp.programs.it_bootcamp]\n"
OWN_RUN = "[run]\nworkers = 300\nburn_in_months = 6\n"  # months from the shipped scenario (120)
LATIN1 = f'extends = "{SCENARIOS / "calibrated.toml"}"\n[meta]\nname = "café"\n'.encode("latin-1")
APPRENTICE_WAGE = "[trainers.apprenticeship.programs.it_apprenticeship]\ntraining_wage_hourly = -20.0"
TOML_DEEP_ARRAY = "a = " + "[" * DEEP + "]" * DEEP + "\n"
TOML_DEEP_TABLES = "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n"
HUGE_ARRAY = "[skills]\neducation_effect = [" + "0.0, " * HUGE + "0.0]"
LONG_ARRAY = "[skills]\neducation_effect = [" + "0.0, " * 50_000 + "0.0]"  # under the size limit


def _run_with(*files: tuple[str, str | bytes], main_file: str):
    """`pathways run <main_file>` after writing ``files`` (name, content) beside it."""

    def argv(e: Env) -> list:
        for name, content in files:
            e.write(name, content)
        return ["run", str(e.files / main_file)]

    return argv


def _extends_loop(e: Env) -> list:
    e.symlink_loop("loop_parent.toml")
    return ["run", e.write("child_of_loop.toml", 'extends = "loop_parent.toml"\n')]


def _extends_folder(e: Env) -> list:
    (e.files / "a_folder.toml").mkdir()
    return ["run", e.write("child_of_folder.toml", 'extends = "a_folder.toml"\n')]


def _fifo(e: Env) -> list:
    os.mkfifo(e.files / "fifo.toml")
    return ["run", str(e.files / "fifo.toml")]


def _folder(e: Env) -> list:
    (e.files / "folder.toml").mkdir()
    return ["run", str(e.files / "folder.toml")]


def _escape(name: str):
    """`pathways run` (no --out) of a scenario whose meta.name would lead its default folder elsewhere."""
    return lambda e: ["run", e.scenario("escape.toml", f'[meta]\nname = "{name}"')]


def _twins(e: Env) -> list:
    first, second = (e.scenario(f"twin_{x}.toml", '[meta]\nname = "twin"') for x in "ab")
    return ["compare", first, second, "--out", e.out()]


def _compare_with(name: str, body: str, out: bool = True):
    def argv(e: Env) -> list:
        return [
            "compare",
            e.scenario("tiny.toml"),
            e.scenario(name, body),
            *(["--out", e.out()] if out else []),
        ]

    return argv


SCENARIO_CASES = [
    # NaN and inf wherever a number is read
    scenario("nan-good-job-wage", "[economy]\ngood_job_wage = nan", "economy.good_job_wage"),
    scenario("inf-good-job-wage", "[economy]\ngood_job_wage = inf", "economy.good_job_wage"),
    scenario("1e400-good-job-wage", "[economy]\ngood_job_wage = 1e400", "economy.good_job_wage"),
    scenario("minus-inf-noise", "[hiring]\nnoise_sd = -inf", "hiring.noise_sd"),
    scenario("nan-race-penalty", "[hiring.race_penalty]\nblack = nan", "hiring.race_penalty"),
    scenario("inf-women-penalty", "[hiring.women_penalty]\nit = -inf", "hiring.women_penalty"),
    scenario("inf-sector-interest", "[sorting.men]\nit = inf", "sorting.men"),
    scenario(
        "nan-education-effect", "[skills]\neducation_effect = [0.0, nan, 1.0]", "skills.education_effect"
    ),
    scenario("nan-group-share", "[groups.white_men]\nshare = nan", "groups.white_men.share"),
    scenario("nan-per-employer", f"{TINY_RUN}workers_per_employer = nan", "workers_per_employer", tiny=False),
    scenario("nan-minimum-wage", "[economy]\nminimum_wage_hourly = nan", "economy.minimum_wage_hourly"),
    scenario("inf-expenses", "[finances]\nmonthly_expenses = inf", "finances.monthly_expenses"),
    scenario("inf-credit-limit", "[finances]\ncredit_limit = inf", "finances.credit_limit"),
    scenario("inf-jobs-per-worker", "[economy]\njobs_per_worker = inf", "economy.jobs_per_worker"),
    scenario("nan-price", f"{BOOTCAMP}price = nan", "price", extends="tuition_bootcamp.toml"),
    # bytes that are not a UTF-8 TOML file
    scenario_bytes("binary", BINARY),
    scenario_bytes("latin1", LATIN1),
    scenario_bytes("utf16", '[meta]\nname = "x"\n'.encode("utf-16")),
    scenario_bytes("empty-file", b""),
    scenario_bytes("only-a-comment", "# nothing here\n"),
    scenario_bytes("toml-syntax", "[meta\nname = \n"),
    scenario("duplicate-key", "[network]\nhomophily = 0.5\nhomophily = 0.6"),
    scenario_bytes("100000-deep-array", TOML_DEEP_ARRAY),
    scenario_bytes("100000-deep-tables", TOML_DEEP_TABLES),
    scenario("2M-element-array", HUGE_ARRAY, "too large"),  # refused by size, before the slow parse
    scenario("50k-element-array", LONG_ARRAY, "skills.education_effect", "50,001 items"),
    # unknown keys and wrong types
    scenario("unknown-top-key", "colour = 1", "colour"),
    scenario("unknown-key", "[hiring]\nbias = 0.3", "hiring.bias"),
    scenario("string-for-number", '[network]\nhomophily = "high"', "network.homophily"),
    scenario("bool-for-number", "[economy]\ngood_job_wage = true", "economy.good_job_wage"),
    scenario("bool-for-int", "[run]\nworkers = true\nmonths = 12", "run.workers", tiny=False),
    scenario("float-for-int", "[run]\nworkers = 300.5\nmonths = 12", "run.workers", tiny=False),
    scenario("table-for-number", "[network.homophily]\nx = 1", "network.homophily"),
    scenario("number-for-table", "hiring = 5", "hiring"),
    scenario("list-for-string", '[meta]\nname = ["a", "b"]', "meta.name"),
    scenario("date-for-int", "[meta]\ndollar_year = 2019-01-01", "meta.dollar_year"),
    # sizes
    scenario("1e30-workers", f"[run]\nworkers = {10**30}\nmonths = 12", "run.workers", tiny=False),
    scenario("workers-over-limit", "[run]\nworkers = 10000001\nmonths = 12", "run.workers", tiny=False),
    scenario("1e30-months", f"[run]\nworkers = 300\nmonths = {10**30}", "run.months", tiny=False),
    scenario("months-over-limit", "[run]\nworkers = 300\nmonths = 1201", "run.months", tiny=False),
    scenario("months-zero", "[run]\nworkers = 300\nmonths = 0", "run.months", tiny=False),
    scenario("negative-seed", f"{TINY_RUN}seed = -1", "run.seed", tiny=False),
    scenario(
        "negative-burn-in", "[run]\nworkers = 300\nburn_in_months = -1", "run.burn_in_months", tiny=False
    ),
    # shares and wages
    scenario("group-shares", "[groups.white_men]\nshare = 0.5", "share"),
    scenario("education-shares", "[groups.white_men.education]\nba_plus = 0.9", "education"),
    scenario("sector-shares", "[sectors.it]\njob_share = 0.9", "job_share"),
    scenario("negative-minimum-wage", "[economy]\nminimum_wage_hourly = -7.25", "minimum_wage_hourly"),
    scenario("negative-good-job-wage", "[economy]\ngood_job_wage = -1.0", "good_job_wage"),
    scenario("negative-price", f"{BOOTCAMP}price = -5.0", "price", extends="tuition_bootcamp.toml"),
    scenario(
        "negative-training-wage", APPRENTICE_WAGE, "training_wage_hourly", extends="apprenticeship.toml"
    ),
    # programs, trials and policies that start when the run is over
    scenario(
        "program-starts-at-end", f"{BOOTCAMP}start_month = 12", "start_month", extends="tuition_bootcamp.toml"
    ),
    scenario(
        "program-starts-later", f"{BOOTCAMP}start_month = 500", "start_month", extends="tuition_bootcamp.toml"
    ),
    scenario(
        "program-after-months-flag",
        f"{OWN_RUN}{BOOTCAMP}start_month = 24",
        "start_month",
        "--months",
        extends="tuition_bootcamp.toml",
        tiny=False,
        flags=("--months", "12"),
    ),
    scenario(
        "trial-starts-at-end",
        "[trial]\nstart_month = 12",
        "trial.start_month",
        extends="sectoral_tuition_free.toml",
    ),
    scenario(
        "policy-starts-at-end",
        "[policies.bias_reduction]\nreduction = 0.5\nstart_month = 12",
        "policies.bias_reduction.start_month",
    ),
    scenario(
        "policy-after-months-flag",
        f"{OWN_RUN}[policies.bias_reduction]\nreduction = 0.5\nstart_month = 24",
        "policies.bias_reduction.start_month",
        "--months",
        tiny=False,
        flags=("--months", "12"),
    ),
    # names that are not there
    scenario(
        "unknown-program-in-policy",
        '[policies.tuition_free]\nprograms = ["no_such_program"]',
        "no_such_program",
    ),
    scenario("unknown-sector", f'{BOOTCAMP}sector = "space"', "space", extends="tuition_bootcamp.toml"),
    scenario(
        "unknown-group",
        f'{BOOTCAMP}eligibility = {{ groups = ["martians"] }}',
        "martians",
        extends="tuition_bootcamp.toml",
    ),
    scenario(
        "unknown-sector-in-policy", '[policies.network_access]\nties_added = 2\nsectors = ["space"]', "space"
    ),
    scenario("unknown-trial-program", '[trial]\nprogram = "no_such_program"', "no_such_program"),
    scenario("unknown-credential", f'{BOOTCAMP}credential = "phd"', "phd", extends="tuition_bootcamp.toml"),
    scenario("unknown-reference-group", '[meta]\nreference_group = "martians"', "martians"),
    # extends
    case(
        "scenario-extends-cycle",
        _run_with(
            ("cycle_b.toml", 'extends = "cycle_a.toml"\n'),
            ("cycle_a.toml", 'extends = "cycle_b.toml"\n'),
            main_file="cycle_a.toml",
        ),
        ("cycle_a.toml", "cycle_b.toml"),
        "extends",
    ),
    case(
        "scenario-extends-itself",
        _run_with(("self.toml", 'extends = "self.toml"\n'), main_file="self.toml"),
        "self.toml",
    ),
    case(
        "scenario-extends-missing-file",
        _run_with(("orphan.toml", 'extends = "no_such_parent.toml"\n'), main_file="orphan.toml"),
        "orphan.toml",
        "no_such_parent.toml",
    ),
    scenario_bytes("extends-a-number", "extends = 5\n", "extends"),
    case("scenario-extends-a-folder", _extends_folder, "child_of_folder.toml", "a_folder.toml"),
    case(
        "scenario-extends-binary",
        _run_with(
            ("binary_parent.toml", BINARY),
            ("child.toml", 'extends = "binary_parent.toml"\n'),
            main_file="child.toml",
        ),
        ("binary_parent.toml", "child.toml"),
    ),
    case("scenario-extends-symlink-loop", _extends_loop, "child_of_loop.toml", "loop_parent.toml"),
    # meta.name must never lead the default output folder out of out/
    case("scenario-meta-name-dotdot-dotdot", _escape("../.."), "escape.toml", "meta.name"),
    case("scenario-meta-name-dotdot", _escape(".."), "escape.toml", "meta.name"),
    case(
        "scenario-meta-name-absolute",
        lambda e: _escape(str(e.root / "escaped"))(e),
        "escape.toml",
        "meta.name",
    ),
    case("scenario-meta-name-slash", _escape("a/b"), "escape.toml", "meta.name"),
    case("scenario-meta-name-backslash", _escape("a\\\\b"), "escape.toml", "meta.name"),
    case("scenario-meta-name-hidden", _escape(".hidden"), "escape.toml", "meta.name"),
    case("scenario-meta-name-nul", _escape("a\\u0000b"), "escape.toml", "meta.name"),
    case(
        "compare-meta-name-escape",
        _compare_with("escape.toml", '[meta]\nname = "../../x"', out=False),
        "escape.toml",
        "meta.name",
    ),
    # not a scenario file at all
    case("scenario-missing-file", lambda e: ["run", str(e.files / "no_such.toml")], "no_such.toml"),
    case("scenario-is-a-folder", _folder, "folder.toml"),
    case("scenario-is-a-fifo", _fifo, "fifo.toml"),
    case("scenario-symlink-loop", lambda e: ["run", e.symlink_loop("loop.toml")], "loop.toml"),
    # the arms of a comparison
    case(
        "compare-same-file-twice",
        lambda e: [*compare_two(e)[:2], e.scenario("tiny.toml"), "--out", e.out()],
        "tiny.toml",
    ),
    case("compare-two-arms-one-name", _twins, ("twin_a.toml", "twin_b.toml"), "meta.name"),
    case(
        "compare-bad-second-arm",
        _compare_with("arm_nan.toml", "[economy]\ngood_job_wage = nan"),
        "arm_nan.toml",
        "good_job_wage",
    ),
    case(
        "compare-missing-arm",
        lambda e: [*compare_two(e)[:2], str(e.files / "gone.toml"), "--out", e.out()],
        "gone.toml",
    ),
]

# ----------------------------------------------------------------- sweep files

ARMS = (
    f'[arms.base]\nscenario = "{SCENARIOS / "calibrated.toml"}"\n\n'
    f'[arms.boot]\nscenario = "{SCENARIOS / "tuition_bootcamp.toml"}"\n'
)
VALUES = "values = [0.5, 0.8]"  # the values of the toy sweep's one parameter
MILLION_POINTS = "".join(  # with homophily's 2 values: 250,000 points
    f'\n[[parameters]]\nname = "p{i}"\nkeys = ["{key}"]\nvalues = [{grid_values(50)}]\n'
    for i, key in enumerate(["search.reach_up", "search.on_the_job_search", "enrolment.consider_rate"])
)
MENTORING = [
    (VALUES, "range = [15.0, inf]"),
    (
        'keys = ["network.homophily"]',
        'keys = ["trainers.bootcamp.programs.it_bootcamp.mentoring_ties"]\narms = ["boot"]',
    ),
]
LIMIT = ("100,000", "100000")  # a plan may have at most 100,000 runs


def _arm_binary(e: Env) -> list:
    path = e.write("arm_binary.toml", BINARY)
    return ["sweep", e.sweep(e.mine, (str(SCENARIOS / "calibrated.toml"), path)), "--out", e.out()]


def _other_sweep_into_copy(e: Env) -> list:
    other = e.sweep("other.toml", ("values = [0.5, 0.8]", "values = [0.6, 0.7]"), sweep_name="fixture_sweep")
    return ["sweep", other, "--out", e.results("sweep")]


def _absolute_sweep_name(e: Env) -> list:
    return ["sweep", e.sweep(e.mine, ('name = "hostile"', f'name = "{e.root / "elsewhere"}"'))]


def _outcomes(text: str) -> tuple[str, str]:
    return ("burn_in_months = 6", f"burn_in_months = 6\noutcomes = {text}")


SWEEP_CASES = [
    sweep("range-nan", (VALUES, "range = [0.1, nan]"), "range"),
    sweep("range-15-inf", MENTORING, "range"),
    sweep("values-nan", (VALUES, "values = [nan]"), "values"),
    sweep("values-inf", (VALUES, "values = [0.5, inf]"), "values"),
    sweep_bytes("binary", BINARY),
    sweep_bytes("latin1", '[sweep]\nname = "café"\n'.encode("latin-1")),
    sweep_bytes("empty-file", b""),
    sweep_bytes("100000-deep-array", TOML_DEEP_ARRAY),
    sweep("unknown-top-key", ("[sweep]", "colour = 1\n[sweep]"), "colour"),
    sweep("unknown-key", ("seeds = 2", "seeds = 2\nseedz = 3"), "sweep.seedz"),
    sweep("lhs-100M-samples", ('kind = "grid"', 'kind = "lhs"\nsamples = 100000000'), LIMIT, seconds=15),
    sweep("grid-of-250000-points", (), LIMIT, extra=MILLION_POINTS),
    sweep("120000-values", (VALUES, "values = [" + "0.5, " * 120_000 + "0.5]"), LIMIT),  # under 1 MB
    sweep("a-billion-seeds", ("seeds = 2", "seeds = 1000000000")),
    sweep("unknown-design", ('kind = "grid"', 'kind = "random"'), "design.kind"),
    sweep("sobol-of-6", ('kind = "grid"', 'kind = "sobol"\nsamples = 6'), "samples"),
    sweep("samples-zero", ('kind = "grid"', 'kind = "lhs"\nsamples = 0'), "design.samples"),
    sweep("samples-negative", ('kind = "grid"', 'kind = "lhs"\nsamples = -4'), "design.samples"),
    sweep("levels-one", (VALUES, "range = [0.3, 0.9]\nlevels = 1"), "levels"),
    sweep("no-arms", (ARMS, "[arms]\n"), "arms"),
    sweep(
        "arm-missing-scenario", (str(SCENARIOS / "calibrated.toml"), "no_such_arm.toml"), "no_such_arm.toml"
    ),
    case("sweep-arm-binary-scenario", _arm_binary, (MINE, "arm_binary.toml")),
    sweep(
        "arm-override-nan",
        (),
        "good_job_wage",
        extra="\n[arms.base.overrides.economy]\ngood_job_wage = nan\n",
    ),
    sweep("arm-override-unknown-key", (), "bias", extra="\n[arms.base.overrides.hiring]\nbias = 1.0\n"),
    sweep(
        "parameter-key-missing", ('keys = ["network.homophily"]', 'keys = ["network.nope"]'), "network.nope"
    ),
    sweep(
        "parameter-unknown-arm",
        ('keys = ["network.homophily"]', 'keys = ["network.homophily"]\narms = ["ghost"]'),
        "ghost",
    ),
    sweep(
        "parameter-name-twice",
        (),
        ("homophily", "parameters.1"),
        extra='\n[[parameters]]\nname = "homophily"\nkeys = ["search.reach_up"]\nvalues = [0.1, 0.2]\n',
    ),
    sweep("parameter-range-and-values", (VALUES, "values = [0.5, 0.8]\nrange = [0.1, 0.9]"), "range"),
    sweep("parameter-keys-empty", ('keys = ["network.homophily"]', "keys = []"), "keys"),
    sweep("parameter-integer-string", (VALUES, 'values = [0.5, 0.8]\ninteger = "yes"'), "integer"),
    sweep("unknown-outcome", _outcomes('["happiness"]'), "happiness"),
    sweep("outcomes-a-string", _outcomes('"pay_ratio"'), "sweep.outcomes"),
    sweep("seeds-zero", ("seeds = 2", "seeds = 0"), "sweep.seeds"),
    sweep("seeds-true", ("seeds = 2", "seeds = true"), "sweep.seeds"),
    sweep("workers-a-string", ("workers = 300", 'workers = "300"'), "sweep.workers"),
    sweep("workers-1e30", ("workers = 300", f"workers = {10**30}"), "sweep.workers"),
    sweep("months-a-float", ("months = 12", "months = 1.5"), "sweep.months"),
    sweep("months-over-limit", ("months = 12", "months = 1201"), "sweep.months"),
    sweep("burn-in-negative", ("burn_in_months = 6", "burn_in_months = -1"), "sweep.burn_in_months"),
    sweep("seed-negative", ("seed = 5", "seed = -1"), "sweep.seed"),
    sweep("arm-table-twice", (), extra=f'\n[arms.base]\nscenario = "{SCENARIOS / "calibrated.toml"}"\n'),
    case("sweep-file-is-a-folder", lambda e: ["sweep", str(e.files), "--out", e.out()], "files"),
    case(
        "sweep-file-missing",
        lambda e: ["sweep", str(e.files / "no_sweep.toml"), "--out", e.out()],
        "no_sweep.toml",
    ),
    sweep("name-escapes-out", ('name = "hostile"', 'name = "../../x"'), "sweep.name", out=False),
    case("sweep-name-absolute", _absolute_sweep_name, MINE, "sweep.name"),
    # values from the command line are blamed on the flag, not on the sweep file
    case("sweep-flag-a-million-seeds", lambda e: [*FLAG_BASES["sweep"](e), "--seeds", "1000000"], "--seeds"),
    case("sweep-flag-months-over-limit", lambda e: [*FLAG_BASES["sweep"](e), "--months", "1201"], "--months"),
    case(
        "sweep-flag-workers-over-limit",
        lambda e: [*FLAG_BASES["sweep"](e), "--workers", "20000000"],
        "--workers",
    ),
    case(
        "sweep-dask-unreachable",
        lambda e: [*FLAG_BASES["sweep"](e), "--dask", "tcp://127.0.0.1:1"],
        "--dask",
        seconds=20,
    ),
    case(
        "sweep-dask-not-an-address",
        lambda e: [*FLAG_BASES["sweep"](e), "--dask", "not an address"],
        "--dask",
        seconds=20,
    ),
    case("sweep-dask-empty", lambda e: [*FLAG_BASES["sweep"](e), "--dask", ""], "--dask", seconds=20),
    # a sweep folder holding results
    case("sweep-other-sweep-into-a-sweep-folder", _other_sweep_into_copy, "sweep_copy"),
    case(
        "sweep-again-without-resume",
        lambda e: ["sweep", e.sweep_source(), "--out", e.results("sweep")],
        "sweep_copy",
        "--resume",
    ),
]

# ----------------------------------------------------------------- output folders and results


def _into(command: str, kind: str, *flags: str):
    """`pathways <command> ... --out <a copy of earlier results of kind>`, which must stay as it was."""

    def argv(e: Env) -> list:
        folder = str(e.results(kind))
        if command == "run":
            return ["run", e.scenario("other.toml"), "--seed", "9", "--out", folder, *flags]
        if command == "compare":
            return [*compare_two(e), "--seeds", "3", "--out", folder, *flags]
        if command == "sweep":
            return ["sweep", e.sweep("into.toml"), "--out", folder, *flags]
        return [command, "--out", folder, *flags]

    return argv


def _damaged(kind: str, file: str, how: str, command: str):
    """`pathways <command>` of a copy of ``kind`` results whose ``file`` is damaged ``how``."""

    def argv(e: Env) -> list:
        folder = e.results(kind)
        damage(folder / file, how)
        if command == "resume":
            return ["sweep", e.sweep_source(), "--out", folder, "--resume"]
        return [command, folder]

    return argv


def _out_is(where: str, command: str):
    """`pathways <command> --out` a regular file (where="file") or a path under one (where="under")."""

    def argv(e: Env) -> list:
        path = e.regular_file("a_file.txt")
        path = str(Path(path) / "sub") if where == "under" else path
        if command == "run":
            return ["run", e.scenario("tiny.toml"), "--out", path]
        if command == "compare":
            return [*compare_two(e), "--out", path]
        if command == "sweep":
            return ["sweep", e.sweep("to_file.toml"), "--out", path]
        if command == "brief":
            return ["brief", e.results("compare"), "--out", path]
        return [command, "--out", path]

    return argv


def _readonly_out(e: Env) -> list:
    e.env["HOME"] = str(Path(e.regular_file("not_a_home")) / "home")  # and no writable HOME either
    return ["run", e.scenario("tiny.toml"), "--out", e.readonly_dir("readonly_out")]


def _brief_without_summary(e: Env) -> list:
    folder = e.results("sweep")
    for pattern in ("summary.*", "points.*", "effects.*", "results.parquet", "failures.csv"):
        for path in folder.glob(pattern):
            path.unlink()
    return ["brief", folder]


def _runs_is_a_file(e: Env) -> list:
    folder = e.results("sweep")
    shutil.rmtree(folder / "runs")
    (folder / "runs").write_text("not a folder\n")
    return ["sweep", e.sweep_source(), "--out", folder, "--resume"]


def _scenario_out(target: Callable[[Env], str]):
    return lambda e: ["calibrate", "--out", e.out(), "--scenario-out", target(e)]


SHIPPED = str(SCENARIOS / "calibrated.toml")
DAMAGES = ("binary", "truncated", "empty", "not-json", "list", "nan", "deep", "folder")
SWEEP_JSON = {how: "sweep.json" for how in DAMAGES} | {"folder": ("sweep.json", "sweep_copy")}

FOLDER_CASES = [
    # a folder holding other results is refused, and left exactly as it was
    case("folder-run-into-run", _into("run", "run"), "run_copy", "--overwrite"),
    case("folder-run-into-compare", _into("run", "compare"), "compare_copy"),
    case("folder-run-into-sweep", _into("run", "sweep"), "sweep_copy"),
    case("folder-run-into-sweep-overwrite", _into("run", "sweep", "--overwrite"), "sweep_copy"),
    case("folder-run-into-compare-overwrite", _into("run", "compare", "--overwrite"), "compare_copy"),
    case("folder-compare-into-run", _into("compare", "run"), "run_copy"),
    case("folder-compare-into-run-overwrite", _into("compare", "run", "--overwrite"), "run_copy"),
    case("folder-compare-into-compare", _into("compare", "compare"), "compare_copy", "--overwrite"),
    case("folder-compare-into-sweep-overwrite", _into("compare", "sweep", "--overwrite"), "sweep_copy"),
    case("folder-sweep-into-run", _into("sweep", "run"), "run_copy"),
    case("folder-sweep-into-compare-overwrite", _into("sweep", "compare", "--overwrite"), "compare_copy"),
    case("folder-sweep-resume-into-run", _into("sweep", "run", "--resume"), "run_copy"),
    case("folder-validate-into-run", _into("validate", "run"), "run_copy"),
    case("folder-sensitivity-into-compare", _into("sensitivity", "compare"), "compare_copy"),
    case("folder-calibrate-into-run", _into("calibrate", "run"), "run_copy"),
    case("folder-calibrate-into-sweep-overwrite", _into("calibrate", "sweep", "--overwrite"), "sweep_copy"),
    case(
        "folder-calibrate-scenario-out-exists",
        _scenario_out(lambda e: e.write("fitted.toml", "# mine\n")),
        "fitted.toml",
        "--overwrite",
    ),
    case(
        "folder-calibrate-scenario-out-shipped",
        _scenario_out(lambda e: SHIPPED),
        "calibrated.toml",
        "--overwrite",
    ),
    case("folder-calibrate-scenario-out-a-folder", _scenario_out(lambda e: str(e.files)), "files"),
    case(
        "folder-brief-out-into-run",
        lambda e: ["brief", e.results("compare"), "--out", e.results("run")],
        "run_copy",
    ),
    case(
        "folder-brief-out-into-its-results",
        lambda e: ["brief", e.results("compare"), "--out", str(e.root / "compare_copy")],
        "compare_copy",
    ),
    # not results for this command, or damaged results
    case("brief-of-a-run-folder", lambda e: ["brief", e.results("run")], "run_copy"),
    case("brief-of-an-empty-folder", lambda e: ["brief", str(e.files)], "files"),
    case("brief-of-a-file", lambda e: ["brief", e.regular_file("results.txt")], "results.txt"),
    case("brief-of-a-missing-folder", lambda e: ["brief", str(e.root / "no_results")], "no_results"),
    case("brief-of-a-sweep-without-summary", _brief_without_summary, "sweep_copy", "summarize"),
    case(
        "brief-truncated-summary",
        _damaged("compare", "summary.parquet", "truncated", "brief"),
        "summary.parquet",
    ),
    case("brief-binary-manifest", _damaged("compare", "manifest.json", "binary", "brief"), "manifest.json"),
    case("brief-nan-manifest", _damaged("compare", "manifest.json", "nan", "brief"), "manifest.json"),
    case("brief-binary-sweep-json", _damaged("sweep", "sweep.json", "binary", "brief"), "sweep.json"),
    case("summarize-a-run-folder", lambda e: ["summarize", e.results("run")], "run_copy"),
    case("summarize-a-file", lambda e: ["summarize", e.regular_file("sweep.txt")], "sweep.txt"),
    case("summarize-a-missing-folder", lambda e: ["summarize", str(e.root / "no_sweep")], "no_sweep"),
    *[
        case(
            f"summarize-sweep-json-{how}", _damaged("sweep", "sweep.json", how, "summarize"), SWEEP_JSON[how]
        )
        for how in DAMAGES
    ],
    *[
        case(f"resume-sweep-json-{how}", _damaged("sweep", "sweep.json", how, "resume"), SWEEP_JSON[how])
        for how in DAMAGES
    ],
    case("resume-runs-is-a-file", _runs_is_a_file, ("runs", "sweep_copy")),
    # an --out that cannot be a folder
    *[
        case(f"out-is-a-file-{command}", _out_is("file", command), "a_file.txt")
        for command in ("run", "compare", "sweep", "brief", "validate", "sensitivity", "calibrate")
    ],
    *[
        case(f"out-under-a-file-{command}", _out_is("under", command), ("a_file.txt/sub", "a_file.txt"))
        for command in ("run", "compare", "sweep")
    ],
    case("out-read-only-and-no-home", _readonly_out, "readonly_out"),
    case("out-dev-null", lambda e: ["run", e.scenario("tiny.toml"), "--out", "/dev/null"], "/dev/null"),
    case(
        "out-symlink-loop",
        lambda e: ["run", e.scenario("tiny.toml"), "--out", e.symlink_loop("out_loop")],
        "out_loop",
    ),
]

COMMAND_LINE_CASES = [
    case("cli-no-command", lambda e: [], None),
    case("cli-unknown-command", lambda e: ["rnu"], None, "rnu"),
    case("cli-unknown-flag", lambda e: ["run", e.scenario("tiny.toml"), "--bogus"], None, "--bogus"),
    case("cli-run-without-scenario", lambda e: ["run"], None),
    case("cli-unknown-method", lambda e: ["sensitivity", "--method", "magic", "--out", e.out()], "--method"),
]

CASES = FLAG_CASES + SCENARIO_CASES + SWEEP_CASES + FOLDER_CASES + COMMAND_LINE_CASES


def _refuse_simulation(*_args, **_kwargs):
    raise SimulationStarted("a simulation started: the case must be refused before any run")


def _refuse_brief(*_args, **_kwargs):
    raise SimulationStarted("a brief was being written: the case must be refused before any output")


def guard_against_work(monkeypatch) -> None:
    """Make any simulation (or brief rendering) a failure of the case, at once: hostile input runs nothing."""
    from pathways.simulation import LabourMarket

    monkeypatch.setattr(LabourMarket, "__init__", _refuse_simulation)
    monkeypatch.setattr("pathways.benchmarks.bench._in_subprocess", _refuse_simulation, raising=False)
    monkeypatch.setattr("pathways.experiments.brief.write", _refuse_brief, raising=False)


def test_the_table_is_big_enough():
    assert len(CASES) >= 120
    ids = [c.id for c in CASES]
    assert len(set(ids)) == len(ids), "case ids must be unique"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, tmp_path, request, monkeypatch, capfd):
    root = tmp_path / "case_root"
    root.mkdir()
    env = Env(root, request)
    env.mine = f"{case.id}.toml"
    culprit = case.culprit
    if culprit is not None:
        culprit = tuple(
            env.mine if c == MINE else c for c in (culprit if isinstance(culprit, tuple) else (culprit,))
        )
    try:
        argv = case.argv(env)
        for name, value in env.env.items():
            monkeypatch.setenv(name, value)
        capfd.readouterr()  # what building the case printed is not the case's
        before, shipped = snapshot(root), shipped_state()
        monkeypatch.chdir(env.cwd)
        guard_against_work(monkeypatch)
        rc, escaped = call(argv, case.seconds)
        monkeypatch.undo()
        out, err = capfd.readouterr()
        after = snapshot(root)
    finally:
        for cleanup in env.cleanups:
            cleanup()
    said = f"\n  argv: {short(' '.join(map(str, argv)), 300)}"
    said += f"\n  stdout: {short(out)!r}\n  stderr: {short(err)!r}"
    if isinstance(escaped, SimulationStarted):
        pytest.fail(f"{escaped}{said}")
    if isinstance(escaped, CaseTimeout):
        pytest.fail(f"hang: {escaped}{said}")
    if escaped is not None:
        pytest.fail(f"traceback: {type(escaped).__name__} escaped main: {short(str(escaped), 300)}{said}")
    assert rc == 2, f"exit {rc}, expected 2{said}"
    assert "Traceback" not in out + err, f"traceback printed{said}"
    check_one_line_error(err, culprit, case.names)
    problems = changes(before, after, env.allowed)
    assert not problems, "files changed: " + "; ".join(problems[:10]) + said
    assert shipped_state() == shipped, "the shipped scenarios or calibration files changed"


# --------------------------------------------------------------------------- what the table cannot show


def test_resume_reruns_a_damaged_run_file(tmp_path, capfd, sweep_results):
    """A damaged runs/<id>.parquet is not "done": --resume runs it again, to a clean sweep's results."""
    folder = copy_results(sweep_results.folder, tmp_path / "sweep")
    victim = sorted((folder / "runs").glob("*.parquet"))[0]
    damage(victim, "truncated")
    rc, escaped = call(["sweep", sweep_results.source, "--out", folder, "--resume"], 120)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{short(err)}"
    assert rc == 0, short(err)
    assert "Traceback" not in out + err
    assert victim.read_bytes() == (sweep_results.folder / "runs" / victim.name).read_bytes()
    assert_same_table(folder / "results.parquet", sweep_results.folder / "results.parquet")


def test_summarize_reports_a_damaged_run_file(tmp_path, capfd, sweep_results):
    """summarize with a damaged run file: exit 1 naming the run; results.parquet never silently shrinks."""
    folder = copy_results(sweep_results.folder, tmp_path / "sweep")
    victim = sorted((folder / "runs").glob("*.parquet"))[0]
    damage(victim, "binary")
    rows_before = pq.read_metadata(folder / "results.parquet").num_rows
    rc, escaped = call(["summarize", folder], 60)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{short(err)}"
    assert rc == 1, f"exit {rc}: {short(out + err)}"
    assert "Traceback" not in out + err
    run_id = victim.name.removesuffix(".parquet")
    assert run_id in out + err, f"the damaged run {run_id} is not named: {short(out + err)}"
    rows_after = pq.read_metadata(folder / "results.parquet").num_rows
    assert rows_after >= rows_before or "results.parquet" in out + err, "results.parquet lost rows silently"


def test_summarize_of_an_incomplete_sweep_exits_1(tmp_path, capfd, sweep_results):
    """A run file missing (a sweep killed part-way): summarize says so and exits 1, without a traceback."""
    folder = copy_results(sweep_results.folder, tmp_path / "sweep")
    missing = sorted((folder / "runs").glob("*.parquet"))[-1]
    missing.unlink()
    rc, escaped = call(["summarize", folder], 60)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{short(err)}"
    assert rc == 1, f"exit {rc}: {short(out + err)}"
    assert "Traceback" not in out + err


def test_manifests_are_strict_json(run_results, compare_results, sweep_results):
    """No NaN or Infinity in a manifest: any JSON reader can read it."""

    def reject(name: str):
        raise ValueError(f"{name} in a manifest")

    for path in (
        run_results.folder / "manifest.json",
        compare_results.folder / "manifest.json",
        sweep_results.folder / "sweep.json",
    ):
        json.loads(path.read_text(), parse_constant=reject)


def test_summarize_uses_the_recorded_plan_after_the_files_change(tmp_path, capfd):
    """Editing a scenario or deleting the sweep file after a sweep does not change (or empty) its summary."""
    arm = write_scenario(tmp_path / "arm.toml")
    sweep = tmp_path / "edited.toml"
    text = SWEEP.format(name="edited", calibrated=arm, bootcamp=SCENARIOS / "tuition_bootcamp.toml")
    sweep.write_text(text.replace("values = [0.5, 0.8]", "values = [0.5]"))
    folder = tmp_path / "out"
    rc, escaped = call(["sweep", sweep, "--out", folder, "--jobs", "1"], 120)
    assert escaped is None and rc == 0, capfd.readouterr().err
    reference = tmp_path / "reference.parquet"
    shutil.copy(folder / "results.parquet", reference)
    assert pq.read_metadata(reference).num_rows > 0
    arm.write_text(arm.read_text() + "\n[network]\nhomophily = 0.3\n")
    for step in ("scenario edited", "sweep file deleted"):
        if step == "sweep file deleted":
            sweep.unlink()
        capfd.readouterr()
        rc, escaped = call(["summarize", folder], 60)
        err = capfd.readouterr().err
        assert escaped is None, f"{step}: {type(escaped).__name__}: {escaped}"
        assert rc == 0, f"{step}: exit {rc}: {short(err)}"
        assert_same_table(folder / "results.parquet", reference, f"{step}: results changed")


def test_sweep_whose_every_run_fails(tmp_path, monkeypatch, capfd):
    """Every run fails: exit 1, no suggestion of a brief; then `pathways brief` is a one-line error."""
    from pathways.simulation import LabourMarket

    def boom(self, *args, **kwargs):
        raise RuntimeError("boom: this run failed")

    monkeypatch.setattr(LabourMarket, "run", boom)
    sweep = write_sweep(tmp_path / "failing.toml", "failing")
    folder = tmp_path / "out"
    rc, escaped = call(["sweep", sweep, "--out", folder, "--jobs", "1"], 120)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{short(err)}"
    assert rc == 1, f"exit {rc}: {short(out + err)}"
    assert "Traceback" not in out + err
    assert "pathways brief" not in out + err, "a sweep with no result suggests a brief"
    monkeypatch.setattr("pathways.experiments.brief.write", _refuse_brief, raising=False)
    rc, escaped = call(["brief", folder], 30)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{short(err)}"
    assert rc == 2, f"exit {rc}: {short(out + err)}"
    assert "Traceback" not in out + err
    check_one_line_error(err, "out")


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_interrupt_exits_130_without_traceback(command, tmp_path, monkeypatch, capfd):
    from pathways.simulation import LabourMarket

    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(LabourMarket, "run", interrupt)
    if command == "run":
        argv = ["run", write_scenario(tmp_path / "tiny.toml"), "--out", tmp_path / "out"]
    else:
        argv = [
            "sweep",
            write_sweep(tmp_path / "s.toml", "interrupted"),
            "--out",
            tmp_path / "out",
            "--jobs",
            "1",
        ]
    rc, escaped = call(argv, 60)
    out, err = capfd.readouterr()
    assert escaped is None, f"{type(escaped).__name__} escaped main"
    assert rc == 130 and "Traceback" not in out + err and "interrupted" in err


def test_run_overwrite_replaces_its_own_outputs(tmp_path, capfd, run_results):
    """--overwrite over an earlier run: the new run's files, and no stale trial.parquet from the old one."""
    folder = copy_results(run_results.folder, tmp_path / "run")
    assert (folder / "trial.parquet").exists()
    rc, escaped = call(["run", write_scenario(tmp_path / "plain.toml"), "--out", folder, "--overwrite"], 120)
    err = capfd.readouterr().err
    assert escaped is None and rc == 0, short(err)
    assert not (folder / "trial.parquet").exists(), "a stale trial.parquet was left beside the new results"
    assert "plain.toml" in (folder / "manifest.json").read_text()


def test_compare_overwrite_removes_a_stale_brief(tmp_path, capfd, compare_results, inputs):
    folder = copy_results(compare_results.folder, tmp_path / "compare")
    (folder / "brief").mkdir()
    (folder / "brief" / "brief.html").write_text("<p>a brief of the old results</p>\n")
    argv = ["compare", inputs / "tiny.toml", inputs / "boot.toml", "--seeds", "3", "--jobs", "1"]
    rc, escaped = call([*argv, "--out", folder, "--overwrite"], 120)
    err = capfd.readouterr().err
    assert escaped is None and rc == 0, short(err)
    assert not (folder / "brief").exists(), "the old brief was left beside the new results"
    assert set(pq.read_table(folder / "runs.parquet").column("seed").to_pylist()) != set(
        pq.read_table(compare_results.folder / "runs.parquet").column("seed").to_pylist()
    )


def test_compare_default_out_folder(tmp_path, monkeypatch, capfd, inputs):
    """`pathways compare A B` without --out (the documented default) writes under out/."""
    monkeypatch.chdir(tmp_path)
    rc, escaped = call(
        ["compare", inputs / "tiny.toml", inputs / "boot.toml", "--seeds", "2", "--jobs", "1"], 120
    )
    err = capfd.readouterr().err
    assert escaped is None, f"traceback: {type(escaped).__name__}: {escaped}"
    assert rc == 0, short(err)
    written = list((tmp_path / "out").glob("*/summary.csv"))
    assert len(written) == 1, sorted(str(p) for p in tmp_path.rglob("*"))


def test_progress_lines_without_a_terminal(compare_results):
    """Off a terminal, compare still says how far it is (on stderr): here, out of 4 runs."""
    lines = [line for line in compare_results.stderr.splitlines() if line.strip()]
    assert any(re.search(r"\b[0-4]\s*(/|of)\s*4\b", line) for line in lines), compare_results.stderr


def test_results_files_get_the_users_umask(run_results, compare_results, sweep_results):
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    files = [
        compare_results.folder / "summary.csv",
        compare_results.folder / "manifest.json",
        run_results.folder / "metrics.parquet",
        sweep_results.folder / "results.parquet",
        sweep_results.folder / "sweep.json",
        *sorted((sweep_results.folder / "runs").glob("*.parquet"))[:1],
    ]
    modes = {str(p.name): oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert set(modes.values()) == {oct(expected)}, modes


def test_bench_without_the_matching_package(monkeypatch, capfd):
    """The `matching` package is for tests only: bench skips its row and says why."""
    from pathways.benchmarks import bench

    original = bench.matching_instance
    monkeypatch.setattr(bench, "matching_instance", lambda *a, **k: original(2000, 6))
    monkeypatch.setitem(sys.modules, "matching", None)
    monkeypatch.setitem(sys.modules, "matching.games", None)
    rc, escaped = call(["bench", "--sizes", "1000", "--months", "2", "--plain-sizes", ""], 120)
    out, err = capfd.readouterr()
    assert escaped is None, f"traceback: {type(escaped).__name__}: {escaped}"
    assert rc == 0 and "Traceback" not in out + err
    text = (out + err).lower()
    assert "numba kernel" in text
    assert "matching" in text and "skipped" in text and "not installed" in text, short(out + err)


# --------------------------------------------------------------------------- processes and code identity


def _freeze(folder: Path) -> Callable[[], None]:
    """Make ``folder`` and everything in it unwritable (chattr +i as root); returns the undo."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip("as root without chattr +i nothing is read-only here")
        return lambda: subprocess.run(["chattr", "-R", "-i", str(folder)], check=False)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    return lambda: [p.chmod(p.stat().st_mode | 0o200) for p in [folder, *folder.rglob("*")]]


def test_read_only_install_no_home_read_only_out(tmp_path):
    """A read-only install (numba cannot cache beside it), no writable HOME, a read-only --out: exit 2."""
    install = tmp_path / "install"
    shutil.copytree(ROOT / "pathways", install / "pathways", ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("simulation", "calibration", "experiments", "benchmarks", "scenarios"):
        shutil.copytree(
            ROOT / part, install / "pathways" / part, ignore=shutil.ignore_patterns("__pycache__")
        )
    scenario = write_scenario(tmp_path / "tiny.toml")
    out = tmp_path / "readonly_out"
    out.mkdir()
    (tmp_path / "not_a_home").write_text("a file, so HOME/.cache cannot exist\n")
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    env |= {
        "PYTHONPATH": str(install),
        "HOME": str(tmp_path / "not_a_home" / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
    }
    thaw = [_freeze(install), _freeze(out)]
    try:
        cmd = [sys.executable, "-m", "pathways", "run", str(scenario), "--out", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    finally:
        for undo in thaw:
            undo()
    said = f"stdout: {short(proc.stdout)!r}\nstderr: {short(proc.stderr)!r}"
    assert proc.returncode == 2, f"exit {proc.returncode}\n{said}"
    assert "Traceback" not in proc.stdout + proc.stderr, said
    check_one_line_error(proc.stderr, "readonly_out")
    assert not list(out.iterdir())


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time), from /proc."""
    table = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat_file.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        table[int(stat_file.parent.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def _descendants(pid: int) -> dict[int, str]:
    """Living descendants of ``pid``: pid -> start time."""
    table = _processes()
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, state, start) in table.items():
            if ppid == parent and child not in found and state not in "ZX":
                found[child] = start
                todo.append(child)
    return found


def _alive(pid: int, start: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == start and fields[0] not in "ZX"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigkilled_sweep_leaves_no_pool_worker(tmp_path):
    sweep = tmp_path / "kill.toml"
    write_sweep(sweep, "kill")
    text = sweep.read_text().replace("workers = 300", "workers = 3000").replace("months = 12", "months = 24")
    sweep.write_text(text.replace("seeds = 2", "seeds = 4"))  # 2 arms x 2 points x 4 seeds, a few s each
    log = (tmp_path / "stderr.txt").open("wb")
    cmd = [
        sys.executable,
        "-m",
        "pathways",
        "sweep",
        str(sweep),
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "out"),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, cwd=tmp_path)
    workers: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _descendants(proc.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, (
            f"no pool workers seen (exit {proc.poll()}): {(tmp_path / 'stderr.txt').read_text()}"
        )
        time.sleep(0.5)
        workers.update(_descendants(proc.pid))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p, s) for p, s in workers.items()):
            time.sleep(0.05)
        survivors = sorted(p for p, s in workers.items() if _alive(p, s))
        assert not survivors, f"pool workers {survivors} outlived their SIGKILLed parent {proc.pid} by 5 s"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid, start in workers.items():  # the processes this test started, by pid
            if _alive(pid, start):
                os.kill(pid, signal.SIGKILL)
        log.close()


def test_resume_refuses_a_folder_made_by_other_code(tmp_path, monkeypatch, capfd, run_results, sweep_results):
    from pathways.experiments import provenance
    from pathways.experiments import sweep as sw

    identity = provenance.code_identity()
    assert identity in (sweep_results.folder / "sweep.json").read_text(), "sweep.json lacks the code identity"
    assert identity in (run_results.folder / "manifest.json").read_text(), (
        "manifest.json lacks the code identity"
    )
    ids_here = {r.run_id for r in sw.load_sweep(sweep_results.source).runs}
    folder = copy_results(sweep_results.folder, tmp_path / "sweep")
    before = snapshot(folder)

    original = provenance.code_identity
    other = "0123456789abcdef" if identity != "0123456789abcdef" else "fedcba9876543210"
    for module in [
        m for name, m in list(sys.modules.items()) if name.startswith("pathways") and m is not None
    ]:
        if getattr(module, "code_identity", None) is original:
            monkeypatch.setattr(module, "code_identity", lambda: other)
    ids_other = {r.run_id for r in sw.load_sweep(sweep_results.source).runs}
    assert ids_here.isdisjoint(ids_other), "run ids do not depend on the code identity"

    capfd.readouterr()
    rc, escaped = call(["sweep", sweep_results.source, "--out", folder, "--resume"], 60)
    out, err = capfd.readouterr()
    assert escaped is None, f"traceback: {type(escaped).__name__}: {escaped}"
    assert rc == 2, f"exit {rc}: {short(out + err)}"
    check_one_line_error(err, ("sweep", "sweep.json"), ["--allow-other-code"])
    assert snapshot(folder) == before, "the refused folder changed"

    rc, escaped = call(
        ["sweep", sweep_results.source, "--out", folder, "--resume", "--allow-other-code"], 120
    )
    out, err = capfd.readouterr()
    assert escaped is None and rc == 0, short(err)
    assert "Traceback" not in out + err
