"""The plain one-agent-per-worker Mesa model (``benchmarks/plain_mesa.py``) runs the engine's rules exactly.

The plain model is the yardstick the engine's speed is measured against. Its
agents call the engine's own rule functions and take the engine's random
draws, so from the same state a month of the plain model and a month of the
engine running the same modules give identical worker and employer arrays,
bit for bit (``np.array_equal``, not ``allclose``): the speed-up ``pathways
bench`` reports compares the same rules. These tests check that, month after
month, that the months compared exercise every rule, and that the plain
model's own state stays consistent.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import calibrated
from pathways.benchmarks.plain_mesa import (
    EMPLOYED,
    EMPLOYER_FIELDS,
    OUT,
    UNEMPLOYED,
    PlainLabourMarket,
    core_modules,
    run_plain,
    state_digest,
    with_workers,
    worker_fields,
)
from pathways.simulation import LabourMarket
from pathways.simulation.employers import N_RUNGS, screens_waived
from pathways.simulation.workers import Channel

WORKERS = 2000
BURN_IN = 12  # months of the core market before the copy, so the state is a lived-in one
MONTHS = 4  # months compared after the copy


@pytest.fixture(scope="module")
def scenario():
    # The calibrated market; its programs and navigators are not among the core modules, so they stay closed.
    return calibrated(workers=WORKERS, burn_in=BURN_IN, months=MONTHS)


def engine_arrays(engine: LabourMarket) -> tuple[dict, dict]:
    workers = {name: a.copy() for name, a in engine.workers.arrays().items()}
    employers = {name: getattr(engine.employers, name).copy() for name in EMPLOYER_FIELDS}
    return workers, employers


@pytest.fixture(scope="module")
def history(scenario):
    """The engine (core modules, declarations checked) after its burn-in, the plain model taking over
    its state, then both stepped side by side: the arrays of each at the copy and after every month,
    and what the engine's months did (hires by channel, retirements, waived screens)."""
    engine = LabourMarket(scenario, modules=core_modules(), debug=True)
    for _ in range(BURN_IN):
        engine.step()
    plain = PlainLabourMarket(engine)
    states = [(engine_arrays(engine), (plain.worker_arrays(), plain.employer_arrays()))]
    done = {"channels": set(), "entrants": 0, "waived": 0, "raises": 0, "to_out": 0}
    waive_after = scenario.hiring.screen_waiver_months
    for _ in range(MONTHS):
        before = engine.workers.person.copy(), engine.workers.state.copy(), engine.workers.wage.copy()
        engine.step()
        plain.step()
        plain.check_invariants()
        states.append((engine_arrays(engine), (plain.worker_arrays(), plain.employer_arrays())))
        w, t = engine.workers, engine.employers
        done["channels"] |= set(engine.month_log.hires_channel.tolist())
        done["entrants"] += int((w.person != before[0]).sum())
        done["waived"] += int((t.waived(waive_after) & (t.openings > 0)).sum())
        stayed = (before[1] == EMPLOYED) & (w.state == EMPLOYED) & (w.tenure % 12 == 0) & (w.tenure > 0)
        done["raises"] += int((w.wage[stayed] > before[2][stayed]).sum())
        done["to_out"] += int(((before[1] == EMPLOYED) & (w.state == OUT)).sum())
    return states, done, plain


def assert_identical(engine: tuple[dict, dict], plain: tuple[dict, dict], when: str) -> None:
    (engine_w, engine_e), (plain_w, plain_e) = engine, plain
    assert set(plain_w) == set(engine_w) == set(worker_fields())
    for kind, ours, theirs in (("worker", engine_w, plain_w), ("employer", engine_e, plain_e)):
        for name, array in ours.items():
            # The plain model's values come in wide types; an engine value widens without loss.
            other = theirs[name]
            if not np.array_equal(array.astype(other.dtype), other):
                rows = np.unique(np.argwhere(array.astype(other.dtype) != other)[:, 0])
                pytest.fail(
                    f"{when}: {kind} array {name} differs in {rows.size} rows, first {rows[:5].tolist()}"
                )


