"""Workers' decisions to enrol in a training program.

A worker who looks at a program this month (a small monthly chance, raised by
a career navigator's information) applies when the expected gain beats the
expected cost and the money can be found. All money in dollars; wages in
dollars per year; durations in months.

    gain = P(success) * (pay after - reference pay) * PV of $1/year over the horizon

P(success) is the chance of completing times the chance of then finding the
job (1 when the job is guaranteed: apprenticeships, incumbents). The
reference pay is current pay, or for a job seeker the pay it expects anyway.

    cost = price + debt aversion * amount borrowed
         + (1 + debt aversion) * expected ISA payments
         + pay given up while training - income received while training

A worker cannot borrow more than the borrowing limit less the debt already owed.
"""

from __future__ import annotations

import numpy as np


def annuity(years: float, discount_per_year: float) -> float:
    """Present value of one dollar a year for ``years`` years (continuous discounting)."""
    if discount_per_year == 0:
        return years
    return (1.0 - np.exp(-discount_per_year * years)) / discount_per_year


def enrolment_value(
    reference_wage: np.ndarray,
    savings: np.ndarray,
    price: np.ndarray,
    leaves_job: np.ndarray,
    *,
    target_wage: float | np.ndarray,
    duration_months: int,
    training_income: np.ndarray | float,
    success: float,
    isa_share: float = 0.0,
    isa_floor: float = 0.0,
    isa_months: int = 0,
    isa_cap: float = 0.0,
    horizon_years: float,
    discount_per_year: float,
    debt_aversion: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Net value of enrolling and the amount borrowed, per candidate (arrays of shape (m,)).

    reference_wage: pay without training, dollars/year. savings: dollars.
    price: up-front price each would pay (0 where waived).
    leaves_job: bool, training means giving up the current pay.
    training_income: dollars per month received while training (wage, stipend).
    """
    borrowed = np.maximum(price - savings, 0.0)
    gain = success * (target_wage - reference_wage) * annuity(horizon_years, discount_per_year)
    # An ISA takes a share of all pay once pay is above the floor (as finances.py collects it).
    isa = isa_share * np.where(np.asarray(target_wage) > isa_floor, target_wage, 0.0) * isa_months / 12.0
    if isa_cap > 0:
        isa = np.minimum(isa, isa_cap)
    months = duration_months
    given_up = np.where(leaves_job, reference_wage * months / 12.0, 0.0)
    cost = price + debt_aversion * borrowed + (1.0 + debt_aversion) * success * isa
    cost = cost + given_up - np.asarray(training_income) * months
    return gain - cost, borrowed


def wants_to_enrol(
    value: np.ndarray, borrowed: np.ndarray, borrowing_limit: float | np.ndarray
) -> np.ndarray:
    """Bool: apply when the value is positive and the loan is within reach.

    borrowing_limit: dollars each can still borrow (scalar or (m,)).
    """
    return (value > 0) & (borrowed <= borrowing_limit)
