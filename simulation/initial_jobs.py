"""Who holds which job on the first day of the burn-in.

A simple, group-blind start: each worker in the labour force lines up for
the sector it is most drawn to; within a sector the most experienced and
educated take the senior jobs, then mid, then entry; employers are random.
Workers left over start unemployed, jobs left over start open. Incumbents
hold the credentials that their rung and the rungs below it ask for. No screen,
referral or bias acts here: those act from the first month of the burn-in,
which is long enough for them to shape who holds which job by the time
recording starts.
"""

from __future__ import annotations

import numpy as np

from .employers import N_RUNGS, EmployerTable
from .hours import hours_of
from .randomness import Streams
from .scenario import Scenario
from .search import sector_pull
from .workers import Channel, State, Workers


def assign_initial_jobs(
    workers: Workers, table: EmployerTable, scenario: Scenario, rng: np.random.Generator, streams: Streams
) -> None:
    """Who holds which job on the first day, at what pay and hours (``streams``: for the hours, hours.py)."""
    part_time_only = np.array([s.part_time_only_share for s in scenario.sectors.values()])
    n = workers.n
    lf = scenario.labour_force
    out = rng.random(n) < lf.initial_out_share
    workers.state[:] = np.where(out, State.OUT, State.UNEMPLOYED)

    years = workers.experience / 12.0
    favourite = np.argmax(
        sector_pull(workers.taste, workers.experience, scenario.sorting.experience_pull), axis=1
    )
    # Seniority: experience first, then education, with some noise (a group-blind start).
    seniority = (
        np.log1p(years[np.arange(n), favourite]) + 0.5 * workers.education + 0.3 * rng.standard_normal(n)
    )

    bit = {c: 1 << k for k, c in enumerate(scenario.credentials)}
    ladder_bits = np.array(
        [[bit.get(r.credential, 0) for r in sec.ladder] for sec in scenario.sectors.values()]
    )
    for s in range(workers.taste.shape[1]):
        queue = np.flatnonzero((favourite == s) & ~out)
        queue = queue[np.argsort(-seniority[queue], kind="stable")]
        employers = np.flatnonzero(table.sector == s)
        taken = 0
        for rung in range(N_RUNGS - 1, -1, -1):
            slots = np.repeat(employers, table.target[employers, rung])
            slots = rng.permutation(slots)
            hired = queue[taken : taken + slots.size]
            taken += hired.size
            e = slots[: hired.size]
            # The first jobholders' pay spreads around the employer's rate as new hires' does (the
            # match part of an offer); the burn-in then sorts pay by experience and skill.
            match = np.sqrt(1.0 - scenario.pay.firm_share) * table.log_sd[e, rung]
            floor = scenario.economy.minimum_wage_hourly * scenario.economy.hours_per_year
            wage = np.maximum(table.wage[e, rung] * np.exp(match * rng.standard_normal(hired.size)), floor)
            posting = e.astype(np.int64) * N_RUNGS + rung
            hours = hours_of(streams, workers.person[hired], posting, np.full(hired.size, s), part_time_only,
                             scenario.labour_force.prefers_part_time)  # fmt: skip
            workers.start_jobs(
                hired,
                e,
                np.full(hired.size, s * N_RUNGS + rung),
                wage,
                np.full(hired.size, Channel.INITIAL),
                hours,
            )
            max_tenure = np.minimum(workers.experience[hired, s], 120)
            workers.tenure[hired] = (rng.random(hired.size) * max_tenure).astype(np.int16)
            # Incumbents hold the credentials of their rung and the rungs below.
            workers.credentials[hired] |= np.uint16(ladder_bits[s, : rung + 1].sum())
