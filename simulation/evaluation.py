"""A non-experimental evaluation, as program-record and apprenticeship studies do it.

Without a lottery, evaluators compare participants with eligible people who
did not take part, matched on what the records show before the program
(earnings, employment, age, education, group), and adjust by regression for
what matching leaves:

1. each participant is matched to the nearest non-participant (with
   replacement) on the covariates scaled to unit variance;
2. on the matched sample (a non-participant counted as often as matched), the
   outcome is regressed on participation and the covariates by least squares;
   the impact is the participation coefficient, with a heteroskedasticity-
   robust (HC1) standard error and a normal 95% interval.

What the records do not show (skill, soft skills, motivation to apply) is
not matched on: that is the selection a lottery removes and this design does
not, and the model can show how much it matters, because it runs both.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

Z95 = 1.959963984540054  # the normal 97.5% point: 95% intervals of both designs


def matched_effect(outcome: np.ndarray, treated: np.ndarray, covariates: np.ndarray) -> dict:
    """Nearest-neighbour matching with regression adjustment (see the module docstring).

    outcome: (n,) e.g. annual earnings in dollars; treated: (n,) bool, participants; covariates:
    (n, k) pre-program characteristics. Rows with a missing outcome are dropped. Returns impact, se,
    ci_low, ci_high, n_treated and n_matched (distinct comparison people used); NaN when there are
    fewer than two of either.
    """
    y = np.asarray(outcome, float)
    t = np.asarray(treated, bool)
    x = np.asarray(covariates, float)
    x = x.reshape(y.size, 1) if x.ndim == 1 else x
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    y, t, x = y[keep], t[keep], x[keep]
    nan = float("nan")
    if t.sum() < 2 or (~t).sum() < 2:
        return {"impact": nan, "se": nan, "ci_low": nan, "ci_high": nan, "n_treated": int(t.sum()),
                "n_matched": 0}  # fmt: skip
    scale = x.std(axis=0)
    varying = scale > 0
    z = (x[:, varying] - x[:, varying].mean(axis=0)) / scale[varying]
    controls = np.flatnonzero(~t)
    participants = np.flatnonzero(t)
    if z.shape[1]:
        _, nearest = cKDTree(z[controls]).query(z[participants], k=1)
        matched = controls[np.asarray(nearest).ravel()]
    else:  # nothing to match on: every non-participant is as good as any other
        matched = controls[np.zeros(participants.size, np.int64)]
    weight = np.zeros(y.size)
    weight[participants] = 1.0
    np.add.at(weight, matched, 1.0)
    used = weight > 0
    design = np.column_stack([np.ones(used.sum()), t[used].astype(float), x[used][:, varying]])
    impact, se = _weighted_ols(y[used], design, weight[used], column=1)
    return {
        "impact": impact,
        "se": se,
        "ci_low": impact - Z95 * se,
        "ci_high": impact + Z95 * se,
        "n_treated": int(participants.size),
        "n_matched": int(np.unique(matched).size),
    }


def _weighted_ols(y: np.ndarray, x: np.ndarray, w: np.ndarray, column: int) -> tuple[float, float]:
    """Coefficient ``column`` of weighted least squares and its HC1 standard error."""
    sw = np.sqrt(w)
    xw, yw = x * sw[:, None], y * sw
    beta, *_ = np.linalg.lstsq(xw, yw, rcond=None)
    resid = yw - xw @ beta
    bread = np.linalg.pinv(xw.T @ xw)
    meat = (xw * resid[:, None]).T @ (xw * resid[:, None])
    n, k = xw.shape
    cov = bread @ meat @ bread * (n / max(n - k, 1))
    return float(beta[column]), float(np.sqrt(max(cov[column, column], 0.0)))
