"""Household finances: savings, unemployment insurance and debt.

Money decides who can afford unpaid training, so it is tracked per worker in
dollars. Each month an employed worker saves a share of pay and repays debt;
anyone without pay draws on savings for living costs, helped by unemployment
insurance for a few months after losing a job. When savings run out the
shortfall becomes debt, which accrues interest.
"""

from __future__ import annotations

import numpy as np

from .workers import State, Workers


def month_of_money(
    workers: Workers,
    *,
    monthly_expenses: float,
    savings_rate: float,
    ui_replacement: float,
    debt_interest_per_year: float,
    repayment_share: float,
) -> None:
    """Update savings and debt for one month (dollars)."""
    employed = workers.state == State.EMPLOYED
    monthly_pay = workers.wage / 12.0
    ui = np.where(workers.ui_months_left > 0, ui_replacement * workers.last_wage / 12.0, 0.0)
    workers.ui_months_left -= (workers.ui_months_left > 0) & ~employed

    workers.debt *= np.float32(1.0 + debt_interest_per_year / 12.0)
    repay = np.where(employed, np.minimum(workers.debt, repayment_share * monthly_pay), 0.0)
    inflow = np.where(employed, savings_rate * monthly_pay, ui - monthly_expenses)
    cash = workers.savings + inflow
    workers.debt += np.maximum(-cash, 0.0) - repay
    workers.savings = np.maximum(cash, 0.0).astype(np.float32)
    np.maximum(workers.debt, 0.0, out=workers.debt)
