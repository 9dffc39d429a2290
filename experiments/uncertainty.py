"""Parameter uncertainty: intervals that say what the calibration does not pin down.

An interval over seeds says how much chance moves a result with the model's
parameters known exactly. They are not known: the calibration's posterior
(``calibration/posterior.parquet``, written by ``pathways posterior``) is a
sample of the values the published targets allow. With parameter
uncertainty on, every replicate seed of a comparison also runs once with its
own posterior draw, the same draw in every arm (so arms stay paired) and the
same seed as its run at the calibrated point (common random numbers).

For each outcome (and each difference between arms), with n seeds:

* seed-only interval: the usual t interval of the mean over seeds, at the
  calibrated point;
* parameter variance V: the variance over seeds of the posterior runs (each
  its own draw and its own luck) minus that of the calibrated runs (luck
  alone), floored at zero. Pairing the two by seed would not do: a draw
  changes the market (how many employers, who holds which job), so the same
  seed's luck plays out differently and does not cancel;
* total interval: the posterior runs' mean +- sqrt(1.96^2 V + t^2 c), with
  c = max(variance of the posterior runs, of the calibrated runs) / n the
  chance error of a mean over n seeds: how far the parameters could move the
  result, plus chance. Never narrower than the seed-only interval;
* parameter share: V / (V + c), the part of the total variance that the
  parameters bring. With few seeds V is itself uncertain (a difference of two
  variances): 20 seeds tell a parameter share of 50% from 90%, not 80%.

Only parameters a scenario inherits from the calibration take draws: a
scenario that sets one of them itself (a policy that changes search effort,
say) keeps its own value, and is told so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import special  # stdtrit: Student's t quantile (scipy.stats takes a second to import)

from ..simulation import Scenario
from ..simulation.scenario import (
    builtin_dir,
    dotted,
    load_scenario,
    merge_tables,
    scenario_dict,
    with_overrides,
)

Z95 = 1.959963984540054


def posterior_file() -> Path:
    from ..calibration.draws import POSTERIOR_FILE

    return POSTERIOR_FILE


def _value(data: dict, key: str):
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def inherited(scenario: Scenario, keys: dict[str, str]) -> list[str]:
    """Names of the posterior's parameters ``keys`` ({name: scenario key}) whose value in ``scenario``
    is the installed calibrated value: those it takes from the calibration, and which may take draws."""
    calibrated = scenario_dict(load_scenario(Path(builtin_dir()) / "calibrated.toml"))
    mine = scenario_dict(scenario)
    out = []
    for name, key in keys.items():
        a, b = _value(mine, key), _value(calibrated, key)
        if a is not None and b is not None and np.isclose(float(a), float(b), rtol=1e-12, atol=0.0):
            out.append(name)
    return out


class Draws:
    """Posterior draws assigned to replicate seeds: the same draw for every arm of a seed."""

    def __init__(self, path: Path | None = None) -> None:
        from ..calibration.draws import read_posterior

        self.path = Path(path) if path is not None else posterior_file()
        if not self.path.is_file():
            raise FileNotFoundError(
                f"{self.path}: no posterior file (pathways posterior --install writes it; "
                "--no-parameter-uncertainty gives seed-only intervals)"
            )
        self.keys, self.values = read_posterior(self.path)
        self.names = list(self.keys)

    def for_seeds(self, seeds: list[int]) -> dict[int, np.ndarray]:
        """One draw (d,) per seed, chosen by the seeds alone: the same seeds always get the same draws."""
        rng = np.random.default_rng(np.random.SeedSequence([int(s) % 2**32 for s in seeds]))
        m = self.values.shape[0]
        pick = rng.permutation(m) if len(seeds) <= m else rng.integers(0, m, len(seeds))
        return {s: self.values[pick[i]] for i, s in enumerate(seeds)}

    def overrides(self, draw: np.ndarray, names: list[str]) -> dict:
        """Scenario overrides setting parameters ``names`` to ``draw``'s values."""
        out: dict = {}
        for j, name in enumerate(self.names):
            if name in names:
                out = merge_tables(out, dotted(self.keys[name], float(draw[j])))
        return out

    def scenario_at(self, scenario: Scenario, draw: np.ndarray, names: list[str]) -> Scenario:
        return with_overrides(scenario, self.overrides(draw, names)) if names else scenario


def total_interval(
    reference: np.ndarray, posterior: np.ndarray
) -> tuple[float, float, float, float]:  # fmt: skip
    """Mean, total 95% interval and parameter share of one outcome (or difference): see the module.

    reference, posterior: (n,) values at the calibrated point and at each seed's draw, same seeds.
    Returns (mean, low, high, parameter share); NaN where fewer than two seeds have both.
    """
    ok = np.isfinite(reference) & np.isfinite(posterior)
    ref, post = reference[ok], posterior[ok]
    n = ref.size
    if n < 2:
        return (float(post.mean()) if n else float("nan")), float("nan"), float("nan"), float("nan")
    var_ref, var_post = float(np.var(ref, ddof=1)), float(np.var(post, ddof=1))
    v_param = max(var_post - var_ref, 0.0)
    chance = max(var_post, var_ref) / n
    total = v_param + chance
    # A t quantile for the chance part over few seeds, as the seed-only interval uses.
    half = np.sqrt(v_param * Z95**2 + chance * special.stdtrit(n - 1, 0.975) ** 2)
    mean = float(post.mean())
    return mean, mean - half, mean + half, (v_param / total if total > 0 else 0.0)


def total_columns(
    outcome: str, reference: dict[int, float] | None, posterior: dict[int, float] | None,
    base_reference: dict[int, float] | None = None, base_posterior: dict[int, float] | None = None,
) -> dict[str, float]:  # fmt: skip
    """The total-interval columns of one summary row of ``outcome``, from values by seed (or replicate).

    reference, posterior: the row's values at the calibrated point and at each seed's draw;
    base_*: the reference arm's, for the difference (None for the reference arm itself).
    Returns ``total_mean``, ``total_low``, ``total_high`` (cut at the outcome's bounds, as the
    seed-only interval is: :func:`.outcomes.within_bounds`), ``parameter_share`` and, with a base,
    ``diff_total``, ``diff_total_low``, ``diff_total_high``, ``diff_parameter_share`` (NaN where
    there is nothing to pair).
    """
    from .outcomes import within_bounds

    nan = float("nan")
    out = dict(total_mean=nan, total_low=nan, total_high=nan, parameter_share=nan, diff_total=nan,
               diff_total_low=nan, diff_total_high=nan, diff_parameter_share=nan)  # fmt: skip
    if not reference or not posterior:
        return out
    seeds = sorted(set(reference) & set(posterior))
    ref = np.array([reference[s] for s in seeds], dtype=float)
    mean, lo, hi, share = total_interval(ref, np.array([posterior[s] for s in seeds], dtype=float))
    lo, hi = within_bounds(lo, hi, outcome)
    out.update(total_mean=mean, total_low=lo, total_high=hi, parameter_share=share)
    if base_reference and base_posterior:
        both = [s for s in seeds if s in base_reference and s in base_posterior]
        a = np.array([reference[s] - base_reference[s] for s in both], dtype=float)
        b = np.array([posterior[s] - base_posterior[s] for s in both], dtype=float)
        d, dlo, dhi, dshare = total_interval(a, b)
        out.update(diff_total=d, diff_total_low=dlo, diff_total_high=dhi, diff_parameter_share=dshare)
    return out
