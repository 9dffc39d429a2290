"""``pathways posterior``: Bayesian calibration of the free parameters to the level targets.

A point fit (``pathways calibrate``) says which parameter values fit best, not
how well the targets pin them down. This module gives a posterior: every
parameter value the published levels allow, with how plausible it is.

Method: history matching with a Gaussian-process emulator, then MCMC on the
emulated likelihood (Vernon, Goldstein and Bower 2010; Andrianakis et al.
2015, PLOS Comput Biol 11:e1003968), which is built for simulators that take
seconds a run and are noisy:

1. wave 1: ``design_points`` scrambled-Sobol points over the prior box (the
   bounds in ``calibration.toml``, uniform), each run on the calibration's
   replicate seeds (common random numbers, as in the point fit);
2. an emulator of every target's replicate mean (:mod:`.emulator`);
3. wave 2 (refocusing): ``refine_points`` runs drawn from the wave-1
   posterior at half strength (likelihood ** 0.5), where the first emulator
   says the plausible parameters are, and a new emulator on both waves;
4. the posterior: an affine-invariant ensemble sampler (emcee) on

       log L(theta) = sum_k omega_k log N(t_k; mu_k(theta), s_k^2 + v_k(theta))

   with t_k the published value, mu_k and v_k the emulator's mean and
   uncertainty, and s_k^2 = tolerance_k^2 + var_k / R the point fit's own
   noise-aware scale (model discrepancy and seed noise). The weights omega_k
   give each statistic (a target ``id``) a total weight of one, as the point
   fit's objective does: the 120 pay percentiles are one piece of evidence
   about pay, not 120 independent ones. So log L = -n_stat Q / 2 up to the
   emulator's terms, and the posterior's mode is the point fit's optimum.

Cost: (design_points + refine_points) x replicates runs, plus
``check_draws`` runs for the posterior predictive check.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import qmc

from ..experiments.executor import Executor
from .draws import write_draws
from .emulator import Emulator, fit_emulator
from .fit import (
    CONFIG_FILE,
    Evaluator,
    PosteriorSettings,
    load_config,
    replicate_seeds,
    statistic_weights,
)
from .targets import TARGETS_FILE, Target, load_targets

CENTRAL = 0.90  # the posterior intervals reported: central 90%


@dataclass
class Likelihood:
    """The emulated log-likelihood of the targets ``values`` (K,), in the unit cube of the parameters."""

    emulator: Emulator
    values: np.ndarray  # (K,) published (or synthetic) target values
    scale2: np.ndarray  # (K,) s_k^2: discrepancy and seed noise
    weights: np.ndarray  # (K,) omega_k: each statistic's rows sum to one

    def __post_init__(self) -> None:
        # Targets missing from the data or not emulated carry no evidence.
        usable = np.isfinite(self.values) & self.emulator.columns & np.isfinite(self.scale2)
        self.weights = np.where(usable, self.weights, 0.0)
        self.values = np.where(usable, self.values, 0.0)
        self.scale2 = np.where(usable, self.scale2, 1.0)
        self._usable = usable

    def __call__(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        out = np.full(u.shape[0], -np.inf)
        inside = np.all((u >= 0) & (u <= 1), axis=1)  # the uniform prior's box
        if inside.any():
            mean, var = self.emulator.predict(u[inside])
            mean = np.where(self._usable, mean, 0.0)
            var = np.where(self._usable, var, 0.0)
            total = self.scale2 + var
            out[inside] = -0.5 * np.sum(
                self.weights * ((mean - self.values) ** 2 / total + np.log(total)), axis=1
            )
        return out


def sample(
    like: Likelihood, d: int, *, walkers: int, steps: int, burn: int, draws: int, seed: int,
    strength: float = 1.0,
) -> tuple[np.ndarray, float, float]:  # fmt: skip
    """Posterior draws (draws, d) in the unit cube, the sampler's acceptance fraction and its
    autocorrelation time (steps per walker).

    strength: the likelihood's power (1: the posterior; below 1: a broader one, for refocusing).
    Walkers start around the best of 4,096 Sobol points; the same seed gives the same draws.
    """
    import emcee

    walkers += walkers % 2
    rng = np.random.default_rng(seed)
    probe = qmc.Sobol(d=d, scramble=True, seed=seed).random(4096)
    best = probe[np.argsort(-like(probe), kind="stable")[:walkers]]
    start = np.clip(best + rng.normal(scale=0.01, size=best.shape), 1e-6, 1 - 1e-6)
    sampler = emcee.EnsembleSampler(walkers, d, lambda u: strength * like(u), vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=False)
    # Steps a walker takes to forget where it was (largest over parameters; a short chain under-states it).
    with _quiet("emcee"):  # a chain shorter than 50 autocorrelation times says so at length; we record it
        memory = float(np.max(sampler.get_autocorr_time(discard=min(burn, steps - 1), quiet=True)))
    chain = sampler.get_chain(discard=min(burn, steps - 1), flat=True)
    pick = np.linspace(0, chain.shape[0] - 1, draws).round().astype(int)
    return chain[pick], float(np.mean(sampler.acceptance_fraction)), memory


@contextmanager
def _quiet(logger: str):
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


@dataclass
class Design:
    """Design runs: points (n, d) in the unit cube, replicate means and variances (n, K)."""

    u: np.ndarray
    mean: np.ndarray
    var: np.ndarray

    def __add__(self, other: Design) -> Design:
        pairs = zip(vars(self).values(), vars(other).values(), strict=True)
        return Design(*(np.concatenate([a, b]) for a, b in pairs))


def run_design(ev: Evaluator, u: np.ndarray, seeds: list[int]) -> Design:
    """The model at points ``u`` (n, d), each on ``seeds``: means and variances over the seeds."""
    sims = ev.simulate([ev.theta(p) for p in u], seeds)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.array([np.nanmean(s, axis=0) for s in sims])
            var = np.array([np.nanvar(s, axis=0, ddof=1) for s in sims])
    return Design(np.asarray(u, float), mean, var)


def seed_noise(design: Design, replicates: int) -> np.ndarray:
    """var_k / R: the seed noise of a replicate mean, averaged over the design (K,)."""
    var = np.where(np.isfinite(design.var), design.var, np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out = np.nanmean(var, axis=0)
    return np.where(np.isfinite(out), out, 0.0) / replicates


@dataclass
class Posterior:
    """The result of :func:`fit_posterior`."""

    names: list[str]
    keys: list[str]
    low: np.ndarray
    high: np.ndarray
    draws: np.ndarray  # (draws, d) parameter values
    design: Design
    emulator: Emulator
    likelihood: Likelihood
    acceptance: float
    runs: int
    provenance: dict = field(default_factory=dict)

    def unit(self, theta: np.ndarray) -> np.ndarray:
        return (np.asarray(theta) - self.low) / (self.high - self.low)

    @property
    def median(self) -> np.ndarray:
        return np.median(self.draws, axis=0)


def fit_posterior(
    config_path: Path = CONFIG_FILE,
    *,
    jobs: int = 1,
    dask: str | None = None,
    settings: PosteriorSettings | None = None,
    on_run=None,
    targets: list[Target] | None = None,
) -> Posterior:
    """History matching in two waves, then the posterior (see the module's docstring)."""
    config, ps, targets, seeds = setup(config_path, settings, targets)
    s = config.calibration
    d = len(config.parameters)
    with Executor(jobs, dask) as executor:
        ev = Evaluator(config, config_path, targets, executor, seeds, on_run)
        wave1 = run_design(ev, qmc.Sobol(d=d, scramble=True, seed=ps.seed).random(ps.design_points), seeds)
        like = _likelihood(wave1, targets, s.replicates, ps.seed)
        design = wave1
        if ps.refine_points:
            broad, _, _ = sample(like, d, walkers=ps.walkers, steps=max(ps.steps // 3, 10), burn=ps.burn // 3,
                              draws=ps.refine_points, seed=ps.seed + 1, strength=0.5)  # fmt: skip
            design = wave1 + run_design(ev, broad, seeds)
            like = _likelihood(design, targets, s.replicates, ps.seed)
    draws, acceptance, memory = sample(
        like, d, walkers=ps.walkers, steps=ps.steps, burn=ps.burn, draws=ps.draws, seed=ps.seed + 2
    )
    lo = np.array([p.bounds[0] for p in config.parameters])
    hi = np.array([p.bounds[1] for p in config.parameters])
    runs = len(design.u) * len(seeds)
    provenance = {
        "method": "history matching (2 waves) with a Gaussian-process emulator (scikit-learn), "
        "then an affine-invariant ensemble sampler (emcee) on the emulated likelihood",
        "calibration_toml_sha256": _sha(config_path),
        "targets_csv_sha256": _sha(TARGETS_FILE),
        "settings": ps.model_dump(),
        "replicate_seeds": seeds,
        "workers": s.workers,
        "months": [s.burn_in_months, s.months],
        "design_runs": runs,
        "emulator_components": like.emulator.components,
        # Targets the design could not produce in a tenth of its runs or more: left out of the likelihood.
        "targets_not_emulated": [
            t.key for t, ok in zip(targets, like.emulator.columns, strict=True) if not ok
        ],
        "acceptance_fraction": round(acceptance, 4),
        # Steps per walker it takes the chain to forget where it was (the largest over parameters);
        # the kept steps over it is about how many independent draws each walker gave.
        "autocorrelation_steps": round(memory, 1),
        "emulator_variance_share_median": None,  # filled below
    }
    names, keys = [p.name for p in config.parameters], [p.key for p in config.parameters]
    theta = lo + draws * (hi - lo)
    post = Posterior(names, keys, lo, hi, theta, design, like.emulator, like, acceptance, runs, provenance)
    provenance["emulator_variance_share_median"] = round(float(np.nanmedian(emulator_share(post))), 3)
    return post


MIN_REPLICATES = 4


def check_replicates(config_path: Path, replicates: int) -> None:
    """The seed noise comes from the spread over the replicates, and with common random numbers every
    point shares the same seeds, so its estimate has ``replicates - 1`` degrees of freedom however many
    points run. The coverage check on the model found 2 replicates too few (intervals covered the truth
    7 times in 16), 4 and more adequate."""
    if replicates < MIN_REPLICATES:
        raise ValueError(
            f"{config_path}: calibration.replicates: the posterior needs at least {MIN_REPLICATES} "
            f"replicate seeds to estimate the seed noise (got {replicates})"
        )


def setup(config_path: Path, settings: PosteriorSettings | None, targets: list[Target] | None):
    """(config, posterior settings, targets, replicate seeds) of a calibration file, checked."""
    config = load_config(config_path)
    s = config.calibration
    check_replicates(config_path, s.replicates)
    targets = targets if targets is not None else load_targets(use="calibrate")
    return config, settings or config.posterior, targets, replicate_seeds(config, s.replicates)


def _likelihood(design: Design, targets: list[Target], replicates: int, seed: int) -> Likelihood:
    tolerance = np.array([t.tolerance for t in targets])
    ids = [t.id for t in targets]
    weights = statistic_weights(ids) * len(set(ids))
    return Likelihood(
        fit_emulator(design.u, design.mean, seed=seed),
        np.array([t.value for t in targets]),
        tolerance**2 + seed_noise(design, replicates),
        weights,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- what the targets identify


def identifiability_rows(post: Posterior, point: np.ndarray | None = None) -> list[dict]:
    """Each parameter: its uniform prior, posterior median and central 90% interval, the width ratio."""
    tail = (1 - CENTRAL) / 2
    q = np.quantile(post.draws, [tail, 0.5, 1 - tail], axis=0)
    rows = []
    for j, name in enumerate(post.names):
        prior_width = CENTRAL * (post.high[j] - post.low[j])
        row = {
            "parameter": name,
            "key": post.keys[j],
            "prior_low": float(post.low[j]),
            "prior_high": float(post.high[j]),
            "posterior_median": float(q[1, j]),
            "posterior_p05": float(q[0, j]),
            "posterior_p95": float(q[2, j]),
            "width_ratio": float((q[2, j] - q[0, j]) / prior_width),
        }
        if point is not None:
            row["point_fit"] = float(point[j])
        rows.append(row)
    return rows


def correlation_rows(post: Posterior) -> list[dict]:
    """Pairwise posterior correlations, one row per pair (i < j), strongest first."""
    c = np.corrcoef(post.draws, rowvar=False)
    rows = [
        {"parameter_a": post.names[i], "parameter_b": post.names[j], "correlation": float(c[i, j])}
        for i in range(len(post.names))
        for j in range(i + 1, len(post.names))
    ]
    return sorted(rows, key=lambda r: -abs(r["correlation"]) if np.isfinite(r["correlation"]) else 0.0)


def pull_rows(post: Posterior, targets: list[Target]) -> list[dict]:
    """Which targets pull on which parameters.

    For each statistic (target id) and parameter: how far the statistic's rows
    move, in units of their scale s_k (root mean square over the rows), when
    the parameter goes from its posterior 5th to 95th percentile with the others
    at the posterior median (the emulator's means). Large: the statistic pins
    the parameter down (or is pinned by it).
    """
    like = post.likelihood
    centre = post.unit(post.median)
    tail = (1 - CENTRAL) / 2
    lo_q, hi_q = (
        post.unit(np.quantile(post.draws, tail, axis=0)),
        post.unit(np.quantile(post.draws, 1 - tail, axis=0)),
    )
    d = len(post.names)
    points = np.repeat(centre[None, :], 2 * d, axis=0)
    for j in range(d):
        points[2 * j, j], points[2 * j + 1, j] = lo_q[j], hi_q[j]
    mean, _ = like.emulator.predict(points)
    move = np.where(like._usable, (mean[1::2] - mean[0::2]) / np.sqrt(like.scale2), np.nan)  # (d, K)
    ids = np.array([t.id for t in targets])
    rows = []
    for stat in dict.fromkeys(ids):
        cols = ids == stat
        row = {"statistic": stat, "rows": int(cols.sum())}
        for j, name in enumerate(post.names):
            hit = move[j, cols][np.isfinite(move[j, cols])]
            row[name] = float(np.sqrt(np.mean(hit**2))) if hit.size else float("nan")
        rows.append(row)
    return rows


def emulator_share(post: Posterior, n: int = 64) -> np.ndarray:
    """Per target (K,): the share of the likelihood's variance (s_k^2 + v_k) that is the emulator's
    doubt v_k, averaged over ``n`` posterior draws. Near 1: the posterior's width there reflects too
    few design runs, not what the target says; more runs would narrow it."""
    like = post.likelihood
    pick = np.linspace(0, post.draws.shape[0] - 1, min(n, post.draws.shape[0])).round().astype(int)
    _, var = like.emulator.predict(post.unit(post.draws[pick]))
    share = np.where(like._usable, var / (like.scale2 + var), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a target left out is NaN in every draw
        return np.nanmean(share, axis=0)


def predictive_rows(
    targets: list[Target], sims: np.ndarray, emulator: np.ndarray | None = None
) -> list[dict]:  # fmt: skip
    """Posterior predictive check: the model at posterior draws (one seed each; sims (m, K)) against each
    target: the 95% predictive interval, and whether the published value is inside it, give or take
    the target's tolerance; with ``emulator`` (:func:`emulator_share`), the emulator's share too."""
    rows = []
    for k, t in enumerate(targets):
        col = sims[:, k][np.isfinite(sims[:, k])]
        lo, mid, hi = np.quantile(col, [0.025, 0.5, 0.975]) if col.size else (np.nan,) * 3
        rows.append(
            {
                "target": t.id,
                "group": t.group,
                "published": t.value,
                "tolerance": t.tolerance,
                "units": t.units,
                "predictive_median": float(mid),
                "predictive_low": float(lo),
                "predictive_high": float(hi),
                "inside": bool(lo - t.tolerance <= t.value <= hi + t.tolerance) if col.size else False,
                "emulator_share": float(emulator[k]) if emulator is not None else float("nan"),
                "citation": t.citation,
            }
        )
    return rows


def predictive_check(post: Posterior, config_path: Path, n: int, *, jobs: int = 1, dask: str | None = None,
                     on_run=None, targets: list[Target] | None = None) -> np.ndarray:  # fmt: skip
    """The model at ``n`` posterior draws, each on its own seed (not the design's): (n, K)."""
    config = load_config(config_path)
    targets = targets if targets is not None else load_targets(use="calibrate")
    pick = np.linspace(0, post.draws.shape[0] - 1, n).round().astype(int)
    root = np.random.SeedSequence([config.calibration.seed, 1])  # apart from the design's replicate seeds
    seeds = [int(s.generate_state(1, np.uint32)[0]) for s in root.spawn(n)]
    with Executor(jobs, dask) as executor:
        ev = Evaluator(config, config_path, targets, executor, seeds, on_run)
        sims = [ev.simulate([post.draws[i]], [seed])[0][0] for i, seed in zip(pick, seeds, strict=True)]
    return np.array(sims)


# ----------------------------------------------------------------------------- files


def write_posterior(post: Posterior, path: Path, extra: dict | None = None) -> list[Path]:
    """The draws as Parquet (one row per draw, one column per parameter; provenance in its metadata)
    and the provenance beside it as JSON."""
    keys = dict(zip(post.names, post.keys, strict=True))
    return write_draws(path, keys, post.draws, {**post.provenance, **(extra or {})})
