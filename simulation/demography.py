"""Ageing, retirement and entry: a stationary working-age population.

Each month everyone ages one month. A worker who reaches the exit age leaves;
a young person of the same group enters in the same row (see
:func:`population.draw_people`) and gets fresh ties, so the number of workers,
the group shares and the network's homophily stay constant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .module import Module
from .network import draw_ties
from .population import MONTHS_PER_YEAR, draw_people
from .scenario import Scenario
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket


def retirees(workers: Workers, exit_age_years: float) -> np.ndarray:
    """Indices of workers who have reached the exit age (after this month's ageing)."""
    workers.age += 1
    return np.flatnonzero(workers.age >= round(exit_age_years * MONTHS_PER_YEAR))


def replace(
    workers: Workers, idx: np.ndarray, scenario: Scenario, rng: np.random.Generator, first_person: int
) -> None:
    """Replace retirees ``idx`` by new entrants, unemployed and searching.

    New people get ids ``first_person, first_person + 1, ...``.
    """
    if idx.size == 0:
        return
    employed = idx[workers.state[idx] == State.EMPLOYED]
    workers.leave_jobs(employed, State.UNEMPLOYED)
    workers.reset(idx, first_person)
    draw_people(workers, idx, scenario, rng, entrants=True)
    net = scenario.network
    workers.ties[idx, : net.ties] = draw_ties(workers.group, net.ties, net.homophily, rng, rows=idx)
    workers.n_ties[idx] = net.ties


class Demography(Module):
    """Everyone ages a month; those reaching the exit age retire and a young person enters."""

    name = "demography"
    reads = ("age", "state", "group")
    writes = ("*",)  # an entrant's row is cleared and drawn afresh
    streams = ("entrants",)

    def init(self, model: LabourMarket) -> None:
        self.next_person = model.scenario.run.workers

    def step(self, model: LabourMarket) -> None:
        idx = retirees(model.workers, model.scenario.labour_force.exit_age)
        replace(model.workers, idx, model.scenario, model.streams["entrants"], self.next_person)
        self.next_person += idx.size
