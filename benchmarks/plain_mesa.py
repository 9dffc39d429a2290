"""The core market written the plain Mesa way: one Mesa agent per worker and per employer.

This is the yardstick for the array engine
(:class:`pathways.simulation.model.LabourMarket`). It runs the engine's core
modules (:func:`core_modules`), in the engine's order:

* demography: ageing, retirement and entry,
* separations: quits, layoffs, moves in and out of the labour force,
* employers: demand, openings and how long rungs stay unfilled
  (:class:`PlainEmployer`, one Mesa agent each),
* job search: applications (public postings, referrals through ties, internal
  promotion), screening and scoring by employers, the job-change premium,
  ranking by pay, matching (the plain-Python
  :func:`pathways.simulation.matching.deferred_acceptance_reference`) and hires,
* pay: tenure raises, the pay floor, experience and skills,
* finances: savings, unemployment insurance, income-share payments and debt,

with each worker a :class:`PlainWorker` holding plain Python attributes and
every month a Python loop over those agents. Left out: policies, training
programs and enrolment, navigators and placement teams, and metrics.

Same rules, same draws. Every rule is the engine's own function, written once
in the rule's module and called here per agent: a scalar rule (numba-compiled;
e.g. :func:`~pathways.simulation.separations.separation_outcome`,
:func:`~pathways.simulation.search.public_posting`,
:func:`~pathways.simulation.wages.month_employed`) that the engine's kernel
calls for each row, or, where the engine works with numpy (scores, the value
of an offer, the ranking of a searcher's list, drawing entrants), the same
numpy function on the agent's own rows. The random numbers are the engine's:
the plain model takes over a copy of the engine's named streams, draws each
month's per-worker uniforms exactly as the engine does (one array per stream,
each agent reading its own entry), and uses the same hashed per-worker and
per-(worker, posting) draws. Values the engine stores as float32 (pay, skills,
savings, ...) are held as Python floats with exactly the float32 value; the
shared rules do their arithmetic in the engine's precision and round where
the engine's arrays would. So one month of this model and of the engine with
:func:`core_modules`, from the same state, give identical worker and employer
arrays, and so does every later month (``tests/test_plain_mesa.py``).

Two things are arranged rather than copied: only searchers with at least one
acceptable application enter the matching (the others would never propose,
and searchers keep their order, so deferred acceptance and its tie-breaks
give the same result); and each employer keeps its filled jobs up to date at
every hire and separation (``filled``), while ``headcount`` is, as in the
engine's employer table, the jobs filled after this month's separations.

Units: time in months, pay in dollars per year, money in dollars, skills
and scores in standard deviations of the working-age population.

Run ``python -m pathways.benchmarks.plain_mesa`` for a 10,000-worker, 12-month timing.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import mesa
import numpy as np

from pathways.simulation.demography import Demography, age_one_month, draw_entrants, exit_months
from pathways.simulation.employers import (
    BENCHMARK_EVERY,
    N_RUNGS,
    Employers,
    EmployerTable,
    benchmark_factors,
    demand_shocks,
    next_demand,
    rung_month,
    screens_waived,
    sector_scale,
    unfilled_openings,
)
from pathways.simulation.finances import Finances, month_of_money_one, monthly_rate
from pathways.simulation.hiring import JobSearch, amenities, keeps_application, offer_value, starting_pay
from pathways.simulation.hours import FULL_TIME, hours_of
from pathways.simulation.matching import deferred_acceptance_reference, ranked
from pathways.simulation.model import LabourMarket
from pathways.simulation.module import Module
from pathways.simulation.randomness import pair_uniform
from pathways.simulation.scenario import Scenario, load_scenario
from pathways.simulation.screening import applicant_score, passes
from pathways.simulation.search import (
    STRENGTH,
    contacts_to_ask,
    favourite_sectors,
    internal_posting,
    keep_strongest,
    max_contacts,
    posting_guide,
    posting_sampler,
    public_posting,
    referred_posting,
    search_factor,
    searcher_draws,
    searching,
    tie_asked,
)
from pathways.simulation.separations import (
    TO_OUT,
    TO_UNEMPLOYMENT,
    Separations,
    coaching_month,
    participation,
    separation_outcome,
    surplus_share,
    youth_factor,
)
from pathways.simulation.wages import (
    Pay,
    growth_factor,
    month_employed,
    offers,
    pay_draws,
    posted_pay,
    skill_decayed,
    typical_incumbents,
)
from pathways.simulation.workers import Channel, State, Workers

# Plain ints, so the hot loops compare ints rather than enum members.
EMPLOYED = int(State.EMPLOYED)
UNEMPLOYED = int(State.UNEMPLOYED)
OUT = int(State.OUT)
NONE = int(Channel.NONE)
PUBLIC = int(Channel.PUBLIC)
REFERRAL = int(Channel.REFERRAL)
INTERNAL = int(Channel.INTERNAL)

# The engine's modules this model runs, in the engine's order.
MODULES = ("demography", "separations", "employers", "job_search", "pay", "finances")

# Worker fields held as agents rather than row numbers.
_LINKS = ("employer", "ties", "n_ties")
# Employer-table fields the plain employers hold (the rest are fixed and kept as they are).
EMPLOYER_FIELDS = ("demand", "target", "headcount", "openings", "months_open", "unfilled", "wage")


def core_modules() -> list[Module]:
    """The engine's modules for the rules this model runs (:data:`MODULES`), in the engine's order."""
    return [Demography(), Separations(), Employers(), JobSearch(), Pay(), Finances()]


def worker_fields() -> tuple[str, ...]:
    """Every per-worker array of the engine (:class:`~pathways.simulation.workers.Workers`), by name."""
    return tuple(Workers.empty(0, 1, 0).arrays())


@dataclass
class Postings:
    """This month's open postings, for sampling public applications and finding referrals.

    posts, cum, bounds: from :func:`~pathways.simulation.search.posting_sampler`;
    guide, scale: from :func:`~pathways.simulation.search.posting_guide`;
    open_post: bool (E * 3,), postings with an opening.
    """

    posts: np.ndarray
    cum: np.ndarray
    bounds: np.ndarray
    guide: np.ndarray
    scale: float
    open_post: np.ndarray


class PlainWorker(mesa.Agent):
    """One worker, as a Mesa agent with plain Python attributes.

    It has one attribute per per-worker array of the engine, with the same name
    and meaning (see :class:`~pathways.simulation.workers.Workers`): per-sector
    quantities (``skill``, ``experience``, ``taste``) are lists indexed by
    sector; ``employer`` is a :class:`PlainEmployer` or None; ``ties`` is a list
    of other :class:`PlainWorker` agents (None for an empty slot). ``row`` is
    its row in the engine's arrays.
    """

    def __init__(self, model: PlainLabourMarket, row: int) -> None:
        super().__init__(model)
        self.row = row
        self.employer: PlainEmployer | None = None
        self.ties: list[PlainWorker | None] = []

    def load(self, columns: dict[str, list], j: int) -> None:
        """Take every attribute from row ``j`` of ``columns`` (engine arrays as lists), links excepted."""
        for name, values in columns.items():
            if name not in _LINKS:
                setattr(self, name, values[j])

    def link(self, employer: PlainEmployer | None, ties: list[PlainWorker | None]) -> None:
        """Set the job's employer and the ties; the employer counts the job as filled."""
        self.employer = employer
        if employer is not None:
            employer.filled[self.occupation % N_RUNGS] += 1
        self.ties = ties

    # ------------------------------------------------------------ transitions
    # As Workers.start_jobs / leave_jobs: the fields that belong to a job change together.

    def start_job(self, employer: PlainEmployer, rung: int, wage: float, channel: int, hours: int) -> None:
        """Take a job on ``rung`` at ``employer`` for ``hours`` a week; a move inside the same employer
        keeps tenure."""
        if self.employer is not None:
            self.employer.filled[self.occupation % N_RUNGS] -= 1
        if self.employer is not employer:
            self.tenure = 0
        employer.filled[rung] += 1
        self.state = EMPLOYED
        self.employer = employer
        self.occupation = employer.sector * N_RUNGS + rung
        self.wage = wage
        self.hours = hours
        self.channel = channel
        self.months_unemployed = 0
        self.ui_months_left = 0

    def leave_job(self, to: int) -> None:
        """Lose or leave the current job and move to state ``to`` (unemployed or out)."""
        self.employer.filled[self.occupation % N_RUNGS] -= 1
        self.last_wage = self.wage
        self.state = to
        self.employer = None
        self.occupation = -1
        self.wage = 0.0
        self.hours = 0
        self.tenure = 0
        self.channel = NONE
        self.months_unemployed = 0

    # ------------------------------------------------------------ monthly rules

    def separate(self, u_separation: float, u_leave: float, u_participation: float) -> None:
        """Separations (:func:`separation_outcome`), coaching running down, then moves in and
        out of the labour force (:func:`participation`); the arguments are this month's draws."""
        m = self.model
        lf = m.scenario.labour_force
        outcome = 0
        if self.state == EMPLOYED:
            employer = self.employer
            outcome = separation_outcome(
                m.separation_rate[employer.sector], self.coach_factor, self.tenure,
                employer.surplus[self.occupation % N_RUNGS], self.program >= 0, lf.new_job_multiplier,
                lf.new_job_months, lf.leave_from_employment, u_separation, u_leave,
                youth_factor(self.age, lf.young_separation_extra),
            )  # fmt: skip
        self.coached_left, self.coach_factor = coaching_month(self.coached_left, self.coach_factor)
        if outcome == TO_OUT:
            self.leave_job(OUT)
        elif outcome == TO_UNEMPLOYMENT:
            self.leave_job(UNEMPLOYED)
            self.ui_months_left = m.scenario.finances.ui_months
        self.state, self.months_unemployed = participation(
            self.state, self.program >= 0, self.months_unemployed, u_participation,
            lf.leave_from_unemployment, lf.return_rate,
        )  # fmt: skip

    def applications(self, postings: Postings) -> list[tuple[int, int]]:
        """This month's applications as (posting, channel), posting = employer index * 3 + rung.

        Public postings in the favourite sectors (:func:`favourite_sectors`,
        :func:`public_posting`), referrals from the ties asked
        (:func:`contacts_to_ask`, :func:`tie_asked`, :func:`referred_posting`)
        and the next rung up at one's employer (:func:`internal_posting`); one
        application per posting, the strongest channel kept (:func:`keep_strongest`),
        in the engine's order.
        """
        m = self.model
        search = m.scenario.search
        public = search.public_applications
        u_sector, u_post, u_up, u_tie = (
            u[0]
            for u in searcher_draws(np.array([self.row]), m.n_sectors, public, 0, m.tie_draws, m.elapsed,
                                    m.search_key, m.search_extra_key)
        )  # fmt: skip
        top = np.empty(m.sectors_considered, dtype=np.int64)
        favourite_sectors(np.array(self.taste), np.array(self.experience), m.scenario.sorting.experience_pull,
                          u_sector, np.empty(m.n_sectors), top)  # fmt: skip
        post, channel = [], []
        if postings.posts.shape[0] > 0:
            for j in range(public):
                s = int(top[j % top.shape[0]])
                post.append(public_posting(
                    s, self.experience[s], m.rung_months[s], self.occupation, u_up[j], u_post[j],
                    search.reach_up, postings.posts, postings.cum, postings.bounds, postings.guide,
                    postings.scale,
                ))  # fmt: skip
                channel.append(PUBLIC)
        if m.tie_slots > 0:
            asked = contacts_to_ask(len(self.ties), m.base_ties, search.referral_contacts, u_tie[-1])
            for c in range(min(asked, m.tie_draws - 1)):
                tie = self.ties[tie_asked(u_tie[c], len(self.ties))]
                if tie is None or tie.employer is None:
                    continue
                e = tie.employer
                post.append(
                    referred_posting(
                        e.index, self.experience[e.sector], m.rung_months[e.sector], postings.open_post
                    )
                )
                channel.append(REFERRAL)
        own = self.employer.index if self.employer is not None else -1
        post.append(internal_posting(self.occupation, own, postings.open_post))
        channel.append(INTERNAL)
        post_array, channel_array = np.array(post, dtype=np.int64), np.array(channel, dtype=np.int8)
        keep_strongest(post_array, channel_array, STRENGTH)
        return [(p, c) for p, c in zip(post_array.tolist(), channel_array.tolist(), strict=True) if p >= 0]

    def work_month(self) -> None:
        """Pay and human capital for one month (:func:`month_employed`, :func:`skill_decayed`)."""
        m = self.model
        if self.state == EMPLOYED:
            s = self.occupation // N_RUNGS
            self.tenure, self.wage, self.skill[s], self.experience[s] = month_employed(
                self.tenure, self.wage, self.skill[s], self.experience[s], m.tenure_return[s], m.wage_floor,
                m.learning_per_year, m.learning_scale_years, m.monthly_raise,
            )  # fmt: skip
        elif self.state == UNEMPLOYED:
            self.skill = [skill_decayed(x, m.depreciation_per_year) for x in self.skill]
            self.months_unemployed += 1

    def earnings(self) -> float:
        """What the worker earns a year (as Workers.earnings: float32 pay rate times hours over 40)."""
        return float(np.float32(self.wage) * np.float32(self.hours / 40))

    def money_month(self) -> None:
        """Savings, benefits, ISA payments and debt for one month (:func:`month_of_money_one`)."""
        f = self.model.scenario.finances
        (self.ui_months_left, self.savings, self.debt, self.isa_share, self.isa_left, self.isa_cap_left,
         _) = month_of_money_one(
            self.state == EMPLOYED, self.earnings(), self.last_wage, self.ui_months_left, self.savings,
            self.debt,
            self.program >= 0, self.isa_share, self.isa_floor, self.isa_left, self.isa_cap_left, 0.0,
            f.monthly_expenses, f.savings_rate, f.ui_replacement, monthly_rate(f.debt_interest_per_year),
            f.repayment_share, f.credit_limit,
        )  # fmt: skip


