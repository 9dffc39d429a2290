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

With ``parameter_uncertainty = true`` in ``[sweep]``, every run is planned a second time at its
replicate's draw from the calibration's posterior (``drawn`` in the results; the same draw in every
arm and at every point: :mod:`.uncertainty`), and ``summarize`` adds total intervals to the summary.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from itertools import product
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, ValidationError, field_validator, model_validator

import pathways

from ..simulation import LabourMarket, Scenario, ScenarioError, load_scenario
from ..simulation.checkpoint import burn_in_identity
from ..simulation.scenario import (
    MAX_MONTHS,
    MAX_WORKERS,
    dotted,
    merge_tables,
    plain_name,
    read_toml,
    scenario_dict,
    validation_messages,
)
from ..simulation.schema import Block
from .checkpoints import BurnIns, Store
from .executor import Executor, TaskFailed
from .folders import OutputFolder
from .io import ResultsError, atomic_write_bytes, parquet_bytes, read_json, read_parquet, write_json
from .outcomes import key_outcomes, unit_of
from .provenance import code_identity, versions

# A plan beyond this is a slip (samples = 100000000), not a study: it would take days to plan alone.
MAX_RUNS = 100_000


class SweepError(ValueError):
    """A malformed sweep file or folder; the message names the file and key."""


class SweepRun(Block):
    name: str = Field(min_length=1, max_length=100, description="The default folder is out/sweeps/<name>.")
    description: str = ""
    seed: int = Field(ge=0, description="Seeds the design and every replicate's seed.")
    seeds: int = Field(gt=0, le=MAX_RUNS, description="Replicates per arm and design point.")
    workers: int = Field(gt=0, le=MAX_WORKERS)
    months: int = Field(gt=0, le=MAX_MONTHS)
    burn_in_months: int | None = Field(None, ge=0, le=MAX_MONTHS, description="Default: each scenario's own.")
    outcomes: list[str] = Field(default_factory=list, description="Outcomes to keep; empty: all.")
    parameter_uncertainty: bool = Field(
        False, description="Also run every arm, point and replicate at the replicate's own posterior draw."
    )
    posterior: str = Field(
        "", description="Posterior draws (relative to the sweep file); default calibration/posterior.parquet."
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        return plain_name(name)


class ArmSpec(Block):
    scenario: str = Field(description="Scenario file, relative to the sweep file (or a built-in name).")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Fixed changes for this arm.")


class Design(Block):
    kind: Literal["grid", "lhs", "sobol"] = "grid"
    samples: int = Field(
        8, gt=0, le=MAX_RUNS, description="Points for lhs and sobol (sobol: a power of two)."
    )

    @model_validator(mode="after")
    def _power_of_two(self) -> Design:
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"a sobol design needs samples to be a power of two (got {self.samples})")
        return self


class Parameter(Block):
    name: str
    keys: list[str] = Field(min_length=1, description="Dotted scenario key paths set to the value.")
    arms: list[str] = Field(default_factory=list, description="Arms it applies to; empty: all.")
    range: list[float] | None = Field(None, min_length=2, max_length=2)
    values: list[float] | None = Field(None, min_length=1)
    levels: int = Field(3, ge=2, le=MAX_RUNS, description="Grid levels across a range.")
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


