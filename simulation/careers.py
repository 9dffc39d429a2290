"""Careers as published statistics measure them: pay by occupation and age, wage growth, tenure, age mix.

At recorded month 0 (2019 dollars, the year of the published figures) and
every 12 months after, :class:`CareerRecorder` takes the measures below from
the worker arrays; each is one row of ``rows`` (``month``, ``measure``,
``group``, ``value``, ``n``: how many people it is taken over):

==========================  ==================================================  ====================
measure                     what                                                published
==========================  ==================================================  ====================
pay_p10 ... pay_p90         percentiles of annual pay of an occupation's        BLS OEWS
                            jobholders (group: sector:rung)
weekly_earnings             median weekly pay (annual / 52) of full-time        CPS usual weekly
                            workers, by sex and age band (men:25-34, all)       earnings
part_time_share             share of the employed working part-time (all), and  CPS
                            part-time for economic reasons (involuntary)
wage_growth                 median 12-month log change in pay of people         Atlanta Fed Wage
                            employed at both ends (group: all, stayers: same    Growth Tracker
                            employer, switchers: another employer)
tenure_years                median years with the employer, by sex and age      CPS tenure supplement
labour_force_share          share of the labour force in each age band          CPS
==========================  ==================================================  ====================
"""

from __future__ import annotations

import numpy as np

from .hours import FULL_TIME_THRESHOLD
from .order_statistics import cell_medians, cell_percentiles
from .schema import N_RUNGS
from .workers import State, Workers

AGE_BANDS = ((16, 24), (25, 34), (35, 44), (45, 54), (55, 64))
PERCENTILES = (10, 25, 50, 75, 90)
EVERY = 12  # months between measurements


def band_name(band: tuple[int, int]) -> str:
    return f"{band[0]}-{band[1]}"


def age_band(age_months: np.ndarray) -> np.ndarray:
    """Index into AGE_BANDS of each age (months), int64 (m,); -1 outside them all."""
    edges = np.array([b[0] for b in AGE_BANDS] + [AGE_BANDS[-1][1] + 1]) * 12
    band = np.searchsorted(edges, age_months, side="right") - 1
    return np.where(band < len(AGE_BANDS), band, -1)


