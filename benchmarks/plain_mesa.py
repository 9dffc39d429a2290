"""The core monthly rules written the plain Mesa way: one Python object per worker.

This is the yardstick for the array engine
(:class:`pathways.simulation.model.LabourMarket`): the same rules for

* separations (sector hazard, higher in new jobs, plus layoffs of surplus
  workers) and moves between unemployment and out of the labour force,
* employers' demand and openings (:class:`PlainEmployer`, one Mesa agent each),
* job search (public postings, referrals through ties, internal promotion),
* screening and scoring by employers,
* matching (the plain-Python deferred acceptance of
  :func:`pathways.simulation.matching.deferred_acceptance_reference`),
* pay, experience and skills,

but each worker is a :class:`WorkerAgent` with plain Python attributes
(floats, ints and lists), and every rule is a Python loop over those objects.
Running both on the same scenario and size gives the array design's speed-up
as a ratio measured in one run (:func:`run_plain`).

To keep the comparison fair the plain model starts from exactly the array
model's first state: it builds ``LabourMarket(scenario, seed)`` and copies the
worker arrays and the employer table into Python objects. After that the
monthly loop uses no numpy at all (the reference matching returns a numpy
array, which is turned straight back into a list).

Left out, because the benchmark compares the core rules only: demography
(ageing, retirement, entrants), training programs and enrolment, career
navigators (so no extra applications and no navigator channel), savings,
benefits and debt, and metrics recording. The array model runs those too, so
its timing in a full run includes a little more work than this one.

Where the plain rules differ from the array engine (none changes the rule,
only how it is computed or drawn):

* Random numbers come from Mesa's ``random.Random`` in worker order, not from
  named numpy streams and hashed per-worker / per-(worker, posting) draws, so
  the realisations differ (aggregate behaviour does not). Draws that the array
  engine takes for every worker and then ignores (e.g. the on-the-job search
  draw of someone unemployed) are only taken here when they are used.
* Each employer draws its own demand shock in its ``step``; the array engine
  draws all shocks in one call. Same distribution.
* Employers keep their headcount up to date at every hire and separation;
  the array engine recounts it from the worker arrays each month. Same numbers.
* Only searchers with at least one acceptable application enter the matching;
  the others would never propose, and searchers keep their order, so the
  deferred-acceptance result (including tie-breaks) is the same.
* Wages and skills are Python floats (float64), experience Python ints; the
  arrays store float32 / int16, so sums can differ in the last digits.

Units: time in months, wages in dollars per year, skills and scores in
standard deviations of the working-age population.

Run ``python -m pathways.benchmarks.plain_mesa`` for a 10,000-worker, 12-month timing.
"""

from __future__ import annotations

import argparse
import math
import time
from bisect import bisect_right
from pathlib import Path

import mesa

from pathways.simulation.employers import N_RUNGS
from pathways.simulation.matching import deferred_acceptance_reference
from pathways.simulation.model import LabourMarket
from pathways.simulation.scenario import Scenario, load_scenario
from pathways.simulation.screening import BA_PLUS
from pathways.simulation.workers import Channel, State

# Plain ints, so the hot loops compare ints rather than enum members.
EMPLOYED = int(State.EMPLOYED)
UNEMPLOYED = int(State.UNEMPLOYED)
OUT = int(State.OUT)
NONE = int(Channel.NONE)
PUBLIC = int(Channel.PUBLIC)
REFERRAL = int(Channel.REFERRAL)
INTERNAL = int(Channel.INTERNAL)

# Channel strength when a searcher reaches one posting twice: the strongest is kept.
STRENGTH = {PUBLIC: 1, int(Channel.NAVIGATOR): 2, REFERRAL: 3, INTERNAL: 4}

# Guards the double logarithm of the Gumbel draw against u = 0 (as the array engine does).
_TINY = 1e-12


