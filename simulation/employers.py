"""Employers: Mesa agents with a three-rung job ladder in one sector.

Each employer keeps its numbers in one row of an :class:`EmployerTable`
(arrays of shape (n_employers,) or (n_employers, 3)), so the monthly worker
rules can read every employer's wages, screens and openings by fancy
indexing, while each employer still decides for itself in :meth:`Employer.step`.

A posting is one employer's opening on one rung; posting ``p`` is employer
``p // 3``, rung ``p % 3``, with capacity ``openings[p // 3, p % 3]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
from numba import njit

from .module import Module
from .occupations import Z90
from .schema import N_RUNGS
from .wages import growth_factor
from .workers import State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket
    from .scenario import Scenario

_EMPLOYED = int(State.EMPLOYED)


@dataclass
class EmployerTable:
    sector: np.ndarray  # int16 (E,)
    pay_z: np.ndarray  # float64 (E,), the employer's pay position (standard normal; its premium)
    rate: np.ndarray  # float64 (E, 3), its pay for a typical incumbent, 2019 dollars a year (month 0)
    log_sd: np.ndarray  # float64 (E, 3), spread of log pay of the rung's occupation
    bias: np.ndarray  # float64 (E,), multiplier on the scenario's hiring penalties
    base_jobs: np.ndarray  # float64 (E, 3), jobs wanted per rung at normal demand
    demand: np.ndarray  # float64 (E,), log demand deviation, AR(1)
    target: np.ndarray  # int64 (E, 3), jobs wanted this month
    headcount: np.ndarray  # int64 (E, 3), filled this month before hiring
    openings: np.ndarray  # int64 (E, 3)
    wage: np.ndarray  # float64 (E, 3), this month's pay for a typical incumbent (rate grown), dollars a year
    degree_required: np.ndarray  # bool (E, 3)
    experience_required: np.ndarray  # int64 (E, 3), months in the sector
    credential_required: np.ndarray  # uint16 (E, 3), bit mask (0: none)
    months_open: np.ndarray  # int64 (E, 3), consecutive months the rung's hiring left openings unfilled
    unfilled: np.ndarray  # int64 (E, 3), openings last month's hiring did not fill

    def waived(self, waive_after: int) -> np.ndarray:
        """Bool (E, 3): degree and experience screens set aside after a long vacancy.

        Employers relax preferences when they cannot fill a job (requirements
        fall as labour markets tighten: Modestino, Shoag and Ballance 2020,
        REStat). Credentials are not waived: many are licences required by law.
        """
        return _waived_all(self.months_open, waive_after)

    @property
    def n(self) -> int:
        return self.sector.shape[0]


def build_employer_table(
    scenario: Scenario, n_workers: int, n_employers: int, rng: np.random.Generator
) -> EmployerTable:
    """Draw employers: how many per sector, their sizes, premia, screens and bias."""
    sectors = list(scenario.sectors.values())
    shares = np.array([s.job_share for s in sectors])
    # Every sector gets at least one employer; the rest follow job shares.
    per_sector = np.maximum(1, np.floor(shares * n_employers).astype(int))
    while per_sector.sum() < n_employers:
        per_sector[np.argmax(shares * n_employers - per_sector)] += 1
    sector = np.repeat(np.arange(len(sectors)), per_sector).astype(np.int16)
    e = sector.shape[0]

    # Firm sizes are heavy-tailed; jobs in each sector are split by size.
    size = rng.lognormal(0.0, 1.0, e)
    total_jobs = scenario.economy.jobs_per_worker * n_workers * shares
    sector_size = np.bincount(sector, weights=size, minlength=len(sectors))
    jobs = total_jobs[sector] * size / sector_size[sector]
    rung_share = np.array([[r.job_share for r in s.ladder] for s in sectors])
    base_jobs = jobs[:, None] * rung_share[sector]

    pay_z = rng.standard_normal(e)
    bsd = scenario.hiring.employer_bias_sd
    bias = np.exp(bsd * rng.standard_normal(e) - bsd**2 / 2)

    # Each rung's pay: its occupation's median, the employer's premium a share of its spread.
    median = np.array([[r.wage for r in s.ladder] for s in sectors])
    log_sd = np.array(
        [[occupation_log_sd(r, scenario.pay.default_log_sd) for r in s.ladder] for s in sectors]
    )
    rate = median[sector] * np.exp(log_sd[sector] * np.sqrt(scenario.pay.firm_share) * pay_z[:, None])
    floor = scenario.economy.minimum_wage_hourly * scenario.economy.hours_per_year
    first = growth_factor(scenario.economy.wage_growth_per_year, -scenario.run.burn_in_months)
    wage = np.maximum(rate * first, floor)

    cred_bit = {c: 1 << k for k, c in enumerate(scenario.credentials)}
    p_degree = np.array([[r.degree_screen for r in s.ladder] for s in sectors])[sector]
    p_exp = np.array([[r.experience_screen for r in s.ladder] for s in sectors])[sector]
    months = np.array([[r.experience_months for r in s.ladder] for s in sectors])[sector]
    p_cred = np.array([[r.credential_screen for r in s.ladder] for s in sectors])[sector]
    bits = np.array([[cred_bit.get(r.credential, 0) for r in s.ladder] for s in sectors])[sector]
    shape = (e, N_RUNGS)

    target = np.rint(base_jobs).astype(np.int64)
    return EmployerTable(
        sector=sector,
        pay_z=pay_z,
        rate=rate,
        log_sd=log_sd[sector],
        bias=bias,
        base_jobs=base_jobs,
        demand=np.zeros(e),
        target=target,
        headcount=np.zeros(shape, np.int64),
        openings=np.zeros(shape, np.int64),
        wage=wage,
        degree_required=rng.random(shape) < p_degree,
        experience_required=np.where(rng.random(shape) < p_exp, months, 0).astype(np.int64),
        credential_required=np.where(rng.random(shape) < p_cred, bits, 0).astype(np.uint16),
        months_open=np.zeros(shape, np.int64),
        unfilled=np.zeros(shape, np.int64),
    )


@njit(cache=True, inline="always")
def next_demand(demand: float, shock: float, persistence: float) -> float:
    """An employer's log demand deviation next month: ``persistence * demand + shock`` (AR(1))."""
    return persistence * demand + shock


