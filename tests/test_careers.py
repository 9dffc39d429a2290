"""Careers: pay offers within each occupation's published spread, returns in the right direction,
nominal growth, a stable population, and the career measures a run records."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from conftest import calibrated
from pathways.simulation import LabourMarket, State
from pathways.simulation.employers import N_RUNGS
from pathways.simulation.occupations import Z90
from pathways.simulation.randomness import Streams
from pathways.simulation.wages import (
    growth_factor,
    learning_fades,
    log_months,
    log_years,
    log_years_table,
    month_employed,
    offers_of_rows,
    pay_draws,
    relevant_years,
    typical_incumbents,
)


def test_offers_to_typical_candidates_follow_the_occupations_published_spread():
    """For candidates like the job's typical incumbent, log offers are the employer's rate plus the
    occupation's non-employer spread: their 10th-90th percentile range is the published one, shrunk
    by the employer's share."""
    sc = calibrated()
    pay = sc.pay
    rung = sc.sectors["it"].ladder[0]
    sigma = np.log(rung.wage_p90 / rung.wage_p10) / (2 * Z90)
    n = 200_000
    draw = pay_draws(Streams(3), np.arange(n), np.full(n, 7), pay)
    experience = np.zeros((n, 4), np.int16)
    skill = np.zeros((n, 4), np.float32)
    typical = (np.zeros(N_RUNGS * 4), np.zeros(N_RUNGS * 4))
    pay_offered = offers_of_rows(
        np.full(n, rung.wage), np.full(n, sigma), np.zeros(n, np.int64), np.zeros(n, np.int64), np.arange(n),
        experience, skill, draw, typical[0], typical[1], np.sqrt(1 - pay.firm_share), pay.experience_transfer,
        pay.experience_return, pay.skill_return,
    )  # fmt: skip
    logs = np.log(pay_offered)
    assert np.median(pay_offered) == pytest.approx(rung.wage, rel=0.01)
    assert logs.std() == pytest.approx(sigma * np.sqrt(1 - pay.firm_share), rel=0.01)


def test_offers_rise_with_experience_and_skill_against_the_typical_incumbent():
    sc = calibrated()
    pay = sc.pay.model_copy(update={"experience_return": 0.2, "skill_return": 0.1})
    draw = np.zeros(3)
    exp = np.array([[0, 0, 0, 0], [60, 0, 0, 0], [60, 0, 0, 0]], np.int16)  # months in sector 0
    skill = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]], np.float32)
    typical_x = np.full(N_RUNGS * 4, np.log1p(2.0))  # the typical incumbent: 2 years
    typical_s = np.zeros(N_RUNGS * 4)
    out = offers_of_rows(np.full(3, 50_000.0), np.full(3, 0.3), np.zeros(3, np.int64), np.zeros(3, np.int64),
                         np.arange(3), exp, skill, draw, typical_x, typical_s, 0.8, pay.experience_transfer,
                         pay.experience_return, pay.skill_return)  # fmt: skip
    assert out[0] < 50_000 < out[1] < out[2]  # a newcomer below the rate, five years above it, skill more
    assert out[1] / out[0] == pytest.approx(np.exp(0.2 * np.log1p(5.0)), rel=1e-9)


def test_typical_incumbents_are_the_means_of_each_jobs_holders():
    state = np.array([State.EMPLOYED, State.EMPLOYED, State.UNEMPLOYED, State.EMPLOYED], np.int8)
    occupation = np.array([0, 0, -1, N_RUNGS], np.int64)
    experience = np.array([[12, 0], [36, 0], [99, 0], [0, 24]], np.int16)
    skill = np.array([[1, 0], [3, 0], [9, 9], [0, 2]], np.float32)
    x, s = typical_incumbents(state, occupation, experience, skill, 0.0, 2 * N_RUNGS)
    assert x[0] == pytest.approx((np.log1p(1) + np.log1p(3)) / 2) and s[0] == pytest.approx(2.0)
    assert x[N_RUNGS] == pytest.approx(np.log1p(2)) and s[N_RUNGS] == pytest.approx(2.0)
    assert np.isnan(x[1]) and np.isnan(s[1])  # nobody holds it


@pytest.fixture(scope="module")
def run():
    model = LabourMarket(calibrated(workers=6000, burn_in=60, months=36))
    model.run()
    return model


def test_recorded_pay_sits_within_each_occupations_published_range(run):
    """At month 0 (2019 dollars) each linked occupation's median is near the published one, and the model's
    10th and 90th percentiles fall between half and twice the published ones' distance from it."""
    c = run.careers
    for s, sector in run.scenario.sectors.items():
        for k, rung in enumerate(sector.ladder):
            if rung.wage_p10 is None:
                continue
            group = f"{s}:{k}"
            p10, p50, p90 = (c.value(f"pay_p{p}", group, 0) for p in (10, 50, 90))
            assert p50 == pytest.approx(rung.wage, rel=0.15), group
            assert 0.5 < np.log(p50 / p10) / np.log(rung.wage / rung.wage_p10) < 2, group
            assert 0.5 < np.log(p90 / p50) / np.log(rung.wage_p90 / rung.wage) < 2, group


