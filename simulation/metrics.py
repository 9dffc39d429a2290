"""Monthly outcomes by group, measured the way the CPS measures them.

Flows compare each worker's state at the end of this month with the end of
the previous month, so the job-finding rate is the share of last month's
unemployed who are employed now (CPS gross flows), and so on.

One row per (month, group) plus a row for everyone (group "all").
"""

from __future__ import annotations

import numpy as np

from .workers import Channel, State, Workers

COLUMNS = (
    "month", "group", "population", "employed", "unemployed", "in_training", "out_of_force",
    "employment_rate", "unemployment_rate", "training_share",
    "median_wage", "mean_wage", "pay_ratio", "good_job_share",
    "job_finding_rate", "separation_rate", "job_to_job_rate",
    "hires", "referral_hire_share", "openings",
)  # fmt: skip


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


class MetricsRecorder:
    """Collects the monthly rows; :meth:`columns` returns them as arrays."""

    def __init__(self, group_names: list[str], reference_group: str, good_job_wage: float) -> None:
        self.group_names = [*group_names, "all"]
        self.n_groups = len(group_names)
        self.reference = group_names.index(reference_group)
        self.good_job_wage = good_job_wage
        self.rows: dict[str, list] = {c: [] for c in COLUMNS}
        self._prev_state: np.ndarray | None = None
        self._prev_employer: np.ndarray | None = None

    def snapshot(self, workers: Workers) -> None:
        """Remember end-of-month states, the base for next month's flows."""
        self._prev_state = workers.state.copy()
        self._prev_employer = workers.employer.copy()

    def record(self, month: int, workers: Workers, hires_channel: np.ndarray, openings: int) -> None:
        """Add this month's rows. ``hires_channel``: (h,) Channel of each hire, by hired worker order."""
        g, k = workers.group.astype(np.int64), self.n_groups
        state = workers.state

        def by_group(mask: np.ndarray) -> np.ndarray:
            counts = np.bincount(g[mask], minlength=k)
            return np.append(counts, counts.sum())

        pop = by_group(np.ones_like(state, dtype=bool))
        emp_mask = state == State.EMPLOYED
        emp, unemp = by_group(emp_mask), by_group(state == State.UNEMPLOYED)
        train, out = by_group(state == State.TRAINING), by_group(state == State.OUT)

        wages = workers.wage[emp_mask].astype(np.float64)
        wg = g[emp_mask]
        order = np.argsort(wg, kind="stable")
        bounds = np.searchsorted(wg[order], np.arange(k + 1))
        sorted_w = wages[order]
        median = np.full(k + 1, np.nan)
        for j in range(k):
            seg = sorted_w[bounds[j] : bounds[j + 1]]
            if seg.size:
                median[j] = np.median(seg)
        if wages.size:
            median[k] = np.median(wages)
        wage_sum = np.bincount(wg, weights=wages, minlength=k)
        mean = _ratio(np.append(wage_sum, wage_sum.sum()), emp)
        good = by_group(emp_mask & (workers.wage >= self.good_job_wage))

        if self._prev_state is None:
            ue = eu = ee = np.full(k + 1, np.nan)
        else:
            was_u = self._prev_state == State.UNEMPLOYED
            was_e = self._prev_state == State.EMPLOYED
            ue = _ratio(by_group(was_u & emp_mask), by_group(was_u))
            eu = _ratio(by_group(was_e & (state == State.UNEMPLOYED)), by_group(was_e))
            moved = was_e & emp_mask & (workers.employer != self._prev_employer)
            ee = _ratio(by_group(moved), by_group(was_e))

        hires = hires_channel.shape[0]
        referral = np.count_nonzero(hires_channel == Channel.REFERRAL)
        all_only = np.full(k + 1, np.nan)
        all_only[k] = referral / hires if hires else np.nan

        values = {
            "population": pop, "employed": emp, "unemployed": unemp, "in_training": train,
            "out_of_force": out,
            "employment_rate": _ratio(emp, pop),
            "unemployment_rate": _ratio(unemp, emp + unemp),
            "training_share": _ratio(train, pop),
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
            is_all = j == k
            self.rows["hires"].append(hires if is_all else None)
            self.rows["referral_hire_share"].append(all_only[j].item() if is_all else None)
            self.rows["openings"].append(openings if is_all else None)

    def columns(self) -> dict[str, list]:
        return self.rows
