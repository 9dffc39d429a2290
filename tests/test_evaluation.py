"""The non-experimental design beside the lottery: matching with regression adjustment."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import library
from pathways.simulation import LabourMarket
from pathways.simulation.evaluation import matched_effect
from pathways.simulation.trial import COMPARISON, CONTROL, TREATMENT


def selected_sample(seed: int, effect: float = 5000.0, n: int = 4000, hidden: float = 0.0):
    """Earnings that depend on observables (and, with ``hidden``, on an unobserved trait), and
    participation that is more likely for people with low observables: naive comparisons are biased."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    trait = rng.normal(size=n)
    p = 1 / (1 + np.exp(1.0 * x[:, 0] + 0.5 * x[:, 1] - hidden * trait))
    treated = rng.random(n) < p
    y = 30_000 + 6000 * x[:, 0] + 3000 * x[:, 1] + hidden * 4000 * trait + effect * treated
    y += rng.normal(scale=2000, size=n)
    return y, treated, x


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matching_recovers_a_known_effect_when_selection_is_on_observables(seed):
    y, treated, x = selected_sample(seed)
    naive = y[treated].mean() - y[~treated].mean()
    r = matched_effect(y, treated, x)
    assert abs(naive - 5000) > 3000  # the raw comparison is far off
    assert r["ci_low"] <= 5000 <= r["ci_high"]
    assert abs(r["impact"] - 5000) < 600
    assert r["n_treated"] == treated.sum() and 0 < r["n_matched"] <= (~treated).sum()


def test_matching_cannot_remove_selection_on_what_records_do_not_show():
    y, treated, x = selected_sample(4, hidden=1.0)
    r = matched_effect(y, treated, x)
    # Those who take part have more of an unobserved trait that also raises earnings: matching on what
    # the records show overstates the effect, and the interval excludes the truth.
    assert r["ci_low"] > 5000


def test_too_few_of_either_gives_no_estimate():
    y, _, x = selected_sample(5, n=50)
    assert np.isnan(matched_effect(y, np.zeros(50, bool), x)["impact"])
    one = np.zeros(50, bool)
    one[0] = True
    assert np.isnan(matched_effect(y, one, x)["impact"])


def test_the_trial_follows_a_comparison_group_of_eligible_non_applicants_without_touching_the_lottery():
    model = LabourMarket(library("sectoral_tuition_free", workers=20000, months=36))
    model.run()
    trial = model.trial
    treated, controls, comparison = (trial.arm == a for a in (TREATMENT, CONTROL, COMPARISON))
    assert comparison.sum() > treated.sum()  # several per seat offered
    # Nobody is in two arms at once: a comparison person is sampled from those who did not apply that
    # month (and may apply later, as non-participants in program records may).
    assert len(set(zip(trial.person, trial.assigned, strict=True))) == trial.person.size
    randomised = set(zip(trial.person[treated | controls], trial.assigned[treated | controls], strict=True))
    assert not randomised & set(zip(trial.person[comparison], trial.assigned[comparison], strict=True))
    # The non-experimental estimate sits beside the lottery's for every follow-up year.
    matched = trial.matched_estimates(model.group_names)
    lottery = [r for r in trial.estimates(model.group_names) if r["group"] == "all"]
    assert [r["year"] for r in matched] == [r["year"] for r in lottery] == [1, 2, 3]
    assert all(r["design"] == "matched comparison" for r in matched)
    assert any(r["impact"] == r["impact"] for r in matched)


def test_a_trial_nobody_joined_gives_no_estimate_rather_than_an_error():
    empty = matched_effect(np.zeros(0), np.zeros(0, bool), np.zeros((0, 6)))
    assert np.isnan(empty["impact"]) and empty["n_treated"] == 0