def test_pay_grows_with_the_economy(run):
    """Stayers get the general raise and, at anniversaries, a tenure raise: at least the economy's growth.
    (Whether switchers gain more is a level the calibration reports: with amenities some move for less,
    and some switched through unemployment; without amenities no job-to-job move cuts pay, tested below.)"""
    g = run.scenario.economy.wage_growth_per_year
    c = run.careers
    stayers, switchers = c.value("wage_growth", "stayers", 12), c.value("wage_growth", "switchers", 12)
    assert stayers >= np.log(1 + g) - 1e-6
    assert np.isfinite(switchers)
    # Posted pay moves with nominal growth: a year on it is (1 + g) times higher.
    assert growth_factor(g, 12) == pytest.approx(1 + g)


def test_earnings_rise_with_age_and_the_population_stays_stable(run):
    c = run.careers
    young, prime = c.value("weekly_earnings", "16-24", 0), c.value("weekly_earnings", "45-54", 0)
    assert prime > young
    shares = [c.value("labour_force_share", b, 0) for b in ("16-24", "25-34", "35-44", "45-54", "55-64")]
    assert sum(shares) == pytest.approx(1.0, abs=0.02)
    assert run.workers.n == run.scenario.run.workers
    ages = run.workers.age / 12
    assert ages.min() >= 18 and ages.max() < 65


def test_young_workers_leave_jobs_more_often():
    """With the young's extra hazard on, tenure at 16-24 falls relative to 45-54 (same seed)."""
    tenure = {}
    for extra in (0.0, 2.0):
        model = LabourMarket(calibrated(workers=6000, burn_in=60, months=1,
                                        labour_force={"young_separation_extra": extra}))  # fmt: skip
        model.run()
        c = model.careers
        tenure[extra] = c.value("tenure_years", "16-24", 0) / c.value("tenure_years", "45-54", 0)
    assert tenure[2.0] < tenure[0.0]


def test_part_time_hours_add_up_to_earnings(run):
    """A part-timer earns half the full-time rate a year; the run's part-time shares are those
    preferring it plus those stuck in part-time-only jobs, and recorded earnings use the hours."""
    w = run.workers
    employed = w.state == State.EMPLOYED
    part = employed & (w.hours < 35)
    assert part.any() and (w.hours[employed] > 0).all()
    np.testing.assert_allclose(w.earnings()[part], w.wage[part] * 0.5, rtol=1e-6)
    np.testing.assert_array_equal(w.earnings()[employed & ~part], w.wage[employed & ~part])
    c = run.careers
    share, involuntary = c.value("part_time_share", "all", 0), c.value("part_time_share", "involuntary", 0)
    prefer = run.scenario.labour_force.prefers_part_time
    assert 0 < involuntary < share and share == pytest.approx(prefer + involuntary, abs=0.03)


def test_part_timers_who_want_full_time_move_to_full_time_jobs():
    """Part-time for economic reasons is a state people leave: with nobody preferring part-time, the
    share of part-timers falls from what hiring into part-time-only jobs alone would give."""
    model = LabourMarket(calibrated(workers=6000, burn_in=60, months=1,
                                    labour_force={"prefers_part_time": 0.0}))  # fmt: skip
    model.run()
    share = model.careers.value("part_time_share", "all", 0)
    sectors = model.scenario.sectors.values()
    at_hiring = sum(s.job_share * s.part_time_only_share for s in sectors)
    assert 0 < share < at_hiring


def test_a_job_liked_better_can_be_worth_a_pay_cut_and_one_liked_less_needs_more():
    from pathways.simulation.hiring import keeps_application

    current = np.float32(50_000.0)
    # Without amenities a move needs the premium (5%); a job liked 10 log points better is taken at 4% less,
    # one liked 10 points less is not taken even at 6% more.
    assert not keeps_application(1.0, 0.0, 48_000.0, current, 0.05)
    assert keeps_application(1.0, 0.0, 48_000.0, current, 0.05, 40, 40, 0.10)
    assert keeps_application(1.0, 0.0, 53_000.0, current, 0.05)
    assert not keeps_application(1.0, 0.0, 53_000.0, current, 0.05, 40, 40, -0.10)


