"""Workers' decisions to enrol in a training program.

A worker who looks at a program this month (a small monthly chance, raised by
a career navigator's information) applies when the expected gain beats the
cost and the money can be found:

    gain = perceived success * (target wage - reference wage)
           * present value of one dollar a year over the horizon
    cost = price + foregone pay while training + debt aversion * amount borrowed

and the part of the price not covered by savings is within the borrowing
limit. All money in dollars; wages in dollars per year.
"""

from __future__ import annotations

import numpy as np


def annuity(years: float, discount_per_year: float) -> float:
    """Present value of one dollar a year for ``years`` years (continuous discounting)."""
    if discount_per_year == 0:
        return years
    return (1.0 - np.exp(-discount_per_year * years)) / discount_per_year


def wants_to_enrol(
    reference_wage: np.ndarray,
    employed: np.ndarray,
    savings: np.ndarray,
    *,
    target_wage: float,
    price: float,
    duration_months: int,
    perceived_success: float,
    horizon_years: float,
    discount_per_year: float,
    debt_aversion: float,
    borrowing_limit: float,
) -> np.ndarray:
    """Bool (m,): each candidate would apply to the program.

    reference_wage: (m,) pay now, or expected pay without training, dollars/year.
    employed: (m,) bool, whether training means giving up a paid job.
    savings: (m,) dollars.
    """
    borrowed = np.maximum(price - savings, 0.0)
    foregone = np.where(employed, reference_wage * duration_months / 12.0, 0.0)
    gain = perceived_success * (target_wage - reference_wage) * annuity(horizon_years, discount_per_year)
    cost = price + foregone + debt_aversion * borrowed
    return (gain > cost) & (borrowed <= borrowing_limit)
