"""Burn in once: a run continued from another arm's month-0 checkpoint is the run itself."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT, assert_same_state, calibrated, library
from pathways.experiments.outcomes import key_outcomes
from pathways.simulation import LabourMarket
from pathways.simulation.checkpoint import Checkpoint, burn_in_identity, run_from

SIZE = dict(workers=4000, months=14, burn_in=24, seed=3)
SHARING = ("tuition_bootcamp", "isa_bootcamp", "sectoral_tuition_free", "apprenticeship",
           "young_adult_internship", "healthcare_part_time", "labor_management_homecare")  # fmt: skip


@pytest.fixture(scope="module")
def reference():
    """The calibrated market's checkpoint at month 0 (its own run continues to the end)."""
    scenario = calibrated(**SIZE)
    model = LabourMarket(scenario)
    checkpoint = run_from(None, model, burn_in_identity(scenario))
    return scenario, model, checkpoint


@pytest.mark.parametrize("name", SHARING)
def test_a_library_arm_from_the_reference_checkpoint_is_identical_to_its_own_run(reference, name):
    scenario = library(name, **SIZE)
    key = burn_in_identity(scenario)
    _, _, checkpoint = reference
    assert key == checkpoint.identity  # its program, policies and trial start at month 0
    direct = LabourMarket(scenario)
    direct.run()
    resumed = LabourMarket(scenario)
    run_from(checkpoint, resumed, key)
    assert_same_state(direct, resumed)
    np.testing.assert_equal(direct.metrics.columns(), resumed.metrics.columns())
    np.testing.assert_equal(key_outcomes(direct), key_outcomes(resumed))
    if direct.trial is not None:
        np.testing.assert_equal(direct.trial.estimates(direct.group_names),
                                resumed.trial.estimates(resumed.group_names))  # fmt: skip


def test_a_different_burn_in_has_another_identity_and_is_refused(reference):
    scenario, _, checkpoint = reference
    other = calibrated(**{**SIZE, "workers": 4001})
    assert burn_in_identity(other) != checkpoint.identity
    # A different market from month 0 on (a policy) shares the burn-in; a different network does not.
    assert burn_in_identity(calibrated(**SIZE, network={"homophily": 0.2})) != checkpoint.identity
    assert burn_in_identity(library("registered_apprenticeship", **SIZE)) != checkpoint.identity
    with pytest.raises(ValueError, match="another burn-in"):
        checkpoint.restore(LabourMarket(other), burn_in_identity(other))
    with pytest.raises(ValueError, match="another burn-in"):
        checkpoint.restore(LabourMarket(scenario, seed=4), checkpoint.identity)


def test_a_checkpoint_is_taken_at_month_zero_only(reference):
    scenario, _, _ = reference
    model = LabourMarket(scenario)
    with pytest.raises(ValueError, match="month 0"):
        Checkpoint(model, burn_in_identity(scenario))


def test_a_policy_arm_shares_the_burn_in_and_is_identical_from_the_checkpoint(reference):
    _, _, checkpoint = reference
    policy = {"bias_reduction": {"reduction": 0.6, "employer_share": 0.5, "start_month": 0}}
    scenario = calibrated(**SIZE, policies=policy)
    assert burn_in_identity(scenario) == checkpoint.identity
    direct, resumed = LabourMarket(scenario), LabourMarket(scenario)
    direct.run()
    run_from(checkpoint, resumed, checkpoint.identity)
    assert_same_state(direct, resumed)


def test_compare_gives_the_same_numbers_with_and_without_sharing_the_burn_in():
    from pathways.experiments import compare

    names = ("calibrated", "tuition_bootcamp", "registered_apprenticeship")  # the last burns in alone
    arms = compare.load_arms(
        [str(ROOT / "scenarios" / f"{n}.toml") for n in names],
        {"run": {"workers": 2500, "months": 12, "burn_in_months": 12}},
    )
    seeds = [1, 2]
    calls = []
    shared = compare.run_all(arms, seeds, on_result=lambda: calls.append(1))
    alone = compare.run_all(arms, seeds, reuse_burn_in=False)
    np.testing.assert_equal(shared, alone)
    assert len(calls) == len(arms) * len(seeds)  # progress counts runs, shared or not
