"""Household finances for one month, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pathways.simulation.finances import month_of_money
from pathways.simulation.workers import State, Workers

SETTINGS = dict(monthly_expenses=2000.0, savings_rate=0.1, ui_replacement=0.5, debt_interest_per_year=0.12,
                repayment_share=0.1, credit_limit=5000.0)  # fmt: skip


def workers() -> Workers:
    w = Workers.empty(5, 2, 2)
    w.state[:] = [State.EMPLOYED, State.UNEMPLOYED, State.UNEMPLOYED, State.TRAINING, State.EMPLOYED]
    w.wage[:] = [48_000, 0, 0, 0, 60_000]
    w.hours[:] = [40, 0, 0, 0, 40]  # full-time: they earn their pay rate
    w.last_wage[:] = [0, 36_000, 36_000, 0, 0]
    w.ui_months_left[:] = [0, 3, 0, 0, 0]
    w.savings[:] = [1000, 1000, 500, 0, 0]
    w.debt[:] = [1000, 0, 4900, 0, 0]
    # Worker 4 owes 10% of pay above $50,000, two payments left, $400 of cap left.
    w.isa_share[4], w.isa_floor[4], w.isa_left[4], w.isa_cap_left[4] = 0.1, 50_000, 2, 400.0
    return w


def test_one_month_by_hand():
    w = workers()
    stipend = np.array([0, 0, 0, 300.0, 0])
    isa = month_of_money(w, stipend, **SETTINGS)
    # Employed: saves 10% of $4,000; debt grows 1% then 10% of pay ($400) repays it.
    assert w.savings[0] == pytest.approx(1400) and w.debt[0] == pytest.approx(1010 - 400)
    # Unemployed with UI: $1,500 UI against $2,000 costs; one UI month used.
    assert w.savings[1] == pytest.approx(500) and w.ui_months_left[1] == 2
    # No UI, savings $500, debt near the limit: borrows only up to $5,000 (after interest), then hardship.
    assert w.savings[2] == 0 and w.debt[2] == pytest.approx(5000)
    # Trainee on a $300 stipend with nothing saved borrows the rest.
    assert w.debt[3] == pytest.approx(1700)
    # ISA: 10% of $5,000 = $500, capped by the $400 left; the agreement then ends.
    assert isa[4] == pytest.approx(400) and w.isa_left[4] == 0 and w.isa_share[4] == 0
    assert w.savings[4] == pytest.approx(0.1 * 5000 - 400)
    assert (w.savings >= 0).all() and (w.debt >= 0).all()


def test_no_isa_payment_below_the_floor_or_while_training():
    w = workers()
    w.wage[4] = 40_000
    assert month_of_money(w, np.zeros(5), **SETTINGS)[4] == 0
    w = workers()
    w.program[4] = 0
    assert month_of_money(w, np.zeros(5), **SETTINGS)[4] == 0 and w.isa_left[4] == 2


def test_expected_isa_cost_matches_what_is_collected():
    """The enrolment decision expects the same ISA payments the money rule collects."""
    from pathways.simulation.enrolment import enrolment_value

    share, floor, months, cap = 0.15, 40_000.0, 36, 1e9
    for wage in (35_000.0, 53_000.0):
        base = dict(target_wage=wage, duration_months=4, training_income=0.0, success=1.0, horizon_years=5,
                    discount_per_year=0.0, debt_aversion=0.0)  # fmt: skip
        with_isa, _ = enrolment_value(
            np.array([0.0]),
            np.array([0.0]),
            np.array([0.0]),
            np.array([False]),
            isa_share=share,
            isa_floor=floor,
            isa_months=months,
            isa_cap=cap,
            **base,
        )
        without, _ = enrolment_value(
            np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([False]), **base
        )
        w = Workers.empty(1, 2, 2)
        w.state[0], w.wage[0], w.hours[0] = State.EMPLOYED, wage, 40
        w.isa_share[0], w.isa_floor[0], w.isa_left[0], w.isa_cap_left[0] = share, floor, months, cap
        collected = sum(month_of_money(w, np.zeros(1), **SETTINGS)[0] for _ in range(months + 3))
        assert without[0] - with_isa[0] == pytest.approx(collected, rel=1e-4)
