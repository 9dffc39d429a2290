"""The program funnel: one record per enrolment, followed after the program ends.

Each record follows one person (not one row: rows are reused when people
retire) from enrolment through exit (completion or dropout), placement
(employed within 4 months, about 120 days, of completing) and one-year
retention (still employed 12 months after placement). Money in dollars,
times in elapsed months.
"""

from __future__ import annotations

import numpy as np

from .records import Records
from .workers import State, Workers

PLACEMENT_MONTHS = 4  # 120 days
RETENTION_MONTHS = 12
EMPLOYED_CHECK_MONTHS = 9  # "employed within 6-9 months" (Per Scholas reports)

_FIELDS = {
    "worker": np.int64,
    "person": np.int64,
    "group": np.int64,
    "program": np.int64,
    "enrolled_month": np.int64,
    "exit_month": np.int64,  # -1 while in the program
    "completed": np.bool_,
    "debt_at_entry": np.float64,  # dollars, before any tuition
    "debt_at_exit": np.float64,
    "placed_month": np.int64,  # -1 until placed
    "start_wage": np.float64,  # dollars per year in the first job after completion
    "retained": np.int8,  # -1 unknown yet, 0 no, 1 yes
    "employed_9m": np.int8,  # employed 9 months after completing: -1 unknown yet, 0 no, 1 yes
    "arm": np.int8,  # trial arm: -1 none, 0 control, 1 treatment
}


class Funnel:
    """Records of every enrolment in every program (and of trial controls, who never enrol)."""

    def __init__(self) -> None:
        self.records = Records(_FIELDS)

    @property
    def data(self) -> dict[str, np.ndarray]:
        """The records' columns (views: writing into them writes the records)."""
        return self.records.columns

    def __len__(self) -> int:
        return len(self.records)

    def add(self, workers: Workers, idx: np.ndarray, program: int, month: int, arm: int = -1) -> None:
        self.records.append(
            idx.shape[0], worker=idx, person=workers.person[idx], group=workers.group[idx], program=program,
            enrolled_month=month, exit_month=-1, completed=False, debt_at_entry=workers.debt[idx],
            debt_at_exit=0.0, placed_month=-1, start_wage=np.nan, retained=-1, employed_9m=-1, arm=arm,
        )  # fmt: skip

    def exit(self, workers: Workers, idx: np.ndarray, program: int, month: int, completed: bool) -> None:
        """Close the open records of workers ``idx`` in ``program``."""
        if idx.size == 0:
            return
        d = self.data
        open_ = (d["program"] == program) & (d["exit_month"] < 0) & (d["arm"] != 0)
        leaving = np.zeros(workers.n, bool)
        leaving[idx] = True
        rows = np.flatnonzero(open_ & leaving[d["worker"]])
        rows = rows[d["person"][rows] == workers.person[d["worker"][rows]]]
        d["exit_month"][rows] = month
        d["completed"][rows] = completed
        d["debt_at_exit"][rows] = workers.debt[d["worker"][rows]]

    def follow(self, workers: Workers, month: int) -> None:
        """Monthly: mark placements within 4 months of completion and retention a year after."""
        d = self.data
        if not len(self):
            return
        w = d["worker"]
        present = d["person"] == workers.person[w]
        employed = present & (workers.state[w] == State.EMPLOYED) & (workers.program[w] < 0)
        # Four monthly rounds of hiring from the month of completion: about 120 days.
        waiting = d["completed"] & (d["placed_month"] < 0) & (month - d["exit_month"] < PLACEMENT_MONTHS)
        placed = waiting & employed
        d["placed_month"][placed] = month
        d["start_wage"][placed] = workers.wage[w[placed]]
        due = (d["placed_month"] >= 0) & (d["retained"] < 0) & (month - d["placed_month"] >= RETENTION_MONTHS)
        d["retained"][due] = employed[due]
        check = d["completed"] & (d["employed_9m"] < 0) & (month - d["exit_month"] >= EMPLOYED_CHECK_MONTHS)
        d["employed_9m"][check] = employed[check]

    def table(self, program_names: list[str], group_names: list[str]) -> dict[str, list]:
        """Records as columns, with names for program and group."""
        out = {k: v.tolist() for k, v in self.data.items()}
        out["program"] = [program_names[i] for i in self.data["program"]]
        out["group"] = [group_names[i] for i in self.data["group"]]
        return out


def summarise(
    funnel: Funnel, programs: int | list[int], group: int | None, last_month: int, since: int = 0
) -> dict[str, float]:
    """Funnel rates for one or several programs (and one group, or everyone).

    Counts enrolments from elapsed month ``since`` on. Rates use only records
    old enough to be observed: placement needs 4 months after completion,
    retention 12 months after placement, within the run.
    """
    d = funnel.data
    mine = np.isin(d["program"], np.atleast_1d(programs)) & (d["enrolled_month"] >= since)
    mine &= d["arm"] != 0  # trial controls never enrolled
    if group is not None:
        mine &= d["group"] == group
    enrolled = int(mine.sum())
    exited = mine & (d["exit_month"] >= 0)
    completed = exited & d["completed"]
    seen_placement = completed & (last_month - d["exit_month"] >= PLACEMENT_MONTHS)
    placed = seen_placement & (d["placed_month"] >= 0)
    seen_retention = placed & (d["retained"] >= 0)
    wages = d["start_wage"][placed]
    added = (d["debt_at_exit"] - d["debt_at_entry"])[exited]
    return {
        "enrolled": float(enrolled),
        "completion_rate": share(completed.sum(), exited.sum()),
        "placement_rate_120d": share(placed.sum(), seen_placement.sum()),
        "retention_rate_1y": share((d["retained"][seen_retention] == 1).sum(), seen_retention.sum()),
        "starting_wage": float(np.mean(wages)) if wages.size else float("nan"),
        "debt_at_exit": float(np.mean(d["debt_at_exit"][exited])) if exited.any() else float("nan"),
        "debt_added": float(np.mean(added)) if added.size else float("nan"),
        "placements": float(placed.sum()),
        "employment_of_graduates": share(
            (d["employed_9m"][completed] == 1).sum(), (d["employed_9m"][completed] >= 0).sum()
        ),
    }


def share(num: int, den: int) -> float:
    """num / den, NaN when den is 0 (a rate of nothing)."""
    return float(num) / float(den) if den else float("nan")
