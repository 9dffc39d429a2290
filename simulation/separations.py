"""Job separations: quits and layoffs into unemployment or out of the labour force.

The monthly hazard of an employed worker is the sector's separation rate,
higher in the first months of a job (most separations happen early in a
match), plus layoffs when the employer has more workers on the rung than it
wants this month.
"""

from __future__ import annotations

import numpy as np


def separation_probability(
    sector_rate: np.ndarray,
    tenure: np.ndarray,
    excess_rate: np.ndarray,
    new_job_multiplier: float,
    new_job_months: float,
) -> np.ndarray:
    """Monthly probability that each employed worker separates.

    sector_rate: (m,) base monthly rate of the worker's sector.
    tenure: (m,) months with the employer.
    excess_rate: (m,) share of the worker's employer-rung jobs that are surplus.
    Returns (m,) probabilities in [0, 1].
    """
    early = 1.0 + (new_job_multiplier - 1.0) * np.exp(-tenure / new_job_months)
    return np.clip(sector_rate * early + excess_rate, 0.0, 1.0)


def surplus_rate(headcount: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Share of each employer-rung's filled jobs that the employer wants to shed.

    headcount, target: (E, 3) counts. Returns float (E, 3).
    """
    surplus = np.maximum(headcount - target, 0)
    return np.divide(surplus, headcount, out=np.zeros(headcount.shape), where=headcount > 0)
