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


@njit(cache=True, inline="always")
def month_employed(
    tenure: int, wage: float, skill: float, experience: int, tenure_return: float, floor: float, learn: float,
    scale: float,
) -> tuple[int, float, float, int]:  # fmt: skip
    """A month of work for one employed worker, in the job's sector.

    tenure: months with the employer; wage: float32 dollars a year; skill: float32
    sd units and experience: months, both in the job's sector; tenure_return:
    the sector's raise per completed year with the employer; floor: the pay floor
    (dollars a year); learn: skill gained per year at the start of a career; scale:
    years over which learning levels off. Returns (tenure, wage, skill, experience)
    after the month, pay and skill rounded to float32 as the worker arrays store them.
    """
    tenure += 1
    pay = np.float32(wage)
    if tenure % 12 == 0:
        pay = np.float32(pay * (1.0 + tenure_return))
    if pay < floor:
        pay = np.float32(floor)
    years = experience / 12.0
    skill = np.float32(np.float32(skill) + learn / 12.0 * np.exp(-years / scale))
    return tenure, pay, skill, experience + 1


@njit(cache=True, inline="always")
def skill_decayed(skill: float, decay: float) -> float:
    """Skill (float32, sd units) after a month unemployed: ``decay`` per year lost."""
    return np.float32(np.float32(skill) - decay / 12.0)


@njit(cache=True)
def _month_kernel(
    state, occupation, tenure, wage, experience, skill, months_unemployed, tenure_return, floor, learn, scale,
    decay,
):  # fmt: skip
    for i in range(state.shape[0]):
        if state[i] == _EMPLOYED:
            s = occupation[i] // N_RUNGS
            tenure[i], wage[i], skill[i, s], experience[i, s] = month_employed(
                tenure[i], wage[i], skill[i, s], experience[i, s], tenure_return[s], floor, learn, scale
            )
        elif state[i] == _UNEMPLOYED:
            for s in range(skill.shape[1]):
                skill[i, s] = skill_decayed(skill[i, s], decay)
            months_unemployed[i] += 1


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
    month of experience and some skill in the job's sector (:func:`month_employed`).
    Unemployed: skills decay by ``depreciation_per_year`` (sd units per year,
    :func:`skill_decayed`) and the spell grows by a month.
    tenure_return: (n_sectors,) raise per completed year with an employer.
    """
    _month_kernel(
        workers.state, workers.occupation, workers.tenure, workers.wage, workers.experience, workers.skill,
        workers.months_unemployed, np.asarray(tenure_return, np.float64), float(floor),
        float(learning_per_year), float(learning_scale_years), float(depreciation_per_year),
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