@njit(cache=True, inline="always")
def rung_month(
    base_jobs: float, sector_scale: float, demand: float, headcount: int, unfilled: int, months_open: int
) -> tuple[int, int, int]:
    """One employer-rung this month: (jobs wanted, openings, months open).

    Jobs wanted are the base jobs times the sector's growth scale times
    ``exp(demand)``, rounded half to even; openings are the gap between wanted and
    filled (``headcount``) jobs; ``months_open`` counts the consecutive months in
    which the rung's hiring left openings unfilled (``unfilled``: last month's
    openings that hiring did not fill) and it still has openings.
    """
    wanted = np.int64(np.rint(base_jobs * (sector_scale * np.exp(demand))))
    openings = max(wanted - headcount, 0)
    months_open = months_open + 1 if unfilled > 0 and openings > 0 else 0
    return wanted, openings, months_open


@njit(cache=True, inline="always")
def screens_waived(months_open: int, waive_after: int) -> bool:
    """Degree and experience screens are set aside after ``waive_after`` months of unfilled openings."""
    return months_open >= waive_after


@njit(cache=True, inline="always")
def unfilled_openings(openings: int, hires: int) -> int:
    """Openings a month's hiring left unfilled (``hires`` never exceed ``openings``)."""
    return max(openings - hires, 0)


@njit(cache=True)
def _openings_kernel(rows, sector, base_jobs, demand, target, headcount, openings, months_open, unfilled,
                     sector_scale, shock, persistence):  # fmt: skip
    for e in rows:
        demand[e] = next_demand(demand[e], shock[e], persistence)
        for r in range(N_RUNGS):
            target[e, r], openings[e, r], months_open[e, r] = rung_month(
                base_jobs[e, r], sector_scale[sector[e]], demand[e], headcount[e, r], unfilled[e, r],
                months_open[e, r],
            )  # fmt: skip


