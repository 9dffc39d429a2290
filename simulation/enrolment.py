"""Workers' decisions to enrol in a training program.

A worker who looks at a program this month (a small monthly chance, raised by
a career navigator's information) applies when the expected gain beats the
expected cost and the money can be found. All money in dollars; wages in
dollars per year; durations in months.

    gain = P(success) * (pay after - reference pay) * PV of $1/year over the horizon

P(success) is the chance of completing times the chance of then finding the
job (1 when the job is guaranteed: apprenticeships, incumbents). The
reference pay is current pay, or for a job seeker the pay it expects anyway.

    cost = price + debt aversion * amount borrowed
         + (1 + debt aversion) * expected ISA payments
         + pay given up while training - income received while training

A worker cannot borrow more than the borrowing limit less the debt already owed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import programs
from .eligibility import one_of
from .module import Module
from .order_statistics import smallest
from .programs import PAID_MODELS, ProgramRun
from .search import sector_pull
from .trial import COMPARISON_PER_SEAT
from .workers import State

if TYPE_CHECKING:
    from .model import LabourMarket


def annuity(years: float, discount_per_year: float) -> float:
    """Present value of one dollar a year for ``years`` years (continuous discounting)."""
    if discount_per_year == 0:
        return years
    return (1.0 - np.exp(-discount_per_year * years)) / discount_per_year


def enrolment_value(
    reference_wage: np.ndarray,
    savings: np.ndarray,
    price: np.ndarray,
    leaves_job: np.ndarray,
    *,
    target_wage: float | np.ndarray,
    duration_months: int,
    training_income: np.ndarray | float,
    success: float,
    isa_share: float = 0.0,
    isa_floor: float = 0.0,
    isa_months: int = 0,
    isa_cap: float = 0.0,
    horizon_years: float | np.ndarray,
    discount_per_year: float,
    debt_aversion: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Net value of enrolling and the amount borrowed, per candidate (arrays of shape (m,)).

    reference_wage: pay without training, dollars/year. savings: dollars.
    price: up-front price each would pay (0 where waived).
    leaves_job: bool, training means giving up the current pay.
    training_income: dollars per month received while training (wage, stipend).
    """
    borrowed = np.maximum(price - savings, 0.0)
    gain = success * (target_wage - reference_wage) * annuity(horizon_years, discount_per_year)
    # An ISA takes a share of all pay once pay is above the floor (as finances.py collects it).
    isa = isa_share * np.where(np.asarray(target_wage) > isa_floor, target_wage, 0.0) * isa_months / 12.0
    if isa_cap > 0:
        isa = np.minimum(isa, isa_cap)
    months = duration_months
    given_up = np.where(leaves_job, reference_wage * months / 12.0, 0.0)
    cost = price + debt_aversion * borrowed + (1.0 + debt_aversion) * success * isa
    cost = cost + given_up - np.asarray(training_income) * months
    return gain - cost, borrowed


def wants_to_enrol(
    value: np.ndarray, borrowed: np.ndarray, borrowing_limit: float | np.ndarray
) -> np.ndarray:
    """Bool: apply when the value is positive and the loan is within reach.

    borrowing_limit: dollars each can still borrow (scalar or (m,)).
    """
    return (value > 0) & (borrowed <= borrowing_limit)


