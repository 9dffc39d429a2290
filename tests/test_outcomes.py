"""Outcome measures: inequality, mobility, trial estimates, intervals, and a run's key outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small
from pathways.experiments.compare import interval
from pathways.experiments.outcomes import describe, key_outcomes
from pathways.simulation import LabourMarket, State
from pathways.simulation.metrics import theil
from pathways.simulation.mobility import NOT_EMPLOYED, MobilityTracker, quintile
from pathways.simulation.trial import difference_in_means
from pathways.simulation.workers import Workers


def test_theil_decomposes_exactly():
    rng = np.random.default_rng(0)
    wages = rng.lognormal(10, 0.5, 5000)
    group = rng.integers(0, 4, 5000)
    wages[group == 2] *= 1.5
    t_g, between, within = theil(wages, group, 4)
    mu = wages.mean()
    total = np.mean(wages / mu * np.log(wages / mu))
    assert between + within == pytest.approx(total, rel=1e-10)
    assert between > 0
    for g in range(4):
        w = wages[group == g]
        assert t_g[g] == pytest.approx(np.mean(w / w.mean() * np.log(w / w.mean())), rel=1e-10)
    # Given the groups' counts and pay totals (as the metrics' pass has them), the same numbers exactly.
    counts, totals = np.bincount(group, minlength=4), np.bincount(group, weights=wages, minlength=4)
    given = theil(wages, group, 4, counts=counts, totals=totals)
    assert np.array_equal(given[0], t_g) and given[1:] == (between, within)


def test_the_monthly_theil_is_theil_of_the_employeds_pay_exactly():
    # The metrics' pass sums pay and pay * log(pay) by group itself, without listing the wages.
    model = LabourMarket(small(workers=3000, months=3, burn_in=6, seed=2))
    model.run()
    w, k = model.workers, len(model.group_names)
    employed = w.state == State.EMPLOYED
    t_g, between, within = theil(w.wage[employed].astype(np.float64), w.group[employed].astype(np.intp), k)
    rows = model.metrics.columns()
    assert rows["group"][-1] == "all"
    np.testing.assert_array_equal(rows["theil"][-(k + 1) : -1], t_g)
    assert rows["theil"][-1] == between + within
    assert (rows["theil_between"][-1], rows["theil_within"][-1]) == (between, within)


def test_theil_is_zero_for_equal_pay_and_between_is_zero_for_equal_means():
    _t_g, between, within = theil(np.full(10, 40_000.0), np.arange(10) % 2, 2)
    assert between == pytest.approx(0) and within == pytest.approx(0)
    wages = np.array([1.0, 3.0, 1.0, 3.0])
    _, between, within = theil(wages, np.array([0, 0, 1, 1]), 2)
    assert between == pytest.approx(0) and within > 0


def test_quintiles():
    wage = np.arange(1, 101, dtype=float)
    employed = np.ones(100, bool)
    employed[:5] = False
    q = quintile(wage, employed)
    assert (q[:5] == NOT_EMPLOYED).all()
    assert np.bincount(q[5:], minlength=5).tolist() == [19, 19, 19, 19, 19]
    assert (np.diff(q[5:]) >= 0).all()


def test_mobility_tracks_the_same_people():
    w = Workers.empty(6, 2, 2)
    w.state[:] = State.EMPLOYED
    w.wage[:] = [20_000, 25_000, 20_000, 60_000, 20_000, 20_000]
    w.group[:] = [0, 0, 1, 1, 1, 0]
    tracker = MobilityTracker(low_wage_threshold=30_000, years=5, months_run=120)
    tracker.observe(w, 0, ["a", "b"])
    w.wage[:] = [35_000, 25_000, 40_000, 60_000, 10_000, 50_000]
    w.state[4] = State.UNEMPLOYED
    w.person[5] = 99  # the person in row 5 retired; a new one took the row
    tracker.observe(w, 60, ["a", "b"])
    rows = {r["group"]: r for r in tracker.result}
    # Low-wage at the start and still here: rows 0, 1 (group a), 2, 4 (group b).
    assert rows["a"]["low_wage_at_start"] == 2 and rows["a"]["moved_above_threshold"] == 1
    assert rows["b"]["low_wage_at_start"] == 2 and rows["b"]["moved_above_threshold"] == 1
    assert rows["all"]["mobility_rate"] == pytest.approx(0.5)
    matrix = np.array(rows["all"]["transitions"])
    assert matrix.sum() == 5  # the retiree left the sample
    assert matrix[:, NOT_EMPLOYED].sum() == 1


def test_mobility_windows_follow_who_is_above_the_line_now_and_ever():
    w = Workers.empty(4, 2, 2)
    w.state[:] = State.EMPLOYED
    w.wage[:] = [20_000, 20_000, 20_000, 50_000]
    w.education[:] = [0, 0, 2, 0]
    tracker = MobilityTracker(low_wage_threshold=30_000, years=5, months_run=120)
    tracker.observe(w, 0, ["g"])
    for month in range(1, 61):
        # Row 0 is above the line from month 5 to 9 only; row 1 from month 40 on; row 2 never.
        w.wage[0] = 35_000 if 5 <= month <= 9 else 20_000
        w.wage[1] = 35_000 if month >= 40 else 20_000
        tracker.observe(w, month, ["g"])
    rows = {(r["months"], r["by"], r["who"]): r for r in tracker.window_rows}
    assert {m for m, _, _ in rows} == {12, 48, 60}
    everyone = {m: rows[(m, "all", "all")] for m in (12, 48, 60)}
    assert all(r["low_wage_at_start"] == 3 for r in everyone.values())  # the $50,000 worker is not low-wage
    assert everyone[12]["above_now"] == 0 and everyone[12]["ever_above"] == pytest.approx(1 / 3)
    assert everyone[48]["above_now"] == pytest.approx(1 / 3)
    assert everyone[48]["ever_above"] == pytest.approx(2 / 3)
    no_degree = rows[(48, "education", "no_degree")]
    assert no_degree["low_wage_at_start"] == 2 and no_degree["ever_above"] == 1.0
    assert rows[(60, "education", "ba_plus")]["ever_above"] == 0.0


def test_a_run_reports_mobility_windows_by_group():
    model = LabourMarket(small(workers=3000, months=50, burn_in=12))
    model.run()
    rows = {(r["group"], r["outcome"]): r["value"] for r in key_outcomes(model)}
    for window in (12, 48):
        now, ever = rows[("all", f"mobility_{window}m")], rows[("all", f"mobility_ever_{window}m")]
        assert 0 <= now <= ever <= 1
        assert describe(f"mobility_ever_{window}m")[1] == "share"
    assert ("all", "mobility_60m") not in rows  # the run is shorter than the window


def test_difference_in_means_and_interval():
    t = np.array([10.0, 12.0, 14.0, 16.0])
    c = np.array([8.0, 9.0, 10.0, 11.0])
    r = difference_in_means(t, c)
    se = np.sqrt(t.var(ddof=1) / 4 + c.var(ddof=1) / 4)
    assert r["impact"] == pytest.approx(3.5) and r["se"] == pytest.approx(se)
    assert r["ci_low"] == pytest.approx(3.5 - 1.959964 * se, rel=1e-6)
    assert np.isnan(difference_in_means(t[:1], c)["impact"])


def test_t_interval_over_seeds():
    mean, _lo, hi = interval(np.array([1.0, 2.0, 3.0, np.nan]))
    assert mean == 2.0
    assert hi - mean == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-6)
    assert np.isnan(interval(np.array([5.0]))[1])


def test_key_outcomes_of_a_program_run():
    from conftest import ROOT
    from pathways.simulation import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "tuition_bootcamp.toml",
                       {"run": {"workers": 4000, "burn_in_months": 12, "months": 24}})  # fmt: skip
    model = LabourMarket(sc)
    model.run()
    rows = key_outcomes(model)
    names = {r["outcome"] for r in rows}
    # Every outcome has words and a unit: the fixed ones and the yearly and transition families.
    assert all(describe(n) for n in names)
    assert {"pay_ratio_year_1", "pay_ratio_year_2", "transition_0_0"} <= names
    with pytest.raises(KeyError):
        describe("pay_ratio_year_x")
    for needed in ("enrolment_per_10k", "completion_rate", "placement_rate_120d", "mobility_rate",
                   "pay_ratio", "annual_earnings", "public_dollars", "cost_per_placement"):  # fmt: skip
        assert needed in names, needed
    by = {(r["group"], r["outcome"]): r["value"] for r in rows}
    assert 0 <= by[("all", "completion_rate")] <= 1
    assert by[("all", "enrolment_per_10k")] > 0
    # A baseline run has no new programs, so no funnel rows.
    base = LabourMarket(small(workers=3000, burn_in=12, months=12))
    base.run()
    assert not any(r["outcome"] == "completion_rate" for r in key_outcomes(base))
