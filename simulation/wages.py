"""Pay and human capital: offers, raises, learning, wage floors.

**Offers.** Each occupation (a rung of a sector's ladder) has a spread of pay:
its published median and 10th-90th percentiles (``scenarios/occupations.csv``),
read as a lognormal with log-sd ``sigma``. An employer's rate for the job is
the median times its own premium, ``exp(sigma * sqrt(firm_share) * z_e)``,
grown with economy-wide nominal pay growth (:func:`growth_factor`; recorded
month 0 is in 2019 dollars). An offer to one candidate adjusts that rate for
the candidate against the job's typical incumbent, and for the match:

    log offer = log rate + experience_return * (log(1 + x) - typical log(1 + x))
                         + skill_return * (skill - typical skill)
                         + sigma * sqrt(1 - firm_share) * e

with ``x`` the candidate's relevant experience in years (in the sector, plus
``experience_transfer`` of years elsewhere), ``e`` a standard normal draw per
(candidate, posting), and "typical" the mean among the job's incumbents this
month (:func:`typical_incumbents`). So a graduate of a short course is offered
what their experience commands, not the occupation's median, and no group
term enters pay.

**After hiring**, pay rises each month with economy-wide growth (a general
raise), by the sector's tenure return at every full year with the employer,
and never falls below the floor in force. Working in a sector adds experience
and skill there, fast at first and levelling off; time unemployed erodes
skills slowly.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from scipy.special import ndtri

from . import threads
from .module import Module
from .randomness import pair_uniform
from .schema import N_RUNGS
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket

_EMPLOYED = int(State.EMPLOYED)
_UNEMPLOYED = int(State.UNEMPLOYED)


def growth_factor(growth_per_year: float, month: int) -> float:
    """Nominal pay level at recorded ``month`` relative to month 0 (below 1 in the burn-in)."""
    return (1.0 + growth_per_year) ** (month / 12.0)


@njit(cache=True, inline="always")
def posted_pay(rate: float, growth: float, floor: float) -> float:
    """An employer's pay for a typical incumbent this month: its ``rate`` (2019 dollars a year) times the
    economy's ``growth`` factor, at least the pay ``floor``."""
    return max(rate * growth, floor)


@njit(cache=True, inline="always")
def relevant_years(experience_row: np.ndarray, sector: int, transfer: float) -> float:
    """Years of experience that count in ``sector``: there, plus ``transfer`` of the years elsewhere.

    experience_row: (n_sectors,) months worked in each sector.
    """
    total = 0.0
    for k in range(experience_row.shape[0]):
        total += experience_row[k]
    own = experience_row[sector]
    return (own + transfer * (total - own)) / 12.0


# log(1 + relevant years) is taken for every employed worker every month (the typical incumbents) and
# for every callback (offers). Experience comes in whole months, so it takes one value per (months in
# the sector, months elsewhere): a table of those values, built by the same expression, gives the very
# same numbers at a fraction of the cost. Experience beyond the table takes the formula.
TABLE_MONTHS = 640  # whole months of experience the tables below cover (over 53 years)


@functools.lru_cache(maxsize=8)
def log_years_table(transfer: float) -> np.ndarray:
    """log(1 + relevant years) by (months in the sector, months elsewhere), float64
    (TABLE_MONTHS, TABLE_MONTHS), for ``experience_transfer`` ``transfer``; read-only, built once
    per process and value (a few milliseconds)."""
    table = _build_log_years(float(transfer), TABLE_MONTHS)
    table.flags.writeable = False
    return table


def log_years_for(n_items: int, transfer: float) -> np.ndarray | None:
    """The table :func:`log_years` should read in a pass over ``n_items`` (workers, callbacks): the table
    for a large pass, None for a small one (the formula: numba compiles the kernel without the table).
    A small market's month reads a few thousand entries of a 3 MB table that the rest of the month has
    pushed out of the cache, each a miss that costs more than the logarithm; a large pass reads its
    lines many times over."""
    return log_years_table(transfer) if n_items >= threads.MIN_ITEMS else None


@njit(cache=True)
def _build_log_years(transfer, size):
    table = np.empty((size, size))
    for own in range(size):
        for other in range(size):
            # relevant_years' own expression: (own + transfer * (total - own)) / 12, total - own = other.
            table[own, other] = np.log1p((own + transfer * other) / 12.0)
    return table


@njit(cache=True)
def _build_log_months(size):
    table = np.empty(size)
    for months in range(size):
        table[months] = np.log1p(months / 12.0)
    return table


# log(1 + months / 12) by whole months: experience in one sector as scores and sector choices weigh it.
_LOG_MONTHS = _build_log_months(TABLE_MONTHS)


