"""The labour market: a Mesa model that runs the monthly cycle.

Employers, trainers and intermediaries are Mesa agents with their own
``step``. Workers are rows of :class:`~.workers.Workers` arrays; each worker
rule is one vectorised pass in the module named for it. This class only
orchestrates, in the order of the design:

0. policies that start this month       (policies.py)
1. ageing, retirement and entry          (demography.py)
2. separations and labour-force exits    (separations.py)
3. employers update demand and openings  (employers.py, agents)
4. trainers run their programs           (programs.py, agents)
5. enrolment decisions and admissions    (enrolment.py, programs.py)
6. navigators and placement teams        (intermediaries.py, agents)
7. job search, screening, matching       (search.py, screening.py, matching.py)
8. pay, experience and skills            (wages.py)
9. savings, benefits and debt            (finances.py)
10. metrics, program funnel, mobility, trial   (metrics.py, funnel.py, mobility.py, trial.py)

Month numbering: the burn-in runs months ``-burn_in .. -1``; recorded
months are ``0 .. months - 1``.
"""

from __future__ import annotations

import mesa
import numpy as np

from . import demography, finances, matching, programs, screening, search, separations, wages
from .costs import Ledger
from .eligibility import eligible
from .employers import N_RUNGS, Employer, build_employer_table, update_openings
from .enrolment import enrolment_value, wants_to_enrol
from .funnel import Funnel
from .initial_jobs import assign_initial_jobs
from .intermediaries import Navigator, PlacementTeam
from .metrics import MetricsRecorder
from .mobility import MobilityTracker
from .network import draw_ties
from .policies import PolicyState
from .population import draw_people, group_arrays
from .programs import ProgramRun, Trainer
from .randomness import Streams, pair_uniform
from .scenario import Scenario
from .trial import SyntheticTrial
from .workers import NO_ONE, Channel, State, Workers