class WorkerAgent(mesa.Agent):
    """One worker, as a Mesa agent with plain Python attributes.

    Per-sector quantities are lists indexed by sector: ``skill`` (sd units),
    ``experience`` (months worked in the sector) and ``taste`` (interest).
    ``credentials`` is a bit set (bit k = ``scenario.credentials[k]``).
    While employed, ``employer`` is a :class:`PlainEmployer`, ``occupation``
    is ``sector * 3 + rung`` and ``wage`` is in dollars per year; otherwise
    they are ``None``, -1 and 0. ``tenure`` and ``months_unemployed`` are in
    months. ``ties`` is a list of other :class:`WorkerAgent` objects.
    """

    def __init__(
        self,
        model: PlainLabourMarket,
        row: int,
        *,
        group: int,
        education: int,
        skill: list[float],
        soft_skill: float,
        experience: list[int],
        taste: list[float],
        credentials: int,
    ) -> None:
        super().__init__(model)
        self.row = row  # position in the model's worker list (and the array model's row)
        self.group = group
        self.education = education
        self.skill = skill
        self.soft_skill = soft_skill
        self.experience = experience
        self.taste = taste
        self.credentials = credentials
        self.state = UNEMPLOYED
        self.employer: PlainEmployer | None = None
        self.occupation = -1
        self.wage = 0.0
        self.tenure = 0
        self.months_unemployed = 0
        self.last_wage = 0.0
        self.channel = NONE
        self.ties: list[WorkerAgent] = []

    # ------------------------------------------------------------ transitions

    def start_job(self, employer: PlainEmployer, rung: int, wage: float, channel: int) -> None:
        """Take a job on ``rung`` at ``employer``; a move inside the same employer keeps tenure."""
        if self.employer is not None:
            self.employer.headcount[self.occupation % N_RUNGS] -= 1
        if self.employer is not employer:
            self.tenure = 0
        employer.headcount[rung] += 1
        self.state = EMPLOYED
        self.employer = employer
        self.occupation = employer.sector * N_RUNGS + rung
        self.wage = wage
        self.channel = channel
        self.months_unemployed = 0

    def leave_job(self, to: int) -> None:
        """Lose or leave the current job and move to state ``to`` (unemployed or out)."""
        self.employer.headcount[self.occupation % N_RUNGS] -= 1
        self.last_wage = self.wage
        self.state = to
        self.employer = None
        self.occupation = -1
        self.wage = 0.0
        self.tenure = 0
        self.channel = NONE
        self.months_unemployed = 0

    # ------------------------------------------------------------ monthly rules

    def separate(self) -> None:
        """Separations, then moves between unemployment and out of the labour force.

        An employed worker leaves the labour force with the monthly rate
        ``leave_from_employment``; otherwise it loses its job with probability
        ``sector rate * (1 + (multiplier - 1) * exp(-tenure / new_job_months))
        + surplus share of its employer-rung`` (capped at 1), as in
        :func:`pathways.simulation.separations.separation_probability`. Then
        the unemployed (including those just laid off) leave the labour force
        with ``leave_from_unemployment`` and those out of it return with
        ``return_rate``.
        """
        m = self.model
        lf = m.labour_force
        rand = m.random.random
        if self.state == EMPLOYED:
            if rand() < lf.leave_from_employment:
                self.leave_job(OUT)
            else:
                employer = self.employer
                early = 1.0 + (lf.new_job_multiplier - 1.0) * math.exp(-self.tenure / lf.new_job_months)
                p = m.separation_rate[employer.sector] * early + employer.surplus[self.occupation % N_RUNGS]
                if rand() < min(max(p, 0.0), 1.0):
                    self.leave_job(UNEMPLOYED)
        if self.state == UNEMPLOYED:
            if rand() < lf.leave_from_unemployment:
                self.state = OUT
        elif self.state == OUT and rand() < lf.return_rate:
            self.state = UNEMPLOYED
            self.months_unemployed = 0

    def applications(self) -> dict[int, int]:
        """This month's applications as {posting: channel}; posting = employer index * 3 + rung.

        * Favourite sectors: the ``sectors_considered`` highest of taste +
          ``experience_pull * log(1 + years in the sector)`` + Gumbel noise.
        * Public: application j goes to the (j mod k)-th favourite sector, to
          a posting on a rung from one's own (0 outside one's sector) up to the
          fitting rung (one higher with probability ``reach_up``), picked with
          weight openings * exp(aim_high * rung).
        * Referrals: ask ``referral_contacts`` random ties; an employed tie
          passes on the best opening at its employer at or below the rung
          that fits the searcher.
        * Internal: an employed searcher applies for the next rung at its employer.

        A posting reached twice keeps the strongest channel (internal >
        referral > public), the first one on equal strength.
        """
        m = self.model
        search = m.scenario.search
        rand = m.random.random
        n_sectors = m.n_sectors
        found: dict[int, int] = {}

        def add(posting: int, channel: int) -> None:
            held = found.get(posting)
            if held is None or STRENGTH[channel] > STRENGTH[held]:
                found[posting] = channel

        pull = [
            self.taste[s]
            + m.experience_pull * math.log1p(self.experience[s] / 12.0)
            - math.log(-math.log(rand() + _TINY) + _TINY)
            for s in range(n_sectors)
        ]
        favourites = sorted(range(n_sectors), key=pull.__getitem__, reverse=True)[: m.sectors_considered]
        own_sector, own_rung = divmod(self.occupation, N_RUNGS) if self.state == EMPLOYED else (-1, -1)

        for j in range(search.public_applications):
            sector = favourites[j % len(favourites)]
            top = m.fitting_rung(sector, self.experience[sector])
            if rand() < search.reach_up:
                top = min(top + 1, N_RUNGS - 1)
            low = min(own_rung if sector == own_sector else 0, top)
            posting = m.sample_posting(sector, low, top, rand())
            if posting >= 0:
                add(posting, PUBLIC)

        if self.ties:
            for _ in range(search.referral_contacts):
                tie = self.ties[int(rand() * len(self.ties))]
                if tie.state != EMPLOYED:
                    continue
                employer = tie.employer
                fit = m.fitting_rung(employer.sector, self.experience[employer.sector])
                for rung in range(fit, -1, -1):  # the best opening at or below the fitting rung
                    if employer.openings[rung] > 0:
                        add(employer.index * N_RUNGS + rung, REFERRAL)
                        break

        if self.state == EMPLOYED and own_rung < N_RUNGS - 1 and self.employer.openings[own_rung + 1] > 0:
            add(self.employer.index * N_RUNGS + own_rung + 1, INTERNAL)
        return found

    def value_of(self, wage: float) -> float:
        """How much the worker likes a job paying ``wage``: log wage plus a little noise."""
        m = self.model
        return math.log(wage) + m.scenario.search.preference_noise * (m.random.random() - 0.5)

    def work_month(self) -> None:
        """Pay and human capital for one month (see :mod:`pathways.simulation.wages`).

        Employed: one more month of tenure, a raise of the sector's
        ``tenure_return`` at each full year, pay lifted to the floor (dollars
        per year), one more month of experience and a little skill in the
        job's sector. Unemployed: skills decay by ``depreciation_per_year``
        (sd units per year) and the spell grows by a month.
        """
        m = self.model
        if self.state == EMPLOYED:
            sector = self.occupation // N_RUNGS
            self.tenure += 1
            if self.tenure % 12 == 0:
                self.wage *= 1.0 + m.tenure_return[sector]
            if self.wage < m.wage_floor:
                self.wage = m.wage_floor
            years = self.experience[sector] / 12.0
            self.skill[sector] += m.learning_per_month * math.exp(-years / m.learning_scale_years)
            self.experience[sector] += 1
        elif self.state == UNEMPLOYED:
            loss = m.decay_per_month
            self.skill = [x - loss for x in self.skill]
            self.months_unemployed += 1


