"""Monthly outcomes by group, measured the way the CPS measures them.

Flows compare each worker's state at the end of this month with the end of
the previous month, so the job-finding rate is the share of last month's
unemployed who are employed now (CPS gross flows), and so on.

One row per (month, group) plus a row for everyone (group "all").

Inequality of pay among the employed is the Theil T index, which splits
exactly into a between-group and a within-group part:

    T = sum_g s_g * ln(mu_g / mu)  +  sum_g s_g * T_g

with s_g the group's share of total pay and mu_g its mean pay. The group rows
carry their own T_g; the "all" row carries T and both parts. The share of a
sector's jobs held by each group (``jobs_share_<sector>``) measures
representation, e.g. in IT.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import threads
from .employers import N_RUNGS
from .hours import FULL_TIME_THRESHOLD
from .order_statistics import median as median_of
from .wages import growth_factor
from .workers import Channel, State, Workers

COLUMNS = (
    "month", "group", "population", "employed", "unemployed", "in_training", "out_of_force", "in_program",
    "employment_rate", "unemployment_rate", "training_share",
    "median_wage", "mean_wage", "pay_ratio", "good_job_share",
    "job_finding_rate", "separation_rate", "job_to_job_rate",
    "theil", "theil_between", "theil_within",
    "hires", "referral_hire_share", "openings",
)  # fmt: skip


def theil(
    wages: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    counts: np.ndarray | None = None,
    totals: np.ndarray | None = None,
) -> tuple[np.ndarray, float, float]:
    """Theil T of ``wages`` (dollars, shape (m,), all > 0) and its decomposition by ``group``.

    Returns (T_g for each group, shape (n_groups,); between part; within part).
    The total is between + within. counts, totals: how many wages each group has and their sum
    (float64, summed in order), if the caller has them already.
    """
    n = np.bincount(group, minlength=n_groups) if counts is None else counts
    total = np.bincount(group, weights=wages, minlength=n_groups) if totals is None else totals
    wlogw = np.bincount(group, weights=wages * np.log(wages), minlength=n_groups)
    return theil_of_sums(n, total, wlogw)


def theil_of_sums(
    counts: np.ndarray, totals: np.ndarray, wlogw: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """:func:`theil` from each group's number of wages, their sum and the sum of ``w * log(w)``
    (each (n_groups,), the sums in wage order); the metrics' pass makes them without listing the wages."""
    n = np.asarray(counts).astype(np.float64)
    n_groups = n.shape[0]
    mu_g = np.divide(totals, n, out=np.full(n_groups, np.nan), where=n > 0)
    t_g = np.divide(wlogw, totals, out=np.full(n_groups, np.nan), where=totals > 0) - np.log(mu_g)
    share = totals / totals.sum()
    mu = totals.sum() / n.sum()
    present = n > 0
    between = float(np.sum(share[present] * np.log(mu_g[present] / mu)))
    within = float(np.sum(share[present] * t_g[present]))
    return t_g, between, within


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


