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

from . import threads
from .employers import N_RUNGS, filled_jobs
from .module import Module
from .workers import State

if TYPE_CHECKING:
    from .model import LabourMarket

STAY, TO_UNEMPLOYMENT, TO_OUT = 0, 1, 2
YOUTH_START, YOUTH_END = 18 * 12, 35 * 12  # ages (months) over which the young's extra turnover fades
_UNEMPLOYED, _OUT = int(State.UNEMPLOYED), int(State.OUT)


@njit(cache=True, inline="always")
def new_job_factor(tenure: int, new_job_multiplier: float, new_job_months: float) -> float:
    """Multiplier on leaving and on looking for another job, by ``tenure`` (months with the employer):
    ``new_job_multiplier`` on starting, fading to 1 over about ``new_job_months``. Early in a job a
    worker is still learning whether the match is good, so both are higher."""
    return 1.0 + (new_job_multiplier - 1.0) * np.exp(-tenure / new_job_months)


@njit(cache=True, inline="always")
def new_job_peak(new_job_multiplier: float) -> float:
    """:func:`new_job_factor` at tenure 0, its highest (with ``new_job_multiplier`` >= 1), without the
    exponential: for any ``new_job_months`` > 0, exp(-0 / new_job_months) is exactly 1."""
    return 1.0 + (new_job_multiplier - 1.0)


@njit(cache=True, inline="always")
def _hazard_of(rate, early, surplus):
    return min(max(rate * early + surplus, 0.0), 1.0)


@njit(cache=True, inline="always")
def _hazard(rate, tenure, surplus, new_job_multiplier, new_job_months):
    return _hazard_of(rate, new_job_factor(tenure, new_job_multiplier, new_job_months), surplus)


@njit(cache=True, inline="always")
def youth_factor(age_months: int, young_extra: float) -> float:
    """Multiplier on a worker's separation hazard by age: ``1 + young_extra`` at 18, falling
    linearly to 1 at 35 and staying there (young workers change jobs far more often)."""
    return 1.0 + young_extra * max(0.0, (YOUTH_END - age_months) / (YOUTH_END - YOUTH_START))


@njit(cache=True, inline="always")
def separation_outcome(
    sector_rate: float, coach_factor: float, tenure: int, surplus: float, in_program: bool,
    new_job_multiplier: float, new_job_months: float, leave_rate: float, u_separation: float, u_leave: float,
    age_factor: float = 1.0,
) -> int:  # fmt: skip
    """What this month does to one employed worker: STAY, TO_UNEMPLOYMENT or TO_OUT.

    sector_rate: the sector's monthly separation rate; coach_factor: multiplier while
    a placement team coaches the worker; age_factor: :func:`youth_factor`; tenure:
    months with the employer; surplus:
    share of the employer-rung's jobs that are surplus (:func:`surplus_share`);
    in_program: trainees of paid programs keep their jobs. leave_rate: monthly
    probability of leaving the labour force from a job. u_separation, u_leave:
    the worker's uniform draws of the month.
    """
    if in_program:
        return STAY
    if u_leave < leave_rate:
        return TO_OUT
    rate = sector_rate * coach_factor * age_factor
    # The new-job factor only fades, so the hazard is highest at tenure 0 (:func:`new_job_peak`): a draw
    # at or above that settles the month without the exponential, and rounding is monotone, so the
    # outcome is the same to the bit. Most months for most workers end here.
    if (tenure >= 0 and new_job_multiplier >= 1.0 and new_job_months > 0
            and u_separation >= _hazard_of(rate, new_job_peak(new_job_multiplier), surplus)):  # fmt: skip
        return STAY
    if u_separation < _hazard(rate, tenure, surplus, new_job_multiplier, new_job_months):
        return TO_UNEMPLOYMENT
    return STAY


@njit(cache=True, inline="always")
def participation(
    state: int, in_program: bool, months_unemployed: int, u: float, leave_from_unemployment: float,
    return_rate: float,
) -> tuple[int, int]:  # fmt: skip
    """One worker's moves in and out of the labour force this month.

    The unemployed (not in a program) leave with ``leave_from_unemployment``,
    those out of the labour force return with ``return_rate`` (both monthly);
    ``u`` is the worker's uniform draw. Returns (state, months unemployed):
    a return starts a new spell of unemployment.
    """
    if state == _UNEMPLOYED and not in_program and u < leave_from_unemployment:
        return _OUT, months_unemployed
    if state == _OUT and u < return_rate:
        return _UNEMPLOYED, 0
    return state, months_unemployed


@njit(cache=True, inline="always")
def coaching_month(coached_left: int, coach_factor: float) -> tuple[int, float]:
    """(months of coaching left, hazard multiplier) after a month: coaching runs down, then ends."""
    if coached_left <= 0:
        return coached_left, np.float32(coach_factor)
    coached_left -= 1
    return coached_left, np.float32(1.0) if coached_left == 0 else np.float32(coach_factor)


