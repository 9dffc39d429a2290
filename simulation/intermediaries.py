"""Intermediaries (Mesa agents): career navigators and placement teams.

A **navigator** holds a caseload of eligible job seekers, longest-unemployed
first. A client gets better information: extra applications each month, and
a higher chance of looking at training programs. Support ends when the client
finds work, enters training, or after a fixed number of months.

A **placement team** (a workforce intermediary's business-solutions staff)
works for the graduates of named programs: for a few months after
graduation (120 days by default) it hands each unemployed graduate to
openings at partner employers (warm hand-offs: a score bonus at the
employer), partners pay hand-off hires at least the team's wage floor, and
after placement it coaches, lowering the separation hazard. It tracks its
placement KPI: the share of graduates placed within 120 days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .eligibility import one_of
from .employers import N_RUNGS
from .module import Module
from .order_statistics import smallest
from .randomness import worker_uniform
from .workers import NO_ONE, Channel, State

if TYPE_CHECKING:
    from .model import LabourMarket
    from .scenario import Intermediary


class Navigator(mesa.Agent):
    def __init__(self, model: mesa.Model, index: int, spec: Intermediary, n_workers: int) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.caseload = max(1, round(spec.caseload_per_10k_workers * n_workers / 10_000))
        self.served = 0

    def step(self) -> None:
        m = self.model
        w = m.workers
        mine = np.flatnonzero(w.navigator == self.index)
        w.support_left[mine] -= 1
        done = mine[(w.support_left[mine] <= 0) | (w.state[mine] != State.UNEMPLOYED)]
        w.navigator[done] = NO_ONE
        w.support_left[done] = 0

        free = self.caseload - (mine.size - done.size)
        if free <= 0:
            return
        pool = np.flatnonzero(
            (w.state == State.UNEMPLOYED) & (w.navigator == NO_ONE) & (w.months_unemployed >= 1)
        )
        pool = pool[m.eligible(self.spec.eligibility, pool)]
        if pool.size == 0:
            return
        # Longest spells first; the per-worker draw breaks ties reproducibly. Spells are whole months and
        # draws lie in [0, 1), so draw - spell (exact in float64) orders as (-spell, draw) does.
        key = m.draws("navigation")[pool].astype(np.float64) - w.months_unemployed[pool]
        take = pool[smallest(key, free)]
        w.navigator[take] = self.index
        w.support_left[take] = self.spec.months_of_support
        self.served += take.size
        m.ledger.add(self.spec.payer, "navigation", take.size * self.spec.cost_per_client)


class PlacementTeam(mesa.Agent):
    """Warm hand-offs of a program's graduates to partner employers, then coaching."""

    def __init__(self, model: mesa.Model, spec: Intermediary, programs: list, n_employers: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.programs = programs  # ProgramRun objects it serves
        self.floor = spec.wage_floor_hourly * model.scenario.economy.hours_per_year  # dollars per year
        self.partner_mask = np.zeros(n_employers, dtype=bool)
        for p in programs:
            self.partner_mask[p.partners] = True

    def step(self) -> None:
        """Take on this month's graduates as clients: each is booked once, in the month of graduation."""
        m = self.model
        w = m.workers
        new = int((one_of(w.graduated, self._served()) & (w.graduated_month == m.elapsed)).sum())
        m.ledger.add(self.spec.payer, "placement", new * self.spec.cost_per_client)

    def _served(self) -> list[int]:
        return [p.index for p in self.programs]

    def clients(self, model: mesa.Model) -> np.ndarray:
        """This month's clients: unemployed graduates of the team's programs within the hand-off window."""
        w = model.workers
        served = one_of(w.graduated, self._served())
        recent = (model.elapsed - w.graduated_month) < self.spec.handoff_months
        return np.flatnonzero(served & recent & (w.state == State.UNEMPLOYED))

    def applications(
        self, searchers: np.ndarray, clients: np.ndarray, month: int, key: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hand-offs for this month's ``clients`` (from :meth:`clients`) among ``searchers``.

        Returns (row, posting): positions in ``searchers`` and partner postings
        with openings, on the rung the client's program trains for, up to
        ``handoffs`` per client, chosen with weights = openings. ``month`` and
        ``key`` fix the per-client draws (:func:`~.randomness.worker_uniform`).
        """
        m = self.model
        t = m.employers
        rows = np.flatnonzero(one_of(searchers, clients))
        if rows.size == 0 or self.spec.handoffs == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        out_rows, out_posts = [], []
        u = worker_uniform(key, month, searchers[rows], self.spec.handoffs)
        graduated = m.workers.graduated[searchers[rows]]
        for program in self.programs:
            mine = graduated == program.index
            if not mine.any():
                continue
            rung = program.target_rung
            partners = np.flatnonzero(
                self.partner_mask & (t.sector == program.sector) & (t.openings[:, rung] > 0)
            )
            if partners.size == 0:
                continue
            cum = np.cumsum(t.openings[partners, rung])
            pick = np.searchsorted(cum, u[mine] * cum[-1], side="right")
            posts = partners[np.minimum(pick, partners.size - 1)] * N_RUNGS + rung
            out_rows.append(np.repeat(rows[mine], self.spec.handoffs))
            out_posts.append(posts.ravel())
        if not out_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_rows), np.concatenate(out_posts)

    def pay_floor(self, employer: np.ndarray, channel: np.ndarray) -> np.ndarray:
        """Least annual pay (dollars) of each application: the team's floor on hand-offs to partners."""
        return np.where((channel == Channel.HANDOFF) & self.partner_mask[employer], self.floor, 0.0)

    def coach(self, hired: np.ndarray, clients: np.ndarray) -> None:
        """Start coaching the team's ``clients`` just hired (through any channel)."""
        if self.spec.coaching_months == 0:
            return
        w = self.model.workers
        mine = hired[one_of(hired, clients)]
        w.coached_left[mine] = self.spec.coaching_months
        w.coach_factor[mine] = self.spec.coaching_separation_factor


class Intermediaries(Module):
    """Navigators take on and release clients; placement teams book their new graduates.

    (Placement teams' hand-offs and coaching act inside job search: :mod:`.hiring`.)
    """

    name = "intermediaries"
    reads = (
        "navigator", "support_left", "state", "months_unemployed", "graduated", "graduated_month",
        "group", "wage", "last_wage", "savings", "employer", "occupation", "credentials", "education",
    )  # fmt: skip
    writes = ("navigator", "support_left")
    streams = ("navigation",)

    def init(self, model: LabourMarket) -> None:
        sc = model.scenario
        by_key = {p.key: p for p in model.programs}
        model.navigators = []
        model.placement_teams = []
        for spec in sc.intermediaries.values():
            if spec.kind == "navigator":
                self.add_navigator(model, spec)
            else:
                served = [by_key[k] for k in spec.programs]
                model.placement_teams.append(PlacementTeam(model, spec, served, model.employers.n))

    def add_navigator(self, model: LabourMarket, spec) -> Navigator:
        """A navigator team working from now on (``spec``: an Intermediary block, or a policy's)."""
        navigator = Navigator(model, len(model.navigators), spec, model.scenario.run.workers)
        model.navigators.append(navigator)
        return navigator

    def step(self, model: LabourMarket) -> None:
        for agent in (*model.navigators, *model.placement_teams):
            agent.step()