@njit(cache=True, inline="always")
def log_months(months: int) -> float:
    """``log(1 + months / 12)`` (years of experience on a log scale), from a table of whole months built by
    the same expression (the same numbers; the formula beyond it)."""
    if 0 <= months < _LOG_MONTHS.shape[0]:
        return _LOG_MONTHS[months]
    return np.log1p(months / 12.0)


@njit(cache=True, inline="always")
def log_years(experience_row: np.ndarray, sector: int, transfer: float, table) -> float:
    """``log(1 + relevant_years(experience_row, sector, transfer))``, read from ``table``
    (:func:`log_years_table` of ``transfer``, or None for the formula) where it covers the row."""
    if table is not None:
        total = 0
        for k in range(experience_row.shape[0]):
            total += experience_row[k]
        own = experience_row[sector]
        other = total - own
        if own < table.shape[0] and other < table.shape[1]:
            return table[own, other]
    return np.log1p(relevant_years(experience_row, sector, transfer))


@njit(cache=True, inline="always")
def offer_pay(
    posted: float, log_sd: float, match_weight: float, match_draw: float, experience_gap: float,
    experience_return: float, skill_gap: float, skill_return: float,
) -> float:  # fmt: skip
    """One candidate's offer, dollars a year (see the module docstring).

    posted: the employer's pay for a typical incumbent; log_sd: the occupation's spread of log
    pay; match_weight: sqrt(1 - firm_share); match_draw: a standard normal draw for this
    (candidate, posting); experience_gap: log(1 + relevant years) minus the typical incumbent's;
    skill_gap: skill minus the typical incumbent's (sd units).
    """
    log_pay = (
        np.log(posted) + experience_return * experience_gap + skill_return * skill_gap
        + log_sd * match_weight * match_draw
    )  # fmt: skip
    return np.exp(log_pay)