@njit(cache=True)
def _waived_all(months_open, waive_after):
    out = np.empty(months_open.shape, dtype=np.bool_)
    for e in range(months_open.shape[0]):
        for r in range(months_open.shape[1]):
            out[e, r] = screens_waived(months_open[e, r], waive_after)
    return out


@njit(cache=True)
def _unfilled_all(openings, hires):
    out = np.empty_like(openings)
    for e in range(openings.shape[0]):
        for r in range(openings.shape[1]):
            out[e, r] = unfilled_openings(openings[e, r], hires[e, r])
    return out


def update_openings(
    table: EmployerTable,
    rows: np.ndarray | slice,
    sector_scale: np.ndarray,
    shock: np.ndarray,
    persistence: float,
) -> None:
    """The employer rule for one month, for employers ``rows`` of ``table``.

    Demand follows an AR(1) in logs (:func:`next_demand`); each rung's jobs
    wanted, openings and months open follow :func:`rung_month`.

    sector_scale: (n_sectors,) employment relative to the start, by sector.
    shock: (E,) this month's demand shocks for all employers (log units).
    """
    t = table
    sector_scale = np.asarray(sector_scale, np.float64)
    # The kernel indexes sector_scale by sector without bounds checks: a short array would read garbage.
    if t.n and (sector_scale.ndim != 1 or sector_scale.shape[0] <= t.sector.max()):
        reach = int(t.sector.max())
        raise ValueError(f"sector_scale has shape {sector_scale.shape}; employers reach sector {reach}")
    _openings_kernel(
        np.arange(t.n)[rows], t.sector, t.base_jobs, t.demand, t.target, t.headcount, t.openings,
        t.months_open, t.unfilled, sector_scale, shock, float(persistence),
    )  # fmt: skip


def record_hires(table: EmployerTable, hires: np.ndarray) -> None:
    """After the month's matching: openings left unfilled per employer-rung (``hires``: int (E, 3))."""
    table.unfilled[:] = _unfilled_all(table.openings, hires)


def sector_scale(share0: np.ndarray, growth: np.ndarray, month: int) -> np.ndarray:
    """Employment by sector relative to the start, at recorded month ``month`` (>= 0).

    share0: (n_sectors,) job shares at month 0; growth: (n_sectors,) growth per
    year. Each sector grows at its own rate and the total is held fixed.
    """
    grown = share0 * (1.0 + growth) ** (month / 12.0)
    return grown / grown.sum() / share0


def demand_shocks(rng: np.random.Generator, n_employers: int, shock_sd: float) -> np.ndarray:
    """This month's log demand shock of every employer, float (E,), from the ``demand`` stream."""
    return shock_sd * rng.standard_normal(n_employers)


BENCHMARK_EVERY = 12  # months between employers' pay benchmarks during the burn-in
BENCHMARK_STEP = 0.5  # share of the (log) gap to the market closed at each benchmark


def benchmark_factors(
    state: np.ndarray, occupation: np.ndarray, wage: np.ndarray, published: np.ndarray, growth: float
) -> np.ndarray:
    """How employers move their pay towards the market's, float (n_sectors, 3): a factor closing half
    the log gap between each occupation's published median (``published``, 2019 dollars, times
    ``growth``) and its jobholders' median pay now (state, occupation, wage: (n,) worker arrays);
    1 where too few hold the job to read a median. Applied in the burn-in only, so recorded pay
    starts at the market's level (a fit to levels) and then moves by the model's own rules."""
    factor = np.ones(published.shape)
    employed = state == State.EMPLOYED
    for s in range(published.shape[0]):
        for r in range(N_RUNGS):
            held = employed & (occupation == s * N_RUNGS + r)
            if held.sum() >= 10:
                gap = np.log(published[s, r] * growth / np.median(wage[held]))
                factor[s, r] = np.exp(BENCHMARK_STEP * gap)
    return factor