def test_the_plain_model_takes_over_the_engines_state(history):
    states, _, _ = history
    assert_identical(*states[0], "at the copy")


def test_one_month_of_both_gives_identical_arrays(history):
    states, _, _ = history
    assert_identical(*states[1], "after one month")


def test_every_later_month_is_identical_too(history):
    states, _, _ = history
    for month, (engine, plain) in enumerate(states[2:], start=2):
        assert_identical(engine, plain, f"after {month} months")


def test_the_months_compared_exercise_every_rule(history):
    # Identity over months where nothing happens would prove little.
    _, done, _ = history
    assert {int(Channel.PUBLIC), int(Channel.REFERRAL), int(Channel.INTERNAL)} <= done["channels"]
    assert done["entrants"] > 0, "no retirement and entry"
    assert done["waived"] > 0, "no screens waived"
    assert done["raises"] > 0, "no tenure raise"
    assert done["to_out"] > 0, "nobody left the labour force from a job"


def test_screens_are_waived_only_after_months_of_unfilled_openings(scenario):
    # The waiver counts months in which hiring left openings unfilled, as the engine does, not
    # months that merely had openings (the plain model's old drift: 9.7% against 4.0% waived).
    engine = LabourMarket(scenario, modules=core_modules())
    plain = PlainLabourMarket(engine)
    plain.shocks = [0.0] * len(plain.employers)
    after = scenario.hiring.screen_waiver_months
    employer = next(e for e in plain.employers if e.base_jobs[0] >= 2)
    employer.headcount, employer.demand, employer.months_open = [0] * N_RUNGS, 0.0, [0] * N_RUNGS
    for _ in range(after + 2):
        employer.unfilled = [0] * N_RUNGS  # every opening filled
        employer.step()
        assert employer.openings[0] > 0 and employer.months_open[0] == 0
    for month in range(1, after + 1):
        employer.unfilled = list(employer.openings)  # none filled
        employer.step()
        assert employer.months_open[0] == month
    assert screens_waived(employer.months_open[0], after)
    employer.unfilled = [0] * N_RUNGS  # filled at last: the count starts again
    employer.step()
    assert employer.months_open[0] == 0


def test_every_worker_in_exactly_one_state_and_jobs_on_the_employers_ladder(history):
    _, _, plain = history
    counts = {s: plain.count(s) for s in (EMPLOYED, UNEMPLOYED, OUT)}
    assert sum(counts.values()) == WORKERS and all(c > 0 for c in counts.values())
    for w in plain.workers:
        assert (w.state == EMPLOYED) == (w.employer is not None) == (w.occupation >= 0) == (w.wage > 0)
        if w.state == EMPLOYED:
            assert w.occupation // N_RUNGS == w.employer.sector
            assert w.wage >= plain.wage_floor - 1e-3
    for e in plain.employers:
        assert all(0 <= h <= o for h, o in zip(e.hires, e.openings, strict=True))


def test_the_plain_model_runs_only_with_the_same_modules(scenario):
    with pytest.raises(ValueError, match="core_modules"):
        PlainLabourMarket(LabourMarket(scenario))


def test_run_plain_reports_timing_and_the_engines_final_state(scenario):
    result = run_plain(scenario, workers=400, months=2, seed=2)
    assert set(result) == {
        "workers", "months", "seconds", "init_seconds", "worker_months_per_second", "unemployment_rate",
        "digest",
    }  # fmt: skip
    assert result["workers"] == 400 and result["months"] == 2
    assert result["seconds"] > 0 and result["init_seconds"] > 0
    assert result["worker_months_per_second"] == pytest.approx(400 * 2 / result["seconds"])
    assert 0.0 <= result["unemployment_rate"] <= 1.0
    # The bench's check that both sides ran the same months: equal digests of the final worker arrays.
    engine = LabourMarket(with_workers(scenario, 400), 2, modules=core_modules())
    engine.step()
    engine.step()
    assert state_digest(engine.workers.arrays()) == result["digest"]
