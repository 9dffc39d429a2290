"""Policy levers: named scenario blocks that change rules, never outcomes.

Each policy has a start month (recorded months; never active in the burn-in)
and an eligibility block. Some act once when they start (they change who
employers screen out, how biased their scoring is, who knows whom, which
navigators exist, how a program is financed); the rest are consulted by the
rules they change each month:

=====================  ==========================================================
tuition_free           enrolment and admission: eligible trainees pay no price and
                       owe no ISA; the payer covers it (programs.py, model)
hire_on_day_one        listed programs run as apprenticeships from the start month
wage_standards         hiring: hand-off hires (or all hires by partner employers)
                       are paid at least the floor (hiring.py)
network_access         at start: eligible workers gain ties to people working in
                       the named sectors at the named rung or above
skills_based_hiring    at start: adopting employers drop degree (and optionally
                       experience) screens
career_navigation      at start: a publicly funded navigator team begins work
benefits_bridge        training: a monthly stipend counts as income, easing the
                       financial stress that drives dropout
bias_reduction         at start: adopting employers cut their scoring penalties
employer_incentive     scoring: eligible applicants get a score bonus; each
                       eligible hire costs the public a subsidy
=====================  ==========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .employers import N_RUNGS
from .intermediaries import Navigator
from .module import Module
from .scenario import Intermediary, Policies
from .workers import Channel, State

if TYPE_CHECKING:
    from .model import LabourMarket
    from .programs import ProgramRun


class PolicyState:
    """The scenario's policies and the hooks the rules call."""

    def __init__(self, policies: Policies) -> None:
        self.policies = policies

    def active(self, name: str, month: int):
        """The policy block ``name`` if it is in force in recorded month ``month``, else None."""
        p = getattr(self.policies, name)
        return p if p is not None and month >= p.start_month else None

    # ------------------------------------------------------------------ started once

    def start(self, model: LabourMarket) -> None:
        """Apply the policies that begin this month (called at the top of every month)."""
        month = model.month
        for name in type(self.policies).model_fields:
            p = getattr(self.policies, name)
            if p is not None and month == p.start_month:
                getattr(self, f"_start_{name}", lambda *_: None)(model, p)

    def _start_hire_on_day_one(self, model: LabourMarket, p) -> None:
        for program in model.programs:
            if program.key in p.programs:
                program.become_apprenticeship(p.training_wage_hourly, p.public_wage_share)
                # Hosts: the program's own partners, or a share of the sector's employers.
                if program.partners.size == 0:
                    program.partners = model.draw_partners(program.sector, p.partner_share, program.key)

    def _start_skills_based_hiring(self, model: LabourMarket, p) -> None:
        t = model.employers
        adopters = model.streams["adopt_skills_based_hiring"].random(t.n) < p.employer_share
        t.degree_required[adopters] = False
        if p.drop_experience_screens:
            t.experience_required[adopters] = 0

    def _start_bias_reduction(self, model: LabourMarket, p) -> None:
        t = model.employers
        adopters = model.streams["adopt_bias_reduction"].random(t.n) < p.employer_share
        t.bias[adopters] *= 1.0 - p.reduction

    def _start_network_access(self, model: LabourMarket, p) -> None:
        w = model.workers
        who = np.flatnonzero(model.eligible(p.eligibility, np.arange(w.n)))
        sectors = [model.sector_names.index(s) for s in p.sectors]
        pool = np.flatnonzero(
            (w.state == State.EMPLOYED)
            & np.isin(w.occupation // N_RUNGS, sectors)
            & (w.occupation % N_RUNGS >= p.min_rung)
        )
        if who.size == 0 or pool.size == 0:
            return
        rng = model.streams["network_access"]
        for _ in range(p.ties_added):
            w.add_ties(who, pool[rng.integers(0, pool.size, who.size)])

    def _start_career_navigation(self, model: LabourMarket, p) -> None:
        spec = Intermediary(
            name="Career navigation (policy)",
            kind="navigator",
            caseload_per_10k_workers=p.caseload_per_10k_workers,
            extra_applications=p.extra_applications,
            information_boost=p.information_boost,
            months_of_support=p.months_of_support,
            eligibility=p.eligibility,
            cost_per_client=p.cost_per_client,
            payer="public",
        )
        model.navigators.append(Navigator(model, len(model.navigators), spec, model.workers.n))

    # ------------------------------------------------------------------ consulted monthly

    def tuition_waived(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): the tuition-free policy covers these trainees of ``program``."""
        p = self.active("tuition_free", model.month)
        if p is None or (p.programs and program.key not in p.programs):
            return np.zeros(idx.size, dtype=bool)
        return model.eligible(p.eligibility, idx)

    def tuition_payer(self) -> str:
        p = self.policies.tuition_free
        return p.payer if p is not None else "public"

    def stipend(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Dollars per month of income support for trainees ``idx`` of ``program``."""
        p = self.active("benefits_bridge", model.month)
        if p is None or (p.programs and program.key not in p.programs):
            return np.zeros(idx.size)
        ok = model.eligible(p.eligibility, idx)
        return np.where(ok, p.monthly_stipend, 0.0)

    def wage_floor(self, model: LabourMarket, employer: np.ndarray, rung: np.ndarray, channel: np.ndarray):
        """Annual pay floor (dollars) on each hire from wage standards and placement teams.

        employer, rung, channel: (h,) per hire. Returns float (h,), 0 where none applies.
        """
        floor = np.zeros(employer.size)
        hours = model.scenario.economy.hours_per_year
        handoff = channel == Channel.HANDOFF
        for team in model.placement_teams:
            floor = np.where(handoff & team.partner_mask[employer], np.maximum(floor, team.floor), floor)
        p = self.active("wage_standards", model.month)
        if p is not None:
            level = np.where(rung == 0, p.entry_hourly, p.advanced_hourly) * hours
            covered = handoff if p.scope == "handoffs" else handoff | model.partner_mask[employer]
            floor = np.where(covered, np.maximum(floor, level), floor)
        return floor

    def incentive_bonus(self, model: LabourMarket, searcher: np.ndarray, sector: np.ndarray) -> np.ndarray:
        """Score bonus (score units) for eligible applicants under an employer incentive."""
        p = self.active("employer_incentive", model.month)
        if p is None:
            return np.zeros(searcher.size)
        ok = model.eligible(p.eligibility, searcher)
        if p.sectors:
            ok &= np.isin(sector, [model.sector_names.index(s) for s in p.sectors])
        return np.where(ok, p.score_bonus, 0.0)

    def book_incentives(self, model: LabourMarket, eligible_hires: int) -> None:
        """Public cost of the subsidies on this month's eligible hires."""
        p = self.active("employer_incentive", model.month)
        if p is not None:
            model.ledger.add("public", "hiring_subsidies", eligible_hires * p.subsidy_per_hire)


class PolicyStarts(Module):
    """Policies that begin this month take effect (recorded months only)."""

    name = "policies"
    reads = ("*",)
    writes = ("ties", "n_ties")  # network access adds ties
    employer_writes = ("degree_required", "experience_required", "bias")  # screens and bias at adoption
    streams = ("adopt_skills_based_hiring", "adopt_bias_reduction", "network_access")

    def step(self, model: LabourMarket) -> None:
        if model.month >= 0:
            model.policy.start(model)
