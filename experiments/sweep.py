"""Sweeps: scenarios x parameter samples x seeds, run anywhere, resumable.

A sweep file (TOML) names the arms (scenario files), the parameters to vary
(scenario key paths, with a range or a list of values), a design (``grid``,
``lhs`` or ``sobol`` from ``scipy.stats.qmc``), the number of seeds, and the
size of each run. See ``experiments/tuition_vs_apprenticeship.toml``.

How a sweep is planned:

* Design points are drawn once from the sweep seed, so every arm is run at the
  same points; a parameter applies only to the arms it names.
* Replicate ``r`` runs with the seed ``SeedSequence(sweep seed, spawn_key=(r,))``
  in every arm and at every point: arms and points share random streams
  (common random numbers), and a run's result depends only on its inputs,
  never on which process ran it or when.
* Each run's id is a hash of its resolved inputs (scenario as resolved,
  seed, package version). The id names its result file and is the cache and
  resume key: runs with identical inputs are run once.

How results are kept: each finished run is written atomically (a temporary
file, then a rename) to ``runs/<id>.parquet`` under the sweep folder; a run
that raises is written to ``runs/<id>.error.json`` and the sweep goes on.
``sweep.json`` records the sweep as resolved and the plan. ``--resume`` skips
runs already on disk, so a sweep killed at any moment loses at most the runs
in flight, and resuming it gives the same combined results as an
uninterrupted run. ``results.parquet`` combines every run in plan order.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

import pathways

from ..simulation import LabourMarket, Scenario, ScenarioError, load_scenario
from ..simulation.scenario import dotted, merge_tables, read_toml, scenario_dict, validation_messages
from .io import atomic_write_bytes, parquet_bytes
from .outcomes import key_outcomes, unit_of
from .run import versions


class SweepError(ValueError):
    """A malformed sweep file or folder; the message names the file and key."""


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SweepRun(_Block):
    name: str
    description: str = ""
    seed: int = Field(ge=0, description="Seeds the design and every replicate's seed.")
    seeds: int = Field(gt=0, description="Replicates per arm and design point.")
    workers: int = Field(gt=0)
    months: int = Field(gt=0)
    burn_in_months: int | None = Field(None, ge=0, description="Default: each scenario's own.")
    outcomes: list[str] = Field(default_factory=list, description="Outcomes to keep; empty: all.")


class ArmSpec(_Block):
    scenario: str = Field(description="Scenario file, relative to the sweep file (or a built-in name).")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Fixed changes for this arm.")


class Design(_Block):
    kind: Literal["grid", "lhs", "sobol"] = "grid"
    samples: int = Field(8, gt=0, description="Points for lhs and sobol (sobol: a power of two).")

    @model_validator(mode="after")
    def _power_of_two(self) -> Design:
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"a sobol design needs samples to be a power of two (got {self.samples})")
        return self


class Parameter(_Block):
    name: str
    keys: list[str] = Field(min_length=1, description="Dotted scenario key paths set to the value.")
    arms: list[str] = Field(default_factory=list, description="Arms it applies to; empty: all.")
    range: list[float] | None = Field(None, min_length=2, max_length=2)
    values: list[float] | None = Field(None, min_length=1)
    levels: int = Field(3, ge=2, description="Grid levels across a range.")
    integer: bool = False

    @model_validator(mode="after")
    def _range_or_values(self) -> Parameter:
        if (self.range is None) == (self.values is None):
            raise ValueError(f"parameter '{self.name}' needs exactly one of range or values")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"parameter '{self.name}': range must be [low, high] with low < high")
        return self

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval draws to parameter values."""
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            out = np.asarray(self.values, dtype=float)[idx]
        else:
            lo, hi = self.range
            out = lo + u * (hi - lo)
        return np.round(out) if self.integer else out

    def grid(self) -> np.ndarray:
        if self.values is not None:
            out = np.asarray(self.values, dtype=float)
        else:
            out = np.linspace(self.range[0], self.range[1], self.levels)
        return np.round(out) if self.integer else out