class PlainEmployer(mesa.Agent):
    """One employer with a three-rung ladder in one sector, on its own attributes.

    Lists have one entry per rung (entry, mid, senior): ``base_jobs`` (jobs
    wanted at normal demand), ``target`` (jobs wanted this month),
    ``headcount`` (filled now), ``openings``, ``wage`` (posted, dollars per
    year), the screens ``degree_required``, ``experience_required`` (months in
    the sector) and ``credential_required`` (bit mask), ``months_open``
    (consecutive months with openings), ``surplus`` (share of filled jobs to
    shed this month) and ``hires`` (made this month). ``demand`` is the log
    demand deviation, ``premium`` the firm wage premium, ``bias`` the
    multiplier on the scenario's hiring penalties.
    """

    def __init__(self, model: PlainLabourMarket, index: int, *, sector: int, premium: float, bias: float,
                 base_jobs: list[float], target: list[int], wage: list[float], degree_required: list[bool],
                 experience_required: list[int], credential_required: list[int]) -> None:  # fmt: skip
        super().__init__(model)
        self.index = index
        self.sector = sector
        self.premium = premium
        self.bias = bias
        self.base_jobs = base_jobs
        self.demand = 0.0
        self.target = target
        self.headcount = [0] * N_RUNGS
        self.openings = [0] * N_RUNGS
        self.wage = wage
        self.degree_required = degree_required
        self.experience_required = experience_required
        self.credential_required = credential_required
        self.months_open = [0] * N_RUNGS
        self.surplus = [0.0] * N_RUNGS
        self.hires = [0] * N_RUNGS

    def count_surplus(self) -> None:
        """Share of each rung's filled jobs above this month's target (layoff pressure)."""
        self.surplus = [
            max(h - t, 0) / h if h > 0 else 0.0 for h, t in zip(self.headcount, self.target, strict=True)
        ]

    def step(self) -> None:
        """Update demand, jobs wanted and openings (same rule as ``employers.update_openings``).

        Log demand follows ``d <- persistence * d + shock``; jobs wanted on a
        rung are base jobs times the sector's growth scale times ``exp(d)``,
        rounded; openings are the gap between wanted and filled jobs;
        ``months_open`` counts consecutive months with openings.
        """
        m = self.model
        economy = m.scenario.economy
        self.demand = economy.demand_persistence * self.demand + economy.demand_shock_sd * self.random.gauss(
            0.0, 1.0
        )
        scale = m.sector_scale[self.sector] * math.exp(self.demand)
        for r in range(N_RUNGS):
            wanted = round(self.base_jobs[r] * scale)  # half to even, like np.rint
            openings = max(wanted - self.headcount[r], 0)
            self.months_open[r] = self.months_open[r] + 1 if self.openings[r] > 0 and openings > 0 else 0
            self.target[r] = wanted
            self.openings[r] = openings
        self.hires = [0] * N_RUNGS

    def passes_screens(self, worker: WorkerAgent, rung: int) -> bool:
        """The applicant meets the rung's degree, experience and credential screens.

        Degree and experience screens are waived once the rung has had
        openings for ``screen_waiver_months``; credential screens never are.
        """
        if self.months_open[rung] < self.model.scenario.hiring.screen_waiver_months:
            if self.degree_required[rung] and worker.education < BA_PLUS:
                return False
            if worker.experience[self.sector] < self.experience_required[rung]:
                return False
        need = self.credential_required[rung]
        return worker.credentials & need == need

    def score(self, worker: WorkerAgent, channel: int) -> float:
        """The employer's score of an applicant (see :mod:`pathways.simulation.screening`)."""
        m = self.model
        h = m.scenario.hiring
        s = self.sector
        value = (
            h.skill_weight * worker.skill[s]
            + h.soft_skill_weight * worker.soft_skill
            + h.experience_weight * math.log1p(worker.experience[s] / 12.0)
            - self.bias * m.group_penalty[worker.group][s]
            + h.noise_sd * self.random.gauss(0.0, 1.0)
        )
        if channel == REFERRAL:
            value += h.referral_bonus
        elif channel == INTERNAL:
            value += h.internal_bonus
        return value


