"""Intermediaries (Mesa agents): career navigators.

A navigator holds a caseload of job seekers, taking on the longest-unemployed
first. A client gets better information: extra targeted applications each
month, and a higher chance of looking at training programs. Support ends when
the client finds work, enters training, or after a fixed number of months.
"""

from __future__ import annotations

import mesa
import numpy as np

from .scenario import Intermediary
from .workers import NO_ONE, State


class Navigator(mesa.Agent):
    def __init__(self, model: mesa.Model, index: int, spec: Intermediary, n_workers: int) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.caseload = max(1, round(spec.caseload_per_10k_workers * n_workers / 10_000))
        self.served = 0

    def step(self) -> None:
        w = self.model.workers
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
        if pool.size == 0:
            return
        # Longest spells first; the per-worker draw breaks ties reproducibly.
        u = self.model.draws("navigation")[pool]
        order = np.lexsort((u, -w.months_unemployed[pool]))
        take = pool[order[:free]]
        w.navigator[take] = self.index
        w.support_left[take] = self.spec.months_of_support
        self.served += take.size
