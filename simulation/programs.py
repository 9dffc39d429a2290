"""Trainers and their programs (Mesa agents).

A trainer runs one or more programs. A program admits a cohort every few
months up to its seats, charges its price (paid from savings, the rest
borrowed), trains for a fixed number of months with a monthly dropout hazard
that rises when a trainee has run out of savings, and on completion adds
skill in its sector, soft skills and a credential. Graduates return to the
job search.

The funnel (applied, enrolled, dropped, completed) is counted per program and
group so that outcomes can be reported by who the program served.
"""

from __future__ import annotations

import mesa
import numpy as np

from .scenario import Program
from .workers import NO_ONE, State, Workers


class ProgramRun:
    """One program's rules and running counts. ``index`` is its global program id."""

    def __init__(
        self,
        index: int,
        spec: Program,
        sector: int,
        target_rung: int,
        credential_bit: int,
        n_workers: int,
        n_groups: int,
    ) -> None:
        self.index = index
        self.spec = spec
        self.sector = sector
        self.target_rung = target_rung  # the rung whose jobs the program prepares for
        self.credential_bit = credential_bit
        self.seats = max(1, round(spec.seats_per_10k_workers * n_workers / 10_000))
        zeros = lambda: np.zeros(n_groups, dtype=np.int64)  # noqa: E731
        self.applied, self.enrolled, self.dropped, self.completed = zeros(), zeros(), zeros(), zeros()

    def starts_cohort(self, month: int) -> bool:
        return month % self.spec.start_every_months == 0

    def admit(self, workers: Workers, applicants: np.ndarray) -> np.ndarray:
        """Admit applicants in the order given, up to the seats; returns the admitted."""
        np.add.at(self.applied, workers.group[applicants], 1)
        admitted = applicants[: self.seats]
        employed = admitted[workers.state[admitted] == State.EMPLOYED]
        workers.leave_jobs(employed, State.TRAINING)
        workers.state[admitted] = State.TRAINING
        workers.program[admitted] = self.index
        workers.program_month[admitted] = 0
        price = np.float32(self.spec.price)
        from_savings = np.minimum(workers.savings[admitted], price)
        workers.savings[admitted] -= from_savings
        workers.debt[admitted] += price - from_savings
        np.add.at(self.enrolled, workers.group[admitted], 1)
        return admitted

    def progress(self, workers: Workers, u: np.ndarray, monthly_expenses: float) -> None:
        """One month of training: dropouts, then completions.

        u: (n,) uniform draws, one per worker.
        """
        trainees = np.flatnonzero(workers.program == self.index)
        if trainees.size == 0:
            return
        stressed = workers.savings[trainees] < monthly_expenses
        hazard = self.spec.dropout_monthly + self.spec.dropout_stress * stressed
        drop = trainees[u[trainees] < hazard]
        self._leave(workers, drop)
        np.add.at(self.dropped, workers.group[drop], 1)

        stay = trainees[u[trainees] >= hazard]
        workers.program_month[stay] += 1
        done = stay[workers.program_month[stay] >= self.spec.duration_months]
        workers.skill[done, self.sector] += self.spec.skill_gain
        workers.soft_skill[done] += self.spec.soft_skill_gain
        workers.credentials[done] |= np.uint16(self.credential_bit)
        self._leave(workers, done)
        np.add.at(self.completed, workers.group[done], 1)

    @staticmethod
    def _leave(workers: Workers, idx: np.ndarray) -> None:
        workers.state[idx] = State.UNEMPLOYED
        workers.program[idx] = NO_ONE
        workers.program_month[idx] = 0
        workers.months_unemployed[idx] = 0


class Trainer(mesa.Agent):
    """A training provider. Each month it moves its trainees through their programs."""

    def __init__(self, model: mesa.Model, name: str, programs: list[ProgramRun]) -> None:
        super().__init__(model)
        self.name = name
        self.programs = programs

    def step(self) -> None:
        u = self.model.draws("training")
        for program in self.programs:
            program.progress(self.model.workers, u, self.model.scenario.finances.monthly_expenses)