class PlainLabourMarket(mesa.Model):
    """The core monthly cycle with one :class:`WorkerAgent` per worker.

    Built from a validated scenario and a seed; the first state is copied from
    ``LabourMarket(scenario, seed)``. Each :meth:`step` runs, in order:
    separations, each employer's step, job search, screening and scoring,
    matching and hires, then pay and skills. Month numbering follows the array
    model: the first month is ``-burn_in_months``.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.month = -scenario.run.burn_in_months
        self._copy_parameters(scenario)
        start = LabourMarket(scenario, seed)
        self._copy_parameters_from(start)
        self._copy_employers(start)
        self._copy_workers(start)

    # ------------------------------------------------------------ construction

    def _copy_parameters(self, sc: Scenario) -> None:
        self.n_sectors = len(sc.sectors)
        self.labour_force = sc.labour_force
        self.experience_pull = sc.sorting.experience_pull
        self.sectors_considered = min(sc.search.sectors_considered, self.n_sectors)
        self.rung_weight = [math.exp(sc.search.aim_high * r) for r in range(N_RUNGS)]
        self.learning_per_month = sc.skills.learning_per_year / 12.0
        self.learning_scale_years = sc.skills.learning_scale_years
        self.decay_per_month = sc.skills.depreciation_per_year / 12.0

    def _copy_parameters_from(self, start: LabourMarket) -> None:
        # Per-sector parameters exactly as the array model derives them.
        job_search, employers = start.module("job_search"), start.module("employers")
        self.separation_rate = start.module("separations").separation_rate.tolist()
        self.tenure_return = start.module("pay").tenure_return.tolist()
        self.rung_months = job_search.rung_months.tolist()
        self.hire_threshold = job_search.hire_threshold.tolist()
        self.sector_growth = employers.growth.tolist()
        self.sector_share0 = employers.share0.tolist()
        self.sector_scale = [1.0] * self.n_sectors
        self.group_penalty = job_search.group_penalty.tolist()
        self.wage_floor = float(start.wage_floor)

    def _copy_employers(self, start: LabourMarket) -> None:
        t = start.employers
        columns = {
            name: getattr(t, name).tolist()
            for name in ("sector", "premium", "bias", "base_jobs", "target", "wage", "degree_required",
                         "experience_required", "credential_required")
        }  # fmt: skip
        self.employers = [
            PlainEmployer(self, e, **{name: values[e] for name, values in columns.items()})
            for e in range(t.n)
        ]
        self.by_sector = [[e for e in self.employers if e.sector == s] for s in range(self.n_sectors)]

    def _copy_workers(self, start: LabourMarket) -> None:
        w = start.workers
        col = {
            name: getattr(w, name).tolist()
            for name in ("group", "education", "skill", "soft_skill", "experience", "taste", "credentials",
                         "state", "employer", "occupation", "wage", "tenure", "months_unemployed",
                         "last_wage", "channel", "ties")
        }  # fmt: skip
        self.workers: list[WorkerAgent] = []
        for i in range(w.n):
            person = WorkerAgent(
                self, i, group=col["group"][i], education=col["education"][i], skill=col["skill"][i],
                soft_skill=col["soft_skill"][i], experience=col["experience"][i], taste=col["taste"][i],
                credentials=col["credentials"][i],
            )  # fmt: skip
            person.state = col["state"][i]
            person.months_unemployed = col["months_unemployed"][i]
            person.last_wage = col["last_wage"][i]
            if person.state == EMPLOYED:
                employer = self.employers[col["employer"][i]]
                person.start_job(employer, col["occupation"][i] % N_RUNGS, col["wage"][i], col["channel"][i])
                person.tenure = col["tenure"][i]
            self.workers.append(person)
        for person, ties in zip(self.workers, col["ties"], strict=True):
            person.ties = [self.workers[j] for j in ties if j >= 0]

    # ------------------------------------------------------------ helpers

    def fitting_rung(self, sector: int, experience_months: int) -> int:
        """Highest rung of ``sector`` whose usual experience requirement is met (0..2)."""
        need = self.rung_months[sector]
        return (experience_months >= need[1]) + (experience_months >= need[2])

    def _index_postings(self) -> None:
        """Arrange this month's open postings for weighted sampling by sector and rung.

        Per sector: postings ordered by rung, the running sum of their weights
        (openings * exp(aim_high * rung)), and where each rung starts in it.
        """
        self._posts, self._cum, self._bounds = [], [], []
        for employers in self.by_sector:
            posts, cum, bounds, total = [], [], [0.0], 0.0
            for r in range(N_RUNGS):
                weight = self.rung_weight[r]
                for e in employers:
                    if e.openings[r] > 0:
                        total += e.openings[r] * weight
                        posts.append(e.index * N_RUNGS + r)
                        cum.append(total)
                bounds.append(total)
            self._posts.append(posts)
            self._cum.append(cum)
            self._bounds.append(bounds)

    def sample_posting(self, sector: int, low: int, top: int, u: float) -> int:
        """An open posting of ``sector`` on rungs ``low..top`` picked by weight with uniform ``u``, or -1."""
        bounds = self._bounds[sector]
        lo, hi = bounds[low], bounds[top + 1]
        if hi <= lo:
            return -1
        cum = self._cum[sector]
        pos = bisect_right(cum, lo + u * (hi - lo))
        return self._posts[sector][min(pos, len(cum) - 1)]

    def count(self, state: int) -> int:
        """Number of workers in ``state``."""
        return sum(1 for w in self.workers if w.state == state)

    @property
    def unemployment_rate(self) -> float:
        """Unemployed over employed plus unemployed."""
        employed, unemployed = self.count(EMPLOYED), self.count(UNEMPLOYED)
        return unemployed / max(employed + unemployed, 1)

    # ------------------------------------------------------------ the month

    def step(self) -> None:
        """One month of the core rules."""
        for employer in self.employers:
            employer.count_surplus()
        for worker in self.workers:
            worker.separate()
        self._update_sector_scale()
        self.agents_by_type[PlainEmployer].do("step")
        self._search_and_match()
        for worker in self.workers:
            worker.work_month()
        self.month += 1

    def _update_sector_scale(self) -> None:
        # Sector growth applies from the first recorded month (month 0), as in the array model.
        if self.month < 0:
            return
        years = self.month / 12.0
        grown = [s * (1.0 + g) ** years for s, g in zip(self.sector_share0, self.sector_growth, strict=True)]
        total = sum(grown)
        self.sector_scale = [x / total / s for x, s in zip(grown, self.sector_share0, strict=True)]

    def _search_and_match(self) -> None:
        """Search, screening, scoring, ranking, deferred acceptance and hires."""
        sc = self.scenario
        rand = self.random.random
        on_the_job = sc.search.on_the_job_search
        premium = 1.0 + sc.search.job_change_premium
        employers = self.employers
        self._index_postings()

        # Each searcher's acceptable applications, best first, as flat lists.
        who: list[WorkerAgent] = []
        ptr, post, score, channel = [0], [], [], []
        for worker in self.workers:
            state = worker.state
            if not (state == UNEMPLOYED or (state == EMPLOYED and rand() < on_the_job)):
                continue
            ranked = []
            for posting, ch in worker.applications().items():
                employer = employers[posting // N_RUNGS]
                rung = posting % N_RUNGS
                if not employer.passes_screens(worker, rung):
                    continue
                s = employer.score(worker, ch)
                offered = employer.wage[rung]
                if s < self.hire_threshold[employer.sector][rung]:
                    continue
                if worker.wage > 0 and offered < worker.wage * premium:
                    continue
                ranked.append((worker.value_of(offered), posting, s, ch))
            if not ranked:
                continue
            # Most preferred first; equal values go to the lower posting index.
            ranked.sort(key=lambda a: (-a[0], a[1]))
            who.append(worker)
            for _, posting, s, ch in ranked:
                post.append(posting)
                score.append(s)
                channel.append(ch)
            ptr.append(len(post))

        capacity = [o for e in employers for o in e.openings]
        match = deferred_acceptance_reference(ptr, post, score, capacity).tolist()
        for i, posting in enumerate(match):
            if posting < 0:
                continue
            k = post.index(posting, ptr[i], ptr[i + 1])
            employer, rung = employers[posting // N_RUNGS], posting % N_RUNGS
            who[i].start_job(employer, rung, max(employer.wage[rung], self.wage_floor), channel[k])
            employer.hires[rung] += 1

    # ------------------------------------------------------------ checks

    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests)."""
        headcount = {id(e): [0] * N_RUNGS for e in self.employers}
        for w in self.workers:
            assert w.state in (EMPLOYED, UNEMPLOYED, OUT), "unknown state"
            if w.state == EMPLOYED:
                assert w.employer is not None and w.occupation >= 0, "employed without a job"
                assert w.employer.sector == w.occupation // N_RUNGS, "job outside employer's sector"
                assert w.wage >= self.wage_floor - 1e-3, "wage below the floor"
                headcount[id(w.employer)][w.occupation % N_RUNGS] += 1
            else:
                assert w.employer is None and w.occupation == -1 and w.wage == 0.0, "job kept after leaving"
        for e in self.employers:
            assert e.headcount == headcount[id(e)], "headcount out of step"
            assert all(h <= o for h, o in zip(e.hires, e.openings, strict=True)), "more hires than openings"


def with_workers(scenario: Scenario, workers: int) -> Scenario:
    """A copy of ``scenario`` with ``run.workers`` set to ``workers``."""
    return scenario.model_copy(update={"run": scenario.run.model_copy(update={"workers": int(workers)})})


def run_plain(scenario: Scenario | str | Path, workers: int, months: int, seed: int = 1) -> dict:
    """Build the plain model with ``workers`` workers and time ``months`` steps.

    ``scenario`` is a loaded scenario or a scenario file (path or built-in
    name). Construction (which includes building the array model's first
    state) is timed separately as ``init_seconds``. Returns workers, months,
    seconds (monthly loop only), init_seconds, worker_months_per_second and
    the unemployment rate at the end.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_workers(scenario, workers)
    t0 = time.perf_counter()
    model = PlainLabourMarket(scenario, seed)
    init_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    seconds = time.perf_counter() - t0
    return {
        "workers": workers,
        "months": months,
        "seconds": seconds,
        "init_seconds": init_seconds,
        "worker_months_per_second": workers * months / seconds if seconds > 0 else float("inf"),
        "unemployment_rate": model.unemployment_rate,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the plain one-object-per-worker Mesa model.")
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
