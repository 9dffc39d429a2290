"""``pathways calibrate``: simulated method of moments with common random numbers.

The objective at a parameter point is

    Q(theta) = sum over targets k of w_k ((mean_r m_k(theta, r) - t_k) / s_k)^2,
    s_k^2 = tolerance_k^2 + var_k / R

where the weights w_k give each statistic (a target ``id``: unemployment by
group, the OEWS P10 of every occupation, ...) the same share of Q, split
evenly among its rows, so 120 occupation-pay rows do not drown the six
unemployment rates;

m_k(theta, r) is the model's value of target k in replicate r, t_k the
published value, R the replicates per point and var_k the variance of m_k
across replicates at the starting point: a target counts less when the
published figure is looser or the simulation noisier. Every point uses the
same replicate seeds (common random numbers), so Q changes smoothly with
theta and a comparison of two points is not a comparison of two draws.

Search: a scrambled Sobol screen of the box of bounds (global), then
Nelder-Mead from the best few screened points (local), both in the unit cube.
Everything is seeded, so the same budget and seed give the same fit.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, ValidationError
from scipy import optimize
from scipy.stats import qmc

from ..experiments.compare import interval
from ..experiments.executor import Executor, all_succeeded
from ..experiments.io import atomic_write_bytes
from ..simulation import LabourMarket, ScenarioError, load_scenario
from ..simulation.scenario import (
    builtin_dir,
    dotted,
    merge_tables,
    read_toml,
    scenario_dict,
    validation_messages,
)
from ..simulation.schema import Block
from .moments import moments
from .targets import Target, load_targets

CONFIG_FILE = Path(__file__).with_name("calibration.toml")
# The start, a two-point screen and one local step: fewer cannot be called a fit.
MIN_BUDGET = 4
NAN_PENALTY = 100.0  # a target the model cannot produce at a point counts as this many squared tolerances


class Settings(Block):
    scenario: str
    program: str
    workers: int = Field(gt=0)
    burn_in_months: int = Field(ge=0)
    months: int = Field(gt=0)
    replicates: int = Field(ge=2)
    final_replicates: int = Field(ge=2)
    seed: int = Field(ge=0)
    screening_points: int = Field(gt=0)
    local_starts: int = Field(1, ge=1, description="Local searches, from the best distinct screened points.")
    local_evaluations: int = Field(ge=0, description="Nelder-Mead evaluations in all, shared by the starts.")


class FreeParameter(Block):
    name: str
    key: str
    bounds: list[float] = Field(min_length=2, max_length=2)
    why: str


class PosteriorSettings(Block):
    """The ``[posterior]`` block: the Bayesian calibration's budget (``pathways posterior``)."""

    design_points: int = Field(
        128, ge=4, description="Wave 1: Sobol points over the prior box (a power of two)."
    )
    refine_points: int = Field(128, ge=0, description="Wave 2: points drawn from the wave-1 posterior.")
    walkers: int = Field(48, ge=4, description="Ensemble sampler walkers.")
    steps: int = Field(1500, ge=10, description="Sampler steps per walker.")
    burn: int = Field(500, ge=0, description="Steps discarded per walker.")
    draws: int = Field(400, ge=10, description="Posterior draws kept (posterior.parquet).")
    check_draws: int = Field(16, ge=2, description="Posterior draws run for the predictive check.")
    seed: int = Field(20261201, ge=0)


class CalibrationConfig(Block):
    calibration: Settings
    parameters: list[FreeParameter] = Field(min_length=1)
    posterior: PosteriorSettings = Field(default_factory=PosteriorSettings)


def load_config(path: Path = CONFIG_FILE) -> CalibrationConfig:
    try:
        data = read_toml(path)
    except ScenarioError as exc:
        raise ValueError(str(exc)) from None
    try:
        return CalibrationConfig.model_validate(data)
    except ValidationError as exc:
        raise ValueError("\n".join(validation_messages(exc, path))) from None


def overrides_for(config: CalibrationConfig, theta: np.ndarray) -> dict:
    out: dict = {}
    for p, value in zip(config.parameters, theta, strict=True):
        out = merge_tables(out, dotted(p.key, float(value)))
    return out


