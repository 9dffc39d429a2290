"""Pay and human capital month by month: tenure raises, learning, wage floors.

A hire is paid the posting's wage. After that, pay rises by the sector's
tenure return at every full year with the employer, and never falls below the
floor in force. Working in a sector adds experience and skill there, fast at
first and levelling off; time unemployed erodes skills slowly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from .employers import N_RUNGS
from .module import Module
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket

_EMPLOYED = int(State.EMPLOYED)
_UNEMPLOYED = int(State.UNEMPLOYED)


def learning_curve(years: np.ndarray, learning_per_year: float, scale_years: float) -> np.ndarray:
    """Skill gained from ``years`` in a sector (sd units).

    The gain rate is ``learning_per_year * exp(-years / scale_years)``, so a
    career adds at most ``learning_per_year * scale_years``.
    """
    return learning_per_year * scale_years * (1.0 - np.exp(-years / scale_years))


@njit(cache=True)
def _month_kernel(
    state, occupation, tenure, wage, experience, skill, tenure_return, floor, learn, scale, decay
):
    for i in range(state.shape[0]):
        if state[i] == _EMPLOYED:
            s = occupation[i] // N_RUNGS
            tenure[i] += 1
            if tenure[i] % 12 == 0:
                wage[i] = wage[i] * (1.0 + tenure_return[s])
            if wage[i] < floor:
                wage[i] = floor
            years = experience[i, s] / 12.0
            skill[i, s] += learn / 12.0 * np.exp(-years / scale)
            experience[i, s] += 1
        elif state[i] == _UNEMPLOYED:
            for s in range(skill.shape[1]):
                skill[i, s] -= decay / 12.0


def month_of_work(
    workers: Workers,
    tenure_return: np.ndarray,
    floor: float,
    learning_per_year: float,
    learning_scale_years: float,
    depreciation_per_year: float,
) -> None:
    """One month for every worker, in one pass over the arrays (updated in place).

    Employed: tenure +1 month; a raise of ``tenure_return[sector]`` at each
    full year; pay lifted to ``floor`` (dollars per year) if below; one more
    month of experience and some skill in the job's sector. Unemployed: skills
    decay by ``depreciation_per_year`` (sd units per year).
    tenure_return: (n_sectors,) raise per completed year with an employer.
    """
    _month_kernel(
        workers.state, workers.occupation, workers.tenure, workers.wage, workers.experience, workers.skill,
        np.asarray(tenure_return, np.float64), float(floor), float(learning_per_year),
        float(learning_scale_years), float(depreciation_per_year),
    )  # fmt: skip


class Pay(Module):
    """A month of work or of unemployment: tenure, raises, the pay floor, experience and skills;
    unemployment spells lengthen."""

    name = "pay"
    reads = ("state", "occupation", "tenure", "wage", "experience", "skill", "months_unemployed")
    writes = ("tenure", "wage", "experience", "skill", "months_unemployed")

    def init(self, model: LabourMarket) -> None:
        self.tenure_return = np.array([s.tenure_return for s in model.scenario.sectors.values()])

    def step(self, model: LabourMarket) -> None:
        sk, w = model.scenario.skills, model.workers
        month_of_work(
            w, self.tenure_return, model.wage_floor, sk.learning_per_year, sk.learning_scale_years,
            sk.depreciation_per_year,
        )  # fmt: skip
        w.months_unemployed[w.state == State.UNEMPLOYED] += 1