class SweepSpec(_Block):
    sweep: SweepRun
    arms: dict[str, ArmSpec] = Field(min_length=1)
    design: Design = Design()
    parameters: list[Parameter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> SweepSpec:
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be unique")
        for i, p in enumerate(self.parameters):
            unknown = sorted(set(p.arms) - set(self.arms))
            if unknown:
                raise ValueError(f"parameters.{i}.arms: unknown arm(s) {', '.join(unknown)}")
        unknown = sorted(o for o in self.sweep.outcomes if not unit_of(o))
        if unknown:
            raise ValueError(f"sweep.outcomes: unknown outcome(s) {', '.join(unknown)}")
        return self


@dataclass(frozen=True)
class RunSpec:
    """One run of the plan."""

    run_id: str
    arm: str
    point: int
    replicate: int
    seed: int
    params: dict[str, float]
    scenario_path: str
    overrides: dict[str, Any]


@dataclass
class Sweep:
    spec: SweepSpec
    path: Path
    points: np.ndarray  # (n_points, n_parameters), parameter units
    runs: list[RunSpec]
    scenarios: dict[str, Scenario | str]  # run id -> resolved scenario, or the error resolving it

    @property
    def hash(self) -> str:
        blob = json.dumps(self.spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


# --------------------------------------------------------------------------- planning


def _has_key(data: dict, key: str) -> bool:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def replicate_seed(sweep_seed: int, replicate: int) -> int:
    """The model seed of replicate ``replicate``: the same in every arm and at every point."""
    seq = np.random.SeedSequence(entropy=sweep_seed, spawn_key=(replicate,))
    return int(seq.generate_state(1, np.uint32)[0])


def design_points(spec: SweepSpec) -> np.ndarray:
    """Design points, shape (n_points, n_parameters), in parameter units."""
    params = spec.parameters
    if not params:
        return np.zeros((1, 0))
    if spec.design.kind == "grid":
        return np.array(list(product(*(p.grid() for p in params))), dtype=float)
    seed = replicate_seed(spec.sweep.seed, 2**31 - 1)  # a stream of its own for the design
    d = len(params)
    if spec.design.kind == "lhs":
        u = qmc.LatinHypercube(d=d, seed=seed).random(spec.design.samples)
    else:
        u = qmc.Sobol(d=d, scramble=True, seed=seed).random_base2(int(np.log2(spec.design.samples)))
    return np.column_stack([p.scale(u[:, j]) for j, p in enumerate(params)])


def load_sweep(
    path: str | Path, seeds: int | None = None, workers: int | None = None, months: int | None = None
) -> Sweep:
    """Read, validate and plan a sweep; ``seeds``, ``workers`` and ``months`` override the file."""
    path = Path(path)
    try:
        data = read_toml(path)
    except ScenarioError as exc:
        raise SweepError(str(exc)) from None
    over = {k: v for k, v in (("seeds", seeds), ("workers", workers), ("months", months)) if v is not None}
    if over:
        data = merge_tables(data, {"sweep": over})
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SweepError("\n".join(validation_messages(exc, path))) from None

    base: dict[str, dict] = {}
    for name, arm in spec.arms.items():
        scenario_file = _arm_file(path, arm.scenario)
        try:
            sc = load_scenario(scenario_file, arm.overrides, overrides_from=f"{path} (arms.{name}.overrides)")
        except ScenarioError as exc:
            raise SweepError(f"{path}: arms.{name}: {exc}") from None
        base[name] = scenario_dict(sc)
    for i, p in enumerate(spec.parameters):
        for arm in p.arms or list(spec.arms):
            for key in p.keys:
                if not _has_key(base[arm], key):
                    raise SweepError(
                        f"{path}: parameters.{i}.keys: '{key}' is not a key of arm '{arm}' "
                        f"({spec.arms[arm].scenario})"
                    )

    points = design_points(spec)
    runs: list[RunSpec] = []
    scenarios: dict[str, Scenario | str] = {}
    s = spec.sweep
    run_block = {"workers": s.workers, "months": s.months}
    if s.burn_in_months is not None:
        run_block["burn_in_months"] = s.burn_in_months
    for name, arm in spec.arms.items():
        scenario_file = _arm_file(path, arm.scenario)
        for k, point in enumerate(points):
            params = {
                p.name: float(point[j]) for j, p in enumerate(spec.parameters) if not p.arms or name in p.arms
            }
            overrides = dict(arm.overrides)
            for p in spec.parameters:
                if p.name in params:
                    value = int(params[p.name]) if p.integer else params[p.name]
                    for key in p.keys:
                        overrides = merge_tables(overrides, dotted(key, value))
            for r in range(s.seeds):
                seed = replicate_seed(s.seed, r)
                full = merge_tables(overrides, {"run": {**run_block, "seed": seed}})
                try:
                    sc = load_scenario(scenario_file, full, overrides_from=f"{path} (arm {name}, point {k})")
                    identity = scenario_dict(sc)
                except ScenarioError as exc:
                    sc = str(exc)
                    identity = {"unresolved": base[name], "overrides": full}
                run_id = _run_id(identity, seed)
                runs.append(RunSpec(run_id, name, k, r, seed, params, str(scenario_file), full))
                scenarios[run_id] = sc
    return Sweep(spec, path, points, runs, scenarios)


def _arm_file(sweep_path: Path, name: str) -> Path:
    near = sweep_path.parent / name
    return near if near.is_file() else Path(name)


def _run_id(identity: dict, seed: int) -> str:
    blob = json.dumps(
        {"scenario": identity, "seed": seed, "version": pathways.__version__},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# --------------------------------------------------------------------------- running


def execute(task: tuple[RunSpec, Scenario | str, list[str]]) -> dict:
    """Run one planned run; never raises. Returns rows, or the error and its traceback."""
    run, scenario, keep = task
    start = time.perf_counter()
    try:
        if isinstance(scenario, str):
            raise ScenarioError(scenario)
        model = LabourMarket(scenario, seed=run.seed)
        model.run()
        rows = [r for r in key_outcomes(model) if not keep or r["outcome"] in keep]
        return {"run_id": run.run_id, "rows": rows, "seconds": time.perf_counter() - start}
    except Exception as exc:
        return {
            "run_id": run.run_id,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
            "seconds": time.perf_counter() - start,
        }


def _table(run: RunSpec, rows: list[dict], parameters: list[str]) -> pa.Table:
    n = len(rows)
    columns: dict[str, list] = {
        "run_id": [run.run_id] * n,
        "arm": [run.arm] * n,
        "point": [run.point] * n,
        "replicate": [run.replicate] * n,
        "seed": [run.seed] * n,
    }
    for p in parameters:
        columns[p] = [run.params.get(p, float("nan"))] * n
    columns["group"] = [r["group"] for r in rows]
    columns["outcome"] = [r["outcome"] for r in rows]
    columns["value"] = [r["value"] for r in rows]
    return pa.table(columns)


def run_dir(out: Path) -> Path:
    return out / "runs"


def done_ids(out: Path) -> set[str]:
    return {p.name.removesuffix(".parquet") for p in run_dir(out).glob("*.parquet")}


def prepare_folder(sweep: Sweep, out: Path, resume: bool) -> None:
    """Create the folder and manifest; refuse to mix two different sweeps or to overwrite results."""
    manifest_path = out / "sweep.json"
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        if old.get("sweep_hash") != sweep.hash:
            raise SweepError(f"{out}: holds a different sweep (sweep.json); use another --out")
        if not resume and done_ids(out):
            raise SweepError(f"{out}: already has results; add --resume to continue, or use another --out")
    run_dir(out).mkdir(parents=True, exist_ok=True)
    manifest = {
        "sweep_file": str(sweep.path.resolve()),
        "sweep_hash": sweep.hash,
        "sweep": sweep.spec.model_dump(mode="json"),
        "parameters": [p.name for p in sweep.spec.parameters],
        "points": sweep.points.tolist(),
        "runs": [asdict(r) for r in sweep.runs],
        "versions": versions(),
    }
    atomic_write_bytes(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())


@dataclass
class Progress:
    done: int = 0
    failed: int = 0
    seconds: float = 0.0


def run_sweep(
    sweep: Sweep,
    out: Path,
    *,
    jobs: int = 1,
    dask: str | None = None,
    resume: bool = False,
    on_result: Callable[[dict, Progress], None] | None = None,
) -> Progress:
    """Run every planned run not already on disk; write each result as it arrives.

    jobs: local processes (1: in this process). dask: ``"local"`` for a
    ``LocalCluster`` of ``jobs`` workers, or a scheduler address.
    """
    prepare_folder(sweep, out, resume)
    have = done_ids(out)
    parameters = [p.name for p in sweep.spec.parameters]
    keep = sweep.spec.sweep.outcomes
    unique: dict[str, RunSpec] = {}
    for r in sweep.runs:
        if r.run_id not in have:
            unique.setdefault(r.run_id, r)
    tasks = [(r, sweep.scenarios[r.run_id], keep) for r in unique.values()]
    progress = Progress()
    by_id = {r.run_id: r for r in unique.values()}
    for result in _results(tasks, jobs, dask):
        run = by_id[result["run_id"]]
        if "error" in result:
            progress.failed += 1
            blob = json.dumps(
                {"run": asdict(run), "error": result["error"], "traceback": result["traceback"]},
                indent=1,
                default=str,
            )
            atomic_write_bytes(run_dir(out) / f"{run.run_id}.error.json", blob.encode())
        else:
            atomic_write_bytes(
                run_dir(out) / f"{run.run_id}.parquet",
                parquet_bytes(_table(run, result["rows"], parameters)),
            )
            (run_dir(out) / f"{run.run_id}.error.json").unlink(missing_ok=True)
        progress.done += 1
        progress.seconds += result["seconds"]
        if on_result:
            on_result(result, progress)
    return progress


def _results(tasks: list, jobs: int, dask: str | None) -> Iterable[dict]:
    if not tasks:
        return
    if dask is not None:
        yield from _dask_results(tasks, jobs, dask)
    elif jobs <= 1:
        for t in tasks:
            yield execute(t)
    else:
        from concurrent.futures import as_completed

        from .parallel import process_pool

        with process_pool(jobs) as pool:
            futures = [pool.submit(execute, t) for t in tasks]
            for f in as_completed(futures):
                yield f.result()


def _dask_results(tasks: list, jobs: int, address: str) -> Iterable[dict]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SweepError("--dask needs dask.distributed: pip install -e '.[dask]'") from None
    if address == "local":
        cluster = LocalCluster(
            n_workers=max(jobs, 1),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        cluster, client = None, Client(address)
    try:
        futures = client.map(execute, tasks, pure=False)
        for f in as_completed(futures):
            yield f.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- combining


def combine(sweep: Sweep, out: Path) -> tuple[pa.Table, list[dict]]:
    """Every finished run's rows in plan order, and the failures (run and error)."""
    parts, failures = [], []
    parameters = [p.name for p in sweep.spec.parameters]
    cache: dict[str, pa.Table] = {}
    for r in sweep.runs:
        path = run_dir(out) / f"{r.run_id}.parquet"
        if path.exists():
            table = cache.get(r.run_id) or pq.read_table(path)
            cache[r.run_id] = table
            # A run shared by several plan entries (identical inputs) is reported under each.
            parts.append(_relabel(table, r, parameters))
        else:
            err = run_dir(out) / f"{r.run_id}.error.json"
            if err.exists():
                failures.append(
                    {
                        "arm": r.arm,
                        "point": r.point,
                        "replicate": r.replicate,
                        "run_id": r.run_id,
                        "error": json.loads(err.read_text())["error"],
                    }
                )
    table = pa.concat_tables(parts) if parts else pa.table({})
    return table, failures


def _relabel(table: pa.Table, run: RunSpec, parameters: list[str]) -> pa.Table:
    n = table.num_rows
    fixed = {"arm": [run.arm] * n, "point": [run.point] * n, "replicate": [run.replicate] * n}
    for p in parameters:
        fixed[p] = [run.params.get(p, float("nan"))] * n
    for name, values in fixed.items():
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pa.array(values, type=table.schema.field(name).type))
    return table


def load_folder(out: Path) -> Sweep:
    """Re-plan the sweep recorded in a sweep folder (for ``summarize``)."""
    manifest_path = out / "sweep.json"
    if not manifest_path.exists():
        raise SweepError(f"{out}: not a sweep folder (no sweep.json)")
    m = json.loads(manifest_path.read_text())
    s = m["sweep"]["sweep"]
    sweep = load_sweep(m["sweep_file"], seeds=s["seeds"], workers=s["workers"], months=s["months"])
    if sweep.hash != m["sweep_hash"]:
        raise SweepError(
            f"{m['sweep_file']}: changed since {out} was run; summarize needs the same sweep file"
        )
    return sweep


def progress_bar(total: int) -> Callable[[dict, Progress], None] | None:
    """A tqdm bar on a terminal (runs done, failures, time left); nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True)

    def update(_result: dict, progress: Progress) -> None:
        bar.update(1)
        bar.set_postfix(failed=progress.failed)
        if progress.done >= total:
            bar.close()

    return update