class MetricsRecorder:
    """Collects the monthly rows; :meth:`columns` returns them as arrays."""

    def __init__(
        self,
        group_names: list[str],
        sector_names: list[str],
        reference_group: str,
        good_job_wage: float,
        growth_per_year: float = 0.0,
    ) -> None:
        self.group_names = [*group_names, "all"]
        self.sector_names = sector_names
        self.n_groups = len(group_names)
        self.reference = group_names.index(reference_group)
        self.good_job_wage = good_job_wage  # dollars a year at month 0; moves with nominal pay
        self.growth_per_year = growth_per_year
        self.sector_columns = [f"jobs_share_{name}" for name in sector_names]
        self.rows: dict[str, list] = {c: [] for c in (*COLUMNS, *self.sector_columns)}
        self._prev_state: np.ndarray | None = None
        self._prev_employer: np.ndarray | None = None

    def snapshot(self, workers: Workers) -> None:
        """Remember end-of-month states, the base for next month's flows."""
        self._prev_state = workers.state.copy()
        self._prev_employer = workers.employer.copy()

    def record(self, month: int, workers: Workers, hires_channel: np.ndarray, openings: int) -> np.ndarray:
        """Add this month's rows. ``hires_channel``: (h,) Channel of each hire this month.

        Returns what the employed of each group earned this month, dollars, float64 (n_groups,):
        :meth:`.Workers.earnings` over 12, summed in worker order as ``np.bincount`` would.
        """
        k = self.n_groups
        n_states = len(State)
        n_sectors = len(self.sector_names)

        def with_total(counts: np.ndarray) -> np.ndarray:
            return np.concatenate([counts, counts.sum(axis=0, keepdims=True)])

        line = self.good_job_wage * growth_factor(self.growth_per_year, month)
        have_prev = self._prev_state is not None
        none = np.zeros(0, np.int8)
        tally = _tally(
            workers.group, workers.state, self._prev_state if have_prev else none, workers.employer,
            self._prev_employer if have_prev else none.astype(np.int32), workers.wage, workers.hours,
            workers.occupation, workers.program, k, n_states, n_sectors, line, FULL_TIME_THRESHOLD,
        )  # fmt: skip
        by_state, flows, moved, total, good, in_program, by_sector, wlogw, median, earned = tally
        # Row k is everyone.
        by_state, good, in_program, by_sector = map(with_total, (by_state, good, in_program, by_sector))
        emp, unemp = by_state[:, State.EMPLOYED], by_state[:, State.UNEMPLOYED]
        train, out = by_state[:, State.TRAINING], by_state[:, State.OUT]
        pop = by_state.sum(axis=1)
        mean = _ratio(with_total(total), emp)
        if emp[k]:
            t_g, between, within = theil_of_sums(emp[:k], total, wlogw)
        else:
            t_g, between, within = np.full(k, np.nan), 0, 0
        theil_col = np.append(t_g, between + within)
        between_col = np.full(k + 1, np.nan)
        within_col = np.full(k + 1, np.nan)
        between_col[k], within_col[k] = between, within
        sector_share = _ratio(by_sector, np.broadcast_to(by_sector[k], by_sector.shape))

        if not have_prev:
            ue = eu = ee = np.full(k + 1, np.nan)
        else:
            flows = with_total(flows)
            was_u = flows[:, State.UNEMPLOYED].sum(axis=1)
            was_e = flows[:, State.EMPLOYED].sum(axis=1)
            ue = _ratio(flows[:, State.UNEMPLOYED, State.EMPLOYED], was_u)
            eu = _ratio(flows[:, State.EMPLOYED, State.UNEMPLOYED], was_e)
            ee = _ratio(with_total(moved), was_e)

        hires = hires_channel.shape[0]
        referral = np.count_nonzero(hires_channel == Channel.REFERRAL)
        values = {
            "population": pop, "employed": emp, "unemployed": unemp, "in_training": train,
            "out_of_force": out,
            "employment_rate": _ratio(emp, pop),
            "unemployment_rate": _ratio(unemp, emp + unemp),
            "in_program": in_program,
            "training_share": _ratio(in_program, pop),
            "theil": theil_col, "theil_between": between_col, "theil_within": within_col,
            "median_wage": median, "mean_wage": mean,
            "pay_ratio": median / median[self.reference],
            "good_job_share": _ratio(good, emp),
            "job_finding_rate": ue, "separation_rate": eu, "job_to_job_rate": ee,
        }  # fmt: skip
        rows = self.rows
        rows["month"].extend([month] * (k + 1))
        rows["group"].extend(self.group_names)
        for col, arr in values.items():
            rows[col].extend(arr.tolist())
        # Hires and openings are market-wide: on the "all" row only.
        rows["hires"].extend([None] * k + [hires])
        rows["referral_hire_share"].extend([None] * k + [referral / hires if hires else None])
        rows["openings"].extend([None] * k + [openings])
        for s, col in enumerate(self.sector_columns):
            rows[col].extend(sector_share[:, s].tolist())
        return earned

    def columns(self) -> dict[str, list]:
        return self.rows


def _tally(group, state, prev_state, employer, prev_employer, wage, hours, occupation, program,
           k, n_states, n_sectors, line, full_time):  # fmt: skip
    """One month's tallies over the workers (n,): counts by (group, state), flows by (group, last
    month's state, state) and job-to-job moves (if ``prev_state`` has n entries), pay totals, good
    jobs (pay >= ``line``), program members and jobs by sector per group; the sum of pay * log(pay)
    per group, for the Theil index (:func:`theil_of_sums`); the median full-time pay per group
    and of everyone ((k + 1,), NaN where none); and the month's earnings per group (float32 for each
    worker, as :meth:`.Workers.earnings` / 12 gives them).

    The sums of pay run in worker order in one pass (:func:`_pay_pass`), as ``np.bincount``'s do. In a
    large market the counts, which are exact however the workers are split, are made meanwhile on the
    other threads (:func:`.threads.split_parts`' ranges, each part into its own slot, then summed).
    """
    n = group.shape[0]
    parts = threads.n_parts(n)
    if parts == 1:  # one call for a small market
        return _tally_on_one_thread(group, state, prev_state, employer, prev_employer, wage, hours,
                                    occupation, program, k, n_states, n_sectors, line, full_time)  # fmt: skip
    counts = _zero_counts(parts - 1, k, n_states, n_sectors)
    pay = _pay_outputs(k)
    ranges = threads.bounds(n, parts - 1)
    threads.together(
        (_pay_pass, group, state, wage, hours, full_time, *pay),
        *((_count_range, part, lo, hi, group, state, prev_state, employer, prev_employer, wage, hours,
           occupation, program, line, *counts) for part, (lo, hi) in enumerate(ranges)),
    )  # fmt: skip
    by_state, flows, moved, good, in_program, by_sector = (c.sum(0) for c in counts)
    total, wlogw, median, earned = pay
    return by_state, flows, moved, total, good, in_program, by_sector, wlogw, median, earned