def replicate_seeds(config: CalibrationConfig, n: int) -> list[int]:
    root = np.random.SeedSequence(config.calibration.seed)
    return [int(s.generate_state(1, np.uint32)[0]) for s in root.spawn(n)]


def scenario_path(config: CalibrationConfig, config_path: Path) -> Path:
    return (config_path.parent / config.calibration.scenario).resolve()


def statistic_weights(ids: list[str]) -> np.ndarray:
    """Weights (n,) summing to 1: each distinct id an equal share, split evenly among its rows."""
    names, index, counts = np.unique(np.array(ids), return_inverse=True, return_counts=True)
    return 1.0 / (len(names) * counts[index])


def _run_moments(task: tuple) -> dict[str, float]:
    scenario, seed, targets, program = task
    model = LabourMarket(scenario, seed=seed)
    model.run()
    return moments(model, targets, program)


@dataclass
class Evaluator:
    """Runs the model at parameter points (R replicates each, in parallel) and scores them."""

    config: CalibrationConfig
    config_path: Path
    targets: list[Target]
    executor: Executor
    seeds: list[int]
    on_run: Any = None  # called after each simulation (progress)
    scale: np.ndarray | None = None  # s_k, fixed at the start point
    history: list[dict] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lo = np.array([p.bounds[0] for p in self.config.parameters])
        self.hi = np.array([p.bounds[1] for p in self.config.parameters])
        s = self.config.calibration
        self.run_block = {
            "run": {"workers": s.workers, "months": s.months, "burn_in_months": s.burn_in_months}
        }
        self.values = np.array([t.value for t in self.targets])
        self.tolerance = np.array([t.tolerance for t in self.targets])
        self.weights = statistic_weights([t.id for t in self.targets])

    def theta(self, u: np.ndarray) -> np.ndarray:
        return self.lo + np.clip(u, 0.0, 1.0) * (self.hi - self.lo)

    def unit(self, theta: np.ndarray) -> np.ndarray:
        return (np.asarray(theta) - self.lo) / (self.hi - self.lo)

    def simulate(self, thetas: list[np.ndarray], seeds: list[int]) -> list[np.ndarray]:
        """Moments, shape (len(seeds), n_targets), at each point; all runs in one parallel batch."""
        path = scenario_path(self.config, self.config_path)
        program = self.config.calibration.program
        tasks = []
        for th in thetas:
            overrides = merge_tables(overrides_for(self.config, th), self.run_block)
            scenario = load_scenario(path, overrides, overrides_from=str(self.config_path))
            tasks += [(scenario, s, self.targets, program) for s in seeds]
        results = all_succeeded(self.executor.map(_run_moments, tasks, self.on_run), "calibration")
        keys = [t.key for t in self.targets]
        table = np.array([[r[k] for k in keys] for r in results], dtype=float)
        return [table[i * len(seeds) : (i + 1) * len(seeds)] for i in range(len(thetas))]

    def objective_of(self, sims: np.ndarray) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a target all-NaN at a point is penalised below
            z = (np.nanmean(sims, axis=0) - self.values) / self.scale
        z2 = np.where(np.isfinite(z), z**2, NAN_PENALTY)
        return float(np.sum(self.weights * z2))

    def set_scale(self, sims_at_start: np.ndarray) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            var = np.nanvar(sims_at_start, axis=0, ddof=1)
        var = np.where(np.isfinite(var), var, 0.0)
        self.scale = np.sqrt(self.tolerance**2 + var / len(self.seeds))

    def evaluate(self, points_u: list[np.ndarray], stage: str) -> list[float]:
        keys = [tuple(np.round(u, 12)) for u in points_u]
        todo = [u for u, k in zip(points_u, keys, strict=True) if k not in self._cache]
        if todo:
            sims = self.simulate([self.theta(u) for u in todo], self.seeds)
            for u, s in zip(todo, sims, strict=True):
                self._cache[tuple(np.round(u, 12))] = self.objective_of(s)
        out = []
        for u, k in zip(points_u, keys, strict=True):
            q = self._cache[k]
            self.history.append(
                {
                    "evaluation": len(self.history) + 1,
                    "stage": stage,
                    "objective": q,
                    **dict(
                        zip([p.name for p in self.config.parameters], self.theta(u).tolist(), strict=True)
                    ),
                }
            )
            out.append(q)
        return out


