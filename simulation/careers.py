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
from .schema import N_RUNGS
from .workers import State, Workers

AGE_BANDS = ((16, 24), (25, 34), (35, 44), (45, 54), (55, 64))
PERCENTILES = (10, 25, 50, 75, 90)
EVERY = 12  # months between measurements


def band_name(band: tuple[int, int]) -> str:
    return f"{band[0]}-{band[1]}"


class CareerRecorder:
    """Measures careers at recorded month 0 and every year after (see the module docstring)."""

    def __init__(self, occupation_names: list[str], is_woman: np.ndarray) -> None:
        self.occupation_names = occupation_names  # "sector:rung" by occupation code
        self.is_woman = is_woman  # bool (n_groups,)
        self.rows: list[dict] = []
        self._year_ago: dict[str, np.ndarray] | None = None

    def observe(self, workers: Workers, month: int, prefers_part_time: np.ndarray) -> None:
        """Take the measures if ``month`` is one of theirs. prefers_part_time: bool (n,) (hours.py)."""
        if month < 0 or month % EVERY:
            return
        w = workers
        employed = w.state == State.EMPLOYED
        full_time = employed & (w.hours >= FULL_TIME_THRESHOLD)
        part_time = employed & ~full_time
        n_employed = max(int(employed.sum()), 1)
        self._add(month, "part_time_share", "all", part_time.sum() / n_employed, n_employed)
        involuntary = part_time & ~prefers_part_time
        self._add(month, "part_time_share", "involuntary", involuntary.sum() / n_employed, n_employed)
        pay = w.wage.astype(np.float64)
        self._pay_by_occupation(month, w.occupation, pay, employed)
        years = w.age / 12.0
        women = self.is_woman[w.group]
        bands = [("all", np.ones(w.n, bool))] + [
            (band_name(b), (years >= b[0]) & (years < b[1] + 1)) for b in AGE_BANDS
        ]
        for sex, mask in (("all", np.ones(w.n, bool)), ("men", ~women), ("women", women)):
            for name, in_band in bands:
                who = employed & mask & in_band
                group = name if sex == "all" else f"{sex}:{name}"
                some = who.any()
                ft = who & full_time  # weekly earnings as published: full-time workers'
                weekly = np.median(pay[ft]) / 52 if ft.any() else np.nan
                self._add(month, "weekly_earnings", group, weekly, ft.sum())
                self._add(
                    month, "tenure_years", group, np.median(w.tenure[who]) / 12 if some else np.nan, who.sum()
                )
        in_force = (w.state == State.EMPLOYED) | (w.state == State.UNEMPLOYED)
        for name, in_band in bands[1:]:
            self._add(month, "labour_force_share", name, (in_force & in_band).sum() / max(in_force.sum(), 1),
                      in_force.sum())  # fmt: skip
        self._wage_growth(month, w, employed, pay)

    def _pay_by_occupation(self, month: int, occupation: np.ndarray, pay: np.ndarray, employed) -> None:
        for o, name in enumerate(self.occupation_names):
            held = employed & (occupation == o)
            if not held.any():
                continue
            values = np.percentile(pay[held], PERCENTILES)
            for p, v in zip(PERCENTILES, values, strict=True):
                self._add(month, f"pay_p{p}", name, float(v), held.sum())

    def _wage_growth(self, month: int, w: Workers, employed: np.ndarray, pay: np.ndarray) -> None:
        now = {"person": w.person.copy(), "employer": w.employer.copy(), "pay": pay, "employed": employed}
        before = self._year_ago
        self._year_ago = now
        if before is None:
            return
        # The same people (rows are reused at entry), employed a year ago and now.
        both = (w.person == before["person"]) & employed & before["employed"]
        growth = np.log(pay[both] / before["pay"][both])
        stayed = w.employer[both] == before["employer"][both]
        for group, mask in (("all", np.ones(growth.size, bool)), ("stayers", stayed), ("switchers", ~stayed)):
            self._add(month, "wage_growth", group, float(np.median(growth[mask])) if mask.any() else np.nan,
                      mask.sum())  # fmt: skip

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