class CareerRecorder:
    """Measures careers at recorded month 0 and every year after (see the module docstring)."""

    def __init__(self, occupation_names: list[str], is_woman: np.ndarray) -> None:
        self.occupation_names = occupation_names  # "sector:rung" by occupation code
        self.is_woman = is_woman  # bool (n_groups,)
        self.rows: list[dict] = []
        self._year_ago: dict[str, np.ndarray] | None = None

    @staticmethod
    def observes(month: int) -> bool:
        """Whether ``month`` is one the measures are taken at."""
        return month >= 0 and month % EVERY == 0

    def observe(self, workers: Workers, month: int, prefers_part_time: np.ndarray) -> None:
        """Take the measures (at a month :meth:`observes`). prefers_part_time: bool (n,) (hours.py)."""
        w = workers
        employed = w.state == State.EMPLOYED
        full_time = employed & (w.hours >= FULL_TIME_THRESHOLD)
        part_time = employed & ~full_time
        n_employed = max(int(employed.sum()), 1)
        self._add(month, "part_time_share", "all", part_time.sum() / n_employed, n_employed)
        involuntary = part_time & ~prefers_part_time
        self._add(month, "part_time_share", "involuntary", involuntary.sum() / n_employed, n_employed)
        pay = w.wage.astype(np.float64)
        # The measures below are over the employed: work on their rows only.
        rows = np.flatnonzero(employed)
        pay_e, tenure_e, ft_e = pay[rows], w.tenure[rows], full_time[rows]
        self._pay_by_occupation(month, w.occupation[rows], pay_e)
        band_e = age_band(w.age[rows])
        women_e = self.is_woman[w.group[rows]].astype(np.int64)
        # By sex (all, men, women) and age band (all, then AGE_BANDS): 3 x 6 cells, each worker in four
        # of them; the medians of a way of cutting come from one pass (cell_medians), not a mask each.
        n_bands = len(AGE_BANDS)
        cuts = (  # (each employed worker's cell, or -1; the (sex, band) of each cell)
            (np.zeros(rows.size, np.int64), [(0, 0)]),
            (band_e, [(0, 1 + b) for b in range(n_bands)]),
            (women_e, [(1, 0), (2, 0)]),
            (np.where(band_e >= 0, women_e * n_bands + band_e, -1),
             [(1 + sex, 1 + b) for sex in range(2) for b in range(n_bands)]),
        )  # fmt: skip
        weekly, n_weekly = np.full((3, 1 + n_bands), np.nan), np.zeros((3, 1 + n_bands), np.int64)
        tenure, n_tenure = np.full((3, 1 + n_bands), np.nan), np.zeros((3, 1 + n_bands), np.int64)
        tenure_e = tenure_e.astype(np.float64)
        for cell, cells in cuts:
            # Weekly earnings as published: full-time workers'.
            med, count = cell_medians(pay_e, np.where(ft_e, cell, -1), len(cells))
            med_t, count_t = cell_medians(tenure_e, cell, len(cells))
            for k, (sex, b) in enumerate(cells):
                weekly[sex, b], n_weekly[sex, b] = med[k] / 52, count[k]
                tenure[sex, b], n_tenure[sex, b] = med_t[k] / 12, count_t[k]
        names = ["all"] + [band_name(b) for b in AGE_BANDS]
        for sex_k, sex in enumerate(("all", "men", "women")):
            for b, name in enumerate(names):
                group = name if sex == "all" else f"{sex}:{name}"
                self._add(month, "weekly_earnings", group, weekly[sex_k, b], n_weekly[sex_k, b])
                self._add(month, "tenure_years", group, tenure[sex_k, b], n_tenure[sex_k, b])
        in_force = (w.state == State.EMPLOYED) | (w.state == State.UNEMPLOYED)
        force_bands = np.bincount(age_band(w.age[in_force]) + 1, minlength=len(AGE_BANDS) + 1)[1:]
        n_force = int(in_force.sum())
        for b, count in zip(AGE_BANDS, force_bands, strict=True):
            self._add(month, "labour_force_share", band_name(b), count / max(n_force, 1), n_force)
        self._wage_growth(month, w, employed, pay)

    def _pay_by_occupation(self, month: int, occupation: np.ndarray, pay: np.ndarray) -> None:
        """Percentiles of pay by occupation; occupation, pay: (m,) of the employed."""
        values, counts = cell_percentiles(
            pay, occupation.astype(np.int64), len(self.occupation_names), np.array(PERCENTILES, np.float64)
        )
        for o, name in enumerate(self.occupation_names):
            if counts[o] == 0:
                continue
            for p, v in zip(PERCENTILES, values[o], strict=True):
                self._add(month, f"pay_p{p}", name, float(v), counts[o])

    def _wage_growth(self, month: int, w: Workers, employed: np.ndarray, pay: np.ndarray) -> None:
        now = {"person": w.person.copy(), "employer": w.employer.copy(), "pay": pay, "employed": employed}
        before = self._year_ago
        self._year_ago = now
        if before is None:
            return
        # The same people (rows are reused at entry), employed a year ago and now.
        both = (w.person == before["person"]) & employed & before["employed"]
        growth = np.log(pay[both] / before["pay"][both])
        switched = (w.employer[both] != before["employer"][both]).astype(np.int64)  # 0 stayers, 1 switchers
        everyone, n = cell_medians(growth, np.zeros(growth.size, np.int64), 1)
        by_move, n_move = cell_medians(growth, switched, 2)
        for group, value, count in (("all", everyone[0], n[0]), ("stayers", by_move[0], n_move[0]),
                                    ("switchers", by_move[1], n_move[1])):  # fmt: skip
            self._add(month, "wage_growth", group, float(value), count)

    def _add(self, month: int, measure: str, group: str, value: float, n) -> None:
        row = {"month": month, "measure": measure, "group": group, "value": float(value), "n": int(n)}
        self.rows.append(row)

    def value(self, measure: str, group: str, month: int | None = None) -> float:
        """A measure at ``month`` (default: the first month it was taken), NaN if never taken."""
        rows = [r for r in self.rows if r["measure"] == measure and r["group"] == group]
        if month is not None:
            rows = [r for r in rows if r["month"] == month]
        return rows[0]["value"] if rows else float("nan")


def occupation_names(sector_names: list[str]) -> list[str]:
    """``sector:rung`` for each occupation code (sector * N_RUNGS + rung)."""
    return [f"{s}:{r}" for s in sector_names for r in range(N_RUNGS)]
