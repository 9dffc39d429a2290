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

from .employers import N_RUNGS
from .hours import FULL_TIME_THRESHOLD
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


def theil(wages: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, float, float]:
    """Theil T of ``wages`` (dollars, shape (m,), all > 0) and its decomposition by ``group``.

    Returns (T_g for each group, shape (n_groups,); between part; within part).
    The total is between + within.
    """
    n = np.bincount(group, minlength=n_groups).astype(np.float64)
    total = np.bincount(group, weights=wages, minlength=n_groups)
    wlogw = np.bincount(group, weights=wages * np.log(wages), minlength=n_groups)
    mu_g = np.divide(total, n, out=np.full(n_groups, np.nan), where=n > 0)
    t_g = np.divide(wlogw, total, out=np.full(n_groups, np.nan), where=total > 0) - np.log(mu_g)
    share = total / total.sum()
    mu = total.sum() / n.sum()
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

    def record(self, month: int, workers: Workers, hires_channel: np.ndarray, openings: int) -> None:
        """Add this month's rows. ``hires_channel``: (h,) Channel of each hire this month."""
        k = self.n_groups
        group, state = workers.group.astype(np.intp), workers.state
        n_states = len(State)

        def with_total(counts: np.ndarray) -> np.ndarray:
            return np.concatenate([counts, counts.sum(axis=0, keepdims=True)])

        # Counts by (group, state) in one pass; row k is everyone.
        by_state = with_total(
            np.bincount(group * n_states + state, minlength=k * n_states).reshape(k, n_states)
        )
        emp, unemp = by_state[:, State.EMPLOYED], by_state[:, State.UNEMPLOYED]
        train, out = by_state[:, State.TRAINING], by_state[:, State.OUT]
        pop = by_state.sum(axis=1)

        emp_mask = state == State.EMPLOYED
        wages = workers.wage[emp_mask].astype(np.float64)
        wg = workers.group[emp_mask]
        # Medians (and so pay ratios) over full-time workers, as the published weekly earnings are.
        full_time = workers.hours[emp_mask] >= FULL_TIME_THRESHOLD
        ft_wages, ft_group = wages[full_time], wg[full_time]
        order = np.argsort(ft_group, kind="stable")  # a radix sort on int8
        bounds = np.concatenate(([0], np.cumsum(np.bincount(ft_group, minlength=k))))
        sorted_w = ft_wages[order]
        median = np.full(k + 1, np.nan)
        for j in range(k):
            if bounds[j + 1] > bounds[j]:
                median[j] = np.median(sorted_w[bounds[j] : bounds[j + 1]])
        if ft_wages.size:
            median[k] = np.median(ft_wages)
        mean = _ratio(with_total(np.bincount(wg, weights=wages, minlength=k)), emp)
        line = self.good_job_wage * growth_factor(self.growth_per_year, month)
        good = with_total(np.bincount(wg[wages >= line], minlength=k))
        in_program = with_total(np.bincount(group[workers.program >= 0], minlength=k))
        t_g, between, within = (
            theil(wages, wg.astype(np.intp), k) if wages.size else (np.full(k, np.nan), 0, 0)
        )
        theil_col = np.append(t_g, between + within)
        between_col = np.full(k + 1, np.nan)
        within_col = np.full(k + 1, np.nan)
        between_col[k], within_col[k] = between, within
        n_sectors = len(self.sector_names)
        sector = workers.occupation[emp_mask] // N_RUNGS
        by_sector = with_total(np.bincount(wg.astype(np.intp) * n_sectors + sector, minlength=k * n_sectors)
                               .reshape(k, n_sectors))  # fmt: skip
        sector_share = _ratio(by_sector, np.broadcast_to(by_sector[k], by_sector.shape))

        if self._prev_state is None:
            ue = eu = ee = np.full(k + 1, np.nan)
        else:
            key = (group * n_states + self._prev_state) * n_states + state
            flows = with_total(np.bincount(key, minlength=k * n_states**2).reshape(k, n_states, n_states))
            was_u = flows[:, State.UNEMPLOYED].sum(axis=1)
            was_e = flows[:, State.EMPLOYED].sum(axis=1)
            ue = _ratio(flows[:, State.UNEMPLOYED, State.EMPLOYED], was_u)
            eu = _ratio(flows[:, State.EMPLOYED, State.UNEMPLOYED], was_e)
            moved = (
                emp_mask & (self._prev_state == State.EMPLOYED) & (workers.employer != self._prev_employer)
            )
            ee = _ratio(with_total(np.bincount(group[moved], minlength=k)), was_e)

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
        for j, name in enumerate(self.group_names):
            self.rows["month"].append(month)
            self.rows["group"].append(name)
            for col, arr in values.items():
                self.rows[col].append(arr[j].item())
            # Hires and openings are market-wide: on the "all" row only.
            is_all = j == k
            self.rows["hires"].append(hires if is_all else None)
            self.rows["referral_hire_share"].append((referral / hires if hires else None) if is_all else None)
            self.rows["openings"].append(openings if is_all else None)
            for s, col in enumerate(self.sector_columns):
                self.rows[col].append(sector_share[j, s].item())

    def columns(self) -> dict[str, list]:
        return self.rows
