"""The report of ``pathways posterior``: what the targets identify, and whether the posterior predicts them.

``posterior.parquet``   the draws, one row per draw, one column per free parameter (provenance in
                        its metadata and in ``posterior.json`` beside it)
``identifiability.csv`` each parameter: uniform prior, posterior median and central 90% interval,
                        the interval's width over the prior's, and the installed point fit
``correlations.csv``    pairwise posterior correlations, strongest first
``pulls.csv``           which statistics pull on which parameters (:func:`.posterior.pull_rows`)
``predictive.csv``      posterior predictive check of every target: model interval vs published
``design.csv``          every design point and its targets' replicate means (the emulator's training set)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..experiments.io import write_csv
from .posterior import (
    Posterior,
    correlation_rows,
    emulator_share,
    identifiability_rows,
    predictive_rows,
    pull_rows,
    write_posterior,
)
from .targets import Target

INSTALLED = (
    "posterior.parquet", "posterior.json", "identifiability.csv", "correlations.csv", "pulls.csv",
    "predictive.csv",
)  # fmt: skip


def write_report(post: Posterior, targets: list[Target], sims: np.ndarray, point: np.ndarray | None,
                 out: Path, extra: dict | None = None) -> list[Path]:  # fmt: skip
    """Write every file above into ``out``; ``sims`` (m, K) are the predictive check's runs."""
    out.mkdir(parents=True, exist_ok=True)
    paths = write_posterior(post, out / "posterior.parquet", extra)
    tables = {
        "identifiability.csv": identifiability_rows(post, point),
        "correlations.csv": correlation_rows(post),
        "pulls.csv": pull_rows(post, targets),
        "predictive.csv": predictive_rows(targets, sims, emulator_share(post)),
        # Every design run's point and its targets' replicate means: the emulator's training set, so a
        # later analysis can refit it without running the model again.
        "design.csv": [
            {
                **dict(zip(post.names, (post.low + u * (post.high - post.low)).tolist(), strict=True)),
                **{t.key: float(v) for t, v in zip(targets, y, strict=True)},
            }
            for u, y in zip(post.design.u, post.design.mean, strict=True)
        ],
    }
    for name, rows in tables.items():
        write_csv(rows, out / name)
        paths.append(out / name)
    return paths


def format_report(post: Posterior, targets: list[Target], sims: np.ndarray, point: np.ndarray | None) -> str:
    head = f"{'parameter':<26}{'prior':>18}{'median':>11}{'90% interval':>24}{'width/prior':>13}"
    lines = [head + (f"{'point fit':>11}" if point is not None else "")]
    for r in identifiability_rows(post, point):
        prior = "[{:.4g}, {:.4g}]".format(r["prior_low"], r["prior_high"])
        ci = "[{:.4g}, {:.4g}]".format(r["posterior_p05"], r["posterior_p95"])
        fit = f"{r['point_fit']:>11.4g}" if "point_fit" in r else ""
        lines.append(
            f"{r['parameter']:<26}{prior:>18}{r['posterior_median']:>11.4g}{ci:>24}{r['width_ratio']:>13.2f}{fit}"
        )
    corr = [r for r in correlation_rows(post) if abs(r["correlation"]) >= 0.3]
    if corr:
        lines.append("\nPosterior correlations of 0.3 or more:")
        lines += [f"  {r['parameter_a']} ~ {r['parameter_b']}: {r['correlation']:+.2f}" for r in corr]
    rows = predictive_rows(targets, sims)
    inside = sum(r["inside"] for r in rows)
    stats = {}
    for r in rows:
        stats.setdefault(r["target"], []).append(r["inside"])
    lines.append(
        f"\nPosterior predictive check ({sims.shape[0]} posterior draws, one seed each): "
        f"{inside} of {len(rows)} targets inside the model's 95% interval give or take their tolerance; "
        "statistics wholly inside: "
        f"{sum(all(v) for v in stats.values())} of {len(stats)}."
    )
    shares = emulator_share(post)
    lines.append(
        f"The emulator's own doubt is {np.nanmedian(shares):.0%} of the likelihood's variance for the median "
        f"target (at posterior draws): where it is large, more design runs would narrow the posterior."
    )
    missed = [k for k, v in stats.items() if not all(v)]
    if missed:
        lines.append("Statistics with a target outside: " + ", ".join(missed))
    return "\n".join(lines)
