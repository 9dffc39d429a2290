"""Burn in once: a run continued from another arm's month-0 checkpoint is the run itself."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SMALL_SWEEP, assert_same_state, calibrated, library
from pathways.experiments import checkpoints
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


# --------------------------------------------------------------------------- on disk


def test_a_checkpoint_saved_to_disk_starts_an_arm_exactly_as_its_own_burn_in(reference, tmp_path):
    scenario, _, checkpoint = reference
    path = tmp_path / "burned.ckpt"
    checkpoints.save(checkpoint, path, scenario)
    policy = {"bias_reduction": {"reduction": 0.6, "employer_share": 0.5, "start_month": 0}}
    arm = calibrated(**SIZE, policies=policy)
    direct, resumed = LabourMarket(arm), LabourMarket(arm)
    direct.run()
    run_from(checkpoints.load(path, arm, SIZE["seed"]), resumed, burn_in_identity(arm))
    assert_same_state(direct, resumed)
    np.testing.assert_equal(direct.metrics.columns(), resumed.metrics.columns())


def _with_header(source: Path, target: Path, state: bytes | None = None, **changes) -> Path:
    """A copy of checkpoint ``source`` whose header says something else (and state is ``state``)."""
    with zipfile.ZipFile(source) as archive:
        header = {**json.loads(archive.read("header.json")), **changes}
        state = archive.read("state.pickle") if state is None else state
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("header.json", json.dumps(header))
        archive.writestr("state.pickle", state)
    return target


def test_a_checkpoint_of_other_code_another_scenario_or_seed_is_refused_before_loading(reference, tmp_path):
    scenario, _, checkpoint = reference
    path = tmp_path / "burned.ckpt"
    checkpoints.save(checkpoint, path, scenario)
    seed = SIZE["seed"]
    with pytest.raises(checkpoints.CheckpointError, match=r"burned\.ckpt.*another scenario"):
        checkpoints.load(path, calibrated(**{**SIZE, "workers": 4001}), seed)
    with pytest.raises(checkpoints.CheckpointError, match="another scenario"):
        checkpoints.load(path, library("registered_apprenticeship", **SIZE), seed)
    with pytest.raises(checkpoints.CheckpointError, match=f"seed {seed}, not {seed + 1}"):
        checkpoints.load(path, scenario, seed + 1)
    # The header is checked before the state is unpickled: a state that cannot load is never reached.
    other = _with_header(path, tmp_path / "other.ckpt", b"not a pickle", code="0123456789abcdef")
    with pytest.raises(checkpoints.CheckpointError, match=r"other\.ckpt.*other code"):
        checkpoints.load(other, scenario, seed)
    (tmp_path / "notes.txt").write_text("not a checkpoint")
    for bad in ("notes.txt", "missing.ckpt"):
        with pytest.raises(checkpoints.CheckpointError, match=bad):
            checkpoints.load(tmp_path / bad, scenario, seed)


def test_run_saves_and_starts_from_a_checkpoint_with_the_same_results(tmp_path, capsys):
    from pathways.cli import EXIT_USER_ERROR, main

    size = ["--workers", "1500", "--months", "6", "--no-charts"]  # the tables are what is compared
    arm = str(ROOT / "scenarios" / "sectoral_tuition_free.toml")
    ckpt = tmp_path / "burned.ckpt"
    # The run that burns in saves its month-0 state; the second starts from it.
    assert main(["run", arm, *size, "--out", str(tmp_path / "direct"), "--save-checkpoint", str(ckpt)]) == 0
    assert main(["run", arm, *size, "--out", str(tmp_path / "resumed"), "--from-checkpoint", str(ckpt)]) == 0
    assert "from the burn-in in" in capsys.readouterr().out
    for name in ("metrics.parquet", "enrolments.parquet", "careers.parquet"):
        assert (tmp_path / "direct" / name).read_bytes() == (tmp_path / "resumed" / name).read_bytes(), name
    # Refused before any work, naming the file: another seed's burn-in, and a file that is not a checkpoint.
    out = tmp_path / "refused"
    assert main(["run", arm, *size, "--seed", "2", "--out", str(out), "--from-checkpoint", str(ckpt)]) == (
        EXIT_USER_ERROR
    )
    assert "burned.ckpt" in capsys.readouterr().err and not out.exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    assert main(["run", arm, *size, "--out", str(out), "--save-checkpoint", str(notes)]) == EXIT_USER_ERROR
    assert "--overwrite" in capsys.readouterr().err and notes.read_text() == "keep me" and not out.exists()


def test_a_sweep_gives_the_same_results_sharing_burn_ins_in_memory_and_on_disk(tmp_path):
    from pathways.experiments import sweep as sw

    path = tmp_path / "small_sweep.toml"
    path.write_text(SMALL_SWEEP.format(root=ROOT))
    plan = sw.load_sweep(path, workers=800, months=6)
    # The two arms share each (homophily, seed) burn-in: 2 points x 2 seeds = 4 burn-ins for 8 runs.
    assert [len(g) for g in sw.burn_in_groups(plan, plan.runs, True)] == [2, 2, 2, 2]
    assert [len(g) for g in sw.burn_in_groups(plan, plan.runs, False)] == [1] * 8
    # At most SHARED_RUNS runs share one burn-in, so a sweep of few seeds still uses many workers.
    many = sw.load_sweep(path, workers=800, months=6, seeds=1)
    many.runs = many.runs * 10  # 40 runs of one seed: 20 per homophily point (burn-in)
    assert sw.SHARED_RUNS == 8
    assert [len(g) for g in sw.burn_in_groups(many, many.runs, True)] == [8, 8, 4, 8, 8, 4]
    alone = sw.run_sweep(plan, tmp_path / "alone", reuse_burn_in=False)
    store = tmp_path / "burn_ins"
    for out in ("shared", "from_disk"):  # the second finds every burn-in on disk
        progress = sw.run_sweep(plan, tmp_path / out, jobs=2, checkpoints=store)
        assert (progress.done, progress.failed) == (alone.done, 0) == (8, 0)
        assert len(list(store.glob("*.ckpt"))) == 4
        np.testing.assert_equal(sw.combine(plan, tmp_path / out)[0].to_pylist(),
                                sw.combine(plan, tmp_path / "alone")[0].to_pylist())  # fmt: skip


def test_a_damaged_checkpoint_in_a_store_is_set_aside_and_burned_in_again(reference, tmp_path):
    scenario, model, checkpoint = reference
    store = checkpoints.Store(tmp_path)
    store.put(checkpoint, scenario)
    path = store.path(scenario, checkpoint.seed)
    path.write_bytes(path.read_bytes()[:1000])  # cut short
    assert store.get(scenario, checkpoint.seed) is None
    assert path.with_name(path.name + ".damaged").is_file() and not path.exists()
    again = LabourMarket(scenario)
    checkpoints.BurnIns(False, str(tmp_path)).run(again, scenario)  # burns in and saves a sound one
    assert_same_state(model, again)
    assert store.get(scenario, checkpoint.seed) is not None


def test_checkpoints_must_name_a_folder_one_can_write(tmp_path, capsys):
    from pathways.cli import EXIT_USER_ERROR, main

    (tmp_path / "notes.txt").write_text("keep me")
    scenarios = [str(ROOT / "scenarios" / n) for n in ("calibrated.toml", "sectoral_tuition_free.toml")]
    out = tmp_path / "out"
    notes = str(tmp_path / "notes.txt")
    argv = ["compare", *scenarios, "--seeds", "2", "--checkpoints", notes, "--out", str(out)]
    assert main(argv) == EXIT_USER_ERROR
    assert "--checkpoints" in capsys.readouterr().err and not out.exists()