def occupation_log_sd(rung, default: float) -> float:
    """Spread of log pay of a rung's occupation: from its 10th and 90th percentiles (a lognormal) if given."""
    if rung.wage_p10 is None:
        return default
    return float(np.log(rung.wage_p90 / rung.wage_p10) / (2 * Z90))


def filled_jobs(workers: Workers, n_employers: int) -> np.ndarray:
    """Filled jobs per employer and rung, int64 (E, 3)."""
    return _count_jobs(workers.state, workers.employer, workers.occupation, n_employers)


@njit(cache=True)
def _count_jobs(state, employer, occupation, n_employers):
    # One pass over the workers instead of a mask, two gathers and a bincount.
    filled = np.zeros((n_employers, N_RUNGS), np.int64)
    for i in range(state.shape[0]):
        if state[i] == _EMPLOYED:
            filled[employer[i], occupation[i] % N_RUNGS] += 1
    return filled


class Employer(mesa.Agent):
    """One employer. Its state is row ``row`` of the model's employer table.

    Each month it updates the jobs it wants (sector growth and its own demand
    shock), opens postings for the gap between wanted and filled jobs, and
    counts how long each rung has gone unfilled (:func:`update_openings`).
    The model applies the same rule to all employers in one call for speed;
    stepping each agent gives identical results (tested).
    """

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def sector(self) -> int:
        return int(self.model.employers.sector[self.row])

    def step(self) -> None:
        m = self.model
        demand = m.module("employers")
        update_openings(
            m.employers, slice(self.row, self.row + 1), demand.sector_scale, demand.shock, demand.persistence
        )


class Employers(Module):
    """Employers (Mesa agents) update the jobs they want and open postings for the gap.

    Sector employment follows each sector's growth from recorded month 0; each employer's
    demand follows its own AR(1) shock. The rule for one employer is :func:`update_openings`;
    it runs over all of them in one call, or agent by agent (``LabourMarket.step_agents_one_by_one``),
    with identical results.
    """

    name = "employers"
    reads = ("state", "occupation", "wage")  # for the pay benchmark of the burn-in
    employer_reads = ("sector", "base_jobs", "headcount", "unfilled")
    employer_writes = ("demand", "target", "openings", "months_open", "wage", "rate")
    streams = ("demand",)

    def init(self, model: LabourMarket) -> None:
        sectors = list(model.scenario.sectors.values())
        self.growth = np.array([s.growth_per_year for s in sectors])
        self.share0 = np.array([s.job_share for s in sectors])
        self.sector_scale = np.ones(len(sectors))
        self.persistence = model.scenario.economy.demand_persistence
        self.shock = np.zeros(0)
        self.published = np.array([[r.wage for r in s.ladder] for s in sectors])  # medians, 2019 dollars
        model.employer_agents = [Employer(model, e) for e in range(model.employers.n)]

    def step(self, model: LabourMarket) -> None:
        t, eco = model.employers, model.scenario.economy
        if model.month >= 0:
            self.sector_scale = sector_scale(self.share0, self.growth, model.month)
        self.shock = demand_shocks(model.streams["demand"], t.n, eco.demand_shock_sd)
        # Pay for the job grows with the economy's nominal pay (the minimum wage does not).
        growth = growth_factor(eco.wage_growth_per_year, model.month)
        if model.month < 0 and (model.month + model.scenario.run.burn_in_months) % BENCHMARK_EVERY == 0:
            w = model.workers
            t.rate *= benchmark_factors(w.state, w.occupation, w.wage, self.published, growth)[t.sector]
        t.wage[:] = np.maximum(t.rate * growth, model.wage_floor)
        # t.headcount is up to date: set and reduced by the separations module.
        if model.step_agents_one_by_one:
            for agent in model.employer_agents:
                agent.step()
        else:
            update_openings(t, slice(None), self.sector_scale, self.shock, self.persistence)
