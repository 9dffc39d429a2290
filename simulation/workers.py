"""Workers as columns: every attribute of every worker in one numpy array.

A worker is a row index ``i`` into the arrays of :class:`Workers`. Rules run
over whole columns at once, so a month costs a handful of passes over memory
whatever the number of workers. :meth:`Workers.describe` returns one worker as a
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
    HANDOFF = 6  # warm hand-off by a placement team
    APPRENTICESHIP = 7  # hired on day one by a host employer
    INTERNSHIP = 8  # offered the job by the host of one's internship


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
    wage: np.ndarray  # float32, pay rate while employed, dollars a year at full-time hours, else 0
    hours: np.ndarray  # int8, weekly hours of the current job (hours.py), 0 if none
    tenure: np.ndarray  # int16, months with the current employer
    months_unemployed: np.ndarray  # int16, current spell (months)
    last_wage: np.ndarray  # float32, dollars per year in the last job
    ui_months_left: np.ndarray  # int8, months of unemployment insurance left
    channel: np.ndarray  # int8, Channel of the current job
    program: np.ndarray  # int16, program index while training (or -1)
    program_month: np.ndarray  # int16, months completed in the program
    navigator: np.ndarray  # int16, intermediary index of a current client (or -1)
    support_left: np.ndarray  # int16, months of navigator support left
    ties: np.ndarray  # int32 (n, ties + extra slots), other workers' indices, -1 = empty
    n_ties: np.ndarray  # int16, filled tie slots (the first n_ties columns of ties)
    person: np.ndarray  # int64, unique id of the person in this row (rows are reused at entry)
    coached_left: np.ndarray  # int16, months of post-placement coaching left
    coach_factor: np.ndarray  # float32, separation hazard multiplier while coached
    graduated: np.ndarray  # int16, last program completed (or -1)
    graduated_month: np.ndarray  # int32, elapsed month of that completion
    isa_share: np.ndarray  # float32, share of pay owed under an income-share agreement
    isa_floor: np.ndarray  # float32, dollars per year below which nothing is owed
    isa_left: np.ndarray  # int16, ISA payments still owed
    isa_cap_left: np.ndarray  # float32, dollars the ISA may still collect
    trial_arm: np.ndarray  # int8, -1 not in the trial, 0 control, 1 treatment
    base_ties: int = 0  # columns of ties that hold the base network

    @property
    def n(self) -> int:
        return self.group.shape[0]

    @classmethod
    def empty(cls, n: int, n_sectors: int, n_ties: int, extra_tie_slots: int = 0) -> Workers:
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
            hours=z(n, np.int8),
            tenure=z(n, np.int16),
            months_unemployed=z(n, np.int16),
            last_wage=z(n, np.float32),
            ui_months_left=z(n, np.int8),
            channel=z(n, np.int8),
            program=np.full(n, NO_ONE, np.int16),
            program_month=z(n, np.int16),
            navigator=np.full(n, NO_ONE, np.int16),
            support_left=z(n, np.int16),
            ties=np.full((n, n_ties + extra_tie_slots), NO_ONE, np.int32),
            n_ties=z(n, np.int16),
            person=np.arange(n, dtype=np.int64),
            coached_left=z(n, np.int16),
            coach_factor=np.ones(n, np.float32),
            graduated=np.full(n, NO_ONE, np.int16),
            graduated_month=z(n, np.int32),
            isa_share=z(n, np.float32),
            isa_floor=z(n, np.float32),
            isa_left=z(n, np.int16),
            isa_cap_left=z(n, np.float32),
            trial_arm=np.full(n, NO_ONE, np.int8),
            base_ties=n_ties,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Every per-worker array by name, in the order the class declares them."""
        return {name: getattr(self, name) for name in ARRAY_FIELDS}

    def earnings(self, rows: np.ndarray | None = None) -> np.ndarray:
        """What each worker earns, dollars a year (float32): the pay rate times hours over full-time (0 if
        none); of the workers ``rows`` (indices or a bool mask) only if given, else everyone's (n,)."""
        if rows is None:
            return self.wage * (self.hours / np.float32(40.0))
        return self.wage[rows] * (self.hours[rows] / np.float32(40.0))

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays().values())

    def describe(self, i: int) -> dict:
        """One worker's attributes as plain Python values."""
        out = {}
        for name, arr in self.arrays().items():
            v = arr[i]
            out[name] = v.tolist() if isinstance(v, np.ndarray) else v.item()
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
        self.hours[idx] = 0
        self.tenure[idx] = 0
        self.channel[idx] = Channel.NONE
        self.months_unemployed[idx] = 0

    def add_ties(self, idx: np.ndarray, contacts: np.ndarray) -> None:
        """Give workers ``idx`` a new tie each to ``contacts`` (same shape).

        New ties fill the extra slots; when those are full the oldest added
        tie is replaced (the base network is never overwritten).
        """
        width = self.ties.shape[1]
        base = self.base_ties
        if width == base or idx.size == 0:
            return
        for i, c in zip(idx.tolist(), contacts.tolist(), strict=True):
            if i == c or c < 0:
                continue
            k = int(self.n_ties[i])
            if k < width:
                self.ties[i, k] = c
                self.n_ties[i] = k + 1
            else:
                self.ties[i, base:-1] = self.ties[i, base + 1 :]
                self.ties[i, -1] = c

    def start_jobs(
        self,
        idx: np.ndarray,
        employer: np.ndarray,
        occupation: np.ndarray,
        wage: np.ndarray,
        channel: np.ndarray,
        hours: np.ndarray | int = 40,
    ) -> None:
        """Workers ``idx`` take jobs (``hours``: weekly, full-time by default). Internal moves keep tenure."""
        same_employer = self.employer[idx] == employer
        self.tenure[idx] = np.where(same_employer, self.tenure[idx], 0)
        self.state[idx] = State.EMPLOYED
        self.employer[idx] = employer
        self.occupation[idx] = occupation
        self.wage[idx] = wage
        self.hours[idx] = hours
        self.channel[idx] = channel
        self.months_unemployed[idx] = 0
        self.ui_months_left[idx] = 0

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
        assert (self.hours[~emp] == 0).all() and (self.hours[emp] > 0).all(), "hours without a job, or none"
        training = s == State.TRAINING
        assert (self.program[training] >= 0).all(), "in training without a program"
        in_program = self.program >= 0
        assert np.isin(s[in_program], [State.TRAINING, State.EMPLOYED, State.UNEMPLOYED]).all()
        assert (self.n_ties <= self.ties.shape[1]).all()
        assert (self.savings >= 0).all() and (self.debt >= 0).all()


# The per-worker arrays' names (every field but the count of base tie columns), found once: the
# demography module copies every array for each month's entrants.
ARRAY_FIELDS = tuple(f.name for f in fields(Workers) if f.type == "np.ndarray")
