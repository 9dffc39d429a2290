"""Mobility: who moves up, followed person by person from the policy start.

At recorded month 0 the tracker notes every person's state and pay. After
``years`` years it reports, by group:

* the share of people in a low-wage job at the start (employed, pay below the
  low-wage threshold) who are employed above the threshold at the end (the
  measure of the Convergence blueprint: workers who started in a low-wage job
  and moved above the threshold five years later);
* a wage-quintile transition matrix: quintile at the start (employed people,
  quintiles of the start distribution) by quintile at the end (quintiles of
  the end distribution), with "not employed" as a sixth row and column.

People who retire before the end leave the sample. A run shorter than the
window ends it at the run's last month (``months`` in the result). Pay in
dollars per year.

*Windows* (``windows``: the mobility studies' 12, 48 and 60 months): for the
people in a low-wage job at the start who are still in the market, the share
above the line at the window's month, and the share ever above it by then
(employed at or above the line in any month so far), by group and by
education (``window_rows``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import threads
from .wages import growth_factor
from .workers import State, Workers

_EMPLOYED = int(State.EMPLOYED)
NOT_EMPLOYED = 5  # index of the sixth row/column of the transition matrix
WINDOWS = (12, 48, 60)  # months after the start at which mobility studies look
EDUCATION = ("no_degree", "some_college", "ba_plus")


def quintile(wage: np.ndarray, employed: np.ndarray) -> np.ndarray:
    """0..4 wage quintile among the employed, 5 for people not employed."""
    out = np.full(wage.shape, NOT_EMPLOYED, dtype=np.int64)
    if employed.any():
        cuts = np.quantile(wage[employed], [0.2, 0.4, 0.6, 0.8])
        out[employed] = np.searchsorted(cuts, wage[employed], side="right")
    return out


class MobilityTracker:
    def __init__(
        self, low_wage_threshold: float, years: int, months_run: int, growth_per_year: float = 0.0
    ) -> None:
        self.threshold = low_wage_threshold  # dollars a year at month 0 (2019 dollars)
        self.growth_per_year = growth_per_year  # the line moves with nominal pay, so it stays a real line
        # A shorter run ends the window at its last month (the result says how long it was).
        self.months = min(12 * years, months_run - 1)
        self.start: dict[str, np.ndarray] | None = None
        self.result: list[dict] | None = None
        self.windows = tuple(w for w in WINDOWS if w < months_run)
        self.window_rows: list[dict] = []
        self._ever: np.ndarray | None = None  # bool (n,): above the line in some month so far

    def observe(self, workers: Workers, month: int, group_names: list[str]) -> None:
        """Call every recorded month; acts at month 0 and at the end of the window."""
        if month == 0:
            employed = workers.state == State.EMPLOYED
            self.start = {
                "person": workers.person.copy(),
                "group": workers.group.astype(np.int64),
                "wage": workers.wage.astype(np.float64),
                "employed": employed,
                "quintile": quintile(workers.wage, employed),
                "education": workers.education.astype(np.int64),
            }
            self._ever = np.zeros(workers.n, bool)
        if self.start is not None and self.windows and 0 < month <= self.windows[-1]:
            self._follow(workers, month, group_names)
        if month == self.months and self.start is not None and month > 0:
            self.result = self._compare(workers, group_names)

    def _follow(self, workers: Workers, month: int, group_names: list[str]) -> None:
        """Mark who is above the line this month; at a window's month, record the shares."""
        s = self.start
        line = self.threshold * growth_factor(self.growth_per_year, month)
        # numpy compares float32 pay with a Python float in float32: so does the kernel.
        threads.split(_mark_above, workers.n, workers.person, s["person"], workers.state, workers.wage,
                      np.float32(line), self._ever)  # fmt: skip
        if month not in self.windows:
            return
        stayed = workers.person == s["person"]
        above = stayed & (workers.state == State.EMPLOYED) & (workers.wage >= line)
        low_start = s["employed"] & (s["wage"] < self.threshold) & stayed
        cuts = [("all", "all", np.ones(workers.n, bool))]
        cuts += [("group", name, s["group"] == g) for g, name in enumerate(group_names)]
        cuts += [("education", name, s["education"] == k) for k, name in enumerate(EDUCATION)]
        for by, name, mine in cuts:
            base = low_start & mine
            n = int(base.sum())
            self.window_rows.append({
                "months": month, "by": by, "who": name, "low_wage_at_start": n,
                "above_now": (above & base).sum() / n if n else float("nan"),
                "ever_above": (self._ever & base).sum() / n if n else float("nan"),
            })  # fmt: skip

    def _compare(self, workers: Workers, group_names: list[str]) -> list[dict]:
        s = self.start
        stayed = workers.person == s["person"]
        employed = workers.state == State.EMPLOYED
        end_q = quintile(workers.wage, employed)
        low_start = s["employed"] & (s["wage"] < self.threshold) & stayed
        line_at_end = self.threshold * growth_factor(self.growth_per_year, self.months)
        moved_up = low_start & employed & (workers.wage >= line_at_end)
        rows = []
        for g, name in [(None, "all"), *enumerate(group_names)]:
            mine = np.ones(workers.n, bool) if g is None else s["group"] == g
            base = int((low_start & mine).sum())
            cell = 6 * s["quintile"][mine & stayed] + end_q[mine & stayed]
            matrix = np.bincount(cell, minlength=36).reshape(6, 6)
            rows.append(
                {
                    "group": name,
                    "months": self.months,
                    "low_wage_at_start": base,
                    "moved_above_threshold": int((moved_up & mine).sum()),
                    "mobility_rate": (moved_up & mine).sum() / base if base else float("nan"),
                    "transitions": matrix.tolist(),
                }
            )
        return rows


@njit(cache=True, nogil=True)
def _mark_above(lo, hi, person, start_person, state, wage, line, ever):
    """Set ``ever`` (bool (n,)) for workers ``lo..hi-1`` who are the person followed from the start,
    employed, and paid at least ``line`` (float32 dollars a year, as ``wage``)."""
    for i in range(lo, hi):
        if person[i] == start_person[i] and state[i] == _EMPLOYED and wage[i] >= line:
            ever[i] = True