class PlainEmployer(mesa.Agent):
    """One employer with a three-rung ladder in one sector, on its own attributes.

    It has one attribute per field of the engine's
    :class:`~pathways.simulation.employers.EmployerTable`, with the same
    meaning, lists of three (entry, mid, senior) where the table has a row of
    three. Besides: ``filled`` (jobs held now, kept up to date at every hire
    and separation), ``surplus`` (share of each rung's filled jobs to shed
    this month) and ``hires`` (made this month).
    """

    def __init__(self, model: PlainLabourMarket, index: int, row: dict) -> None:
        super().__init__(model)
        self.index = index
        for name, value in row.items():
            setattr(self, name, value)
        self.filled = [0] * N_RUNGS
        self.surplus = [0.0] * N_RUNGS
        self.hires = [0] * N_RUNGS

    def count_surplus(self) -> None:
        """Share of each rung's filled jobs above this month's target (:func:`surplus_share`)."""
        self.surplus = [surplus_share(h, t) for h, t in zip(self.filled, self.target, strict=True)]

    def step(self) -> None:
        """Demand (:func:`next_demand`), then each rung's jobs wanted, openings and months
        with openings left unfilled (:func:`rung_month`)."""
        m = self.model
        self.demand = next_demand(self.demand, m.shocks[self.index], m.persistence)
        scale = m.sector_scale[self.sector]
        for r in range(N_RUNGS):
            self.target[r], self.openings[r], self.months_open[r] = rung_month(
                self.base_jobs[r],
                scale,
                self.demand,
                self.headcount[r],
                self.unfilled[r],
                self.months_open[r],
            )
        self.hires = [0] * N_RUNGS

    def screens(self, worker: PlainWorker, rung: int) -> bool:
        """The applicant meets the rung's screens (:func:`passes`; degree and experience screens
        set aside after months of unfilled openings, :func:`screens_waived`)."""
        waived = screens_waived(self.months_open[rung], self.model.scenario.hiring.screen_waiver_months)
        return passes(
            worker.education, worker.experience[self.sector], worker.credentials, self.degree_required[rung],
            self.experience_required[rung], self.credential_required[rung], waived,
        )  # fmt: skip

    def score(self, applicants: list[tuple[PlainWorker, int, float]]) -> list[float]:
        """Scores of its applicants, each (worker, channel, noise draw) (:func:`applicant_score`)."""
        m = self.model
        h = m.scenario.hiring
        s = self.sector
        return applicant_score(
            np.array([w.skill[s] for w, _, _ in applicants], dtype=np.float32),
            np.array([w.soft_skill for w, _, _ in applicants], dtype=np.float32),
            np.array([w.experience[s] for w, _, _ in applicants]),
            np.array([c for _, c, _ in applicants]),
            np.full(len(applicants), self.bias),
            np.array([m.group_penalty[w.group][s] for w, _, _ in applicants]),
            np.array([u for _, _, u in applicants]),
            skill_weight=h.skill_weight, soft_skill_weight=h.soft_skill_weight,
            experience_weight=h.experience_weight, referral_bonus=h.referral_bonus,
            internal_bonus=h.internal_bonus, handoff_bonus=m.handoff_bonus, noise_sd=h.noise_sd,
        ).tolist()  # fmt: skip