class Enrolment(Module):
    """Who looks at the programs starting a cohort this month, who applies, and who gets a seat.

    Admission itself (paying, leaving a job, an apprentice's hire into a host's opening, the
    program's ties) is the program's rule: :func:`.programs.admit`.
    """

    name = "enrolment"
    reads = (
        "state", "program", "navigator", "taste", "experience", "credentials", "wage", "last_wage",
        "savings", "debt", "group", "education", "employer", "occupation", "trial_arm", "person",
        "n_ties", "ties", "age",
    )  # fmt: skip
    writes = (
        "state", "program", "program_month", "months_unemployed", "savings", "debt", "isa_share",
        "isa_floor", "isa_left", "isa_cap_left", "trial_arm", "employer", "occupation", "wage", "hours",
        "tenure", "channel", "last_wage", "ui_months_left", "ties", "n_ties",
    )  # fmt: skip
    employer_reads = ("sector", "wage", "openings")
    employer_writes = ("openings",)  # apprentices are hired into their hosts' open jobs on day one
    streams = ("enrolment_interest", "admission_lottery", "enrolment_order", "trial_lottery", "program_ties",
               "admission_test", "admission_interview", "comparison_sample")  # fmt: skip

    def init(self, model: LabourMarket) -> None:
        sectors = list(model.scenario.sectors.values())
        # Typical entry pay: what a job seeker with no recent job expects without training.
        entry = np.array([s.ladder[0].wage for s in sectors])
        self.entry_wage = float(np.dot(entry, np.array([s.job_share for s in sectors])))

    def step(self, model: LabourMarket) -> None:
        starting = [p for p in model.programs if p.starts_cohort(model.month)]
        if not starting:
            return
        w, en, sc = model.workers, model.scenario.enrolment, model.scenario
        looks = model.draws("enrolment_interest")
        boost = np.zeros(w.n, dtype=np.float64)
        for nav in model.navigators:
            boost[w.navigator == nav.index] = nav.spec.information_boost
        free = ((w.state == State.UNEMPLOYED) | (w.state == State.EMPLOYED)) & (w.program < 0)
        looks_anyway = looks < en.consider_rate * (1.0 + boost)
        looking = np.flatnonzero(free & looks_anyway)
        # People look only at programs in the sectors they are most drawn to.
        pull = sector_pull(w.taste[looking], w.experience[looking], sc.sorting.experience_pull)
        k = min(sc.search.sectors_considered, pull.shape[1])
        drawn_to = np.argsort(-pull, axis=1, kind="stable")[:, :k]
        trial = model.trial
        for program in starting:
            candidates = looking[
                free[looking]
                & (drawn_to == program.sector).any(axis=1)
                & ((w.credentials[looking] & np.uint16(program.credential_bit)) == 0)
            ]
            reached = self.outreach(model, program, free & ~looks_anyway, looks, boost)
            if reached.size:
                candidates = np.union1d(candidates, reached)
            candidates = candidates[model.eligible(program.spec.eligibility, candidates)]
            in_trial = trial is not None and trial.program == program.index
            if in_trial:
                candidates = candidates[~trial.embargoed(w, candidates, model.month)]
            applicants, price = self.applicants(model, program, candidates)
            passed = program.screen(model, applicants)
            applicants, price = applicants[passed], price[passed]
            applicants, price = self.admission_order(model, program, applicants, price, boost)
            arm = -1
            if in_trial and trial.in_intake(model.month):
                offered = trial.assign(
                    w, applicants, program.seats, model.draws("trial_lottery"), model.month
                )
                self.comparison(model, program, free, applicants, offered.size)
                controls = applicants[w.trial_arm[applicants] == 0]
                model.funnel.add(w, controls, program.index, model.elapsed, arm=0)
                keep = np.isin(applicants, offered)
                applicants, price, arm = applicants[keep], price[keep], 1
            else:
                applicants, price = applicants[: program.seats], price[: program.seats]
            admitted = programs.admit(model, program, applicants, price, arm)
            free[admitted] = False

    @staticmethod
    def comparison(model: LabourMarket, program: ProgramRun, free: np.ndarray, applicants: np.ndarray,
                   n_offered: int) -> None:  # fmt: skip
        """Sample eligible people who did not apply (``COMPARISON_PER_SEAT`` per seat offered, at random:
        the stream "comparison_sample") for the trial's non-experimental comparison group."""
        w = model.workers
        pool = np.flatnonzero(free & ((w.credentials & np.uint16(program.credential_bit)) == 0))
        pool = pool[~np.isin(pool, applicants)]
        pool = pool[model.eligible(program.spec.eligibility, pool)]
        pool = pool[~model.trial.embargoed(w, pool, model.month)]
        pool = pool[~np.isin(w.person[pool], model.trial.person)]  # each person followed once
        sample = smallest(model.draws("comparison_sample")[pool], COMPARISON_PER_SEAT * n_offered)
        model.trial.add_comparison(w, pool[sample], model.month)

    @staticmethod
    def outreach(
        model: LabourMarket, program: ProgramRun, not_looking: np.ndarray, looks: np.ndarray,
        boost: np.ndarray,
    ) -> np.ndarray:  # fmt: skip
        """People community partners bring to ``program`` who would not have looked this month.

        Members of the program's ``outreach_groups`` look with ``outreach_boost`` times
        ``consider_rate`` more chance (the same draw ``looks`` (n,), so whoever looks anyway still
        does), whatever sector they are drawn to: the partner refers them. not_looking: bool (n,)
        free to enrol and not looking on their own; boost: (n,) navigators' information boost.
        """
        spec = program.spec
        if spec.outreach_boost <= 0 or not spec.outreach_groups:
            return np.zeros(0, np.int64)
        w, rate = model.workers, model.scenario.enrolment.consider_rate
        codes = [model.group_names.index(g) for g in spec.outreach_groups]
        reached = not_looking & one_of(w.group, codes) & (looks < rate * (1.0 + boost + spec.outreach_boost))
        reached &= (w.credentials & np.uint16(program.credential_bit)) == 0
        return np.flatnonzero(reached)

    def applicants(
        self, model: LabourMarket, program: ProgramRun, candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidates who decide to apply, and the up-front price each would pay (dollars)."""
        w, en, t, spec = model.workers, model.scenario.enrolment, model.employers, program.spec
        employed = w.state[candidates] == State.EMPLOYED
        pay = np.where(employed, w.wage[candidates], np.maximum(w.last_wage[candidates], self.entry_wage))
        waived = model.policy.price_waived(model, program, candidates)
        price = np.where(waived, 0.0, program.price)
        financing = program.financing
        hours = model.scenario.economy.hours_per_year
        if financing == "labor_management":
            target = pay * (1.0 + spec.wage_step)
        else:
            target = float(np.mean(t.wage[t.sector == program.sector, program.target_rung]))
        guaranteed = financing in PAID_MODELS
        success = en.perceived_completion * (1.0 if guaranteed else en.perceived_placement)
        training_wage = program.mean_training_wage() * hours if financing == "apprenticeship" else 0.0
        # Apprentices give up their old job for the paid one; incumbents keep theirs.
        leaves_job = employed & (program.unpaid_full_time or financing == "apprenticeship")
        # Interns are paid in the closing months: spread over the program, as the value rule counts months.
        share = spec.internship_months / spec.duration_months
        internship = spec.internship_wage_hourly * hours / 12.0 * share
        income = training_wage / 12.0 + program.stipend(candidates) + internship
        income += model.policy.income_support(model, program, candidates)
        isa = financing == "isa"
        # Nobody counts on a gain past retirement: an older worker's horizon is shorter.
        years_left = (model.scenario.labour_force.exit_age * 12 - w.age[candidates]) / 12.0
        horizon = np.clip(years_left, 0.0, en.horizon_years)
        value, borrowed = enrolment_value(
            pay, w.savings[candidates], price, leaves_job,
            target_wage=target, duration_months=spec.duration_months, training_income=income,
            success=success,
            isa_share=np.where(waived, 0.0, spec.isa_share) if isa else 0.0,
            isa_floor=spec.isa_floor, isa_months=spec.isa_months, isa_cap=spec.isa_cap,
            horizon_years=horizon, discount_per_year=en.discount_per_year,
            debt_aversion=en.debt_aversion,
        )  # fmt: skip
        # Existing debt uses up what a worker can still borrow.
        capacity = np.maximum(en.borrowing_limit - w.debt[candidates], 0.0)
        keen = wants_to_enrol(value, borrowed, capacity)
        return candidates[keen], price[keen]

    def admission_order(
        self, model: LabourMarket, program: ProgramRun, applicants: np.ndarray, price: np.ndarray,
        boost: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Applicants in the order seats are given: first come, lottery, or targeted (lowest savings)."""
        w = model.workers
        mode = program.spec.admission
        if mode == "lottery":
            key = model.draws("admission_lottery")[applicants]
            order = np.argsort(key, kind="stable")
        elif mode == "targeted":
            order = np.lexsort((model.draws("enrolment_order")[applicants], w.savings[applicants]))
        else:
            # Navigator clients hear early and apply first.
            arrival = model.draws("enrolment_order")[applicants] - (boost[applicants] > 0)
            order = np.argsort(arrival, kind="stable")
        return applicants[order], price[order]