def typical_incumbents(
    state: np.ndarray, occupation: np.ndarray, experience: np.ndarray, skill: np.ndarray, transfer: float,
    n_occupations: int,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Mean log(1 + relevant years) and mean skill of each occupation's employed, float64 (n_occupations,).

    state, occupation: (n,); experience: (n, n_sectors) months; skill: (n, n_sectors) sd units.
    NaN where an occupation has no one. Workers are summed in row order (the plain model sums the
    same way, so the two agree to the last bit). In a large market each worker's log years, the costly
    part, are found on :func:`.threads.split`'s threads first; the sums stay in row order on one thread,
    so the means are the same to the last bit.
    """
    n = state.shape[0]
    logs = np.empty(0)  # found in the summing pass itself
    if threads.n_parts(n) > 1:
        logs = np.empty(n)
        threads.split(_log_years_range, n, logs, state, occupation, experience, transfer,
                      log_years_for(n, transfer))  # fmt: skip
    return _typical_sums(state, occupation, experience, skill, transfer, logs, n_occupations)


@njit(cache=True, nogil=True)
def _log_years_range(lo, hi, out, state, occupation, experience, transfer, table):
    """:func:`log_years` of the employed among workers ``lo..hi-1`` in their sector, into ``out`` (n,)."""
    for i in range(lo, hi):
        if state[i] == _EMPLOYED:
            out[i] = log_years(experience[i], occupation[i] // N_RUNGS, transfer, table)


@njit(cache=True)
def _typical_sums(state, occupation, experience, skill, transfer, logs, n_occupations):
    """:func:`typical_incumbents`' sums in row order; logs: (n,) each worker's log years, found beforehand
    (:func:`_log_years_range`), or empty to find them here (a small market: by the formula, see
    :func:`log_years_for`)."""
    given = logs.shape[0] == state.shape[0]
    total_x = np.zeros(n_occupations)
    total_s = np.zeros(n_occupations)
    count = np.zeros(n_occupations)
    for i in range(state.shape[0]):
        if state[i] != _EMPLOYED:
            continue
        o = occupation[i]
        total_x[o] += logs[i] if given else np.log1p(relevant_years(experience[i], o // N_RUNGS, transfer))
        total_s[o] += skill[i, o // N_RUNGS]
        count[o] += 1.0
    return _means(total_x, total_s, count)


@njit(cache=True)
def _means(total_x, total_s, count):
    mean_x = np.full(count.shape[0], np.nan)
    mean_s = np.full(count.shape[0], np.nan)
    for o in range(count.shape[0]):
        if count[o] > 0:
            mean_x[o] = total_x[o] / count[o]
            mean_s[o] = total_s[o] / count[o]
    return mean_x, mean_s


@njit(cache=True, inline="always")
def offer_to(
    posted: float, log_sd: float, sector: int, occupation: int, experience_row: np.ndarray, skill: float,
    match_draw: float, typical_x: np.ndarray, typical_s: np.ndarray, match_weight: float, transfer: float,
    experience_return: float, skill_return: float, table: np.ndarray | None,
) -> float:  # fmt: skip
    """One candidate's offer at one posting, dollars a year: :func:`offer_pay` against the job's typical
    incumbent (no incumbent to compare with: the typical candidate).

    experience_row: (n_sectors,) the candidate's months in each sector; skill: their skill in ``sector``;
    typical_x, typical_s: :func:`typical_incumbents`; table: :func:`log_years_table` of ``transfer``, or
    None.
    """
    gap_x = log_years(experience_row, sector, transfer, table) - typical_x[occupation]
    gap_s = skill - typical_s[occupation]
    if gap_x != gap_x:
        gap_x = 0.0
    if gap_s != gap_s:
        gap_s = 0.0
    return offer_pay(posted, log_sd, match_weight, match_draw, gap_x, experience_return, gap_s, skill_return)


@njit(cache=True)
def offers_of_rows(
    posted, log_sd, sector, occupation, who, experience, skill, match_draw, typical_x, typical_s,
    match_weight, transfer, experience_return, skill_return,
):  # fmt: skip
    """Offers of ``a`` applications, dollars a year, float64 (a,) (:func:`offer_to`).

    posted, log_sd, sector, occupation, who, match_draw: (a,) per application (the employer's pay
    for a typical incumbent, the occupation's log-pay spread, the posting's sector and occupation,
    the candidate's row in ``experience`` and ``skill``, a standard normal draw); experience,
    skill: (n, n_sectors) candidates' experience (months) and skill (sd units), read at ``who``
    (no copy of the rows is made); typical_x, typical_s: :func:`typical_incumbents`.
    """
    out = np.empty(posted.shape[0])
    no_table = None  # log years by the formula (the same numbers the table holds)
    for a in range(posted.shape[0]):
        s, i = sector[a], who[a]
        out[a] = offer_to(
            posted[a], log_sd[a], s, occupation[a], experience[i], skill[i, s], match_draw[a], typical_x,
            typical_s, match_weight, transfer, experience_return, skill_return, no_table,
        )  # fmt: skip
    return out


def person_draws(streams, person: np.ndarray) -> np.ndarray:
    """A person's lasting pay position: one standard normal per person id, float64 (m,)."""
    return ndtri(pair_uniform(streams.key("pay_person"), 0, person, np.zeros_like(person)))


def pay_draws(
    streams, person: np.ndarray, posting: np.ndarray, pay, own: np.ndarray | None = None
) -> np.ndarray:
    """The person's and the match's parts of each offer, one standard normal per application.

    person, posting: (a,) the candidate's person id and the posting. Both draws are hashed
    from ids alone, so they last: a person keeps their pay position at every employer, and
    asking the same employer again brings the same match. ``pay``: the ``[pay]`` block.
    own: (a,) :func:`person_draws` of ``person`` if already known (the engine draws once per
    searcher, not once per application).
    """
    a, b = pay.draw_weights()
    if own is None:
        own = person_draws(streams, person)
    match = ndtri(pair_uniform(streams.key("pay_offer"), 0, person, posting))
    return a * own + b * match


def offers(
    posted: np.ndarray, log_sd: np.ndarray, sector: np.ndarray, occupation: np.ndarray, who: np.ndarray,
    experience: np.ndarray, skill: np.ndarray, match_draw: np.ndarray,
    typical: tuple[np.ndarray, np.ndarray], pay,
) -> np.ndarray:  # fmt: skip
    """:func:`offers_of_rows` with the scenario's ``[pay]`` block (the engine and the plain model call it)."""
    return offers_of_rows(
        np.asarray(posted, np.float64), np.asarray(log_sd, np.float64), np.asarray(sector, np.int64),
        np.asarray(occupation, np.int64), np.asarray(who, np.int64), experience, skill,
        np.asarray(match_draw, np.float64), typical[0], typical[1], float(np.sqrt(1.0 - pay.firm_share)),
        float(pay.experience_transfer), float(pay.experience_return), float(pay.skill_return),
    )  # fmt: skip


def learning_curve(years: np.ndarray, learning_per_year: float, scale_years: float) -> np.ndarray:
    """Skill gained from ``years`` in a sector (sd units).

    The gain rate is ``learning_per_year * exp(-years / scale_years)``, so a
    career adds at most ``learning_per_year * scale_years``.
    """
    return learning_per_year * scale_years * (1.0 - np.exp(-years / scale_years))


@njit(cache=True, inline="always")
def month_employed(
    tenure: int, wage: float, skill: float, experience: int, tenure_return: float, floor: float, learn: float,
    scale: float, monthly_raise: float = 1.0, fades=None,
) -> tuple[int, float, float, int]:  # fmt: skip
    """A month of work for one employed worker, in the job's sector.

    tenure: months with the employer; wage: float32 dollars a year; skill: float32
    sd units and experience: months, both in the job's sector; tenure_return:
    the sector's raise per completed year with the employer; floor: the pay floor
    (dollars a year); learn: skill gained per year at the start of a career; scale:
    years over which learning levels off; monthly_raise: the economy's pay growth over
    a month (a factor; 1 for none); fades: :func:`learning_fades` of ``scale``, if at hand. Returns
    (tenure, wage, skill, experience) after the month, pay and skill rounded to float32 as the worker
    arrays store them.
    """
    tenure += 1
    pay = np.float32(wage)
    if monthly_raise != 1.0:
        pay = np.float32(pay * monthly_raise)
    if tenure % 12 == 0:
        pay = np.float32(pay * (1.0 + tenure_return))
    if pay < floor:
        pay = np.float32(floor)
    if fades is not None and 0 <= experience < fades.shape[0]:
        fade = fades[experience]
    else:
        fade = learning_fade(experience, scale)
    skill = np.float32(np.float32(skill) + learn / 12.0 * fade)
    return tenure, pay, skill, experience + 1


@njit(cache=True, inline="always")
def learning_fade(experience: int, scale: float) -> float:
    """How much of a career's starting pace of learning is left after ``experience`` months in the
    sector: ``exp(-years / scale)``."""
    years = experience / 12.0
    return np.exp(-years / scale)


@functools.lru_cache(maxsize=8)
def learning_fades(scale: float) -> np.ndarray:
    """:func:`learning_fade` for whole months 0 .. TABLE_MONTHS - 1 (the same numbers, read rather
    than computed for every employed worker every month), float64, read-only, once per process and scale."""
    fades = _build_fades(float(scale), TABLE_MONTHS)
    fades.flags.writeable = False
    return fades


@njit(cache=True)
def _build_fades(scale, size):
    fades = np.empty(size)
    for months in range(size):
        fades[months] = learning_fade(months, scale)
    return fades


@njit(cache=True, inline="always")
def skill_decayed(skill: float, decay: float) -> float:
    """Skill (float32, sd units) after a month unemployed: ``decay`` per year lost."""
    return np.float32(np.float32(skill) - decay / 12.0)


@njit(cache=True, nogil=True)
def _month_kernel(
    lo, hi, state, occupation, tenure, wage, experience, skill, months_unemployed, tenure_return, floor,
    learn, scale, decay, monthly_raise, fades,
):  # fmt: skip
    """:func:`month_of_work` of workers ``lo..hi-1``; fades: :func:`learning_fades` of ``scale``."""
    for i in range(lo, hi):
        if state[i] == _EMPLOYED:
            s = occupation[i] // N_RUNGS
            tenure[i], wage[i], skill[i, s], experience[i, s] = month_employed(
                tenure[i],
                wage[i],
                skill[i, s],
                experience[i, s],
                tenure_return[s],
                floor,
                learn,
                scale,
                monthly_raise,
                fades,
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
    monthly_raise: float = 1.0,
) -> None:
    """One month for every worker, in one pass over the arrays (updated in place).

    Employed: tenure +1 month; a raise of ``tenure_return[sector]`` at each
    full year; pay lifted to ``floor`` (dollars per year) if below; one more
    month of experience and some skill in the job's sector (:func:`month_employed`).
    Unemployed: skills decay by ``depreciation_per_year`` (sd units per year,
    :func:`skill_decayed`) and the spell grows by a month.
    tenure_return: (n_sectors,) raise per completed year with an employer.
    """
    threads.split(
        _month_kernel, workers.n, workers.state, workers.occupation, workers.tenure, workers.wage,
        workers.experience, workers.skill, workers.months_unemployed, np.asarray(tenure_return, np.float64),
        float(floor), float(learning_per_year), float(learning_scale_years), float(depreciation_per_year),
        float(monthly_raise), learning_fades(float(learning_scale_years)),
    )  # fmt: skip


class Pay(Module):
    """A month of work or of unemployment: tenure, raises, the pay floor, experience and skills;
    unemployment spells lengthen."""

    name = "pay"
    reads = ("state", "occupation", "tenure", "wage", "experience", "skill", "months_unemployed")
    writes = ("tenure", "wage", "experience", "skill", "months_unemployed")

    def init(self, model: LabourMarket) -> None:
        self.tenure_return = np.array([s.tenure_return for s in model.scenario.sectors.values()])
        # The general raise: economy-wide pay growth, a month at a time.
        self.monthly_raise = growth_factor(model.scenario.economy.wage_growth_per_year, 1)

    def step(self, model: LabourMarket) -> None:
        sk, w = model.scenario.skills, model.workers
        month_of_work(
            w, self.tenure_return, model.wage_floor, sk.learning_per_year, sk.learning_scale_years,
            sk.depreciation_per_year, self.monthly_raise,
        )  # fmt: skip
