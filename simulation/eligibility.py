"""Who a program, intermediary or policy is for (the ``eligibility`` blocks of a scenario)."""

from __future__ import annotations

import numpy as np

from .employers import N_RUNGS
from .scenario import Eligibility
from .workers import State, Workers

EDUCATION_LEVELS = ("no_degree", "some_college", "ba_plus")  # Workers.education codes 0, 1, 2
_STATE_CODES = {"unemployed": State.UNEMPLOYED, "employed": State.EMPLOYED, "out": State.OUT}


def one_of(values: np.ndarray, codes: list[int] | np.ndarray) -> np.ndarray:
    """``np.isin(values, codes)`` for non-negative integer codes (groups, programs, employers, workers),
    by a lookup table (a few times faster: these tests run for every candidate every month). Values
    outside the codes, negative ones (no one) included, are False."""
    codes = np.asarray(codes, dtype=np.intp)
    # Entry c + 1 says whether c is a code; the first and last entries stay False, so clipping the
    # index there (np.take's clip mode, half the time of np.clip) answers every value outside.
    table = np.zeros((int(codes.max()) if codes.size else 0) + 3, bool)
    table[codes + 1] = True
    index = values.astype(np.intp)
    index += 1
    return np.take(table, index, mode="clip")


def eligible(
    rule: Eligibility,
    workers: Workers,
    idx: np.ndarray,
    group_names: list[str],
    sector_names: list[str],
    credential_names: list[str] | None = None,
    poverty_line: float | None = None,
) -> np.ndarray:
    """Bool (len(idx),): which workers ``idx`` meet every condition of ``rule``.

    Trainees (state TRAINING) count as unemployed. Pay is the current wage if
    employed, else the wage of the last job (dollars per year). Income, for the
    poverty-line test, is what the person earns a year at current pay and hours
    (nothing out of work), against ``poverty_line`` (dollars a year, one person).
    """
    state = workers.state[idx]
    state = np.where(state == State.TRAINING, State.UNEMPLOYED, state)
    ok = one_of(state, [_STATE_CODES[s] for s in rule.states])
    if rule.groups:
        codes = [group_names.index(g) for g in rule.groups]
        ok &= one_of(workers.group[idx], codes)
    employed = state == State.EMPLOYED
    if rule.max_wage is not None:
        pay = np.where(employed, workers.wage[idx], workers.last_wage[idx])
        ok &= pay <= rule.max_wage
    if rule.max_savings is not None:
        ok &= workers.savings[idx] <= rule.max_savings
    if rule.sectors:
        codes = [sector_names.index(s) for s in rule.sectors]
        ok &= ~employed | one_of(workers.occupation[idx] // N_RUNGS, codes)
    if rule.max_rung < N_RUNGS - 1:
        ok &= ~employed | (workers.occupation[idx] % N_RUNGS <= rule.max_rung)
    if rule.credentials:
        need = np.uint16(sum(1 << credential_names.index(c) for c in rule.credentials))
        ok &= (workers.credentials[idx] & need) == need
    if rule.min_age is not None:
        ok &= workers.age[idx] >= 12 * rule.min_age
    if rule.max_age is not None:  # "24" covers the whole year of being 24
        ok &= workers.age[idx] < 12 * (rule.max_age + 1)
    if rule.education:
        ok &= one_of(workers.education[idx], [EDUCATION_LEVELS.index(e) for e in rule.education])
    if rule.max_income_poverty_ratio is not None:
        if poverty_line is None:
            raise ValueError("an income test needs the poverty line (economy.poverty_line)")
        income = np.where(employed, workers.earnings(idx), 0.0)
        ok &= income <= rule.max_income_poverty_ratio * poverty_line
    return ok