def baseline_values(config: CalibrationConfig) -> np.ndarray:
    """The starting guess: each free parameter's value in the baseline scenario, clipped to its bounds.

    (Not the current calibrated values, so that a refit does not depend on the last one.)
    """
    return scenario_values(config, Path(builtin_dir()) / "baseline.toml")


def scenario_values(config: CalibrationConfig, path: Path) -> np.ndarray:
    """Each free parameter's value in the scenario at ``path``, clipped to its bounds."""
    data = scenario_dict(load_scenario(path))
    values = []
    for p in config.parameters:
        v: Any = data
        for part in p.key.split("."):
            v = v[part]
        values.append(min(max(float(v), p.bounds[0]), p.bounds[1]))
    return np.array(values)


@dataclass
class FitResult:
    config: CalibrationConfig
    targets: list[Target]
    start: np.ndarray
    best: np.ndarray
    start_objective: float
    best_objective: float
    fit_rows: list[dict]
    history: list[dict]


def calibrate(
    config_path: Path = CONFIG_FILE,
    *,
    jobs: int = 1,
    dask: str | None = None,
    budget: int | None = None,
    progress=None,
    on_run=None,
) -> FitResult:
    """Fit the free parameters; ``budget`` (parameter points) overrides screening + local evaluations.

    Simulations run on ``jobs`` local processes, or on Dask (``dask``: "local" or an address).
    ``progress`` is called with the history after each batch of points, ``on_run`` after each run.
    """
    config = load_config(config_path)
    s = config.calibration
    targets = load_targets(use="calibrate")
    screening, local = s.screening_points, s.local_evaluations
    if budget is not None:
        if budget < MIN_BUDGET:
            raise ValueError(f"budget must be at least {MIN_BUDGET} parameter points (got {budget})")
        screening = max(2, 2 ** int(np.floor(np.log2(max(budget // 2, 2)))))
        local = max(0, budget - screening - 1)
    with Executor(jobs, dask) as executor:
        ev = Evaluator(config, config_path, targets, executor, replicate_seeds(config, s.replicates), on_run)
        return _fit(ev, config, targets, screening, local, progress)


def evaluate(
    values: np.ndarray, config_path: Path = CONFIG_FILE, *, jobs: int = 1, dask: str | None = None
) -> FitResult:
    """The fit report of given parameter ``values`` (e.g. the installed calibrated scenario's), no search.

    Runs the final replicates at the starting guess and at ``values``, as :func:`calibrate` does at
    its end, so the report is the same one the fit that found ``values`` wrote.
    """
    config = load_config(config_path)
    s = config.calibration
    targets = load_targets(use="calibrate")
    with Executor(jobs, dask) as executor:
        ev = Evaluator(config, config_path, targets, executor, replicate_seeds(config, s.replicates))
        start = baseline_values(config)
        ev.set_scale(ev.simulate([start], ev.seeds)[0])
        at_start, at_best = ev.simulate(
            [start, np.asarray(values, float)], replicate_seeds(config, s.final_replicates)
        )
    rows = fit_table(targets, at_start, at_best)
    return FitResult(config, targets, start, np.asarray(values, float), ev.objective_of(at_start),
                     ev.objective_of(at_best), rows, [])  # fmt: skip


def _fit(
    ev: Evaluator, config: CalibrationConfig, targets: list[Target], screening: int, local: int, progress
) -> FitResult:
    s = config.calibration
    start = baseline_values(config)
    u0 = ev.unit(start)
    ev.set_scale(ev.simulate([start], ev.seeds)[0])
    q0 = ev.evaluate([u0], "start")[0]
    if progress:
        progress(ev.history)

    sobol = qmc.Sobol(d=len(config.parameters), scramble=True, seed=s.seed).random(screening)
    screen_q = ev.evaluate(list(sobol), "screen")
    if progress:
        progress(ev.history)
    candidates = sorted(
        [(q0, 0, u0), *((q, i + 1, u) for i, (q, u) in enumerate(zip(screen_q, sobol, strict=True)))],
        key=lambda c: (c[0], c[1]),
    )
    best_q, _, best_u = candidates[0]

    # Nelder-Mead from the best few screened points (several starts guard against a poor local basin).
    starts = [c[2] for c in candidates[: s.local_starts]] if local > 0 else []
    for k, u_start in enumerate(starts):
        share = local // len(starts) + (1 if k < local % len(starts) else 0)

        def f(u: np.ndarray) -> float:
            q = ev.evaluate([u], "local")[0]
            if progress:
                progress(ev.history)
            return q

        res = optimize.minimize(
            f,
            u_start,
            method="Nelder-Mead",
            bounds=[(0.0, 1.0)] * len(u0),
            options={"maxfev": share, "xatol": 1e-3, "fatol": 1e-4, "initial_simplex": _simplex(u_start)},
        )
        if res.fun < best_q:
            best_q, best_u = float(res.fun), np.clip(res.x, 0, 1)
    best = ev.theta(best_u)

    # The reported fit: more replicates, at the start and at the best point.
    final_seeds = replicate_seeds(config, s.final_replicates)
    at_start, at_best = ev.simulate([start, best], final_seeds)
    rows = fit_table(targets, at_start, at_best)
    return FitResult(
        config,
        targets,
        start,
        best,
        ev.objective_of(at_start),
        ev.objective_of(at_best),
        rows,
        ev.history,
    )


def _simplex(u: np.ndarray, step: float = 0.15) -> np.ndarray:
    """A starting simplex around ``u`` that stays inside the unit cube."""
    d = u.size
    pts = [u.copy()]
    for i in range(d):
        p = u.copy()
        p[i] = p[i] + step if p[i] + step <= 1 else p[i] - step
        pts.append(p)
    return np.array(pts)


def fit_table(targets: list[Target], at_start: np.ndarray, at_best: np.ndarray) -> list[dict]:
    rows = []
    for k, t in enumerate(targets):
        mean0, _, _ = interval(at_start[:, k])
        mean, lo, hi = interval(at_best[:, k])
        rows.append(
            {
                "target": t.id,
                "group": t.group,
                "published": t.value,
                "tolerance": t.tolerance,
                "units": t.units,
                "start": mean0,
                "simulated": mean,
                "ci_low": lo,
                "ci_high": hi,
                "within_tolerance": bool(abs(mean - t.value) <= t.tolerance) if mean == mean else False,
                "citation": t.citation,
            }
        )
    return rows


def write_calibrated_scenario(result: FitResult, path: Path, budget_note: str) -> None:
    """The fitted values as a scenario over the baseline (tables merge, so only these keys change)."""
    lines = [
        "# Fitted by `pathways calibrate`: calibration/calibration.toml, targets in calibration/targets.csv.",
        f"# {budget_note}",
        "# Objective (squared scaled distance to the targets, each statistic weighted equally): "
        f"start {result.start_objective:.3f}, fitted {result.best_objective:.3f}.",
        "# Each value's bounds and the reason it is free are in calibration/calibration.toml.",
        "# Rerun `pathways calibrate` to refit; do not edit by hand.",
        'extends = "baseline.toml"',
        "",
    ]
    tables: dict[str, list[str]] = {}
    for p, value in zip(result.config.parameters, result.best, strict=True):
        table, leaf = p.key.rsplit(".", 1)
        tables.setdefault(table, []).append(f"{leaf} = {float(value)!r}  # {p.name}, bounds {p.bounds}")
    for table, entries in tables.items():
        lines.append(f"[{table}]")
        lines += entries
        lines.append("")
    atomic_write_bytes(path, "\n".join(lines).encode())


REPORT_FILES = ("fit.csv", "fit.json")


def install_report(folder: Path) -> list[Path]:
    """Copy the fit report in ``folder`` beside the targets (calibration/), where briefs look for it."""
    out = []
    for name in REPORT_FILES:
        target = CONFIG_FILE.with_name(name)
        atomic_write_bytes(target, (folder / name).read_bytes())
        out.append(target)
    return out


def default_scenario_path() -> Path:
    return Path(builtin_dir()) / "calibrated.toml"


def result_json(result: FitResult) -> str:
    return json.dumps(
        {
            "start": dict(
                zip([p.name for p in result.config.parameters], result.start.tolist(), strict=True)
            ),
            "fitted": dict(
                zip([p.name for p in result.config.parameters], result.best.tolist(), strict=True)
            ),
            "start_objective": result.start_objective,
            "fitted_objective": result.best_objective,
        },
        indent=2,
        sort_keys=True,
    )
