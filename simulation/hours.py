"""Hours: full-time and part-time jobs, and part-time work that people would rather not do.

A person either prefers part-time work (school, care, health: the CPS "noneconomic
reasons") or full-time, fixed for life (a draw hashed from the person's id, so
no rule shifts it). Someone who prefers part-time works part-time. Someone who
prefers full-time works full-time unless the job is one offered only part-time
(a sector's ``part_time_only_share`` of its hires): then they are part-time for
economic reasons, and they leave for a full-time job when one pays more a year,
as anyone moves for more pay.

Pay (``Workers.wage``) is the full-time equivalent rate, dollars a year at
``FULL_TIME`` hours (as OEWS reports annual pay); what a person earns is that
rate times their hours over ``FULL_TIME`` (:meth:`Workers.earnings`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .randomness import pair_uniform

FULL_TIME = 40  # weekly hours of a full-time job
PART_TIME = 20  # weekly hours of a part-time job (CPS: part time is under 35)
FULL_TIME_THRESHOLD = 35  # CPS: 35 hours or more a week is full time


@njit(cache=True, inline="always")
def job_hours(prefers_part_time: bool, part_time_only: bool) -> int:
    """Weekly hours of a job taken: part-time if the person prefers it or the job is only part-time."""
    return PART_TIME if prefers_part_time or part_time_only else FULL_TIME


def prefers_part_time(streams, person: np.ndarray, share: float) -> np.ndarray:
    """Bool (m,): which of these persons prefer part-time work (``share`` of people, by id)."""
    return pair_uniform(streams.key("prefers_part_time"), 0, person, np.zeros_like(person)) < share


def hours_of(streams, person: np.ndarray, posting: np.ndarray, sector: np.ndarray,
             part_time_only_share: np.ndarray, share_preferring: float,
             prefers: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Weekly hours, int8 (a,), of each person's job at each posting (:func:`job_hours`).

    person, posting, sector: (a,); part_time_only_share: (n_sectors,) share of hires into jobs
    offered only part-time. Whether a job is part-time only is a lasting property of the
    person and the posting (a hash), like the pay offered there. prefers: (a,)
    :func:`prefers_part_time` of ``person`` if already known.
    """
    if prefers is None:
        prefers = prefers_part_time(streams, person, share_preferring)
    only = pair_uniform(streams.key("schedule"), 0, person, posting) < part_time_only_share[sector]
    return np.where(prefers | only, PART_TIME, FULL_TIME).astype(np.int8)
