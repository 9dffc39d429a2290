"""Trainers and their programs (Mesa agents), under five financing models.

``tuition``           the trainee pays the price up front (savings, then a loan) and
                      trains unpaid; a full-time trainee gives up any job.
``isa``               nothing up front; after completing, the graduate owes a share
                      of pay above a floor for a number of monthly payments, up to a cap.
``tuition_free``      philanthropy or the public pays; the trainee still trains unpaid.
``apprenticeship``    hire on day one: a partner employer hires the trainee into the
                      target job at a training wage; the job is guaranteed and becomes
                      a regular job at the posted wage on completion.
``labor_management``  incumbent workers train on paid hours and keep their job; the
                      credential comes with a wage step (the SEIU 775 model).

Every month a trainee may drop out: a base hazard plus more when income and
savings do not cover living costs (financial stress). Completers gain skill in
the program's sector, soft skills and the credential. Mentoring adds ties to
working professionals in the sector, employer engagement ties to staff of
partner employers, both from the first month.

The funnel (enrolment, exit, placement, retention) is kept in
:class:`~.funnel.Funnel`; what training costs and who pays goes to the
model's :class:`~.costs.Ledger`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from scipy.special import ndtri

from .eligibility import one_of
from .employers import N_RUNGS
from .module import Module
from .scenario import PAID_FINANCING, Program
from .workers import NO_ONE, Channel, State, Workers

if TYPE_CHECKING:
    from .model import LabourMarket

PAID_MODELS = PAID_FINANCING  # the trainee is paid: a host hires them, or they keep their job
SCREEN_COUNTS = ("applied", "passed_test", "passed_interview")


class ProgramRun:
    """One program's rules in force and its partner employers. ``index`` is its global id."""

    def __init__(
        self,
        index: int,
        key: str,
        spec: Program,
        sector: int,
        target_rung: int,
        credential_bit: int,
        n_workers: int,
        partners: np.ndarray,
        n_groups: int = 1,
    ) -> None:
        self.index = index
        self.key = key
        self.spec = spec
        self.sector = sector
        self.target_rung = target_rung  # the rung whose jobs the program prepares for
        self.credential_bit = credential_bit
        self.seats = max(1, round(spec.seats_per_10k_workers * n_workers / 10_000))
        self.partners = partners  # employer indices, sorted
        # Set by policies (hire on day one) while they are in force.
        self.financing = spec.financing
        self.payer = spec.payer
        self.training_wage = spec.training_wage_hourly  # dollars per hour
        self.public_wage_share = 0.0
        # Applicants and admission-screen passes by group, in recorded months.
        self.screened = {k: np.zeros(n_groups, np.int64) for k in SCREEN_COUNTS}

    def become_apprenticeship(self, training_wage_hourly: float, public_wage_share: float) -> None:
        """Hire on day one from now on: host employers hire, pay and train; no tuition.

        Trainees already enrolled finish under the terms they enrolled on.
        """
        self.financing = "apprenticeship"
        self.training_wage = training_wage_hourly
        self.public_wage_share = public_wage_share
        self.payer = "employer"

    @property
    def price(self) -> float:
        """What a trainee is charged up front under the financing in force, dollars."""
        return self.spec.price if self.financing == "tuition" else 0.0

    @property
    def paid(self) -> bool:
        return self.financing in PAID_MODELS

    @property
    def unpaid_full_time(self) -> bool:
        return not self.paid and self.spec.full_time

    def starts_cohort(self, month: int) -> bool:
        """Whether a cohort starts in recorded month ``month`` (negative in the burn-in)."""
        if not self.spec.enabled:
            return False
        first = self.spec.start_month
        if first is not None and month < first:
            return False
        return (month - (first or 0)) % self.spec.start_every_months == 0

    def trainees(self, workers: Workers) -> np.ndarray:
        return np.flatnonzero(workers.program == self.index)

    @property
    def stipend_payer(self) -> str:
        """Who funds the program's own stipend (the program's payer unless the scenario names another)."""
        return self.spec.stipend_payer or self.payer

    def screen(self, model: mesa.Model, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): applicants ``idx`` who pass the admission test and the interview.

        The noise of each is a per-worker draw of its own stream ("admission_test",
        "admission_interview"), made only for a program that screens. Applicants and passes are
        counted by group (``screened``) in recorded months.
        """
        spec, workers = self.spec, model.workers

        def draws(stream: str) -> np.ndarray:
            return model.draws(stream)[idx].astype(np.float64)

        noise = spec.screen_noise_sd
        test = np.ones(idx.size, bool)
        if spec.skills_test_cutoff is not None:
            score = workers.skill[idx, self.sector] + noise * ndtri(draws("admission_test"))
            test = score >= spec.skills_test_cutoff
        interview = np.ones(idx.size, bool)
        if spec.interview_cutoff is not None:
            score = workers.soft_skill[idx] + noise * ndtri(draws("admission_interview"))
            interview = score >= spec.interview_cutoff
        if model.month >= 0:
            group = workers.group[idx]
            for key, mask in (("applied", np.ones(idx.size, bool)), ("passed_test", test),
                              ("passed_interview", test & interview)):  # fmt: skip
                np.add.at(self.screened[key], group[mask], 1)
        return test & interview

    def step_wage(self, program_month: np.ndarray) -> np.ndarray:
        """An apprentice's pay in training at ``program_month`` (months done), dollars an hour, float64: the
        wage schedule's step (``wage_steps_hourly``, one per ``step_months``), else the training wage."""
        steps = self.spec.wage_steps_hourly
        months = np.asarray(program_month, np.int64)
        if not steps:
            return np.full(months.shape, float(self.training_wage))
        return np.asarray(steps, np.float64)[np.minimum(months // self.spec.step_months, len(steps) - 1)]

    def mean_training_wage(self) -> float:
        """An apprentice's pay averaged over the program's months, $/hour (what someone enrolling expects)."""
        return float(self.step_wage(np.arange(self.spec.duration_months)).mean())

    def interning(self, program_month: np.ndarray) -> np.ndarray:
        """Bool: trainees at ``program_month`` (months done) are in the program's closing internship."""
        months = self.spec.internship_months
        return (np.asarray(program_month) >= self.spec.duration_months - months) & (months > 0)

    def internship_pay(self, workers: Workers, idx: np.ndarray, hours_per_year: float) -> np.ndarray:
        """What the host pays trainees ``idx`` this month, dollars (interns only), float64 (len(idx),)."""
        monthly = self.spec.internship_wage_hourly * hours_per_year / 12.0
        return np.where(self.interning(workers.program_month[idx]), monthly, 0.0)

    def stipend(self, idx: np.ndarray) -> np.ndarray:
        """The program's own stipend to trainees ``idx``, dollars a month, float64 (len(idx),)."""
        return np.full(idx.size, self.spec.stipend_monthly)


class Trainer(mesa.Agent):
    """A training provider. Each month it runs its programs: dropouts, then completions."""

    def __init__(self, model: mesa.Model, name: str, programs: list[ProgramRun]) -> None:
        super().__init__(model)
        self.name = name
        self.programs = programs

    def step(self) -> None:
        for program in self.programs:
            progress(self.model, program)


def admit(
    model: mesa.Model, program: ProgramRun, applicants: np.ndarray, price: np.ndarray, arm: int = -1
) -> np.ndarray:
    """Enrol ``applicants`` (already in admission order, at most the seats); returns the enrolled.

    price: (len(applicants),) what each pays up front, dollars (0 where waived).
    arm: trial arm of these enrolments (1 treatment) or -1 outside a trial.
    Apprenticeships enrol no more than their host employers have openings.
    """
    w: Workers = model.workers
    spec = program.spec
    if program.financing == "apprenticeship":
        keep = min(applicants.size, _host_openings(model, program))
        applicants, price = applicants[:keep], price[:keep]
    if applicants.size == 0:
        return applicants
    model.funnel.add(w, applicants, program.index, model.elapsed, arm)
    if program.financing == "apprenticeship":
        _hire_apprentices(model, program, applicants)
    elif program.unpaid_full_time:
        employed = applicants[w.state[applicants] == State.EMPLOYED]
        w.leave_jobs(employed, State.TRAINING)
        w.state[applicants] = State.TRAINING
    w.program[applicants] = program.index
    w.program_month[applicants] = 0
    w.months_unemployed[applicants] = 0

    from_savings = np.minimum(w.savings[applicants], price.astype(np.float32))
    w.savings[applicants] -= from_savings
    w.debt[applicants] += price.astype(np.float32) - from_savings
    model.ledger.add("worker", "tuition", float(price.sum()), program.key)
    waived = program.price * applicants.size - float(price.sum())
    model.ledger.add(model.policy.waiver_payer(), "tuition_waiver", waived, program.key)
    # The payer covers what up-front prices (and any waiver) do not.
    delivery = spec.cost_per_seat * applicants.size - program.price * applicants.size
    if delivery > 0:
        model.ledger.add(program.payer, "training", delivery, program.key)
    if program.financing == "isa":
        # Terms are agreed at enrolment; payments fall due only after completing.
        covered = model.policy.price_waived(model, program, applicants)
        owe = applicants[~covered]
        w.isa_share[owe] = spec.isa_share
        w.isa_floor[owe] = spec.isa_floor
        w.isa_left[owe] = spec.isa_months
        w.isa_cap_left[owe] = spec.isa_cap if spec.isa_cap > 0 else np.inf
        model.ledger.add(
            model.policy.waiver_payer(), "isa_waiver", _isa_value(spec) * covered.sum(), program.key
        )
    _connect(model, program, applicants)
    return applicants


def _host_openings(model: mesa.Model, program: ProgramRun) -> int:
    return int(model.employers.openings[program.partners, program.target_rung].sum())


def _hire_apprentices(model: mesa.Model, program: ProgramRun, idx: np.ndarray) -> None:
    """Host (partner) employers hire apprentices into open target jobs on day one, at the training wage."""
    w, t = model.workers, model.employers
    rung = program.target_rung
    hosts = program.partners
    # One apprentice per opening, the hosts with most openings first.
    slots = np.repeat(hosts, t.openings[hosts, rung])
    order = np.argsort(-t.openings[slots, rung], kind="stable")
    host = slots[order][: idx.size]
    employed = idx[w.state[idx] == State.EMPLOYED]
    w.leave_jobs(employed, State.UNEMPLOYED)
    hourly = float(program.step_wage(np.zeros(1))[0])
    wage = max(hourly * model.scenario.economy.hours_per_year, model.wage_floor)
    wage = np.maximum(wage, model.policy.pay_floor(model, host, np.full(idx.size, rung),
                                                     np.full(idx.size, Channel.APPRENTICESHIP)))  # fmt: skip
    occupation = np.full(idx.size, program.sector * N_RUNGS + rung, dtype=np.int16)
    w.start_jobs(idx, host.astype(np.int32), occupation, wage.astype(np.float32),
                 np.full(idx.size, Channel.APPRENTICESHIP, np.int8))  # fmt: skip
    np.add.at(t.openings, (host, rung), -1)


def _connect(model: mesa.Model, program: ProgramRun, idx: np.ndarray) -> None:
    """Mentors (professionals in the sector, mid rung or above) and staff of partner employers."""
    w, spec = model.workers, program.spec
    rng = model.streams["program_ties"]
    # Each pool is a pass over every worker: made only for a program that connects its trainees so.
    if spec.mentoring_ties:
        sector, rung = w.occupation // N_RUNGS, w.occupation % N_RUNGS
        mentors = (w.state == State.EMPLOYED) & (sector == program.sector) & (rung >= 1)
        _tie_to(w, idx, np.flatnonzero(mentors), spec.mentoring_ties, rng)
    if spec.engagement_ties:
        staff = (w.state == State.EMPLOYED) & one_of(w.employer, program.partners)
        _tie_to(w, idx, np.flatnonzero(staff), spec.engagement_ties, rng)


def _tie_to(w: Workers, idx: np.ndarray, pool: np.ndarray, count: int, rng: np.random.Generator) -> None:
    """Give each of ``idx`` ``count`` new ties, each to someone drawn from ``pool`` (none if it is empty)."""
    if pool.size:
        for _ in range(count):
            w.add_ties(idx, pool[rng.integers(0, pool.size, idx.size)])


def progress(model: mesa.Model, program: ProgramRun) -> None:
    """One month of training for ``program``'s trainees: dropout, then completion."""
    w: Workers = model.workers
    spec = program.spec
    trainees = program.trainees(w)
    if trainees.size == 0:
        return
    u = model.draws("training")
    expenses = model.scenario.finances.monthly_expenses
    hours_per_year = model.scenario.economy.hours_per_year
    income = w.earnings(trainees) / 12.0 + program.stipend(trainees)
    income += program.internship_pay(w, trainees, hours_per_year)
    income += model.policy.income_support(model, program, trainees)
    unemployed_benefit = (w.ui_months_left[trainees] > 0) & (w.state[trainees] != State.EMPLOYED)
    income += np.where(
        unemployed_benefit, model.scenario.finances.ui_replacement * w.last_wage[trainees] / 12, 0
    )
    stressed = w.savings[trainees] + income < expenses
    hazard = spec.dropout_monthly + spec.dropout_stress * stressed
    leaving = u[trainees] < hazard
    drop = trainees[leaving]
    if drop.size:  # most months in a small market nobody drops out
        apprentices = w.channel[drop] == Channel.APPRENTICESHIP
        w.leave_jobs(drop[apprentices & (w.state[drop] == State.EMPLOYED)], State.UNEMPLOYED)
        # Dropouts owe nothing under an ISA.
        w.isa_share[drop], w.isa_left[drop], w.isa_cap_left[drop] = 0.0, 0, 0.0
        _leave(w, drop)
        model.funnel.exit(w, drop, program.index, model.elapsed, completed=False)

    if program.financing == "apprenticeship":
        paid = np.flatnonzero((w.program == program.index) & (w.channel == Channel.APPRENTICESHIP))
        wages = float(w.wage[paid].sum()) / 12.0
        model.ledger.add("public", "apprentice_wages", wages * program.public_wage_share, program.key)
        model.ledger.add("employer", "apprentice_wages", wages * (1 - program.public_wage_share), program.key)
    if spec.internship_wage_hourly:
        # Hosts pay interns this month: into their savings (their income above), booked to employers.
        stayed = trainees[~leaving]
        pay = program.internship_pay(w, stayed, hours_per_year)
        w.savings[stayed] += pay.astype(np.float32)
        model.ledger.add("employer", "internship_wages", float(pay.sum()), program.key)

    stay = trainees[~leaving]
    # Interns work at a host this month: experience in the sector accrues as in a job.
    interns = stay[program.interning(w.program_month[stay])]
    w.experience[interns, program.sector] += 1
    w.program_month[stay] += 1
    apprentices = stay[(w.channel[stay] == Channel.APPRENTICESHIP) & (w.state[stay] == State.EMPLOYED)]
    if spec.wage_steps_hourly and apprentices.size:
        # The wage schedule: the step for the months done, never a cut.
        step = program.step_wage(w.program_month[apprentices]) * hours_per_year
        w.wage[apprentices] = np.maximum(w.wage[apprentices], step.astype(np.float32))
    done = stay[w.program_month[stay] >= spec.duration_months]
    if done.size == 0:
        return
    w.skill[done, program.sector] += spec.skill_gain
    w.soft_skill[done] += spec.soft_skill_gain
    passed = _passes_final_assessment(model, program, done)
    w.credentials[done[passed]] |= np.uint16(program.credential_bit)
    # Each trainee finishes on the terms they enrolled on.
    hired = done[passed & (w.channel[done] == Channel.APPRENTICESHIP) & (w.state[done] == State.EMPLOYED)]
    # The guaranteed job becomes a regular one at the employer's posted wage (a journeyworker's at least).
    journey = (spec.journey_wage_hourly or 0.0) * hours_per_year
    posted = np.maximum(model.employers.wage[w.employer[hired], program.target_rung], journey)
    w.wage[hired] = np.maximum(w.wage[hired], posted.astype(np.float32))
    if spec.financing == "labor_management":
        incumbents = done[passed & (w.state[done] == State.EMPLOYED)]
        w.wage[incumbents] *= np.float32(1.0 + spec.wage_step)
    _leave(w, done)
    w.graduated[done[passed]] = program.index
    w.graduated_month[done[passed]] = model.elapsed
    if spec.internship_months:
        _internship_offers(model, program, done[passed])
    model.funnel.exit(w, done[passed], program.index, model.elapsed, completed=True)
    model.funnel.exit(w, done[~passed], program.index, model.elapsed, completed=False)


def _passes_final_assessment(model: mesa.Model, program: ProgramRun, done: np.ndarray) -> np.ndarray:
    """Bool (len(done),): finishers whose skill in the sector plus noise reaches the final assessment's
    cutoff (all of them if the program has none); per-worker draws of the stream "final_assessment"."""
    spec = program.spec
    if spec.final_assessment_cutoff is None:
        return np.ones(done.size, bool)
    noise = spec.screen_noise_sd * ndtri(model.draws("final_assessment")[done].astype(np.float64))
    return model.workers.skill[done, program.sector] + noise >= spec.final_assessment_cutoff


def _internship_offers(model: mesa.Model, program: ProgramRun, graduates: np.ndarray) -> None:
    """Hosts offer some interns the job: each with ``internship_offer_rate`` chance (the stream
    "internship_offer"), while partners have openings on the target rung (the most openings first)."""
    w, t, rung = model.workers, model.employers, program.target_rung
    offered = graduates[model.draws("internship_offer")[graduates] < program.spec.internship_offer_rate]
    slots = np.repeat(program.partners, t.openings[program.partners, rung])
    slots = slots[np.argsort(-t.openings[slots, rung], kind="stable")]
    hired, host = offered[: slots.size], slots[: offered.size]
    if hired.size == 0:
        return
    wage = np.maximum(t.wage[host, rung], model.wage_floor).astype(np.float32)
    occupation = np.full(hired.size, program.sector * N_RUNGS + rung, dtype=np.int16)
    channel = np.full(hired.size, Channel.INTERNSHIP, np.int8)
    w.start_jobs(hired, host.astype(np.int32), occupation, wage, channel)
    np.add.at(t.openings, (host, rung), -1)


def _isa_value(spec: Program) -> float:
    """Nominal value of an ISA for accounts: the cap, or the price if there is no cap."""
    return spec.isa_cap or spec.cost_per_seat


def _leave(w: Workers, idx: np.ndarray) -> None:
    w.state[idx] = np.where(w.state[idx] == State.TRAINING, State.UNEMPLOYED, w.state[idx])
    w.program[idx] = NO_ONE
    w.program_month[idx] = 0


class Training(Module):
    """Trainers (Mesa agents) run their programs each month: dropouts, then completions."""

    name = "training"
    reads = ("program", "program_month", "state", "wage", "last_wage", "savings", "ui_months_left", "channel",
             "employer", "skill", "soft_skill", "credentials", "debt", "person")  # fmt: skip
    writes = (
        "state", "program", "program_month", "employer", "occupation", "wage", "hours", "tenure", "channel",
        "months_unemployed", "last_wage", "isa_share", "isa_left", "isa_cap_left", "skill", "soft_skill",
        "credentials", "graduated", "graduated_month", "experience", "savings",
    )  # fmt: skip
    employer_reads = ("wage", "openings")
    employer_writes = ("openings",)  # interns offered the job fill their host's opening
    streams = ("training", "final_assessment", "internship_offer")

    def init(self, model: LabourMarket) -> None:
        sc = model.scenario
        credential_bit = {c: 1 << k for k, c in enumerate(sc.credentials)}
        model.programs = []
        for trainer in sc.trainers.values():
            runs = []
            for key, p in trainer.programs.items():
                sector = model.sector_names.index(p.sector)
                # A program prepares for the rung it names, else the one that asks for its credential
                # (else entry).
                ladder = sc.sectors[p.sector].ladder
                rung = p.target_rung if p.target_rung is not None else next(
                    (k for k, r in enumerate(ladder) if p.credential and r.credential == p.credential), 0
                )  # fmt: skip
                run = ProgramRun(
                    len(model.programs), key, p, sector, rung, credential_bit.get(p.credential, 0),
                    sc.run.workers, model.draw_partners(sector, p.partner_share, key), len(sc.groups),
                )  # fmt: skip
                model.programs.append(run)
                runs.append(run)
            Trainer(model, trainer.name, runs)

    def step(self, model: LabourMarket) -> None:
        if Trainer in model.agents_by_type:
            model.agents_by_type[Trainer].do("step")
