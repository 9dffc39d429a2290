"""Tests for the plain one-object-per-worker Mesa model in ``benchmarks/plain_mesa.py``.

The plain model is the yardstick the array engine's speed is measured
against, so it must run the same core rules: these tests check that its state
stays consistent month by month, that it starts from exactly the array
model's first state, that its unemployment rate lands near the array model's,
and that a seed fixes its results.
"""

from __future__ import annotations

import numpy as np
import pytest

from pathways.benchmarks.plain_mesa import (
    EMPLOYED,
    OUT,
    UNEMPLOYED,
    PlainLabourMarket,
    run_plain,
    with_workers,
)
from pathways.simulation import LabourMarket, State, load_scenario
from pathways.simulation.employers import filled_jobs

WORKERS = 1500
MONTHS = 6


@pytest.fixture(scope="module")
def scenario():
    return with_workers(load_scenario("baseline.toml"), WORKERS)


@pytest.fixture(scope="module")
def stepped(scenario):
    """A plain model run for MONTHS months, checked after every month."""
    model = PlainLabourMarket(scenario, seed=3)
    for _ in range(MONTHS):
        model.step()
        model.check_invariants()
    return model


def test_starts_from_the_array_models_first_state(scenario):
    plain = PlainLabourMarket(scenario, seed=3)
    array = LabourMarket(scenario, seed=3)
    w = array.workers
    assert len(plain.workers) == w.n
    assert [p.state for p in plain.workers] == w.state.tolist()
    assert [p.employer.index if p.employer else -1 for p in plain.workers] == w.employer.tolist()
    assert [e.headcount for e in plain.employers] == filled_jobs(w, array.employers.n).tolist()
    filled = [row[:k] for row, k in zip(w.ties.tolist(), w.n_ties.tolist(), strict=True)]
    assert [[t.row for t in p.ties] for p in plain.workers] == filled
    plain.check_invariants()


def test_every_worker_in_exactly_one_state(stepped):
    counts = {s: stepped.count(s) for s in (EMPLOYED, UNEMPLOYED, OUT)}
    assert sum(counts.values()) == WORKERS
    assert all(c > 0 for c in counts.values())
    for w in stepped.workers:
        assert (w.state == EMPLOYED) == (w.employer is not None) == (w.occupation >= 0) == (w.wage > 0)


def test_jobs_are_in_the_employers_sector_and_paid_at_least_the_floor(stepped):
    employed = [w for w in stepped.workers if w.state == EMPLOYED]
    assert employed
    for w in employed:
        assert w.occupation // 3 == w.employer.sector
        assert w.wage >= stepped.wage_floor - 1e-3


def test_hiring_happens_and_never_exceeds_openings(scenario):
    model = PlainLabourMarket(scenario, seed=4)
    hired = 0
    for _ in range(3):
        model.step()
        for e in model.employers:
            assert all(0 <= h <= o for h, o in zip(e.hires, e.openings, strict=True))
            hired += sum(e.hires)
    assert hired > 0


def test_unemployment_near_the_array_models(scenario, stepped):
    array = LabourMarket(scenario, seed=3)
    for _ in range(MONTHS):
        array.step()
    state = array.workers.state
    employed, unemployed = np.sum(state == State.EMPLOYED), np.sum(state == State.UNEMPLOYED)
    array_rate = unemployed / (employed + unemployed)
    plain_rate = stepped.unemployment_rate
    # Both start near a third unemployed (the initial job assignment) and fall fast.
    assert 0.01 < array_rate < 0.20
    assert 0.01 < plain_rate < 0.20
    assert abs(plain_rate - array_rate) < 0.05


def test_same_seed_same_result(scenario):
    def run(seed: int) -> list[tuple]:
        model = PlainLabourMarket(scenario, seed=seed)
        for _ in range(3):
            model.step()
        return [
            (w.state, w.employer.index if w.employer else -1, w.occupation, w.wage, w.tenure, tuple(w.skill))
            for w in model.workers
        ]

    first = run(5)
    assert run(5) == first
    assert run(6) != first


def test_run_plain_reports_timing(scenario):
    result = run_plain(scenario, workers=400, months=2, seed=2)
    assert set(result) == {
        "workers", "months", "seconds", "init_seconds", "worker_months_per_second", "unemployment_rate",
    }  # fmt: skip
    assert result["workers"] == 400 and result["months"] == 2
    assert result["seconds"] > 0 and result["init_seconds"] > 0
    assert result["worker_months_per_second"] == pytest.approx(400 * 2 / result["seconds"])
    assert 0.0 <= result["unemployment_rate"] <= 1.0