@njit(cache=True)
def _zero_counts(parts, k, n_states, n_sectors):
    """:func:`_count_range`'s outputs, zeroed, with a leading axis of ``parts``: by_state, flows,
    moved, good, in_program, by_sector."""
    return (
        np.zeros((parts, k, n_states), np.int64), np.zeros((parts, k, n_states, n_states), np.int64),
        np.zeros((parts, k), np.int64), np.zeros((parts, k), np.int64), np.zeros((parts, k), np.int64),
        np.zeros((parts, k, n_sectors), np.int64),
    )  # fmt: skip


@njit(cache=True)
def _pay_outputs(k):
    """:func:`_pay_pass`' outputs: total, wlogw, median ((k + 1,)), earned."""
    return np.zeros(k), np.zeros(k), np.full(k + 1, np.nan), np.zeros(k)


@njit(cache=True)
def _tally_on_one_thread(group, state, prev_state, employer, prev_employer, wage, hours, occupation, program,
                         k, n_states, n_sectors, line, full_time):  # fmt: skip
    by_state, flows, moved, good, in_program, by_sector = _zero_counts(1, k, n_states, n_sectors)
    _count_range(0, 0, group.shape[0], group, state, prev_state, employer, prev_employer, wage, hours,
                 occupation, program, line, by_state, flows, moved, good, in_program, by_sector)  # fmt: skip
    total, wlogw, median, earned = _pay_outputs(k)
    _pay_pass(group, state, wage, hours, full_time, total, wlogw, median, earned)
    return by_state[0], flows[0], moved[0], total, good[0], in_program[0], by_sector[0], wlogw, median, earned


@njit(cache=True, nogil=True)
def _count_range(part, lo, hi, group, state, prev_state, employer, prev_employer, wage, hours, occupation,
                 program, line, by_state, flows, moved, good, in_program, by_sector):  # fmt: skip
    """The counts of :func:`_tally` over workers ``lo..hi-1``, added into slot ``part`` of each output."""
    have_prev = prev_state.shape[0] == group.shape[0]
    for i in range(lo, hi):
        g, s = group[i], state[i]
        by_state[part, g, s] += 1
        if program[i] >= 0:
            in_program[part, g] += 1
        if have_prev:
            flows[part, g, prev_state[i], s] += 1
        if s == State.EMPLOYED:
            good[part, g] += np.float64(wage[i]) >= line  # counts without a branch: pay is unpredictable
            by_sector[part, g, occupation[i] // N_RUNGS] += 1
            if have_prev and prev_state[i] == State.EMPLOYED and employer[i] != prev_employer[i]:
                moved[part, g] += 1


@njit(cache=True, nogil=True)
def _pay_pass(group, state, wage, hours, full_time, total, wlogw, median, earned):
    """The pay sums and medians of :func:`_tally`, in worker order, into total, wlogw, earned (k,) (zeroed)
    and median ((k + 1,), NaN): the sums ``np.bincount`` makes of the employed's pay, pay * log(pay)
    and month's earnings, and the medians of full-time pay by group and of everyone."""
    k = total.shape[0]
    start = np.zeros(k + 1, np.int64)
    for i in range(state.shape[0]):  # each group's full-time employed, to file their pay by group
        if state[i] == State.EMPLOYED and hours[i] >= full_time:
            start[group[i] + 1] += 1
    for g in range(k):
        start[g + 1] += start[g]
    at = start[:k].copy()
    full_pay = np.empty(start[k])
    for i in range(state.shape[0]):
        if state[i] == State.EMPLOYED:
            g = group[i]
            pay = np.float64(wage[i])
            total[g] += pay
            wlogw[g] += pay * np.log(pay)
            # In float32, step by step as numpy computes wage * (hours / 40) / 12 for the same arrays.
            month_pay = wage[i] * (np.float32(hours[i]) / np.float32(40.0)) / np.float32(12.0)
            earned[g] += np.float64(month_pay)
            if hours[i] >= full_time:
                full_pay[at[g]] = pay
                at[g] += 1
    keys = np.empty(start[k], np.uint64)
    for g in range(k):
        if start[g + 1] > start[g]:
            median[g] = median_of(full_pay[start[g] : start[g + 1]], keys)
    if start[k] > 0:
        median[k] = median_of(full_pay, keys)
