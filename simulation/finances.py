"""Household finances: savings, unemployment insurance, stipends, ISAs and debt.

Money decides who can afford unpaid training, so it is tracked per worker in
dollars. Each month an employed worker saves a share of pay, repays debt and
makes any income-share payment owed; anyone without pay draws on savings for
living costs, helped by unemployment insurance for a few months after losing
a job and by any training stipend. When savings run out the shortfall becomes
debt, which accrues interest, up to a credit limit; beyond it people go
without (hardship is not tracked in dollars). Training loans are taken at
enrolment and are not held to the credit limit.
"""

from __future__ import annotations

import numpy as np

from .workers import State, Workers


def isa_payments(workers: Workers) -> np.ndarray:
    """This month's income-share payments (dollars, shape (n,)), updating what is still owed.

    A payment is due from an employed graduate with payments left who earns
    above the floor: ``isa_share`` of monthly pay, never beyond the cap left.
    """
    due = (workers.isa_left > 0) & (workers.state == State.EMPLOYED) & (workers.wage > workers.isa_floor)
    due &= workers.program < 0  # nothing is owed while still training
    pay = np.where(due, np.minimum(workers.isa_share * workers.wage / 12.0, workers.isa_cap_left), 0.0)
    workers.isa_left -= due
    workers.isa_cap_left -= pay.astype(np.float32)
    done = (workers.isa_left <= 0) | (workers.isa_cap_left <= 0)
    workers.isa_share[done] = 0.0
    workers.isa_left[done] = 0
    return pay


def month_of_money(
    workers: Workers,
    stipend: np.ndarray,
    *,
    monthly_expenses: float,
    savings_rate: float,
    ui_replacement: float,
    debt_interest_per_year: float,
    repayment_share: float,
    credit_limit: float,
) -> np.ndarray:
    """Update savings and debt for one month (dollars). Returns the ISA payments made.

    stipend: (n,) training stipend received this month, dollars.
    """
    employed = workers.state == State.EMPLOYED
    monthly_pay = workers.wage / 12.0
    ui = np.where(workers.ui_months_left > 0, ui_replacement * workers.last_wage / 12.0, 0.0)
    workers.ui_months_left -= (workers.ui_months_left > 0) & ~employed
    isa = isa_payments(workers)

    workers.debt *= np.float32(1.0 + debt_interest_per_year / 12.0)
    repay = np.where(employed, np.minimum(workers.debt, repayment_share * monthly_pay), 0.0)
    inflow = np.where(employed, savings_rate * monthly_pay, ui - monthly_expenses) + stipend - isa
    cash = workers.savings + inflow
    room = np.maximum(credit_limit - workers.debt, 0.0)
    workers.debt += np.minimum(np.maximum(-cash, 0.0), room) - repay
    workers.savings = np.maximum(cash, 0.0).astype(np.float32)
    np.maximum(workers.debt, 0.0, out=workers.debt)
    return isa
