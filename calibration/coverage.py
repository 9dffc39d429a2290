"""Simulation-based calibration check of the posterior method (:mod:`.posterior`).

Does a 90% posterior interval contain the truth 90% of the time? Draw "true"
parameter values from the prior, make synthetic targets with the model
itself at those values (on seeds the design never used), run the method on
them, and count how often each parameter's central 90% interval covers its
true value (Talts et al. 2018, "Validating Bayesian inference algorithms with
simulation-based calibration", arXiv:1804.06788).

What it checks: the emulator (trained on one prior-wide wave), its stated
uncertainty and the sampler, with the same likelihood as the real
calibration. The one difference: the real targets carry a tolerance for the
model's discrepancy from the world, which synthetic targets made by the
model do not have, so here s_k^2 is the seed noise of the synthetic targets
plus that of the design means (2 var_k / R). The refocusing wave is left out
(it would need a new design per truth).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import qmc

from ..experiments.executor import Executor
from .emulator import fit_emulator
from .fit import CONFIG_FILE, Evaluator, statistic_weights
from .posterior import (
    CENTRAL,
    Likelihood,
    PosteriorSettings,
    run_design,
    sample,
    seed_noise,
    setup,
)
from .targets import Target


@dataclass
class Coverage:
    """Per truth (rows) and parameter (columns): the truth and whether the 90% interval covered it."""

    names: list[str]
    truth: np.ndarray  # (n, d) parameter values
    low: np.ndarray  # (n, d) 5th percentiles
    high: np.ndarray  # (n, d) 95th percentiles
    design_runs: int
    truth_runs: int

    @property
    def covered(self) -> np.ndarray:
        return (self.low <= self.truth) & (self.truth <= self.high)

    @property
    def rate(self) -> float:
        return float(self.covered.mean())

    def rows(self) -> list[dict]:
        """One row per parameter, then one for all: coverage over the truths, with its binomial 95% band."""
        out = []
        n = self.truth.shape[0]
        for j, name in enumerate([*self.names, "all parameters"]):
            hits = self.covered[:, j] if j < len(self.names) else self.covered.ravel()
            k = hits.size
            out.append({
                "parameter": name,
                "checks": int(k),
                "covered": int(hits.sum()),
                "coverage": float(hits.mean()),
                "expected": CENTRAL,
                # What a method with exact 90% intervals would show over this many checks (normal band).
                "expected_low": float(CENTRAL - 1.96 * np.sqrt(CENTRAL * (1 - CENTRAL) / k)),
                "expected_high": float(min(1.0, CENTRAL + 1.96 * np.sqrt(CENTRAL * (1 - CENTRAL) / k))),
                "truths": n,
            })  # fmt: skip
        return out


def coverage_check(
    config_path: Path = CONFIG_FILE,
    *,
    truths: int,
    jobs: int = 1,
    dask: str | None = None,
    settings: PosteriorSettings | None = None,
    targets: list[Target] | None = None,
    on_run=None,
) -> Coverage:
    """Run the check with ``truths`` true parameter points (see the module's docstring)."""
    config, ps, targets, seeds = setup(config_path, settings, targets)
    s = config.calibration
    d = len(config.parameters)
    root = np.random.SeedSequence([s.seed, 2])  # the truths' seeds, apart from the design's
    truth_seeds = [int(x.generate_state(1, np.uint32)[0]) for x in root.spawn(s.replicates)]
    truth_u = qmc.Sobol(d=d, scramble=True, seed=ps.seed + 7).random(truths)
    with Executor(jobs, dask) as executor:
        ev = Evaluator(config, config_path, targets, executor, seeds, on_run)
        design = run_design(ev, qmc.Sobol(d=d, scramble=True, seed=ps.seed).random(ps.design_points), seeds)
        synthetic = run_design(ev, truth_u, truth_seeds)
    emulator = fit_emulator(design.u, design.mean, seed=ps.seed)
    ids = [t.id for t in targets]
    weights = statistic_weights(ids) * len(set(ids))
    scale2 = seed_noise(design, s.replicates) + seed_noise(synthetic, s.replicates)
    # A target no seed moves (a share that is always 0) would demand an exact fit: give it a tiny floor.
    scale2 = np.maximum(scale2, 1e-6 * (1 + np.abs(np.nanmean(design.mean, axis=0))) ** 2)
    lo = np.array([p.bounds[0] for p in config.parameters])
    hi = np.array([p.bounds[1] for p in config.parameters])
    tail = (1 - CENTRAL) / 2
    lows, highs = [], []
    for i in range(truths):
        like = Likelihood(emulator, synthetic.mean[i], scale2, weights)
        draws, _, _ = sample(like, d, walkers=ps.walkers, steps=ps.steps, burn=ps.burn, draws=ps.draws,
                          seed=ps.seed + 100 + i)  # fmt: skip
        q = np.quantile(draws, [tail, 1 - tail], axis=0)
        lows.append(lo + q[0] * (hi - lo))
        highs.append(lo + q[1] * (hi - lo))
    return Coverage([p.name for p in config.parameters], lo + truth_u * (hi - lo), np.array(lows),
                    np.array(highs), len(design.u) * len(seeds), truths * len(truth_seeds))  # fmt: skip
