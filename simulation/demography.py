"""Ageing, retirement and entry: a stationary working-age population.

Each month everyone ages one month. A worker who reaches the exit age leaves;
a young person of the same group enters in the same row (see
:func:`population.draw_people`) and gets fresh ties, so the number of workers,
the group shares and the network's homophily stay constant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from .module import Module
from .network import GroupMembers, draw_ties
from .population import MONTHS_PER_YEAR, draw_people, group_arrays
from .scenario import Scenario
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket


def exit_months(exit_age_years: float) -> int:
    """The exit age in whole months."""
    return round(exit_age_years * MONTHS_PER_YEAR)


@njit(cache=True, inline="always")
def age_one_month(age: int, exit_age_months: int) -> tuple[int, bool]:
    """(age in months after this month, whether the worker retires now at the exit age)."""
    age += 1
    return age, age >= exit_age_months


@njit(cache=True)
def _age_all(age, exit_age_months):
    retire = np.empty(age.shape[0], dtype=np.bool_)
    for i in range(age.shape[0]):
        age[i], retire[i] = age_one_month(age[i], exit_age_months)
    return retire


def retirees(workers: Workers, exit_age_years: float) -> np.ndarray:
    """Everyone ages a month (:func:`age_one_month`); indices of those who reach the exit age."""
    return np.flatnonzero(_age_all(workers.age, exit_months(exit_age_years)))


def draw_entrants(
    group: np.ndarray,
    idx: np.ndarray,
    scenario: Scenario,
    rng: np.random.Generator,
    first_person: int,
    tie_slots: int,
    groups: dict[str, np.ndarray] | None = None,
    members: GroupMembers | None = None,
) -> Workers:
    """The young people entering in rows ``idx`` this month, as a table of ``len(idx)`` fresh rows.

    group: int (n,) everyone's group (an entrant keeps its row's group); tie_slots:
    columns of the ties array. Entrants are unemployed and searching, with ids
    ``first_person, first_person + 1, ...``, and fresh ties into the whole population.
    groups, members: the scenario's :func:`.population.group_arrays` and ``GroupMembers.of(group)``,
    if the caller keeps them (they are the same every month).
    """
    net = scenario.network
    entrants = Workers.empty(idx.size, len(scenario.sectors), net.ties, tie_slots - net.ties)
    entrants.group[:] = group[idx]
    entrants.person[:] = np.arange(first_person, first_person + idx.size)
    draw_people(entrants, np.arange(idx.size), scenario, rng, entrants=True, groups=groups)
    entrants.ties[:, : net.ties] = draw_ties(group, net.ties, net.homophily, rng, rows=idx, members=members)
    entrants.n_ties[:] = net.ties
    return entrants


def replace(
    workers: Workers,
    idx: np.ndarray,
    scenario: Scenario,
    rng: np.random.Generator,
    first_person: int,
    groups: dict[str, np.ndarray] | None = None,
    members: GroupMembers | None = None,
) -> None:
    """Replace retirees ``idx`` by new entrants (:func:`draw_entrants`), unemployed and searching."""
    if idx.size == 0:
        return
    employed = idx[workers.state[idx] == State.EMPLOYED]
    workers.leave_jobs(employed, State.UNEMPLOYED)
    entrants = draw_entrants(
        workers.group, idx, scenario, rng, first_person, workers.ties.shape[1], groups, members
    )
    for name, column in workers.arrays().items():
        column[idx] = getattr(entrants, name)


class Demography(Module):
    """Everyone ages a month; those reaching the exit age retire and a young person enters."""

    name = "demography"
    reads = ("age", "state", "group")
    writes = ("*",)  # an entrant's row is cleared and drawn afresh
    streams = ("entrants",)

    def init(self, model: LabourMarket) -> None:
        self.next_person = model.scenario.run.workers
        self.groups = group_arrays(model.scenario)
        self._members: GroupMembers | None = None
        self._members_of: np.ndarray | None = None

    def members(self, group: np.ndarray) -> GroupMembers:
        """``GroupMembers.of(group)``, filed again only if the groups differ from last time's (they do
        not in a run: an entrant takes its row's group; the check costs microseconds)."""
        if self._members is None or not np.array_equal(group, self._members_of):
            self._members, self._members_of = GroupMembers.of(group), group.copy()
        return self._members

    def step(self, model: LabourMarket) -> None:
        w = model.workers
        idx = retirees(w, model.scenario.labour_force.exit_age)
        if idx.size:
            replace(w, idx, model.scenario, model.streams["entrants"], self.next_person, self.groups,
                    self.members(w.group))  # fmt: skip
        self.next_person += idx.size
