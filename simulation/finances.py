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

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from . import threads
from .module import Module
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket

_EMPLOYED = int(State.EMPLOYED)


@njit(cache=True, inline="always")
def month_of_money_one(
    employed: bool, wage: float, last_wage: float, ui_months_left: int, savings: float, debt: float,
    in_program: bool, isa_share: float, isa_floor: float, isa_left: int, isa_cap_left: float, stipend: float,
    monthly_expenses: float, savings_rate: float, ui_replacement: float, monthly_interest: float,
    repayment_share: float, credit_limit: float,
) -> tuple[int, float, float, float, int, float, float]:  # fmt: skip
    """One worker's month of money (the rule of :func:`month_of_money`).

    Dollars throughout: wage, last_wage, isa_floor a year; savings, debt,
    isa_cap_left, stipend, monthly_expenses and credit_limit a month or a stock;
    wage, last_wage, savings, debt, isa_share, isa_floor and isa_cap_left are the
    float32 the worker arrays hold. Returns (ui_months_left, savings, debt,
    isa_share, isa_left, isa_cap_left, isa payment made), the float32 fields
    rounded as the arrays store them.
    """
    pay = wage / 12.0
    ui = 0.0
    if ui_months_left > 0:
        ui = ui_replacement * last_wage / 12.0
        if not employed:
            ui_months_left -= 1
    # Income-share payment: employed graduates above the floor, within the payments and cap left.
    isa = 0.0
    share = np.float32(isa_share)
    cap_left = np.float32(isa_cap_left)
    if isa_left > 0 and employed and wage > isa_floor and not in_program:
        isa = min(share * pay, cap_left)
        isa_left -= 1
        cap_left = np.float32(cap_left - isa)
    if isa_left <= 0 or cap_left <= 0:
        share = np.float32(0.0)
        isa_left = 0

    owed = debt * (1.0 + monthly_interest)
    repay = min(owed, repayment_share * pay) if employed else 0.0
    inflow = (savings_rate * pay if employed else ui - monthly_expenses) + stipend - isa
    cash = savings + inflow
    borrowed = 0.0
    if cash < 0:
        borrowed = min(-cash, max(credit_limit - owed, 0.0))
    new_debt = np.float32(max(owed + borrowed - repay, 0.0))
    new_savings = np.float32(max(cash, 0.0))
    return ui_months_left, new_savings, new_debt, share, isa_left, cap_left, isa


@njit(cache=True, nogil=True)
def _money_kernel(
    lo, hi, isa_total, state, wage, last_wage, ui_months_left, savings, debt, program,
    isa_share, isa_floor, isa_left, isa_cap_left, stipend,
    monthly_expenses, savings_rate, ui_replacement, monthly_interest, repayment_share, credit_limit,
):  # fmt: skip
    """:func:`month_of_money` of workers ``lo..hi-1``; their ISA payments into ``isa_total``."""
    for i in range(lo, hi):
        (ui_months_left[i], savings[i], debt[i], isa_share[i], isa_left[i], isa_cap_left[i],
         isa_total[i]) = month_of_money_one(
            state[i] == _EMPLOYED, wage[i], last_wage[i], ui_months_left[i], savings[i], debt[i],
            program[i] >= 0, isa_share[i], isa_floor[i], isa_left[i], isa_cap_left[i], stipend[i],
            monthly_expenses, savings_rate, ui_replacement, monthly_interest, repayment_share, credit_limit,
        )  # fmt: skip


def monthly_rate(per_year: float) -> float:
    """A yearly interest rate as the monthly rate the money rule applies."""
    return per_year / 12.0


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
    """Update savings and debt for one month (dollars), in one pass; returns the ISA payments made.

    Each worker: unemployment insurance (``ui_replacement`` of the last pay,
    while months are left and the worker is not employed); an ISA payment
    (``isa_share`` of monthly pay above ``isa_floor``, while payments are left,
    within the cap; nothing while still training); debt accrues
    ``debt_interest_per_year / 12`` and the employed repay ``repayment_share``
    of pay; the employed save ``savings_rate`` of pay, the others pay
    ``monthly_expenses`` from UI, stipend and savings; a shortfall is borrowed
    up to ``credit_limit``. stipend: (n,) dollars this month.
    """
    w = workers
    isa_total = np.zeros(w.n)
    threads.split(
        _money_kernel, w.n, isa_total, w.state, w.earnings(), w.last_wage, w.ui_months_left, w.savings,
        w.debt, w.program, w.isa_share, w.isa_floor, w.isa_left, w.isa_cap_left,
        np.asarray(stipend, np.float64), float(monthly_expenses), float(savings_rate), float(ui_replacement),
        monthly_rate(debt_interest_per_year), float(repayment_share), float(credit_limit),
    )  # fmt: skip
    return isa_total


class Finances(Module):
    """Savings, unemployment insurance, ISA payments, debt; stipends paid to trainees by their program
    and by policies."""

    name = "finances"
    reads = (
        "state", "wage", "hours", "last_wage", "ui_months_left", "savings", "debt", "program", "isa_share",
        "isa_floor", "isa_left", "isa_cap_left", "group", "education", "employer", "occupation",
        "credentials",
    )  # fmt: skip
    writes = ("ui_months_left", "savings", "debt", "isa_share", "isa_left", "isa_cap_left")

    def step(self, model: LabourMarket) -> None:
        f, w = model.scenario.finances, model.workers
        stipend = np.zeros(w.n)
        for program in model.programs:
            trainees = program.trainees(w)
            own = program.stipend(trainees)  # the program's design: paid in the burn-in too
            stipend[trainees] = own
            model.ledger.add(program.stipend_payer, "training_stipends", float(own.sum()), program.key)
            if model.month >= 0:  # policies act in recorded months only
                support = model.policy.income_support(model, program, trainees)
                stipend[trainees] += support
                model.ledger.add("public", "training_stipends", float(support.sum()))
        isa = month_of_money(
            w, stipend, monthly_expenses=f.monthly_expenses, savings_rate=f.savings_rate,
            ui_replacement=f.ui_replacement, debt_interest_per_year=f.debt_interest_per_year,
            repayment_share=f.repayment_share, credit_limit=f.credit_limit,
        )  # fmt: skip
        model.ledger.add("worker", "isa_payments", float(isa.sum()))