class SweepSpec(Block):
    sweep: SweepRun
    arms: dict[str, ArmSpec] = Field(min_length=1)
    design: Design = Design()
    parameters: list[Parameter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> SweepSpec:
        names = [p.name for p in self.parameters]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(
                    f"parameters.{i}.name: '{name}' is also the name of parameters.{names.index(name)}; "
                    f"parameter names must be unique"
                )
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
    drawn: bool = False  # run at its replicate's posterior draw (parameter_uncertainty)


@dataclass
class Sweep:
    spec: SweepSpec
    path: Path
    points: np.ndarray  # (n_points, n_parameters), parameter units
    runs: list[RunSpec]
    scenarios: dict[str, Scenario | str]  # run id -> resolved scenario, or the error resolving it
    code: str  # identity of the code the run ids were made for

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
    from scipy.stats import qmc  # here, not at the top: scipy.stats adds a second to every command's start

    seed = replicate_seed(spec.sweep.seed, 2**31 - 1)  # a stream of its own for the design
    d = len(params)
    if spec.design.kind == "lhs":
        u = qmc.LatinHypercube(d=d, seed=seed).random(spec.design.samples)
    else:
        u = qmc.Sobol(d=d, scramble=True, seed=seed).random_base2(int(np.log2(spec.design.samples)))
    return np.column_stack([p.scale(u[:, j]) for j, p in enumerate(params)])


def planned_runs(spec: SweepSpec) -> int:
    """How many runs a sweep plans (arms x design points x seeds), computed without planning it."""
    if not spec.parameters:
        points = 1
    elif spec.design.kind == "grid":
        points = math.prod(len(p.grid()) for p in spec.parameters)
    else:
        points = spec.design.samples
    return len(spec.arms) * points * spec.sweep.seeds * (2 if spec.sweep.parameter_uncertainty else 1)


def load_sweep(
    path: str | Path,
    seeds: int | None = None,
    workers: int | None = None,
    months: int | None = None,
    code: str | None = None,
) -> Sweep:
    """Read, validate and plan a sweep; ``seeds``, ``workers`` and ``months`` override the file.

    ``code`` is the code identity that goes into run ids (default: this code's).
    """
    path = Path(path)
    try:
        data = read_toml(path)
    except ScenarioError as exc:
        raise SweepError(str(exc)) from None
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SweepError("\n".join(validation_messages(exc, path))) from None
    over = {k: v for k, v in (("seeds", seeds), ("workers", workers), ("months", months)) if v is not None}
    if over:  # values from the command line were checked there; only the file is validated above
        spec = spec.model_copy(update={"sweep": spec.sweep.model_copy(update=over)})
    planned = planned_runs(spec)
    if planned > MAX_RUNS:
        key = "design.samples" if spec.parameters and spec.design.kind != "grid" else "parameters"
        raise SweepError(
            f"{path}: {key}: the plan has {planned:,} runs (arms x design points x seeds); "
            f"the limit is {MAX_RUNS:,}: split the sweep or use fewer points or seeds"
        )

    s = spec.sweep
    run_block = {"workers": s.workers, "months": s.months}
    if s.burn_in_months is not None:
        run_block["burn_in_months"] = s.burn_in_months
    run_from = (
        "the command line (" + ", ".join(f"--{k} {v}" for k, v in over.items()) + f") or {path} [sweep]"
        if over
        else f"{path} [sweep]"
    )
    base: dict[str, dict] = {}
    for name, arm in spec.arms.items():
        scenario_file = _arm_file(path, arm.scenario)
        try:
            sc = load_scenario(
                scenario_file,
                arm.overrides,
                overrides_from=f"{path} (arms.{name}.overrides)",
                layers=[({"run": {**run_block, "seed": 0}}, run_from)],
            )
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

    code = code or code_identity()
    points = design_points(spec)
    runs: list[RunSpec] = []
    scenarios: dict[str, Scenario | str] = {}
    for name, arm in spec.arms.items():
        scenario_file = _arm_file(path, arm.scenario)
        for k, point in enumerate(points):
            params = {
                p.name: float(point[j]) for j, p in enumerate(spec.parameters) if not p.arms or name in p.arms
            }
            varied: dict = {}
            for p in spec.parameters:
                if p.name in params:
                    value = int(params[p.name]) if p.integer else params[p.name]
                    for key in p.keys:
                        varied = merge_tables(varied, dotted(key, value))
            for r in range(s.seeds):
                seed = replicate_seed(s.seed, r)
                layers = [(varied, f"{path} (parameters, point {k})"), ({"run": run_block}, run_from),
                          ({"run": {"seed": seed}}, f"{path} (replicate {r})")]  # fmt: skip
                full = merge_tables(
                    merge_tables(dict(arm.overrides), varied), {"run": {**run_block, "seed": seed}}
                )
                try:
                    sc = load_scenario(
                        scenario_file, arm.overrides, f"{path} (arms.{name}.overrides)", layers=layers
                    )
                    identity = scenario_dict(sc)
                except ScenarioError as exc:
                    sc = str(exc)
                    identity = {"unresolved": base[name], "overrides": full}
                run_id = _run_id(identity, seed, code)
                runs.append(RunSpec(run_id, name, k, r, seed, params, str(scenario_file), full))
                scenarios[run_id] = sc
    if s.parameter_uncertainty:
        runs += _drawn_runs(path, spec, runs, scenarios, code)
    return Sweep(spec, path, points, runs, scenarios, code)


def _drawn_runs(
    path: Path, spec: SweepSpec, runs: list[RunSpec], scenarios: dict, code: str
) -> list[RunSpec]:  # fmt: skip
    """Every planned run again at its replicate's posterior draw (the same draw in every arm and at
    every point), on the parameters each arm takes from the calibration (:mod:`.uncertainty`)."""
    from .uncertainty import Draws, inherited

    where = _arm_file(path, spec.sweep.posterior) if spec.sweep.posterior else None
    try:
        draws = Draws(where)
    except (FileNotFoundError, ValueError) as exc:
        raise SweepError(f"{path}: sweep.posterior: {exc}") from None
    seeds = [replicate_seed(spec.sweep.seed, r) for r in range(spec.sweep.seeds)]
    by_seed = draws.for_seeds(seeds)
    names: dict[str, list[str]] = {}
    out = []
    for run in runs:
        scenario = scenarios[run.run_id]
        if not isinstance(scenario, Scenario):
            continue  # already reported as failed under its calibrated run
        if run.arm not in names:
            names[run.arm] = inherited(scenario, draws.keys)
        drawn = draws.scenario_at(scenario, by_seed[run.seed], names[run.arm])
        run_id = _run_id(scenario_dict(drawn), run.seed, code)
        overrides = merge_tables(run.overrides, draws.overrides(by_seed[run.seed], names[run.arm]))
        out.append(replace(run, run_id=run_id, overrides=overrides, drawn=True))
        scenarios[run_id] = drawn
    return out


def _arm_file(sweep_path: Path, name: str) -> Path:
    near = sweep_path.parent / name
    return near if near.is_file() else Path(name)


def _run_id(identity: dict, seed: int, code: str) -> str:
    blob = json.dumps(
        {"scenario": identity, "seed": seed, "version": pathways.__version__, "code": code},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# --------------------------------------------------------------------------- running


Task = tuple[list[tuple[RunSpec, Scenario | str]], list[str], bool, str | None]


def execute(task: Task) -> list[dict]:
    """Run planned runs of one seed in order; never raises. One dict per run: rows, or the error and
    its traceback. With ``share`` they share one burn-in: the first burns in (or starts from the
    store's checkpoint, if ``store`` names a folder), the others continue from its month-0 state."""
    runs, keep, share, store_folder = task
    burn_ins = BurnIns(share, store_folder)
    out = []
    for run, scenario in runs:
        start = time.perf_counter()
        try:
            if isinstance(scenario, str):
                raise ScenarioError(scenario)
            model = LabourMarket(scenario, seed=run.seed)
            model.record_careers = False  # only the key outcomes are kept
            burn_ins.run(model, scenario)
            rows = [r for r in key_outcomes(model) if not keep or r["outcome"] in keep]
            out.append({"run_id": run.run_id, "rows": rows, "seconds": time.perf_counter() - start})
        except Exception as exc:
            out.append({
                "run_id": run.run_id,
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
                "seconds": time.perf_counter() - start,
            })  # fmt: skip
    return out


# At most this many runs share one burn-in (one task): the burn-in is then at most an eighth of their
# time, and a sweep with few seeds and many design points still spreads over many workers.
SHARED_RUNS = 8


def burn_in_groups(sweep: Sweep, runs: list[RunSpec], reuse_burn_in: bool) -> list[list[RunSpec]]:
    """``runs`` in groups of at most ``SHARED_RUNS`` that share a burn-in (same prefix and seed), in plan
    order; each run alone without ``reuse_burn_in``, as is a run whose scenario did not resolve."""
    groups: dict[Any, list[RunSpec]] = {}
    for r in runs:
        scenario = sweep.scenarios[r.run_id]
        shared = reuse_burn_in and isinstance(scenario, Scenario)
        key = (burn_in_identity(scenario), r.seed) if shared else r.run_id
        groups.setdefault(key, []).append(r)
    return [g[i : i + SHARED_RUNS] for g in groups.values() for i in range(0, len(g), SHARED_RUNS)]


def _table(run: RunSpec, rows: list[dict], parameters: list[str]) -> pa.Table:
    n = len(rows)
    columns: dict[str, list] = {
        "run_id": [run.run_id] * n,
        "arm": [run.arm] * n,
        "point": [run.point] * n,
        "replicate": [run.replicate] * n,
        "seed": [run.seed] * n,
        "drawn": [run.drawn] * n,
    }
    for p in parameters:
        columns[p] = [run.params.get(p, float("nan"))] * n
    columns["group"] = [r["group"] for r in rows]
    columns["outcome"] = [r["outcome"] for r in rows]
    columns["value"] = [r["value"] for r in rows]
    return pa.table(columns)


def run_dir(out: Path) -> Path:
    return out / "runs"


def run_file_ok(path: Path, run_id: str) -> bool:
    """Whether ``path`` is a complete, readable result of run ``run_id`` (not damaged or truncated)."""
    try:
        table = read_parquet(path)
    except ResultsError:
        return False
    return (
        table.num_rows > 0
        and "run_id" in table.column_names
        and set(table.column("run_id").to_pylist()) == {run_id}
    )


def done_ids(out: Path, planned: set[str] | None = None) -> set[str]:
    """Ids of runs with a sound result file; damaged files are set aside (``.damaged``) to be run again."""
    done = set()
    for path in sorted(run_dir(out).glob("*.parquet")):
        run_id = path.name.removesuffix(".parquet")
        if planned is not None and run_id not in planned:
            continue
        if run_file_ok(path, run_id):
            done.add(run_id)
        else:
            path.replace(path.with_name(path.name + ".damaged"))
    return done


def read_manifest(out: Path) -> dict:
    """A sweep folder's ``sweep.json``; SweepError naming it if it is missing or damaged."""
    path = out / "sweep.json"
    if not path.is_file():
        raise SweepError(f"{out}: not a sweep folder (no sweep.json)")
    try:
        m = read_json(path)
    except ResultsError as exc:
        raise SweepError(f"{exc}; the folder's runs cannot be matched to a sweep") from None
    needed = ("sweep_hash", "sweep", "runs", "points", "parameters", "sweep_file")
    if not isinstance(m, dict) or any(k not in m for k in needed):
        raise SweepError(f"{path}: not a sweep record (missing {', '.join(k for k in needed if k not in m)})")
    return m


def prepare_folder(
    sweep: Sweep, out: Path, *, resume: bool, overwrite: bool = False, allow_other_code: bool = False
) -> None:
    """Create the folder and its record; refuse to mix two sweeps, or two versions of the code.

    ``resume`` keeps the runs already there (same sweep, same code); ``overwrite`` replaces a
    folder holding another sweep; ``allow_other_code`` resumes a folder made by other code,
    keeping its finished runs (their ids are the old code's, see :func:`load_sweep`).
    """
    folder = OutputFolder(out, "sweep", identity=sweep.hash)
    if (out / "sweep.json").exists() and not overwrite:
        folder.check(overwrite=True)  # only to refuse a file, an unwritable folder, or other commands
        old = read_manifest(out)
        if old["sweep_hash"] != sweep.hash:
            raise SweepError(
                f"{out}: holds a different sweep (sweep.json); use another --out, "
                f"or --overwrite to replace it"
            )
        old_code = old.get("code")
        if old_code != sweep.code:
            if not allow_other_code:
                raise SweepError(
                    f"{out}: was run by other code ({old_code or 'unrecorded'}, this is {sweep.code}); "
                    f"resuming would mix their results: use another --out, --overwrite, or --allow-other-code"
                )
        if not resume and any(run_dir(out).glob("*.parquet")):
            raise SweepError(
                f"{out}: already has results; add --resume to continue, --overwrite to start again, "
                f"or use another --out"
            )
    else:
        folder.check(overwrite=overwrite)
        folder.clear()
    if run_dir(out).exists() and not run_dir(out).is_dir():
        raise SweepError(f"{run_dir(out)}: is not a folder; this sweep folder is damaged: use another --out")
    run_dir(out).mkdir(parents=True, exist_ok=True)
    manifest = {
        "sweep_file": str(sweep.path.resolve()),
        "sweep_hash": sweep.hash,
        "code": sweep.code,
        "sweep": sweep.spec.model_dump(mode="json"),
        "parameters": [p.name for p in sweep.spec.parameters],
        "arms": list(sweep.spec.arms),  # the file's order (JSON keys get sorted); the first is the reference
        # Each arm's scenario as resolved (its first run), so a brief needs no scenario file later.
        "arm_scenarios": _arm_scenarios(sweep),
        "points": sweep.points.tolist(),
        "runs": [asdict(r) for r in sweep.runs],
        "versions": versions(),
    }
    write_json(manifest, out / "sweep.json", indent=1)
    folder.finish()


def _arm_scenarios(sweep: Sweep) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in sweep.runs:
        scenario = sweep.scenarios.get(r.run_id)
        if r.arm not in out and isinstance(scenario, Scenario):
            out[r.arm] = scenario_dict(scenario)
    return out


@dataclass
class Progress:
    done: int = 0
    failed: int = 0
    seconds: float = 0.0


def pending_runs(sweep: Sweep, out: Path) -> list[RunSpec]:
    """The distinct runs not yet soundly on disk, in plan order."""
    have = done_ids(out, {r.run_id for r in sweep.runs}) if run_dir(out).is_dir() else set()
    unique: dict[str, RunSpec] = {}
    for r in sweep.runs:
        if r.run_id not in have:
            unique.setdefault(r.run_id, r)
    return list(unique.values())


def run_sweep(
    sweep: Sweep,
    out: Path,
    *,
    jobs: int = 1,
    dask: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    allow_other_code: bool = False,
    on_result: Callable[[dict, Progress], None] | None = None,
    reuse_burn_in: bool = True,
    checkpoints: Path | None = None,
) -> Progress:
    """Run every planned run not already on disk; write each result as it arrives.

    jobs: local processes (1: in this process). dask: ``"local"`` for a
    ``LocalCluster`` of ``jobs`` workers, or a scheduler address. With
    ``reuse_burn_in``, runs of one seed whose burn-ins are the same (arms and
    design points that differ only in what starts at recorded month 0) burn in
    once and continue from that state: the same results, less time.
    ``checkpoints``: a folder of burned-in markets to start from and add to
    (:class:`.checkpoints.Store`).
    """
    prepare_folder(sweep, out, resume=resume, overwrite=overwrite, allow_other_code=allow_other_code)
    parameters = [p.name for p in sweep.spec.parameters]
    keep = sweep.spec.sweep.outcomes
    store = str(Store(checkpoints).folder) if checkpoints is not None else None
    groups = burn_in_groups(sweep, pending_runs(sweep, out), reuse_burn_in)
    tasks = [
        ([(r, sweep.scenarios[r.run_id]) for r in g], keep, reuse_burn_in and len(g) > 1, store)
        for g in groups
    ]
    progress = Progress()
    with Executor(jobs, dask) as executor:
        for i, results in executor.imap(execute, tasks):
            if isinstance(results, TaskFailed):  # the worker itself was lost: every run of the task
                results = [{"run_id": r.run_id, "error": results.error, "traceback": results.traceback,
                            "seconds": 0.0} for r in groups[i]]  # fmt: skip
            for run, result in zip(groups[i], results, strict=True):
                _keep_result(out, run, result, parameters, progress)
                if on_result:
                    on_result(result, progress)
    return progress


def _keep_result(out: Path, run: RunSpec, result: dict, parameters: list[str], progress: Progress) -> None:
    """Write one run's result (or its error) to the sweep folder, atomically."""
    if "error" in result:
        progress.failed += 1
        record = {"run": asdict(run), "error": result["error"], "traceback": result["traceback"]}
        write_json(record, run_dir(out) / f"{run.run_id}.error.json", indent=1)
    else:
        atomic_write_bytes(
            run_dir(out) / f"{run.run_id}.parquet", parquet_bytes(_table(run, result["rows"], parameters))
        )
        (run_dir(out) / f"{run.run_id}.error.json").unlink(missing_ok=True)
    progress.done += 1
    progress.seconds += result["seconds"]


# --------------------------------------------------------------------------- combining


def combine(sweep: Sweep, out: Path) -> tuple[pa.Table, list[dict]]:
    """Every finished run's rows in plan order, and the runs without a result (failed, missing, damaged)."""
    parts, failures = [], []
    parameters = [p.name for p in sweep.spec.parameters]
    cache: dict[str, pa.Table | None] = {}
    for r in sweep.runs:
        if r.run_id not in cache:
            path = run_dir(out) / f"{r.run_id}.parquet"
            cache[r.run_id] = read_parquet(path) if path.exists() and run_file_ok(path, r.run_id) else None
        table = cache[r.run_id]
        if table is not None:
            # A run shared by several plan entries (identical inputs) is reported under each.
            parts.append(_relabel(table, r, parameters))
            continue
        failures.append(
            {"arm": r.arm, "point": r.point, "replicate": r.replicate, "run_id": r.run_id,
             "error": _missing_reason(out, r.run_id)}
        )  # fmt: skip
    table = pa.concat_tables(parts) if parts else pa.table({})
    return table, failures


def _missing_reason(out: Path, run_id: str) -> str:
    path = run_dir(out) / f"{run_id}.parquet"
    if path.exists() or path.with_name(path.name + ".damaged").exists():
        return "result file damaged (pathways sweep --resume runs it again)"
    err = run_dir(out) / f"{run_id}.error.json"
    if err.exists():
        try:
            return str(read_json(err)["error"])
        except (ResultsError, KeyError, TypeError):
            return "failed (its error record is damaged)"
    return "not run yet (pathways sweep --resume runs it)"


def _relabel(table: pa.Table, run: RunSpec, parameters: list[str]) -> pa.Table:
    n = table.num_rows
    fixed = {"arm": [run.arm] * n, "point": [run.point] * n, "replicate": [run.replicate] * n}
    for p in parameters:
        fixed[p] = [run.params.get(p, float("nan"))] * n
    for name, values in fixed.items():
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pa.array(values, type=table.schema.field(name).type))
    if table.schema.get_field_index("drawn") < 0:  # a run kept from code before parameter uncertainty
        at = table.schema.get_field_index("seed") + 1
        table = table.add_column(at, "drawn", pa.array([run.drawn] * n, type=pa.bool_()))
    return table


def load_folder(out: Path) -> Sweep:
    """The sweep recorded in a sweep folder, from its ``sweep.json`` alone (for ``summarize``, ``brief``).

    Neither the sweep file nor its scenarios are read again: editing or deleting them after
    the sweep changes nothing here.
    """
    m = read_manifest(out)
    try:
        data = dict(m["sweep"])
        order = m.get("arms") or list(data["arms"])
        data["arms"] = {name: data["arms"][name] for name in order}
        spec = SweepSpec.model_validate(data)
        runs = [RunSpec(**r) for r in m["runs"]]
        points = np.asarray(m["points"], dtype=float).reshape(-1, len(m["parameters"]))
    except (ValidationError, TypeError, ValueError, KeyError) as exc:
        raise SweepError(
            f"{out / 'sweep.json'}: not a valid sweep record ({str(exc).splitlines()[0]})"
        ) from None
    return Sweep(spec, Path(m["sweep_file"]), points, runs, {}, m.get("code", "unrecorded"))
