"""A Gaussian-process emulator of the model's calibration targets.

A run of the model at a parameter point costs seconds; the posterior needs
the targets at hundreds of thousands of points. The emulator learns the map
from the free parameters (scaled to the unit cube) to the mean of every
target over the calibration's replicate seeds, from a few hundred runs, and
says how unsure it is between them.

The targets (about 170, strongly correlated: 120 of them are pay percentiles)
are standardised and reduced to their leading principal components; each
component gets its own Gaussian process (scikit-learn, Matérn 5/2 with one
length scale per parameter, plus a nugget for what the replicate seeds leave
rough). A prediction is the components' means mapped back to the targets,
and its variance their latent variances mapped back the same way plus what
the dropped components missed on the design (Higdon et al. 2008, "Computer
model calibration using high-dimensional output", JASA 103:570).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

# Components kept: enough for this share of the standardised targets' variance over the design.
VARIANCE_KEPT = 0.99
MAX_COMPONENTS = 20


@dataclass
class Emulator:
    """Fitted emulator; build with :func:`fit_emulator`.

    centre, spread: (k,) the emulated targets' mean and standard deviation over the design.
    basis: (q, k) principal directions of the standardised targets.
    residual_var: (k,) variance the dropped components leave, standardised units.
    gps: q fitted ``GaussianProcessRegressor``.
    """

    centre: np.ndarray
    spread: np.ndarray
    basis: np.ndarray
    residual_var: np.ndarray
    gps: list
    noise: np.ndarray  # (q,) each component's fitted nugget, in the GP's (unit-spread) scale
    units: np.ndarray  # (q,) each component's spread over the design: GP scale -> score
    columns: np.ndarray  # (K,) bool: the targets emulated (the others predict NaN)
    inflation: np.ndarray  # (k,) widening of each target's variance from leave-one-out errors (>= 1)

    @property
    def components(self) -> int:
        return len(self.gps)

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Targets' emulated replicate means at points ``u`` (n, d) in the unit cube.

        Returns (mean, var), each (n, K), in the targets' own units; var is the
        emulator's uncertainty about the mean (not the seed noise around it).
        """
        u = np.atleast_2d(np.asarray(u, dtype=float))
        means, variances = [], []
        for gp, nugget, unit in zip(self.gps, self.noise, self.units, strict=True):
            m, sd = gp.predict(u, return_std=True)
            means.append(m * unit)
            # The nugget is the design's roughness, not doubt about the mean between design points.
            variances.append(np.maximum(sd**2 - nugget, 0.0) * unit**2)
        c, v = np.stack(means, 1), np.stack(variances, 1)  # (n, q)
        mean = np.full((u.shape[0], self.columns.size), np.nan)
        var = np.full((u.shape[0], self.columns.size), np.nan)
        mean[:, self.columns] = self.centre + (c @ self.basis) * self.spread
        var[:, self.columns] = (v @ self.basis**2 + self.residual_var) * self.inflation * self.spread**2
        return mean, var


def fit_emulator(u: np.ndarray, y: np.ndarray, seed: int = 0) -> Emulator:
    """Fit to design points ``u`` (n, d) in the unit cube and target means ``y`` (n, K).

    A target the model could not produce in more than a tenth of the runs (a
    program nobody finished, a market too small for a measure) is not
    emulated: its prediction is NaN and a likelihood leaves it out. Of the
    rest, runs missing one are left out; at least ``d + 2`` must remain.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    u, y = np.asarray(u, float), np.asarray(y, float)
    columns = np.isfinite(y).mean(axis=0) >= 0.9
    y = y[:, columns]
    complete = np.isfinite(y).all(axis=1)
    u, y = u[complete], y[complete]
    n, d = u.shape
    if n < d + 2:
        raise ValueError(f"the emulator needs at least {d + 2} design runs with every target (got {n})")
    centre = y.mean(axis=0)
    spread = y.std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)  # a target constant over the design carries no signal
    z = (y - centre) / spread
    _, sv, vt = np.linalg.svd(z, full_matrices=False)
    share = np.cumsum(sv**2) / max(np.sum(sv**2), 1e-300)
    # No more components than half the design runs: past that they fit the seeds' noise, not the map.
    q = int(min(np.searchsorted(share, VARIANCE_KEPT) + 1, MAX_COMPONENTS, max(n // 2, 1), len(sv)))
    basis = vt[:q]
    scores = z @ basis.T
    residual_var = np.mean((z - scores @ basis) ** 2, axis=0)
    gps, noise, units = [], [], []
    for j in range(q):
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            length_scale=np.full(d, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-2, (1e-8, 1.0))
        # Scores have mean zero (the targets are centred); scaled to unit spread for the GP.
        unit = max(float(scores[:, j].std()), 1e-12)
        gp = GaussianProcessRegressor(kernel, n_restarts_optimizer=0, random_state=seed + j)
        with warnings.catch_warnings():
            # A length scale at its bound means the component barely depends on that parameter: fine.
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(u, scores[:, j] / unit)
        gps.append(gp)
        units.append(unit)
        noise.append(gp.kernel_.k2.noise_level)
    inflation = _loo_inflation(gps, np.array(units), basis, residual_var, z)
    return Emulator(
        centre, spread, basis, residual_var, gps, np.array(noise), np.array(units), columns, inflation
    )


def _loo_inflation(gps: list, units: np.ndarray, basis: np.ndarray, residual_var: np.ndarray,
                   z: np.ndarray) -> np.ndarray:  # fmt: skip
    """How much to widen each target's stated uncertainty so that it matches the emulator's
    leave-one-out errors on the design (Bastos and O'Hagan 2009, Technometrics 51:425): (k,), >= 1.

    Leaving a run out of a Gaussian process has a closed form with the kernel fixed: with
    ``P = K^-1``, the left-out mean misses by ``(P y)_i / P_ii`` with variance ``1 / P_ii``.
    """
    miss, var = [], []
    for gp, unit in zip(gps, units, strict=True):
        k = gp.kernel_(gp.X_train_)
        precision = np.linalg.inv(k)
        diag = np.diag(precision)
        miss.append(precision @ gp.y_train_ / diag * unit)
        var.append(unit**2 / diag)
    miss_z = np.stack(miss, 1) @ basis  # (n, k): left-out error of the kept components
    var_z = np.stack(var, 1) @ basis**2 + residual_var
    residual = z - (z @ basis.T) @ basis  # what the dropped components miss, in-sample
    ratio = np.mean((miss_z + residual) ** 2 / var_z, axis=0)
    return np.clip(ratio, 1.0, 100.0)