class LabourMarket(mesa.Model):
    """A metro labour market simulated month by month.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (see :func:`~.scenario.load_scenario`).
    seed : int, optional
        Overrides ``scenario.run.seed``. Same scenario and seed give
        identical results.
    """

    # Employers' monthly rule runs over all of them in one vectorised call;
    # set True to call each Employer agent's step in turn instead (same result).
    step_agents_one_by_one = False
    # Keep the last month's matching problem (ptr, post, score, capacity) for
    # inspection and benchmarks.
    keep_matching_problem = False

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed = seed
        self.streams = Streams(seed)
        self._draws: dict[str, np.ndarray] = {}
        self.month = -scenario.run.burn_in_months

        sc = scenario
        self.sector_names = list(sc.sectors)
        self.group_names = list(sc.groups)
        sectors = list(sc.sectors.values())
        n = sc.run.workers

        # Parameters as arrays, indexed by sector / (sector, rung) / group.
        self.separation_rate = np.array([s.separation_rate for s in sectors])
        self.tenure_return = np.array([s.tenure_return for s in sectors])
        self.rung_months = np.array([[r.experience_months for r in s.ladder] for s in sectors])
        self.hire_threshold = np.array([[r.hire_threshold for r in s.ladder] for s in sectors])
        self.sector_growth = np.array([s.growth_per_year for s in sectors])
        self.sector_share0 = np.array([s.job_share for s in sectors])
        self.sector_scale = np.ones(len(sectors))
        ga = group_arrays(sc)
        race_pen = np.array([sc.hiring.race_penalty.get(g.race, 0.0) for g in sc.groups.values()])
        women_pen = np.array([sc.hiring.women_penalty.get(s, 0.0) for s in self.sector_names])
        self.group_penalty = race_pen[:, None] + ga["is_woman"][:, None] * women_pen[None, :]
        self.wage_floor = sc.economy.minimum_wage_hourly * sc.economy.hours_per_year
        self.demand_persistence = sc.economy.demand_persistence
        self.demand_shock = np.zeros(0)

        # Workers.
        self.workers = Workers.empty(n, len(sectors), sc.network.ties, sc.network.extra_tie_slots)
        draw_people(self.workers, np.arange(n), sc, self.streams["population"], entrants=False)
        self.workers.ties[:, : sc.network.ties] = draw_ties(
            self.workers.group, sc.network.ties, sc.network.homophily, self.streams["network"]
        )
        self.workers.n_ties[:] = sc.network.ties
        self.next_person = n

        # Employers.
        n_employers = max(len(sectors), round(n / sc.run.workers_per_employer))
        self.employers = build_employer_table(sc, n, n_employers, self.streams["employers"])
        self.employer_agents = [Employer(self, e) for e in range(self.employers.n)]
        assign_initial_jobs(self.workers, self.employers, sc, self.streams["initial_jobs"])

        # Trainers and their programs; intermediaries; policies; outcome trackers.
        self.ledger = Ledger()
        self.funnel = Funnel()
        self.policy = PolicyState(sc.policies)
        credential_bit = {c: 1 << k for k, c in enumerate(sc.credentials)}
        self.programs: list[ProgramRun] = []
        for trainer in sc.trainers.values():
            runs = []
            for key, p in trainer.programs.items():
                sector = self.sector_names.index(p.sector)
                # A program prepares for the rung that asks for its credential (else entry).
                ladder = sc.sectors[p.sector].ladder
                rung = next(
                    (k for k, r in enumerate(ladder) if p.credential and r.credential == p.credential), 0
                )
                run = ProgramRun(
                    len(self.programs), key, p, sector, rung, credential_bit.get(p.credential, 0), n,
                    self.draw_partners(sector, p.partner_share, key),
                )  # fmt: skip
                self.programs.append(run)
                runs.append(run)
            Trainer(self, trainer.name, runs)
        by_key = {p.key: p for p in self.programs}
        self.navigators: list[Navigator] = []
        self.placement_teams: list[PlacementTeam] = []
        for spec in sc.intermediaries.values():
            if spec.kind == "navigator":
                self.navigators.append(Navigator(self, len(self.navigators), spec, n))
            else:
                served = [by_key[k] for k in spec.programs]
                self.placement_teams.append(PlacementTeam(self, spec, served, self.employers.n))
        self.handoff_bonus = max((team.spec.handoff_bonus for team in self.placement_teams), default=0.0)
        self.trial = None
        if sc.trial is not None:
            self.trial = SyntheticTrial(sc.trial, by_key[sc.trial.program].index)
        self.earnings_by_group = np.zeros(len(self.group_names))  # dollars earned in recorded months
        self.mobility = MobilityTracker(
            sc.outcomes.low_wage_threshold, sc.outcomes.mobility_years, sc.run.months
        )
        # Typical entry pay: what a job seeker with no recent job expects without training.
        entry = np.array([s.ladder[0].wage for s in sectors])
        self.entry_wage = float(np.dot(entry, self.sector_share0))

        self.metrics = MetricsRecorder(
            self.group_names, self.sector_names, sc.meta.reference_group, sc.economy.good_job_wage
        )
        self.metrics.snapshot(self.workers)
        self.hires_this_month = np.zeros(0, dtype=np.int8)  # Channel of each hire this month
        self.hired_postings = np.zeros(0, dtype=np.int64)  # posting of each hire this month

    # ------------------------------------------------------------------ helpers

    @property
    def elapsed(self) -> int:
        """Months simulated so far, burn-in included (0 in the first month)."""
        return self.month + self.scenario.run.burn_in_months

    def draws(self, name: str) -> np.ndarray:
        """This month's uniform draw per worker from stream ``name`` (shape (n,), float32)."""
        u = self._draws.get(name)
        if u is None:
            u = self._draws[name] = self.streams[name].random(self.workers.n, dtype=np.float32)
        return u

    def draw_partners(self, sector: int, share: float, key: str) -> np.ndarray:
        """Partner employers of a program: a share of the sector's employers, largest first.

        Sector partnerships are built with the large employers that hire in
        volume; ``key`` names the program (partners do not depend on order).
        """
        t = self.employers
        in_sector = np.flatnonzero(t.sector == sector)
        # A program with partners has at least one, however small the market.
        k = max(round(share * in_sector.size), 1 if share > 0 else 0)
        if k == 0 or in_sector.size == 0:
            return np.zeros(0, dtype=np.int64)
        size = t.base_jobs[in_sector].sum(axis=1)
        return np.sort(in_sector[np.argsort(-size, kind="stable")[:k]])

    def eligible(self, rule, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): which workers ``idx`` meet an eligibility block (see eligibility.py)."""
        return eligible(
            rule, self.workers, idx, self.group_names, self.sector_names, self.scenario.credentials
        )

    @property
    def partner_mask(self) -> np.ndarray:
        """Bool (E,): employers partnering with any program."""
        mask = np.zeros(self.employers.n, dtype=bool)
        for p in self.programs:
            mask[p.partners] = True
        return mask

    def headcount(self) -> np.ndarray:
        """Filled jobs per employer and rung, int (E, 3)."""
        w = self.workers
        emp = w.state == State.EMPLOYED
        slot = w.employer[emp].astype(np.int64) * N_RUNGS + w.occupation[emp] % N_RUNGS
        return np.bincount(slot, minlength=self.employers.n * N_RUNGS).reshape(-1, N_RUNGS)

    # ------------------------------------------------------------------ the month

    def step(self) -> None:
        self._draws.clear()
        if self.month == 0:
            # Spending is reported over the recorded months only.
            self.ledger = Ledger()
        if self.month >= 0:
            self.policy.start(self)
        self._demography()
        self._separations()
        self._employers()
        if Trainer in self.agents_by_type:
            self.agents_by_type[Trainer].do("step")
        self._enrolment()
        for agent in (*self.navigators, *self.placement_teams):
            agent.step()
        self._search_and_match()
        self._pay_and_skills()
        self._money()
        w = self.workers
        w.months_unemployed[w.state == State.UNEMPLOYED] += 1
        self.funnel.follow(w, self.elapsed)
        if self.month >= 0:
            self.metrics.record(self.month, w, self.hires_this_month, int(self.employers.openings.sum()))
            pay = np.where(w.state == State.EMPLOYED, w.wage / 12.0, 0.0)
            self.earnings_by_group += np.bincount(w.group, weights=pay, minlength=len(self.group_names))
            self.mobility.observe(w, self.month, self.group_names)
            if self.trial is not None:
                self.trial.record(w, self.month)
        self.metrics.snapshot(w)
        self.month += 1

    def run(self, months: int | None = None) -> None:
        """Run the burn-in (if not yet run) and ``months`` recorded months."""
        months = self.scenario.run.months if months is None else months
        while self.month < months:
            self.step()

    def _demography(self) -> None:
        idx = demography.retirees(self.workers, self.scenario.labour_force.exit_age)
        demography.replace(self.workers, idx, self.scenario, self.streams["entrants"], self.next_person)
        self.next_person += idx.size

    def _separations(self) -> None:
        w, t, lf = self.workers, self.employers, self.scenario.labour_force
        t.headcount[:] = self.headcount()
        code = separations.separations(
            w.state == State.EMPLOYED, w.employer, w.occupation, w.tenure, w.coach_factor, w.program,
            t.sector, separations.surplus_rate(t.headcount, t.target), self.separation_rate,
            lf.new_job_multiplier, lf.new_job_months, lf.leave_from_employment,
            self.draws("separation"), self.draws("leave_force"),
        )  # fmt: skip
        coached = np.flatnonzero(w.coached_left > 0)
        w.coached_left[coached] -= 1
        w.coach_factor[coached[w.coached_left[coached] == 0]] = 1.0
        leave_force = np.flatnonzero(code == separations.TO_OUT)
        lose_job = np.flatnonzero(code == separations.TO_UNEMPLOYMENT)
        for gone in (leave_force, lose_job):
            slot = w.employer[gone].astype(np.int64) * N_RUNGS + w.occupation[gone] % N_RUNGS
            t.headcount -= np.bincount(slot, minlength=t.headcount.size).reshape(t.headcount.shape)
        w.leave_jobs(leave_force, State.OUT)
        w.leave_jobs(lose_job, State.UNEMPLOYED)
        w.ui_months_left[lose_job] = self.scenario.finances.ui_months

        # Movements between unemployment and out of the labour force.
        u = self.draws("participation")
        unemployed = np.flatnonzero((w.state == State.UNEMPLOYED) & (w.program < 0))
        out = np.flatnonzero(w.state == State.OUT)
        w.set_state(unemployed[u[unemployed] < lf.leave_from_unemployment], State.OUT)
        back = out[u[out] < lf.return_rate]
        w.set_state(back, State.UNEMPLOYED)
        w.months_unemployed[back] = 0

    def _employers(self) -> None:
        t, eco = self.employers, self.scenario.economy
        if self.month >= 0:
            grown = self.sector_share0 * (1.0 + self.sector_growth) ** (self.month / 12.0)
            self.sector_scale = grown / grown.sum() / self.sector_share0
        self.demand_shock = eco.demand_shock_sd * self.streams["demand"].standard_normal(t.n)
        # t.headcount is up to date: set and reduced in _separations.
        if self.step_agents_one_by_one:
            for agent in self.employer_agents:
                agent.step()
        else:
            update_openings(t, slice(None), self.sector_scale, self.demand_shock, self.demand_persistence)

    def _enrolment(self) -> None:
        starting = [p for p in self.programs if p.starts_cohort(self.month)]
        if not starting:
            return
        w, en = self.workers, self.scenario.enrolment
        looks = self.draws("enrolment_interest")
        boost = np.zeros(w.n, dtype=np.float64)
        for nav in self.navigators:
            boost[w.navigator == nav.index] = nav.spec.information_boost
        free = ((w.state == State.UNEMPLOYED) | (w.state == State.EMPLOYED)) & (w.program < 0)
        looking = np.flatnonzero(free & (looks < en.consider_rate * (1.0 + boost)))
        # People look only at programs in the sectors they are most drawn to.
        pull = search.sector_pull(
            w.taste[looking], w.experience[looking], self.scenario.sorting.experience_pull
        )
        k = min(self.scenario.search.sectors_considered, pull.shape[1])
        drawn_to = np.argsort(-pull, axis=1, kind="stable")[:, :k]
        for program in starting:
            candidates = looking[
                free[looking]
                & (drawn_to == program.sector).any(axis=1)
                & ((w.credentials[looking] & np.uint16(program.credential_bit)) == 0)
            ]
            candidates = candidates[self.eligible(program.spec.eligibility, candidates)]
            if self.trial is not None and self.trial.program == program.index:
                candidates = candidates[~self.trial.embargoed(w, candidates, self.month)]
            applicants, price = self._applicants(program, candidates)
            applicants, price = self._admission_order(program, applicants, price, boost)
            arm = -1
            if (
                self.trial is not None
                and self.trial.program == program.index
                and self.trial.in_intake(self.month)
            ):
                offered = self.trial.assign(
                    w, applicants, program.seats, self.draws("trial_lottery"), self.month
                )
                controls = applicants[w.trial_arm[applicants] == 0]
                self.funnel.add(w, controls, program.index, self.elapsed, arm=0)
                keep = np.isin(applicants, offered)
                applicants, price, arm = applicants[keep], price[keep], 1
            else:
                applicants, price = applicants[: program.seats], price[: program.seats]
            admitted = programs.admit(self, program, applicants, price, arm)
            free[admitted] = False

    def _applicants(self, program: ProgramRun, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates who decide to apply, and the up-front price each would pay (dollars)."""
        w, en, t, spec = self.workers, self.scenario.enrolment, self.employers, program.spec
        employed = w.state[candidates] == State.EMPLOYED
        pay = np.where(employed, w.wage[candidates], np.maximum(w.last_wage[candidates], self.entry_wage))
        waived = self.policy.tuition_waived(self, program, candidates)
        price = np.where(waived, 0.0, program.price)
        financing = program.financing
        hours = self.scenario.economy.hours_per_year
        if financing == "labor_management":
            target = pay * (1.0 + spec.wage_step)
        else:
            target = float(np.mean(t.wage[t.sector == program.sector, program.target_rung]))
        guaranteed = financing in programs.PAID_MODELS
        success = en.perceived_completion * (1.0 if guaranteed else en.perceived_placement)
        training_wage = program.training_wage * hours if financing == "apprenticeship" else 0.0
        # Apprentices give up their old job for the paid one; incumbents keep theirs.
        leaves_job = employed & (program.unpaid_full_time or financing == "apprenticeship")
        income = training_wage / 12.0 + self.policy.stipend(self, program, candidates)
        isa = financing == "isa"
        value, borrowed = enrolment_value(
            pay, w.savings[candidates], price, leaves_job,
            target_wage=target, duration_months=spec.duration_months, training_income=income,
            success=success,
            isa_share=np.where(waived, 0.0, spec.isa_share) if isa else 0.0,
            isa_floor=spec.isa_floor, isa_months=spec.isa_months, isa_cap=spec.isa_cap,
            horizon_years=en.horizon_years, discount_per_year=en.discount_per_year,
            debt_aversion=en.debt_aversion,
        )  # fmt: skip
        # Existing debt uses up what a worker can still borrow.
        capacity = np.maximum(en.borrowing_limit - w.debt[candidates], 0.0)
        keen = wants_to_enrol(value, borrowed, capacity)
        return candidates[keen], price[keen]

    def _admission_order(
        self, program: ProgramRun, applicants: np.ndarray, price: np.ndarray, boost: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Applicants in the order seats are given: first come, lottery, or targeted (lowest savings)."""
        w = self.workers
        mode = program.spec.admission
        if mode == "lottery":
            key = self.draws("admission_lottery")[applicants]
            order = np.argsort(key, kind="stable")
        elif mode == "targeted":
            order = np.lexsort((self.draws("enrolment_order")[applicants], w.savings[applicants]))
        else:
            # Navigator clients hear early and apply first.
            arrival = self.draws("enrolment_order")[applicants] - (boost[applicants] > 0)
            order = np.argsort(arrival, kind="stable")
        return applicants[order], price[order]

    def search_settings(self) -> dict:
        """Keyword arguments of :func:`search.build_applications` for this month."""
        sc = self.scenario
        return dict(
            public_applications=sc.search.public_applications,
            referral_contacts=sc.search.referral_contacts,
            sectors_considered=sc.search.sectors_considered,
            experience_pull=sc.sorting.experience_pull,
            reach_up=sc.search.reach_up,
            aim_high=sc.search.aim_high,
            month=self.elapsed,
            key=self.streams.key("search"),
            key_extra=self.streams.key("search_extra"),
        )

    def _search_and_match(self) -> None:
        w, sc = self.workers, self.scenario
        unemployed = w.state == State.UNEMPLOYED
        on_job = (w.state == State.EMPLOYED) & (self.draws("on_the_job_search") < sc.search.on_the_job_search)
        searchers = np.flatnonzero(unemployed | (on_job & (w.program < 0)))
        apps = self._applications(searchers)
        apps, score, offered, bonus = self._screen_and_score(apps)
        self._match_and_hire(searchers, apps, score, offered, bonus)

    def _applications(self, searchers: np.ndarray) -> search.Applications:
        """Public, referral, internal and navigator applications, plus placement teams' hand-offs."""
        w = self.workers
        extra = np.zeros(searchers.shape[0], dtype=np.int64)
        client = w.navigator[searchers]
        for nav in self.navigators:
            extra[client == nav.index] = nav.spec.extra_applications
        apps = search.build_applications(searchers, w, self.employers, self.rung_months, extra,
                                         **self.search_settings())  # fmt: skip
        for team in self.placement_teams:
            rows, posts = team.applications(searchers, self.elapsed, self.streams.key("handoffs"))
            handoffs = np.full(rows.size, Channel.HANDOFF, np.int8)
            apps = search.merge(apps, search.Applications(searchers[rows], posts, handoffs, rows))
        return apps

    def _screen_and_score(self, apps: search.Applications):
        """Applications passing the screens and hiring bar: (apps, score, pay offered, incentive bonus)."""
        w, t, sc, h = self.workers, self.employers, self.scenario, self.scenario.hiring
        apps = apps.select(screening.passes_screens(apps, w, t, t.waived(h.screen_waiver_months)))
        e, r = apps.posting // N_RUNGS, apps.posting % N_RUNGS
        bonus = self.policy.incentive_bonus(self, apps.searcher, t.sector[e])
        score = screening.score_applicants(
            apps, w, t, self.group_penalty,
            pair_uniform(self.streams.key("hiring_noise"), self.elapsed, apps.searcher, apps.posting),
            skill_weight=h.skill_weight, soft_skill_weight=h.soft_skill_weight,
            experience_weight=h.experience_weight, referral_bonus=h.referral_bonus,
            internal_bonus=h.internal_bonus, handoff_bonus=self.handoff_bonus, noise_sd=h.noise_sd,
        ) + bonus  # fmt: skip
        offered = np.maximum(t.wage[e, r], self.policy.wage_floor(self, e, r, apps.channel))
        current = w.wage[apps.searcher]
        # The employed move only for enough of a raise.
        worth_it = np.where(current > 0, offered >= current * (1.0 + sc.search.job_change_premium), True)
        keep = (score >= self.hire_threshold[t.sector[e], r]) & worth_it
        return apps.select(keep), score[keep], offered[keep], bonus[keep]

    def _match_and_hire(self, searchers, apps: search.Applications, score, offered, bonus) -> None:
        """Searchers rank by pay (with noise), postings by score; deferred acceptance; hires."""
        w, t, sc = self.workers, self.employers, self.scenario
        noise = pair_uniform(self.streams.key("preference_noise"), self.elapsed, apps.searcher, apps.posting)
        utility = np.log(offered) + sc.search.preference_noise * (noise - 0.5)
        ptr, order = matching.ranking_order(apps.row, apps.posting, utility, searchers.shape[0])
        post = apps.posting[order]
        capacity = t.openings.ravel()
        match = matching.deferred_acceptance(ptr, post, score[order], capacity)
        if self.keep_matching_problem:
            self.matching_problem = (ptr, post, score[order], capacity.copy())
        app = order[matching.matched_application(ptr, post, match)[match >= 0]]

        hired = searchers[np.flatnonzero(match >= 0)]
        chosen = apps.posting[app]
        channel = apps.channel[app]
        he, hr = chosen // N_RUNGS, chosen % N_RUNGS
        wage = np.maximum(offered[app], self.wage_floor)
        occupation = (t.sector[he] * N_RUNGS + hr).astype(np.int16)
        w.start_jobs(hired, he.astype(np.int32), occupation, wage.astype(np.float32), channel)
        for team in self.placement_teams:
            team.coach(hired)
        self.policy.book_incentives(self, int((bonus[app] > 0).sum()))
        self.hires_this_month = channel
        self.hired_postings = chosen
        hires = np.bincount(chosen, minlength=capacity.size).reshape(t.openings.shape)
        t.unfilled[:] = np.maximum(t.openings - hires, 0)

    def _pay_and_skills(self) -> None:
        sk = self.scenario.skills
        wages.month_of_work(
            self.workers, self.tenure_return, self.wage_floor, sk.learning_per_year, sk.learning_scale_years,
            sk.depreciation_per_year,
        )  # fmt: skip

    def _money(self) -> None:
        f, w = self.scenario.finances, self.workers
        stipend = np.zeros(w.n)
        if self.month >= 0:
            for program in self.programs:
                trainees = program.trainees(w)
                stipend[trainees] = self.policy.stipend(self, program, trainees)
            self.ledger.add("public", "training_stipends", float(stipend.sum()))
        isa = finances.month_of_money(
            w, stipend, monthly_expenses=f.monthly_expenses, savings_rate=f.savings_rate,
            ui_replacement=f.ui_replacement, debt_interest_per_year=f.debt_interest_per_year,
            repayment_share=f.repayment_share, credit_limit=f.credit_limit,
        )  # fmt: skip
        self.ledger.add("worker", "isa_payments", float(isa.sum()))

    # ------------------------------------------------------------------ checks

    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests)."""
        w, t = self.workers, self.employers
        w.check(t.n, len(self.sector_names) * N_RUNGS)
        emp = w.state == State.EMPLOYED
        assert (t.sector[w.employer[emp]] == w.occupation[emp] // N_RUNGS).all(), (
            "job outside employer's sector"
        )
        assert (w.wage[emp] >= self.wage_floor - 1e-3).all(), "wage below the floor"
        assert not np.isin(w.navigator, [NO_ONE, *range(len(self.navigators))], invert=True).any()
