"""Workers as columns: every attribute of every worker in one numpy array.

A worker is a row index ``i`` into the arrays of :class:`Workers`. Rules run
over whole columns at once, so a month costs a handful of passes over memory
whatever the number of workers. :meth:`Workers.person` returns one worker as a
dict for inspection.

Array shapes: ``(n,)`` unless noted; ``(n, n_sectors)`` for skills,
experience and tastes; ``(n, ties)`` for the network.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np


class State(IntEnum):
    """Labour-market state. Every worker is in exactly one."""

    EMPLOYED = 0
    UNEMPLOYED = 1
    TRAINING = 2
    OUT = 3  # out of the labour force


class Channel(IntEnum):
    """How a worker's current job was found."""

    NONE = 0
    PUBLIC = 1
    REFERRAL = 2
    INTERNAL = 3
    NAVIGATOR = 4
    INITIAL = 5  # held at the start of the simulation


NO_ONE = -1


@dataclass
class Workers:
    group: np.ndarray  # int8, index into Scenario.groups
    age: np.ndarray  # int16, months
    education: np.ndarray  # int8: 0 no degree, 1 some college, 2 BA+
    skill: np.ndarray  # float32 (n, n_sectors), sd units
    soft_skill: np.ndarray  # float32, sd units
    experience: np.ndarray  # int16 (n, n_sectors), months worked in each sector
    taste: np.ndarray  # float32 (n, n_sectors), interest in each sector
    credentials: np.ndarray  # uint16 bit set, bit k = Scenario.credentials[k]
    savings: np.ndarray  # float32, dollars
    debt: np.ndarray  # float32, dollars
    state: np.ndarray  # int8, State
    employer: np.ndarray  # int32, employer index or -1
    occupation: np.ndarray  # int16, sector * 3 + rung, or -1
    wage: np.ndarray  # float32, dollars per year while employed, else 0
    tenure: np.ndarray  # int16, months with the current employer
    months_unemployed: np.ndarray  # int16, current spell (months)
    last_wage: np.ndarray  # float32, dollars per year in the last job
    ui_months_left: np.ndarray  # int8, months of unemployment insurance left
    channel: np.ndarray  # int8, Channel of the current job
    program: np.ndarray  # int16, program index while training (or -1)
    program_month: np.ndarray  # int16, months completed in the program
    navigator: np.ndarray  # int16, intermediary index of a current client (or -1)
    support_left: np.ndarray  # int16, months of navigator support left
    ties: np.ndarray  # int32 (n, ties), other workers' indices

    @property
    def n(self) -> int:
        return self.group.shape[0]

    @classmethod
    def empty(cls, n: int, n_sectors: int, n_ties: int) -> Workers:
        z = np.zeros
        return cls(
            group=z(n, np.int8),
            age=z(n, np.int16),
            education=z(n, np.int8),
            skill=z((n, n_sectors), np.float32),
            soft_skill=z(n, np.float32),
            experience=z((n, n_sectors), np.int16),
            taste=z((n, n_sectors), np.float32),
            credentials=z(n, np.uint16),
            savings=z(n, np.float32),
            debt=z(n, np.float32),
            state=np.full(n, State.UNEMPLOYED, np.int8),
            employer=np.full(n, NO_ONE, np.int32),
            occupation=np.full(n, NO_ONE, np.int16),
            wage=z(n, np.float32),
            tenure=z(n, np.int16),
            months_unemployed=z(n, np.int16),
            last_wage=z(n, np.float32),
            ui_months_left=z(n, np.int8),
            channel=z(n, np.int8),
            program=np.full(n, NO_ONE, np.int16),
            program_month=z(n, np.int16),
            navigator=np.full(n, NO_ONE, np.int16),
            support_left=z(n, np.int16),
            ties=np.full((n, n_ties), NO_ONE, np.int32),
        )

    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self))

    def person(self, i: int) -> dict:
        """One worker's attributes as plain Python values."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)[i]
            out[f.name] = v.tolist() if isinstance(v, np.ndarray) else v.item()
        out["state"] = State(out["state"]).name.lower()
        out["channel"] = Channel(out["channel"]).name.lower()
        return out

    # ----------------------------------------------------------------- transitions
    # Every change of state goes through these so that the fields that belong
    # to a state (employer, wage, program, ...) are always set or cleared together.

    def leave_jobs(self, idx: np.ndarray, to: State) -> None:
        """Employed workers ``idx`` lose or leave their job and move to ``to``."""
        self.last_wage[idx] = self.wage[idx]
        self.state[idx] = to
        self.employer[idx] = NO_ONE
        self.occupation[idx] = NO_ONE
        self.wage[idx] = 0.0
        self.tenure[idx] = 0
        self.channel[idx] = Channel.NONE
        self.months_unemployed[idx] = 0

    def start_jobs(
        self,
        idx: np.ndarray,
        employer: np.ndarray,
        occupation: np.ndarray,
        wage: np.ndarray,
        channel: np.ndarray,
    ) -> None:
        """Workers ``idx`` take jobs. Internal moves keep their tenure."""
        same_employer = self.employer[idx] == employer
        self.tenure[idx] = np.where(same_employer, self.tenure[idx], 0)
        self.state[idx] = State.EMPLOYED
        self.employer[idx] = employer
        self.occupation[idx] = occupation
        self.wage[idx] = wage
        self.channel[idx] = channel
        self.months_unemployed[idx] = 0
        self.ui_months_left[idx] = 0

    def set_state(self, idx: np.ndarray, to: State) -> None:
        """Move non-employed workers ``idx`` between unemployed, training and out."""
        self.state[idx] = to

    def check(self, n_employers: int, n_occupations: int) -> None:
        """Raise AssertionError if any invariant is broken (used by tests)."""
        s = self.state
        assert np.isin(s, [int(x) for x in State]).all(), "unknown state"
        emp = s == State.EMPLOYED
        assert (self.employer[emp] >= 0).all() and (self.employer[emp] < n_employers).all()
        assert (self.occupation[emp] >= 0).all() and (self.occupation[emp] < n_occupations).all()
        assert (self.employer[~emp] == NO_ONE).all(), "non-employed worker holds an employer"
        assert (self.occupation[~emp] == NO_ONE).all()
        assert (self.wage[~emp] == 0).all() and (self.wage[emp] > 0).all()
        training = s == State.TRAINING
        assert (self.program[training] >= 0).all() and (self.program[~training] == NO_ONE).all()
        assert (self.savings >= 0).all() and (self.debt >= 0).all()
