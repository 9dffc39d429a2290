"""Pay and human capital while working: tenure raises, learning, wage floors.

A hire is paid the posting's wage. After that, pay rises by the sector's
tenure return at every full year with the employer, and never falls below the
floor in force. Working in a sector adds experience and skill there; time
out of work erodes skills slowly.
"""

from __future__ import annotations

import numpy as np

from .employers import N_RUNGS
from .workers import State, Workers


def age_jobs(workers: Workers, tenure_return: np.ndarray, floor: float) -> None:
    """One month on the job for every employed worker.

    tenure_return: (n_sectors,) raise per completed year with an employer.
    floor: lowest lawful annual wage, dollars per year.
    """
    emp = np.flatnonzero(workers.state == State.EMPLOYED)
    workers.tenure[emp] += 1
    sector = workers.occupation[emp] // N_RUNGS
    anniversary = workers.tenure[emp] % 12 == 0
    raise_ = np.where(anniversary, 1.0 + tenure_return[sector], 1.0)
    workers.wage[emp] = np.maximum(workers.wage[emp] * raise_, floor)
    workers.experience[emp, sector] += 1


def learning_curve(years: np.ndarray, learning_per_year: float, scale_years: float) -> np.ndarray:
    """Skill gained from ``years`` in a sector: fast at first, levelling off.

    The gain rate is ``learning_per_year * exp(-years / scale_years)``, so a
    career adds at most ``learning_per_year * scale_years`` (sd units).
    """
    return learning_per_year * scale_years * (1.0 - np.exp(-years / scale_years))


def learn(
    workers: Workers, learning_per_year: float, scale_years: float, depreciation_per_year: float
) -> None:
    """Skill grows in the sector of one's job and decays slowly out of work."""
    idx = np.flatnonzero(workers.state == State.EMPLOYED)
    sector = workers.occupation[idx] // N_RUNGS
    years = workers.experience[idx, sector] / 12.0
    workers.skill[idx, sector] += learning_per_year / 12.0 * np.exp(-years / scale_years)
    idle = np.flatnonzero(workers.state == State.UNEMPLOYED)
    workers.skill[idle] -= depreciation_per_year / 12.0