def _movers_with_earnings_cuts(amenity_sd: float, seed: int) -> tuple[int, int]:
    """(people who moved from one employer to another in a month, those of them earning less after).

    Without separations every move is a job-to-job move (no one is laid off and rehired in the month)."""
    from pathways.simulation.model import default_modules

    sc = calibrated(workers=4000, months=24, burn_in=24, seed=seed, search={"amenity_sd": amenity_sd})
    model = LabourMarket(sc, modules=[m for m in default_modules() if m.name != "separations"])
    for _ in range(sc.run.burn_in_months):
        model.step()
    moved = cut = 0
    for _ in range(24):
        w = model.workers
        person, employer, earnings = w.person.copy(), w.employer.copy(), w.earnings().copy()
        model.step()
        changed = (w.person == person) & (employer >= 0) & (w.employer >= 0) & (w.employer != employer)
        moved += int(changed.sum())
        cut += int((changed & (w.earnings() < earnings)).sum())
    return moved, cut


def test_amenities_bring_job_changes_that_cut_pay():
    """Without what jobs are worth beyond pay (search.amenity_sd = 0) nobody moves job to job for less;
    with it some do, as many real job changers do."""
    for seed in (1, 2):
        moved_0, cut_0 = _movers_with_earnings_cuts(0.0, seed)
        moved_a, cut_a = _movers_with_earnings_cuts(0.3, seed)
        assert moved_0 > 50 and moved_a > 50
        assert cut_0 == 0 and cut_a / moved_a > 0.05, (seed, moved_0, cut_0, moved_a, cut_a)


def test_tenure_pays_at_each_anniversary_and_the_general_raise_every_month():
    """A month of work: pay grows by the economy's monthly raise, and by the sector's tenure return when a
    full year with the employer is reached; experience and skill grow with it."""
    raise_ = growth_factor(0.03, 1)
    tenure, pay, skill, exp = month_employed(5, 50_000.0, 0.0, 60, 0.02, 15_080.0, 0.15, 10.0, raise_)
    assert (tenure, exp) == (6, 61) and skill > 0
    assert pay == pytest.approx(50_000.0 * raise_, rel=1e-6)
    _, at_year, _, _ = month_employed(11, 50_000.0, 0.0, 60, 0.02, 15_080.0, 0.15, 10.0, raise_)
    assert at_year == pytest.approx(50_000.0 * raise_ * 1.02, rel=1e-6)
    # The floor holds whatever the rest.
    assert month_employed(3, 10_000.0, 0.0, 0, 0.02, 15_080.0, 0.15, 10.0, raise_)[1] == pytest.approx(
        15_080.0
    )


def test_leaving_out_the_career_measures_changes_no_other_result(run):
    # compare and sweep keep only the key outcomes and switch the careers off: they only observe.
    from pathways.experiments.outcomes import key_outcomes

    lean = LabourMarket(calibrated(workers=6000, burn_in=60, months=36))
    lean.record_careers = False
    lean.run()
    assert lean.careers.rows == [] and run.careers.rows
    full, kept = key_outcomes(run), key_outcomes(lean)
    assert [(r["group"], r["outcome"]) for r in kept] == [(r["group"], r["outcome"]) for r in full]
    np.testing.assert_array_equal([r["value"] for r in kept], [r["value"] for r in full])  # NaN = NaN
    for name, a in run.workers.arrays().items():
        assert np.array_equal(a, lean.workers.arrays()[name]), name


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 900), min_size=3, max_size=3), min_size=1, max_size=30),
    st.sampled_from([0.0, 0.25, 0.5, 1.0, 0.123456789]),
)
def test_log_years_from_the_table_are_the_formulas_to_the_bit(rows, transfer):
    """The table of log(1 + relevant years) (wages.log_years_table) gives the very numbers the formula
    does, for experience inside it and (by the formula) beyond it: months up to 900, the table's 640."""
    table = log_years_table(transfer)
    formula = None  # no table: the formula itself
    for row in rows:
        experience = np.array(row, np.int16)
        for sector in range(3):
            got = log_years(experience, sector, transfer, table)
            assert got == log_years(experience, sector, transfer, formula)
            assert got == pytest.approx(np.log1p(relevant_years(experience, sector, transfer)), rel=1e-15)


def test_log_months_from_the_table_are_the_formulas_to_the_bit():
    """log(1 + months / 12) from wages' table of whole months (scores, sector choices) is the formula's
    number, in numba as the kernels compute it, for every month inside the table and beyond it."""
    formula = njit(lambda months: np.log1p(months / 12.0))
    for months in range(0, 1000):
        for typed in (np.int16(months), np.int64(months)):
            assert log_months(typed) == formula(typed), months


@pytest.mark.parametrize("scale", [10.0, 3.7, 25.0])
def test_a_month_of_work_with_the_learning_table_is_the_same_to_the_bit(scale):
    """wages.learning_fades holds exp(-years / scale) for whole months; a month of work reading it gives
    the very pay, skill and experience of one computing it, inside the table and beyond it."""
    fades = learning_fades(scale)
    for months in range(0, 800, 7):
        for skill in (0.0, 0.37, -1.2):
            args = (5, 50_000.0, skill, months, 0.02, 15_080.0, 0.15, scale, 1.002)
            assert month_employed(*args, fades) == month_employed(*args)