@njit(cache=True, inline="always")
def surplus_share(headcount: int, target: int) -> float:
    """Share of one employer-rung's filled jobs the employer wants to shed this month (0 if none filled)."""
    if headcount <= 0:
        return 0.0
    return max(headcount - target, 0) / headcount


@njit(cache=True)
def surplus_rate(headcount: np.ndarray, target: np.ndarray) -> np.ndarray:
    """:func:`surplus_share` of every employer-rung. headcount, target: (E, 3) counts; float (E, 3)."""
    out = np.zeros(headcount.shape)
    for e in range(headcount.shape[0]):
        for r in range(headcount.shape[1]):
            out[e, r] = surplus_share(headcount[e, r], target[e, r])
    return out


def separations(
    employed, employer, occupation, tenure, coach_factor, program, employer_sector, surplus, sector_rate,
    new_job_multiplier, new_job_months, leave_rate, u_separation, u_leave, age, young_extra,
):  # fmt: skip
    """Who separates this month, in one pass over all workers (:func:`separation_outcome`).

    employed: bool (n,). surplus: (E, 3) from :func:`surplus_rate`.
    u_separation, u_leave: (n,) uniform draws. Returns int8 (n,): STAY,
    TO_UNEMPLOYMENT or TO_OUT.
    """
    out = np.zeros(employed.shape[0], dtype=np.int8)
    threads.split(
        _separations_range, employed.shape[0], out, employed, employer, occupation, tenure, coach_factor,
        program, employer_sector, surplus, sector_rate, new_job_multiplier, new_job_months, leave_rate,
        u_separation, u_leave, age, young_extra,
    )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _separations_range(
    lo, hi, out, employed, employer, occupation, tenure, coach_factor, program, employer_sector, surplus,
    sector_rate, new_job_multiplier, new_job_months, leave_rate, u_separation, u_leave, age, young_extra,
):  # fmt: skip
    """:func:`separations` of workers ``lo..hi-1``, written into ``out``."""
    for i in range(lo, hi):
        if not employed[i]:
            continue
        e = employer[i]
        out[i] = separation_outcome(
            sector_rate[employer_sector[e]], coach_factor[i], tenure[i], surplus[e, occupation[i] % N_RUNGS],
            program[i] >= 0, new_job_multiplier, new_job_months, leave_rate, u_separation[i], u_leave[i],
            youth_factor(age[i], young_extra),
        )  # fmt: skip


def _participation_all(state, program, months_unemployed, u, leave_from_unemployment, return_rate):
    """:func:`participation` for every worker, in place: state and months unemployed (n,) after this
    month's moves. Each worker's move reads only its own row, so nothing needs copying first."""
    threads.split(_participation_range, state.shape[0], state, months_unemployed, program, u,
                  leave_from_unemployment, return_rate)  # fmt: skip


@njit(cache=True, nogil=True)
def _participation_range(lo, hi, state, months_unemployed, program, u, leave_from_unemployment, return_rate):
    for i in range(lo, hi):
        state[i], months_unemployed[i] = participation(
            state[i], program[i] >= 0, months_unemployed[i], u[i], leave_from_unemployment, return_rate
        )


def _coaching_all(coached_left, coach_factor):
    threads.split(_coaching_range, coached_left.shape[0], coached_left, coach_factor)


@njit(cache=True, nogil=True)
def _coaching_range(lo, hi, coached_left, coach_factor):
    for i in range(lo, hi):
        coached_left[i], coach_factor[i] = coaching_month(coached_left[i], coach_factor[i])


class Separations(Module):
    """Quits and layoffs, exits from jobs out of the labour force, and moves between
    unemployment and out of the labour force; post-placement coaching runs down."""

    name = "separations"
    reads = (
        "state", "employer", "occupation", "tenure", "coach_factor", "program", "coached_left", "wage", "age",
    )  # fmt: skip
    writes = ("state", "employer", "occupation", "wage", "hours", "tenure", "channel", "months_unemployed",
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
            model.draws("separation"), model.draws("leave_force"), w.age, lf.young_separation_extra,
        )  # fmt: skip
        _coaching_all(w.coached_left, w.coach_factor)
        leave_force = np.flatnonzero(code == TO_OUT)
        lose_job = np.flatnonzero(code == TO_UNEMPLOYMENT)
        for gone in (leave_force, lose_job):
            slot = w.employer[gone].astype(np.int64) * N_RUNGS + w.occupation[gone] % N_RUNGS
            t.headcount -= np.bincount(slot, minlength=t.headcount.size).reshape(t.headcount.shape)
        w.leave_jobs(leave_force, State.OUT)
        w.leave_jobs(lose_job, State.UNEMPLOYED)
        w.ui_months_left[lose_job] = model.scenario.finances.ui_months

        # Movements between unemployment and out of the labour force, written into the arrays in place.
        _participation_all(
            w.state, w.program, w.months_unemployed, model.draws("participation"), lf.leave_from_unemployment,
            lf.return_rate,
        )  # fmt: skip
