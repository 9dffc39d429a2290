"""Job separations: quits and layoffs into unemployment or out of the labour force.

The monthly hazard of an employed worker is the sector's separation rate,
higher in the first months of a job (most separations happen early in a
match) and lower while a placement team coaches the worker, plus layoffs when
the employer has more workers on the rung than it wants this month. Trainees
of paid programs (apprentices, incumbents) keep their jobs while training.
A separate small hazard takes employed workers out of the labour force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from .employers import N_RUNGS, filled_jobs
from .module import Module
from .workers import State

if TYPE_CHECKING:
    from .model import LabourMarket

STAY, TO_UNEMPLOYMENT, TO_OUT = 0, 1, 2


@njit(cache=True, inline="always")
def _hazard(rate, tenure, surplus, new_job_multiplier, new_job_months):
    early = 1.0 + (new_job_multiplier - 1.0) * np.exp(-tenure / new_job_months)
    return min(max(rate * early + surplus, 0.0), 1.0)


@njit(cache=True)
def separation_probability(
    sector_rate: np.ndarray,
    tenure: np.ndarray,
    surplus: np.ndarray,
    new_job_multiplier: float,
    new_job_months: float,
) -> np.ndarray:
    """Monthly probability that each employed worker separates.

    sector_rate: (m,) base monthly rate (times any coaching factor).
    tenure: (m,) months with the employer. surplus: (m,) share of the worker's
    employer-rung jobs that are surplus this month. Returns (m,) in [0, 1].
    """
    out = np.empty(sector_rate.shape[0])
    for i in range(out.shape[0]):
        out[i] = _hazard(sector_rate[i], tenure[i], surplus[i], new_job_multiplier, new_job_months)
    return out


def surplus_rate(headcount: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Share of each employer-rung's filled jobs that the employer wants to shed.

    headcount, target: (E, 3) counts. Returns float (E, 3).
    """
    surplus = np.maximum(headcount - target, 0)
    return np.divide(surplus, headcount, out=np.zeros(headcount.shape), where=headcount > 0)


@njit(cache=True)
def separations(
    employed, employer, occupation, tenure, coach_factor, program, employer_sector, surplus, sector_rate,
    new_job_multiplier, new_job_months, leave_rate, u_separation, u_leave,
):  # fmt: skip
    """Who separates this month, in one pass over all workers.

    employed: bool (n,). surplus: (E, 3) from :func:`surplus_rate`.
    u_separation, u_leave: (n,) uniform draws. Returns int8 (n,): STAY,
    TO_UNEMPLOYMENT or TO_OUT.
    """
    n = employed.shape[0]
    out = np.zeros(n, dtype=np.int8)
    for i in range(n):
        if not employed[i] or program[i] >= 0:
            continue
        e = employer[i]
        rung = occupation[i] % N_RUNGS
        rate = sector_rate[employer_sector[e]] * coach_factor[i]
        p = _hazard(rate, tenure[i], surplus[e, rung], new_job_multiplier, new_job_months)
        if u_leave[i] < leave_rate:
            out[i] = TO_OUT
        elif u_separation[i] < p:
            out[i] = TO_UNEMPLOYMENT
    return out


class Separations(Module):
    """Quits and layoffs, exits from jobs out of the labour force, and moves between
    unemployment and out of the labour force; post-placement coaching runs down."""

    name = "separations"
    reads = ("state", "employer", "occupation", "tenure", "coach_factor", "program", "coached_left", "wage")
    writes = ("state", "employer", "occupation", "wage", "tenure", "channel", "months_unemployed",
              "last_wage", "ui_months_left", "coached_left", "coach_factor")  # fmt: skip
    employer_reads = ("sector", "target")
    employer_writes = ("headcount",)
    streams = ("separation", "leave_force", "participation")

    def init(self, model: LabourMarket) -> None:
        self.separation_rate = np.array([s.separation_rate for s in model.scenario.sectors.values()])

    def step(self, model: LabourMarket) -> None:
        w, t, lf = model.workers, model.employers, model.scenario.labour_force
        t.headcount[:] = filled_jobs(w, t.n)
        code = separations(
            w.state == State.EMPLOYED, w.employer, w.occupation, w.tenure, w.coach_factor, w.program,
            t.sector, surplus_rate(t.headcount, t.target), self.separation_rate,
            lf.new_job_multiplier, lf.new_job_months, lf.leave_from_employment,
            model.draws("separation"), model.draws("leave_force"),
        )  # fmt: skip
        coached = np.flatnonzero(w.coached_left > 0)
        w.coached_left[coached] -= 1
        w.coach_factor[coached[w.coached_left[coached] == 0]] = 1.0
        leave_force = np.flatnonzero(code == TO_OUT)
        lose_job = np.flatnonzero(code == TO_UNEMPLOYMENT)
        for gone in (leave_force, lose_job):
            slot = w.employer[gone].astype(np.int64) * N_RUNGS + w.occupation[gone] % N_RUNGS
            t.headcount -= np.bincount(slot, minlength=t.headcount.size).reshape(t.headcount.shape)
        w.leave_jobs(leave_force, State.OUT)
        w.leave_jobs(lose_job, State.UNEMPLOYED)
        w.ui_months_left[lose_job] = model.scenario.finances.ui_months

        # Movements between unemployment and out of the labour force.
        u = model.draws("participation")
        unemployed = np.flatnonzero((w.state == State.UNEMPLOYED) & (w.program < 0))
        out = np.flatnonzero(w.state == State.OUT)
        w.set_state(unemployed[u[unemployed] < lf.leave_from_unemployment], State.OUT)
        back = out[u[out] < lf.return_rate]
        w.set_state(back, State.UNEMPLOYED)
        w.months_unemployed[back] = 0