class PlainLabourMarket(mesa.Model):
    """The core monthly cycle with one :class:`PlainWorker` per worker and one :class:`PlainEmployer`
    per employer, taken over from an engine's state.

    ``engine`` must run exactly the modules of :func:`core_modules`. The plain
    model copies its state (workers, employers, the modules' parameters, the
    month) and a copy of its random streams; from then on the two give the
    same months. Each :meth:`step` runs, in order: demography, separations,
    each employer's step, job search (search, screening, scoring, ranking,
    matching, hires), pay, money.
    """

    def __init__(self, engine: LabourMarket) -> None:
        names = tuple(m.name for m in engine.modules)
        if names != MODULES:
            raise ValueError(f"the engine runs {names}; the plain model runs {MODULES} (use core_modules())")
        super().__init__(seed=engine.seed)
        self.scenario = engine.scenario
        self.month = engine.month
        self.streams = copy.deepcopy(engine.streams)
        self._copy_parameters(engine)
        self._copy_employers(engine.employers)
        self._copy_workers(engine.workers)

    # ------------------------------------------------------------ construction

    def _copy_parameters(self, engine: LabourMarket) -> None:
        sc = engine.scenario
        self.n_sectors = len(sc.sectors)
        self.sectors_considered = min(sc.search.sectors_considered, self.n_sectors)
        self.wage_floor = float(engine.wage_floor)
        sk = sc.skills
        self.learning_per_year = float(sk.learning_per_year)
        self.learning_scale_years = float(sk.learning_scale_years)
        self.depreciation_per_year = float(sk.depreciation_per_year)
        self.exit_age_months = exit_months(sc.labour_force.exit_age)
        # The modules' parameters, exactly as the engine's modules derived them.
        self.separation_rate = engine.module("separations").separation_rate.tolist()
        self.tenure_return = engine.module("pay").tenure_return.tolist()
        self.monthly_raise = engine.module("pay").monthly_raise
        employers = engine.module("employers")
        self.share0, self.growth = employers.share0, employers.growth
        self.published = employers.published
        self.sector_scale = employers.sector_scale.tolist()
        self.persistence = employers.persistence
        job_search = engine.module("job_search")
        self.rung_months = [np.asarray(row, np.float64) for row in job_search.rung_months]
        self.hire_threshold = job_search.hire_threshold.tolist()
        self.part_time_only = job_search.part_time_only
        self.group_penalty = job_search.group_penalty.tolist()
        self.handoff_bonus = job_search.handoff_bonus
        self.next_person = engine.module("demography").next_person
        w = engine.workers
        self.tie_slots, self.base_ties = w.ties.shape[1], w.base_ties
        self.tie_draws = max_contacts(w, sc.search.referral_contacts) + 1
        self.search_key, self.search_extra_key = (
            engine.streams.key("search"),
            engine.streams.key("search_extra"),
        )
        self.hiring_key = engine.streams.key("hiring_noise")
        self.preference_key = engine.streams.key("preference_noise")

    def _copy_employers(self, t: EmployerTable) -> None:
        columns = {name: value.tolist() for name, value in vars(t).items() if isinstance(value, np.ndarray)}
        self.employers = [
            PlainEmployer(self, e, {name: values[e] for name, values in columns.items()}) for e in range(t.n)
        ]
        self.employer_sector = t.sector.copy()

    def _copy_workers(self, w: Workers) -> None:
        columns = {name: value.tolist() for name, value in w.arrays().items()}
        self.workers = [PlainWorker(self, i) for i in range(w.n)]
        # Group never changes in a row (an entrant keeps it), so the engine's array serves all along.
        self.group = w.group.copy()
        self._load(columns, np.arange(w.n))

    def _load(self, columns: dict[str, list], rows: np.ndarray) -> None:
        """Workers ``rows`` take the values of ``columns`` (one list per worker array, in ``rows`` order)."""
        for j, i in enumerate(rows.tolist()):
            person = self.workers[i]
            person.load(columns, j)
            employer = columns["employer"][j]
            ties = [self.workers[k] if k >= 0 else None for k in columns["ties"][j][: columns["n_ties"][j]]]
            person.link(self.employers[employer] if employer >= 0 else None, ties)

    # ------------------------------------------------------------ helpers

    @property
    def elapsed(self) -> int:
        """Months simulated so far, burn-in included (as ``LabourMarket.elapsed``)."""
        return self.month + self.scenario.run.burn_in_months

    def count(self, state: int) -> int:
        """Number of workers in ``state``."""
        return sum(1 for w in self.workers if w.state == state)

    @property
    def unemployment_rate(self) -> float:
        """Unemployed over employed plus unemployed."""
        employed, unemployed = self.count(EMPLOYED), self.count(UNEMPLOYED)
        return unemployed / max(employed + unemployed, 1)

    def worker_arrays(self) -> dict[str, np.ndarray]:
        """Every worker attribute as the engine's array of that name, in wide types (int64, float64).

        Wide types, so a value the engine could not store (a float that is not
        a float32, an int out of range) shows as a difference rather than being
        rounded into agreement.
        """
        out = {}
        for name in worker_fields():
            if name == "employer":
                values = [w.employer.index if w.employer is not None else -1 for w in self.workers]
            elif name == "ties":
                values = [
                    [t.row if t is not None else -1 for t in w.ties] + [-1] * (self.tie_slots - len(w.ties))
                    for w in self.workers
                ]
            elif name == "n_ties":
                values = [len(w.ties) for w in self.workers]
            else:
                values = [getattr(w, name) for w in self.workers]
            array = np.array(values)
            out[name] = array.astype(np.float64 if array.dtype.kind == "f" else np.int64)
        return out

    def employer_arrays(self) -> dict[str, np.ndarray]:
        """The employers' changing fields (:data:`EMPLOYER_FIELDS`) as the engine's arrays, wide types."""
        out = {}
        for name in EMPLOYER_FIELDS:
            array = np.array([getattr(e, name) for e in self.employers])
            out[name] = array.astype(np.float64 if array.dtype.kind == "f" else np.int64)
        return out

    # ------------------------------------------------------------ the month

    def step(self) -> None:
        """One month of the core rules, module by module in the engine's order."""
        self._demography()
        self._separations()
        self._employers()
        self._job_search()
        for worker in self.workers:
            worker.work_month()
        for worker in self.workers:
            worker.money_month()
        self.month += 1

    def _demography(self) -> None:
        """Everyone ages a month; retirees leave their jobs and entrants take their rows."""
        leaving = []
        for worker in self.workers:
            worker.age, retires = age_one_month(worker.age, self.exit_age_months)
            if retires:
                leaving.append(worker)
        if not leaving:
            return
        for worker in leaving:
            if worker.state == EMPLOYED:
                worker.leave_job(UNEMPLOYED)
        rows = np.array([w.row for w in leaving])
        entrants = draw_entrants(
            self.group, rows, self.scenario, self.streams["entrants"], self.next_person, self.tie_slots
        )
        self._load({name: value.tolist() for name, value in entrants.arrays().items()}, rows)
        self.next_person += rows.size

    def _separations(self) -> None:
        n = len(self.workers)
        u_separation = self.streams.uniform("separation", n).tolist()
        u_leave = self.streams.uniform("leave_force", n).tolist()
        u_participation = self.streams.uniform("participation", n).tolist()
        for employer in self.employers:
            employer.count_surplus()
        for worker in self.workers:
            i = worker.row
            worker.separate(u_separation[i], u_leave[i], u_participation[i])
        # As the engine's table: jobs filled after this month's separations, before hiring.
        for employer in self.employers:
            employer.headcount = list(employer.filled)

    def _employers(self) -> None:
        eco = self.scenario.economy
        if self.month >= 0:
            self.sector_scale = sector_scale(self.share0, self.growth, self.month).tolist()
        self.shocks = demand_shocks(self.streams["demand"], len(self.employers), eco.demand_shock_sd).tolist()
        growth = growth_factor(eco.wage_growth_per_year, self.month)
        if self.month < 0 and (self.month + self.scenario.run.burn_in_months) % BENCHMARK_EVERY == 0:
            workers = self.workers
            factor = benchmark_factors(
                np.array([w.state for w in workers]), np.array([w.occupation for w in workers]),
                np.array([w.wage for w in workers], dtype=np.float32), self.published, growth,
            )  # fmt: skip
            for employer in self.employers:
                employer.rate = [
                    rate * f for rate, f in zip(employer.rate, factor[employer.sector], strict=True)
                ]
        for employer in self.employers:
            employer.wage = [posted_pay(rate, growth, self.wage_floor) for rate in employer.rate]
        self.agents_by_type[PlainEmployer].do("step")

    def _postings(self) -> Postings:
        openings = np.array([e.openings for e in self.employers], dtype=np.int64).ravel()
        posts, cum, bounds = posting_sampler(openings, self.employer_sector, self.n_sectors,
                                             self.scenario.search.aim_high)  # fmt: skip
        guide, scale = posting_guide(cum)
        return Postings(posts, cum, bounds, guide, scale, openings > 0)

    def _job_search(self) -> None:
        """Search, screening, scoring, the premium test, ranking, deferred acceptance and hires."""
        searchers = self._screened_applications()
        who, ptr, post, score, offer, channel, hours = self._ranked_lists(searchers)
        employers = self.employers
        capacity = [o for e in employers for o in e.openings]
        match = deferred_acceptance_reference(ptr, post, score, capacity).tolist()
        for i, posting in enumerate(match):
            if posting < 0:
                continue
            k = post.index(posting, ptr[i], ptr[i + 1])
            employer, rung = employers[posting // N_RUNGS], posting % N_RUNGS
            who[i].start_job(employer, rung, starting_pay(offer[k], self.wage_floor), channel[k], hours[k])
            employer.hires[rung] += 1
        for employer in employers:
            employer.unfilled = [
                unfilled_openings(o, h) for o, h in zip(employer.openings, employer.hires, strict=True)
            ]

    def _screened_applications(self) -> list[tuple[PlainWorker, list]]:
        """Each searcher's applications that pass the screens, in order, as [posting, channel, score];
        each employer scores the pile of applications it received."""
        sc = self.scenario
        employers = self.employers
        u_search = self.streams.uniform("on_the_job_search", len(self.workers)).tolist()
        postings = self._postings()
        searchers: list[tuple[PlainWorker, list]] = []
        piles: dict[int, list] = {}
        for worker in self.workers:
            lf = sc.labour_force
            factor = 1.0
            if worker.state == EMPLOYED:
                factor = search_factor(worker.tenure, worker.age, lf.new_job_multiplier, lf.new_job_months,
                                       lf.young_separation_extra)  # fmt: skip
            if not searching(
                worker.state, worker.program >= 0, u_search[worker.row], sc.search.on_the_job_search, factor
            ):
                continue
            passed = [
                (p, c)
                for p, c in worker.applications(postings)
                if employers[p // N_RUNGS].screens(worker, p % N_RUNGS)
            ]
            if not passed:
                continue
            noise = pair_uniform(self.hiring_key, self.elapsed, np.full(len(passed), worker.row),
                                 np.array([p for p, _ in passed])).tolist()  # fmt: skip
            mine = []
            for (posting, channel), u in zip(passed, noise, strict=True):
                application = [posting, channel, 0.0]  # the score is filled in by the employer
                mine.append(application)
                piles.setdefault(posting // N_RUNGS, []).append((worker, channel, u, application))
            searchers.append((worker, mine))
        for e, pile in piles.items():
            scores = employers[e].score([(w, c, u) for w, c, u, _ in pile])
            for (_, _, _, application), score in zip(pile, scores, strict=True):
                application[2] = score
        return searchers

    def _typical_incumbents(self) -> tuple[np.ndarray, np.ndarray]:
        """Each job's typical incumbent (:func:`typical_incumbents` over the workers' own values)."""
        workers = self.workers
        return typical_incumbents(
            np.array([w.state for w in workers], dtype=np.int8),
            np.array([w.occupation for w in workers], dtype=np.int64),
            np.array([w.experience for w in workers], dtype=np.int16),
            np.array([w.skill for w in workers], dtype=np.float32),
            float(self.scenario.pay.experience_transfer), self.n_sectors * N_RUNGS,
        )  # fmt: skip

    def _offers(self, worker: PlainWorker, mine: list, typical) -> list[float]:
        """The offers for one searcher's applications (:func:`offers`, with the engine's draws)."""
        employers = self.employers
        postings = np.array([p for p, _, _ in mine], dtype=np.int64)
        draw = pay_draws(self.streams, np.full(len(mine), worker.person), postings, self.scenario.pay)
        chosen = [employers[p // N_RUNGS] for p in postings.tolist()]
        rungs = (postings % N_RUNGS).tolist()
        sector = np.array([e.sector for e in chosen], dtype=np.int64)
        return offers(
            np.array([e.wage[r] for e, r in zip(chosen, rungs, strict=True)]),
            np.array([e.log_sd[r] for e, r in zip(chosen, rungs, strict=True)]), sector,
            sector * N_RUNGS + postings % N_RUNGS, np.zeros(len(mine), np.int64),
            np.array([worker.experience], dtype=np.int16), np.array([worker.skill], dtype=np.float32), draw,
            typical, self.scenario.pay,
        ).tolist()  # fmt: skip

    def _ranked_lists(self, searchers: list[tuple[PlainWorker, list]]) -> tuple:
        """Each searcher keeps the offers worth taking and ranks them by pay (with noise).

        Returns the searchers with a list and the flat lists deferred acceptance
        takes: (who, ptr, post, score, offer, channel, hours), ``who[i]``'s list being
        ``post[ptr[i]:ptr[i + 1]]``, best first.
        """
        sc = self.scenario
        employers = self.employers
        typical = self._typical_incumbents()
        who: list[PlainWorker] = []
        ptr, post, score, offer, channel, hours = [0], [], [], [], [], []
        amenity_sd = sc.search.amenity_sd
        for worker, mine in searchers:
            kept = []
            pay = self._offers(worker, mine, typical)
            schedule = self._hours(worker, mine)
            person = np.full(len(mine), worker.person)
            liked = amenities(self.streams, person, np.array([p for p, _, _ in mine], np.int64), amenity_sd)
            now = 0.0
            if worker.employer is not None:
                held = np.array([worker.employer.index * N_RUNGS + worker.occupation % N_RUNGS])
                now = float(amenities(self.streams, person[:1], held, amenity_sd)[0])
            for (posting, ch, s), offered, h, a in zip(mine, pay, schedule, liked.tolist(), strict=True):
                employer, rung = employers[posting // N_RUNGS], posting % N_RUNGS
                # No policy or placement-team pay floors act among these modules.
                threshold = self.hire_threshold[employer.sector][rung]
                if keeps_application(s, threshold, offered, worker.wage, sc.search.job_change_premium, h,
                                     worker.hours, a - now):  # fmt: skip
                    kept.append((posting, ch, s, offered, h, a))
            if not kept:
                continue
            postings_kept = np.array([k[0] for k in kept], dtype=np.int64)
            noise = pair_uniform(
                self.preference_key, self.elapsed, np.full(len(kept), worker.row), postings_kept
            )
            yearly = np.array([k[3] for k in kept]) * (
                np.array([k[4] for k in kept], dtype=np.int8) / FULL_TIME
            )
            value = offer_value(yearly, noise, sc.search.preference_noise) + np.array([k[5] for k in kept])
            for k in ranked(value, postings_kept).tolist():
                posting, ch, s, offered, h, _ = kept[k]
                post.append(posting)
                channel.append(ch)
                score.append(s)
                offer.append(offered)
                hours.append(h)
            ptr.append(len(post))
            who.append(worker)
        return who, ptr, post, score, offer, channel, hours

    def _hours(self, worker: PlainWorker, mine: list) -> list[int]:
        """Weekly hours of the job behind each application (:func:`hours_of`)."""
        postings = np.array([p for p, _, _ in mine], dtype=np.int64)
        sector = np.array([self.employers[p // N_RUNGS].sector for p in postings.tolist()], dtype=np.int64)
        person = np.full(len(mine), worker.person)
        share = self.scenario.labour_force.prefers_part_time
        return hours_of(self.streams, person, postings, sector, self.part_time_only, share).tolist()

    # ------------------------------------------------------------ checks

    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests)."""
        filled = {id(e): [0] * N_RUNGS for e in self.employers}
        for w in self.workers:
            assert w.state in (EMPLOYED, UNEMPLOYED, OUT), "unknown state"
            if w.state == EMPLOYED:
                assert w.employer is not None and w.occupation >= 0, "employed without a job"
                assert w.employer.sector == w.occupation // N_RUNGS, "job outside employer's sector"
                assert w.wage >= self.wage_floor - 1e-3, "wage below the floor"
                filled[id(w.employer)][w.occupation % N_RUNGS] += 1
            else:
                assert w.employer is None and w.occupation == -1 and w.wage == 0.0, "job kept after leaving"
        for e in self.employers:
            assert e.filled == filled[id(e)], "filled jobs out of step"
            assert all(h <= o for h, o in zip(e.hires, e.openings, strict=True)), "more hires than openings"


def with_workers(scenario: Scenario, workers: int) -> Scenario:
    """A copy of ``scenario`` with ``run.workers`` set to ``workers``."""
    return scenario.model_copy(update={"run": scenario.run.model_copy(update={"workers": int(workers)})})


def state_digest(arrays: dict[str, np.ndarray], names: tuple[str, ...] | None = None) -> str:
    """SHA-256 of arrays ``names`` (default: all) taken in wide types (int64, float64), in name order.

    The plain model's :meth:`~PlainLabourMarket.worker_arrays` and the engine's
    worker arrays give the same digest exactly when they hold the same values.
    """
    digest = hashlib.sha256()
    for name in sorted(arrays if names is None else names):
        a = np.asarray(arrays[name])
        a = np.ascontiguousarray(a.astype(np.float64 if a.dtype.kind == "f" else np.int64))
        digest.update(name.encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def timed_months(model, months: int) -> float:
    """Seconds taken by ``months`` steps of ``model`` (the engine or the plain model)."""
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    return time.perf_counter() - t0


def run_plain(scenario: Scenario | str | Path, workers: int, months: int, seed: int = 1) -> dict:
    """Build the plain model with ``workers`` workers and time ``months`` steps.

    ``scenario`` is a loaded scenario or a scenario file (path or built-in
    name). The plain model takes over the first state of
    ``LabourMarket(scenario, seed, modules=core_modules())``; building both is
    timed separately as ``init_seconds``. Returns workers, months, seconds
    (monthly loop only), init_seconds, worker_months_per_second, the
    unemployment rate at the end and ``digest``, the :func:`state_digest` of
    the final worker arrays.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_workers(scenario, workers)
    t0 = time.perf_counter()
    model = PlainLabourMarket(LabourMarket(scenario, seed, modules=core_modules()))
    init_seconds = time.perf_counter() - t0
    seconds = timed_months(model, months)
    return {
        "workers": workers,
        "months": months,
        "seconds": seconds,
        "init_seconds": init_seconds,
        "worker_months_per_second": workers * months / seconds if seconds > 0 else float("inf"),
        "unemployment_rate": model.unemployment_rate,
        "digest": state_digest(model.worker_arrays()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the plain one-agent-per-worker Mesa model.")
    parser.add_argument("--scenario", default="baseline.toml", help="scenario file (default: baseline.toml)")
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = run_plain(args.scenario, args.workers, args.months, args.seed)
    print(
        f"plain Mesa: {result['workers']:,} workers x {result['months']} months in {result['seconds']:.2f} s "
        f"(+{result['init_seconds']:.2f} s to build): {result['worker_months_per_second']:,.0f} "
        f"worker-months/s, unemployment {result['unemployment_rate']:.1%}"
    )


if __name__ == "__main__":
    main()
