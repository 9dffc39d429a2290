"""Scenario files: schema, loading, ``extends`` and validation.

A scenario is a TOML file. Every key is checked against the schema below
(unknown keys are errors), so a typo never silently falls back to a default.
A scenario may name another with ``extends = "baseline.toml"`` and override
any key; tables merge key by key, arrays and values replace.

Units used throughout: money in US dollars (wages in dollars per year unless
a key says hourly), time in months, rates per month unless a key says per
year, skills in standard deviations of the working-age population.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from . import occupations
from .policies import Policies
from .schema import RUNGS, Block, Eligibility

SHARE_TOLERANCE = 1e-6
EDUCATION_LEVELS = ("no_degree", "some_college", "ba_plus")
# Sizes beyond these are typing slips, not studies: 10 million workers need about 8 GB,
# and a century of months is longer than any careers the model describes.
MAX_WORKERS = 10_000_000
MAX_MONTHS = 1200
# TOML integers reach 2**63; anything past 2**53 cannot be a count, seed or dollar figure here.
MAX_INTEGER = 2**53
ERROR_VALUE_CHARS = 60
# The library's largest file is a few kilobytes; a megabyte of TOML is a wrong file, and parsing it is slow.
MAX_FILE_BYTES = 1_000_000


class ScenarioError(ValueError):
    """A scenario file is malformed; the message names the file and key path."""


class KeyProblem(ValueError):
    """A check across keys failed. ``keys`` are the key paths whose values conflict: the error
    names the file that set them (the user's own file, not the baseline it extends); ``also`` is a
    key whose origin the message adds (e.g. where ``run.months`` came from)."""

    def __init__(self, message: str, keys: list[tuple], also: tuple | None = None) -> None:
        super().__init__(message)
        self.keys = keys
        self.also = also


def _check_shares(shares: dict[str, float], what: str, keys: list[tuple] | None = None) -> None:
    total = math.fsum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        message = f"{what} must sum to 1 (they sum to {total:.6g})"
        raise KeyProblem(message, keys) if keys else ValueError(message)


class Meta(Block):
    name: str = Field(
        min_length=1, max_length=100, description="Short name; the default output folder is out/<name>."
    )
    description: str = ""
    dollar_year: int = Field(2019, description="Year of the dollar figures (nominal, see sources).")
    reference_group: str = Field("white_men", description="Group that pay ratios are taken against.")

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        return plain_name(name)


def plain_name(name: str) -> str:
    """``name`` if it can be a folder under out/ (it must not climb out of it, or hide); else ValueError."""
    if name.startswith(".") or any(c in name for c in "/\\") or not name.isprintable():
        raise ValueError(
            f"{name!r} must be a plain name: no '/', '\\' or control characters, not starting with '.'"
        )
    return name


class Run(Block):
    workers: int = Field(10_000, gt=0, le=MAX_WORKERS)
    months: int = Field(120, gt=0, le=MAX_MONTHS, description="Months recorded after burn-in.")
    burn_in_months: int = Field(
        120, ge=0, le=MAX_MONTHS, description="Months simulated before recording starts."
    )
    seed: int = Field(1, ge=0, le=2**63 - 1)
    workers_per_employer: float = Field(50.0, gt=0, description="Sets the number of employers.")


class Education(Block):
    no_degree: float = Field(ge=0, le=1)
    some_college: float = Field(ge=0, le=1)
    ba_plus: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Education:
        _check_shares(self.model_dump(), "education shares")
        return self

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.no_degree, self.some_college, self.ba_plus)


class Group(Block):
    label: str
    race: str
    gender: Literal["men", "women"]
    share: float = Field(ge=0, le=1, description="Share of the working-age population.")
    education: Education
    median_savings: float = Field(ge=0, description="Median liquid savings, dollars.")
    source: str = ""


class Sorting(Block):
    """Pre-market interest in each sector by gender (free, calibrated)."""

    men: dict[str, float]
    women: dict[str, float]
    taste_sd: float = Field(1.0, ge=0, description="Individual taste noise, same units as the interests.")
    experience_pull: float = Field(
        1.0, ge=0, description="Added interest in a sector per log(1 + years of experience) in it."
    )
    source: str = ""


class Rung(Block):
    """One occupation on a sector's ladder. Pay is a distribution: its median ``wage`` and, where
    published, its 10th and 90th percentiles (from the occupation table when ``soc`` names a row)."""

    title: str
    soc: str = Field("", description="SOC code of the occupation in scenarios/occupations.csv ('' for none).")
    wage: float = Field(gt=0, description="Median pay, dollars per year (2019 dollars at recorded month 0).")
    wage_p10: float | None = Field(None, gt=0, description="10th percentile of pay, dollars per year.")
    wage_p90: float | None = Field(None, gt=0, description="90th percentile of pay, dollars per year.")
    job_share: float = Field(ge=0, le=1, description="Share of the sector's jobs on this rung.")
    degree_screen: float = Field(0.0, ge=0, le=1, description="Share of employers requiring a BA.")
    experience_months: int = Field(0, ge=0, description="Sector experience required by screening employers.")
    experience_screen: float = Field(
        0.0, ge=0, le=1, description="Share of employers screening on experience."
    )
    credential: str = Field("", description="Credential some employers require ('' for none).")
    credential_screen: float = Field(0.0, ge=0, le=1)
    hire_threshold: float = Field(0.0, description="Minimum applicant score to be hired, score units.")
    source: str = ""

    @model_validator(mode="after")
    def _percentiles(self) -> Rung:
        if (self.wage_p10 is None) != (self.wage_p90 is None):
            raise ValueError("give both wage_p10 and wage_p90, or neither")
        if self.wage_p10 is not None and not self.wage_p10 < self.wage < self.wage_p90:
            raise ValueError(
                f"pay percentiles must rise: wage_p10 {self.wage_p10:g} < wage {self.wage:g} < "
                f"wage_p90 {self.wage_p90:g}"
            )
        return self


class Sector(Block):
    label: str
    job_share: float = Field(ge=0, le=1, description="Share of all jobs at the start.")
    growth_per_year: float = Field(0.0, gt=-1, description="Relative employment growth per year.")
    separation_rate: float = Field(ge=0, le=1, description="Monthly job-to-unemployment separations.")
    tenure_return: float = Field(0.01, ge=0, description="Raise per completed year with an employer.")
    part_time_only_share: float = Field(
        0.0, ge=0, le=1, description="Share of hires into jobs offered only part-time (hours.py)."
    )
    ladder: list[Rung] = Field(min_length=len(RUNGS), max_length=len(RUNGS))
    source: str = ""

    @model_validator(mode="after")
    def _ladder(self) -> Sector:
        _check_shares({r.title: r.job_share for r in self.ladder}, "ladder job_share values")
        return self


class Network(Block):
    ties: int = Field(10, ge=0, le=200, description="Ties per worker.")
    extra_tie_slots: int = Field(
        6, ge=0, le=64, description="Room for ties made later (mentors, classmates' employers)."
    )
    homophily: float = Field(0.7, ge=0, le=1, description="Share of ties drawn within one's own group.")
    source: str = ""


class Search(Block):
    public_applications: int = Field(4, ge=0, le=32, description="Applications to public postings a month.")
    referral_contacts: int = Field(2, ge=0, le=32, description="Ties asked about openings a month.")
    sectors_considered: int = Field(2, ge=1)
    reach_up: float = Field(
        0.25, ge=0, le=1, description="Share of public applications that may aim one rung up."
    )
    aim_high: float = Field(
        1.0, ge=0, description="Lean of applications towards higher rungs (log weight per rung)."
    )
    on_the_job_search: float = Field(0.05, ge=0, le=1, description="Monthly share of employed who search.")
    job_change_premium: float = Field(0.05, ge=0, description="Wage gain an employed searcher requires.")
    preference_noise: float = Field(0.05, ge=0, description="Noise in ranking offers, log-wage units.")
    amenity_sd: float = Field(
        0.0,
        ge=0,
        le=2,
        description="Spread (sd, log points of pay) of what a job is worth to a person beyond its pay "
        "(hours of the day, commute, work itself); a lasting draw per person and job.",
    )


class Hiring(Block):
    skill_weight: float = Field(1.0, ge=0)
    soft_skill_weight: float = Field(0.5, ge=0)
    experience_weight: float = Field(0.5, ge=0, description="Per log(1 + years in the sector).")
    referral_bonus: float = Field(0.5, ge=0)
    internal_bonus: float = Field(0.5, ge=0)
    noise_sd: float = Field(0.5, ge=0)
    race_penalty: dict[str, float] = Field(
        default_factory=dict, description="Score penalty by race (free parameter, score units)."
    )
    women_penalty: dict[str, float] = Field(
        default_factory=dict, description="Score penalty for women, by sector (negative favours women)."
    )
    employer_bias_sd: float = Field(0.5, ge=0, description="Spread of employer bias multipliers (log sd).")
    screen_waiver_months: int = Field(
        6,
        ge=1,
        description="Months a rung stays unfilled before its degree and experience screens are waived.",
    )
    source: str = ""


class Economy(Block):
    jobs_per_worker: float = Field(0.93, gt=0, description="Job slots (filled + open) per worker.")
    demand_shock_sd: float = Field(0.01, ge=0, description="Monthly sd of each employer's log demand.")
    demand_persistence: float = Field(0.9, ge=0, lt=1, description="Monthly AR(1) coefficient of demand.")
    wage_growth_per_year: float = Field(
        0.0, ge=0, le=0.5, description="Economy-wide nominal pay growth (posted pay and general raises)."
    )
    minimum_wage_hourly: float = Field(7.25, ge=0)
    hours_per_year: float = Field(2080.0, gt=0)
    good_job_wage: float = Field(gt=0, description="Annual wage at or above which a job is 'good'.")
    poverty_line: float = Field(
        12_490.0, gt=0, description="Poverty guideline for a household of one, dollars a year (eligibility)."
    )
    source: str = ""


class Pay(Block):
    """How pay is set within an occupation (log pay, around the occupation's median).

    An offer is the employer's rate for the job (the occupation's median, grown with the economy,
    times the employer's premium) adjusted for the candidate against the typical incumbent of the
    job (experience and skill), the person's own pay position (the same at every employer) and a
    match draw (the same each time the person asks that employer). Of the occupation's variance of
    log pay (its published P10-P90, or ``default_log_sd``), the employer's part takes ``firm_share``,
    the person's ``person_share`` and the match the rest.
    """

    firm_share: float = Field(
        0.3, ge=0, le=1, description="Share of an occupation's log-pay variance from the employer (free)."
    )
    person_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Share of an occupation's log-pay variance that is the person's own (free).",
    )
    experience_return: float = Field(
        0.2, ge=0, description="Log pay per log(1 + years of relevant experience), against typical (free)."
    )
    skill_return: float = Field(0.05, ge=0, description="Log pay per sd of skill, against typical (free).")
    experience_transfer: float = Field(
        0.25, ge=0, le=1, description="Weight of experience in other sectors in relevant experience."
    )
    default_log_sd: float = Field(
        0.35, gt=0, description="Spread of log pay of an occupation without published percentiles (assumed)."
    )
    source: str = ""

    @model_validator(mode="after")
    def _shares(self) -> Pay:
        if self.firm_share + self.person_share > 1:
            raise ValueError("firm_share and person_share are parts of one variance: together at most 1")
        return self

    def draw_weights(self) -> tuple[float, float]:
        """Weights of the person's and the match's standard normal draws within the non-employer part."""
        rest = 1.0 - self.firm_share
        person = self.person_share / rest if rest > 0 else 0.0
        return float(np.sqrt(person)), float(np.sqrt(max(1.0 - person, 0.0)))


class LabourForce(Block):
    leave_from_unemployment: float = Field(0.05, ge=0, le=1, description="Monthly U to out-of-force rate.")
    leave_from_employment: float = Field(0.003, ge=0, le=1, description="Monthly E to out-of-force rate.")
    return_rate: float = Field(0.08, ge=0, le=1, description="Monthly out-of-force to U rate.")
    initial_out_share: float = Field(0.05, ge=0, le=1)
    new_job_multiplier: float = Field(
        2.0, ge=1, description="Separation hazard and on-the-job search of a brand-new job vs a settled one."
    )
    new_job_months: float = Field(
        12.0, gt=0, description="Months over which that extra hazard and search fade."
    )
    prefers_part_time: float = Field(
        0.0, ge=0, le=1, description="Share of people who prefer part-time work (hours.py)."
    )
    young_separation_extra: float = Field(
        0.0,
        ge=0,
        description="Extra separation hazard and on-the-job search at 18 (a multiple), fading by 35 (free).",
    )
    entry_age: float = Field(18.0, ge=14)
    exit_age: float = Field(65.0, gt=18)
    source: str = ""


class Skills(Block):
    education_effect: list[float] = Field(
        min_length=3, max_length=3, description="Mean initial skill by education level, sd units."
    )
    learning_per_year: float = Field(0.15, ge=0, description="Skill gain in a first year worked in a sector.")
    learning_scale_years: float = Field(
        10.0, gt=0, description="Years over which on-the-job learning levels off."
    )
    depreciation_per_year: float = Field(0.05, ge=0, description="Skill loss per year not working.")


class Finances(Block):
    monthly_expenses: float = Field(ge=0, description="Living costs, dollars per month.")
    savings_rate: float = Field(0.05, ge=0, le=1, description="Share of pay saved.")
    ui_replacement: float = Field(0.45, ge=0, le=1)
    ui_months: int = Field(6, ge=0)
    debt_interest_per_year: float = Field(0.07, ge=0)
    repayment_share: float = Field(0.10, ge=0, le=1, description="Share of pay put to debt while employed.")
    credit_limit: float = Field(
        10_000.0,
        ge=0,
        description="Most consumer debt living costs can run up, dollars; beyond it, hardship.",
    )
    savings_sd: float = Field(1.0, ge=0, description="Log sd of savings around each group's median.")
    source: str = ""


class Enrolment(Block):
    consider_rate: float = Field(
        0.02, ge=0, le=1, description="Monthly share of eligible who look at programs."
    )
    horizon_years: float = Field(5.0, gt=0)
    discount_per_year: float = Field(0.05, ge=0)
    debt_aversion: float = Field(0.5, ge=0, description="Extra weight on each borrowed dollar.")
    borrowing_limit: float = Field(15_000.0, ge=0, description="Largest loan a trainee can take, dollars.")
    perceived_completion: float = Field(0.8, ge=0, le=1, description="Chance a worker expects to finish.")
    perceived_placement: float = Field(
        0.6, ge=0, le=1, description="Chance a worker expects to land the target job after finishing."
    )


STATES = ("unemployed", "employed", "out")
FINANCING = ("tuition", "isa", "tuition_free", "apprenticeship", "labor_management")


PAID_FINANCING = ("apprenticeship", "labor_management")


class Program(Block):
    """A training program. Money in dollars; durations in months."""

    name: str
    financing: Literal["tuition", "isa", "tuition_free", "apprenticeship", "labor_management"]
    sector: str
    duration_months: int = Field(gt=0)
    seats_per_10k_workers: float = Field(gt=0, description="Seats per cohort per 10,000 workers.")
    start_every_months: int = Field(3, gt=0)
    start_month: int | None = Field(
        None, ge=0, description="Recorded month of the first cohort; None: running since before the burn-in."
    )
    full_time: bool = Field(True, description="Unpaid full-time trainees leave any job they hold.")
    enabled: bool = Field(
        True, description="false: no cohort ever starts (the market without it, as pathways scale runs)."
    )
    cost_per_seat: float = Field(ge=0, description="What training one person costs to deliver, dollars.")
    price: float = Field(0.0, ge=0, description="Tuition charged to the trainee up front, dollars.")
    payer: Literal["worker", "employer", "public", "philanthropy", "trainer"] = Field(
        "worker",
        description="Who pays the cost of a seat beyond what the trainee pays up front ('trainer': the "
        "provider finances it, as ISA providers do).",
    )
    isa_share: float = Field(0.0, ge=0, le=1, description="ISA: share of pay owed while above the floor.")
    isa_floor: float = Field(0.0, ge=0, description="ISA: pay below which nothing is owed, dollars/year.")
    isa_months: int = Field(0, ge=0, description="ISA: number of monthly payments owed.")
    isa_cap: float = Field(0.0, ge=0, description="ISA: most a graduate can pay in total, dollars.")
    training_wage_hourly: float = Field(0.0, ge=0, description="Pay during training (apprentices), $/hour.")
    stipend_monthly: float = Field(
        0.0, ge=0, description="Stipend the program pays each trainee while in training, dollars a month."
    )
    stipend_payer: Literal["employer", "public", "philanthropy", "trainer"] | None = Field(
        None, description="Who funds the stipend; default: the program's payer (not the worker)."
    )
    wage_step: float = Field(0.0, ge=0, description="Raise tied to the credential (labour-management).")
    wage_steps_hourly: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=list, max_length=20,
        description="Apprentices: pay in each step of training, $/hour, one entry per step_months (the "
        "registered-apprenticeship wage schedule); empty: training_wage_hourly throughout.",
    )  # fmt: skip
    step_months: int = Field(12, gt=0, description="Months per wage step (wage_steps_hourly).")
    journey_wage_hourly: float | None = Field(
        None, ge=0, description="Apprentices: pay on completion at least this, $/hour (and the host's rate)."
    )
    final_assessment_cutoff: float | None = Field(
        None, description="Completion is not automatic: at the end, skill in the sector (after training) "
        "plus noise (screen_noise_sd) must reach this; the others finish without the credential.",
    )  # fmt: skip
    internship_months: int = Field(
        0, ge=0, description="The last months of the program are an internship at a partner employer, where "
        "experience in the sector accrues.",
    )  # fmt: skip
    internship_wage_hourly: float = Field(0.0, ge=0, description="Interns' pay, $/hour, paid by the host.")
    internship_offer_rate: float = Field(
        0.0, ge=0, le=1, description="Chance a host offers its intern the job at the end (given an opening "
        "on the target rung).",
    )  # fmt: skip
    skill_gain: float = Field(ge=0)
    soft_skill_gain: float = Field(0.0, ge=0)
    credential: str = ""
    target_rung: int | None = Field(
        None, ge=0, le=2, description="The rung whose jobs the program prepares for (0 entry); default: the "
        "rung that asks for its credential, else entry.",
    )  # fmt: skip
    mentoring_ties: int = Field(0, ge=0, description="New ties to working professionals in the sector.")
    partner_share: float = Field(0.0, ge=0, le=1, description="Share of the sector's employers that partner.")
    engagement_ties: int = Field(
        0, ge=0, description="Ties to staff of partner employers made in the course."
    )
    dropout_monthly: float = Field(0.03, ge=0, le=1)
    dropout_stress: float = Field(
        0.05, ge=0, le=1, description="Extra monthly dropout for a trainee who cannot cover living costs."
    )
    eligibility: Eligibility = Eligibility()
    skills_test_cutoff: float | None = Field(
        None, description="Basic-skills test: an applicant passes if skill in the program's sector plus test "
        "noise (screen_noise_sd) is at least this, sd units; None: no test.",
    )  # fmt: skip
    interview_cutoff: float | None = Field(
        None, description="Interview: an applicant passes if soft skills plus noise (screen_noise_sd) is at "
        "least this, sd units; None: no interview.",
    )  # fmt: skip
    screen_noise_sd: float = Field(0.5, ge=0, description="Noise of the test and the interview, sd units.")
    outreach_groups: list[str] = Field(
        default_factory=list, description="Groups community partners reach (recruitment outreach)."
    )
    outreach_boost: float = Field(
        0.0, ge=0, description="Added to the reached groups' monthly chance of looking at this program, as a "
        "multiple of enrolment.consider_rate (a navigator's information_boost works the same way).",
    )  # fmt: skip
    admission: Literal["first_come", "lottery", "targeted"] = Field(
        "first_come",
        description="first_come: earliest applicants (navigator clients apply early); lottery: at random; "
        "targeted: lowest savings first.",
    )
    source: str = ""

    @model_validator(mode="after")
    def _financing_fields(self) -> Program:
        f = self.financing
        if f == "isa" and (self.isa_share <= 0 or self.isa_months <= 0):
            raise ValueError("an isa program needs isa_share > 0 and isa_months > 0")
        if f != "isa" and (self.isa_share or self.isa_months):
            raise ValueError(f"isa_share and isa_months apply only to financing 'isa', not '{f}'")
        if f in ("tuition_free", "apprenticeship", "labor_management") and self.price > 0:
            raise ValueError(f"financing '{f}' charges no price (price = {self.price})")
        if f == "apprenticeship" and (self.training_wage_hourly <= 0 or self.partner_share <= 0):
            raise ValueError("an apprenticeship needs training_wage_hourly > 0 and partner_share > 0 (hosts)")
        if f == "labor_management" and not self.eligibility.states == ["employed"]:
            raise ValueError(
                "a labor_management program trains incumbent workers: eligibility.states = ['employed']"
            )
        if self.wage_steps_hourly and f != "apprenticeship":
            raise ValueError(f"wage_steps_hourly apply only to financing 'apprenticeship', not '{f}'")
        if self.journey_wage_hourly is not None and f != "apprenticeship":
            raise ValueError(f"journey_wage_hourly applies only to financing 'apprenticeship', not '{f}'")
        if self.internship_months > self.duration_months:
            raise ValueError(f"internship_months ({self.internship_months}) is longer than the program "
                             f"({self.duration_months} months)")  # fmt: skip
        if self.internship_months and (self.partner_share <= 0 or f in PAID_FINANCING):
            raise ValueError("an internship needs partner employers (partner_share > 0) to host it, in an "
                             "unpaid program (apprentices and incumbents already work)")  # fmt: skip
        if (self.internship_offer_rate or self.internship_wage_hourly) and not self.internship_months:
            raise ValueError("internship_offer_rate and internship_wage_hourly need internship_months > 0")
        if self.stipend_monthly > 0 and self.stipend_payer is None and self.payer == "worker":
            raise ValueError("a stipend needs a payer other than the worker: set stipend_payer")
        if self.payer == "worker" and self.cost_per_seat > self.price:
            raise ValueError("payer 'worker' needs a price covering cost_per_seat; name who pays the rest")
        return self


class Trainer(Block):
    name: str
    programs: dict[str, Program] = Field(min_length=1)


class Intermediary(Block):
    """A navigator (caseloads of job seekers) or a placement team (hand-offs of graduates)."""

    name: str
    kind: Literal["navigator", "placement"]
    # Navigators.
    caseload_per_10k_workers: float = Field(0.0, ge=0)
    extra_applications: int = Field(2, ge=0, le=16)
    information_boost: float = Field(1.0, ge=0, description="Multiplier added to clients' program interest.")
    months_of_support: int = Field(6, gt=0)
    eligibility: Eligibility = Eligibility(states=["unemployed"])
    # Placement teams.
    programs: list[str] = Field(default_factory=list, description="Program keys whose graduates it places.")
    handoffs: int = Field(2, ge=0, le=16, description="Partner openings a graduate is handed to each month.")
    handoff_bonus: float = Field(0.5, ge=0, description="Score bonus of a warm hand-off, score units.")
    handoff_months: int = Field(4, gt=0, description="Months after graduation the team keeps placing.")
    wage_floor_hourly: float = Field(0.0, ge=0, description="Partners pay hand-off hires at least this.")
    placement_target: float = Field(0.7, ge=0, le=1, description="KPI: share placed within 120 days.")
    coaching_months: int = Field(0, ge=0, description="Post-placement coaching, months.")
    coaching_separation_factor: float = Field(1.0, ge=0, le=1, description="Separation hazard multiplier.")
    cost_per_client: float = Field(0.0, ge=0, description="Dollars per client served.")
    payer: Literal["public", "philanthropy", "employer"] = "public"
    source: str = ""

    @model_validator(mode="after")
    def _kind_fields(self) -> Intermediary:
        if self.kind == "navigator" and self.caseload_per_10k_workers <= 0:
            raise ValueError("a navigator needs caseload_per_10k_workers > 0")
        if self.kind == "placement" and not self.programs:
            raise ValueError("a placement team needs the programs whose graduates it places")
        return self


class Trial(Block):
    """A synthetic randomised trial: a lottery among eligible applicants to one program."""

    program: str = Field(description="Program key.")
    start_month: int = Field(0, ge=0)
    intake_months: int = Field(12, gt=0)
    treatment_share: float = Field(0.5, gt=0, lt=1)
    follow_up_months: int = Field(36, ge=12)


class Outcomes(Block):
    low_wage_threshold: float = Field(gt=0, description="Annual pay below which a job is low-wage, dollars.")
    mobility_years: int = Field(5, gt=0, description="Years over which mobility is measured.")
    source: str = ""


class Scenario(Block):
    meta: Meta
    run: Run = Run()
    groups: dict[str, Group]
    sorting: Sorting
    sectors: dict[str, Sector]
    credentials: list[str] = Field(default_factory=list, max_length=16)
    network: Network = Network()
    search: Search = Search()
    hiring: Hiring = Hiring()
    pay: Pay = Pay()
    economy: Economy
    labour_force: LabourForce = LabourForce()
    skills: Skills
    finances: Finances
    enrolment: Enrolment = Enrolment()
    trainers: dict[str, Trainer] = Field(default_factory=dict)
    intermediaries: dict[str, Intermediary] = Field(default_factory=dict)
    policies: Policies = Policies()
    trial: Trial | None = None
    outcomes: Outcomes

    def programs(self) -> dict[str, Program]:
        """Every program, keyed by its program key (unique across trainers)."""
        return {k: p for t in self.trainers.values() for k, p in t.programs.items()}

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        _check_shares(
            {k: g.share for k, g in self.groups.items()},
            "group shares",
            [("groups", k, "share") for k in self.groups],
        )
        _check_shares(
            {k: s.job_share for k, s in self.sectors.items()},
            "sector job shares",
            [("sectors", k, "job_share") for k in self.sectors],
        )
        if self.meta.reference_group not in self.groups:
            raise KeyProblem(f"'{self.meta.reference_group}' is not a group", [("meta", "reference_group")])
        races = {g.race for g in self.groups.values()}
        sectors = set(self.sectors)
        groups = set(self.groups)
        for gender in ("men", "women"):
            _require_keys(getattr(self.sorting, gender), sectors, ("sorting", gender))
        _known_keys(self.hiring.race_penalty, races, ("hiring", "race_penalty"))
        _known_keys(self.hiring.women_penalty, sectors, ("hiring", "women_penalty"))
        creds = set(self.credentials)
        for key, sector in self.sectors.items():
            for i, rung in enumerate(sector.ladder):
                if rung.credential and rung.credential not in creds:
                    raise KeyProblem(
                        f"'{rung.credential}' is not in credentials",
                        [("sectors", key, "ladder", i, "credential")],
                    )
        seen: dict[str, str] = {}
        months = self.run.months
        for t, trainer in self.trainers.items():
            for p, prog in trainer.programs.items():
                where = ("trainers", t, "programs", p)
                if p in seen:
                    raise KeyProblem(f"program key '{p}' is also used by trainers.{seen[p]}", [where])
                seen[p] = t
                if prog.sector not in sectors:
                    raise KeyProblem(f"'{prog.sector}' is not a sector", [(*where, "sector")])
                if prog.credential and prog.credential not in creds:
                    raise KeyProblem(f"'{prog.credential}' is not in credentials", [(*where, "credential")])
                _check_eligibility(prog.eligibility, groups, sectors, (*where, "eligibility"), creds)
                _known_list(prog.outreach_groups, groups, (*where, "outreach_groups"))
                _check_start(prog.start_month, months, (*where, "start_month"))
        programs = set(seen)
        for k, inter in self.intermediaries.items():
            _known_list(inter.programs, programs, ("intermediaries", k, "programs"))
            _check_eligibility(
                inter.eligibility, groups, sectors, ("intermediaries", k, "eligibility"), creds
            )
        for name in Policies.model_fields:
            policy = getattr(self.policies, name)
            if policy is None:
                continue
            where = ("policies", name)
            if hasattr(policy, "eligibility"):
                _check_eligibility(policy.eligibility, groups, sectors, (*where, "eligibility"), creds)
            if hasattr(policy, "programs"):
                _known_list(policy.programs, programs, (*where, "programs"))
            if hasattr(policy, "sectors"):
                _known_list(policy.sectors, sectors, (*where, "sectors"))
            _check_start(policy.start_month, months, (*where, "start_month"))
        if self.trial is not None:
            if self.trial.program not in programs:
                raise KeyProblem(f"'{self.trial.program}' is not a program", [("trial", "program")])
            _check_start(self.trial.start_month, months, ("trial", "start_month"))
        if self.labour_force.exit_age <= self.labour_force.entry_age + 5:
            raise KeyProblem(
                f"must be well above labour_force.entry_age ({self.labour_force.entry_age:g})",
                [("labour_force", "exit_age"), ("labour_force", "entry_age")],
            )
        return self


def _check_start(start: int | None, months: int, where: tuple) -> None:
    # A start at or after the last recorded month would run nothing and report empty results.
    if start is not None and start >= months:
        raise KeyProblem(
            f"{start} is not within the run's {months} recorded months (0 to {months - 1})",
            [where],
            also=("run", "months"),
        )


def _check_eligibility(
    e: Eligibility, groups: set[str], sectors: set[str], where: tuple, creds: set[str]
) -> None:
    _known_list(e.groups, groups, (*where, "groups"))
    _known_list(e.sectors, sectors, (*where, "sectors"))
    _known_list(e.credentials, creds, (*where, "credentials"))


def _known_list(values: list[str], expected: set[str], where: tuple) -> None:
    unknown = sorted(set(values) - expected)
    if unknown:
        raise KeyProblem(
            f"unknown value(s) {', '.join(unknown)} (known: {', '.join(sorted(expected))})", [where]
        )


def _require_keys(mapping: dict[str, float], expected: set[str], where: tuple) -> None:
    missing = sorted(expected - set(mapping))
    if missing:
        raise KeyProblem(f"missing sector(s) {', '.join(missing)}", [where])
    _known_keys(mapping, expected, where)


def _known_keys(mapping: dict[str, float], expected: set[str], where: tuple) -> None:
    unknown = sorted(set(mapping) - expected)
    if unknown:
        raise KeyProblem(
            f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(expected))})", [where]
        )


# --------------------------------------------------------------------------- loading


def builtin_dir() -> Path:
    """Folder of the scenario library shipped with the package."""
    return Path(str(resources.files("pathways.scenarios")))


def _resolve(name: str, relative_to: Path | None) -> Path:
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / name)
    candidates.append(Path(name))
    candidates.append(builtin_dir() / name)
    for c in candidates:
        if c.is_file():
            return c
    if Path(name).is_dir():
        raise ScenarioError(f"{name}: is a folder, not a scenario file")
    if os.path.lexists(name):  # a FIFO, a device, a dangling link or a loop of links
        raise ScenarioError(f"{name}: not a regular file that can be read")
    raise ScenarioError(
        f"{name}: scenario file not found (looked in {', '.join(str(c.parent) for c in candidates)})"
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{path}: {size:,} bytes is too large for a settings file (limit {MAX_FILE_BYTES:,})"
            )
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); is it a TOML file?") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    _check_integers(data, (), path)
    return data


def _check_integers(data: Any, key: tuple, path: Path) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            _check_integers(v, (*key, k), path)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_integers(v, (*key, i), path)
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_INTEGER:
        raise ScenarioError(f"{path}: {_dotted(key)}: {data:.3g} is too large for any setting here")


def _dotted(key: tuple) -> str:
    return ".".join(str(p) for p in key) or "(top level)"


def _merge(base: dict, over: dict, origin: dict, path: tuple, source: Path) -> dict:
    out = dict(base)
    for key, value in over.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, origin, here, source)
        else:
            out[key] = value
            _mark(value, origin, here, source)
    return out


def merge_tables(base: dict, over: dict) -> dict:
    """``over`` laid on ``base`` as ``extends`` does: tables merge key by key, other values replace."""
    return _merge(base, over, {}, (), Path("<overrides>"))


def dotted(key: str, value: Any) -> dict:
    """A dotted scenario key as nested overrides: ``dotted("network.homophily", 0.5)``."""
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return out


def _mark(data: Any, origin: dict, path: tuple, source: Path) -> None:
    origin[path] = source
    if isinstance(data, dict):
        for k, v in data.items():
            _mark(v, origin, (*path, k), source)


def _load_raw(path: Path, origin: dict, chain: tuple[Path, ...]) -> dict[str, Any]:
    path = path.resolve()
    if path in chain:
        raise ScenarioError(f"{path}: extends: cycle ({' -> '.join(p.name for p in (*chain, path))})")
    data = _read_toml(path)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        _mark(data, origin, (), path)
        return data
    if not isinstance(parent_name, str):
        raise ScenarioError(f"{path}: extends: must be a file name string")
    try:
        parent = _load_raw(_resolve(parent_name, path.parent), origin, (*chain, path))
    except ScenarioError as exc:
        if str(exc).startswith(f"{parent_name}:"):  # the named file itself is missing
            raise ScenarioError(f"{path}: extends: {exc}") from None
        raise
    return _merge(parent, data, origin, (), path)


class _Origins:
    """Which file (or command line) set each key, and which of them the user wrote last.

    ``extends`` chains load the base first, so a later source is closer to the user: blame it
    when several keys conflict (a share set in the user's file breaks a sum of the baseline's).
    """

    def __init__(self, origin: dict[tuple, Path], fallback: Path) -> None:
        self.origin = origin
        self.fallback = fallback
        self.rank = {src: i for i, src in enumerate(dict.fromkeys(origin.values()))}

    def source(self, loc: tuple) -> Path | None:
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.origin:
                return self.origin[loc[:n]]
        return None

    def table_source(self, loc: tuple) -> Path | None:
        """Who last set anything in the table at ``loc``: a check over the whole table (shares
        summing to one) is about what the user changed in it, not the file that made the table."""
        found = [src for key, src in self.origin.items() if key[: len(loc)] == loc]
        return max(found, key=lambda s: self.rank.get(s, -1)) if found else self.source(loc)

    def blame(self, keys: list[tuple]) -> tuple[Path, tuple]:
        found = [(self.source(k), k) for k in keys]
        found = [(s, k) for s, k in found if s is not None]
        if not found:
            return self.fallback, keys[0] if keys else ()
        return max(found, key=lambda sk: self.rank.get(sk[0], -1))

    def format(self, err: dict) -> str:
        loc = tuple(err["loc"])
        problem = (err.get("ctx") or {}).get("error")
        if isinstance(problem, KeyProblem):
            source, key = self.blame([(*loc, *k) for k in problem.keys])
            text = f"{source}: {_dotted(key)}: {problem}"
            if problem.also is not None:
                where = self.source(problem.also)
                text += f" (run.months is set by {where})" if where else " (run.months is the default)"
            return text
        source = self.source(loc) or self.fallback
        key = _dotted(loc)
        if err["type"] == "extra_forbidden":
            why = INEXPRESSIBLE.get(str(loc[-1])) if loc else None
            if why:
                return f"{source}: {key}: a design detail this model cannot express: {why}"
            return f"{source}: {key}: unknown key"
        if err["type"] == "missing":
            return f"{source}: {key}: required key is missing"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "value_error":
            if loc == ():
                return f"{source}: {msg}"
            return f"{self.table_source(loc) or source}: {key}: {msg}"
        return f"{source}: {key}: {msg} (got {_short_repr(err['input'])})"


# Program design details published programs use that the model has no rule for. A scenario that
# names one is refused with the reason, rather than with a bare "unknown key".
_NO_DIPLOMA = ("education levels are no_degree (with or without a high-school diploma), some_college and "
               "ba_plus: a diploma or GED requirement cannot be told apart from no degree")  # fmt: skip
INEXPRESSIBLE = {
    "high_school_diploma": _NO_DIPLOMA,
    "diploma": _NO_DIPLOMA,
    "ged": _NO_DIPLOMA,
    "household_size": "the model has no households; eligibility.max_income_poverty_ratio tests a "
    "person's own earnings against the poverty line for a household of one",
    "household_income": "the model has no households; use eligibility.max_income_poverty_ratio (a "
    "person's own earnings against the poverty line for one)",
    "not_in_school": "the model has no school enrolment: people enter the labour force when they leave "
    "education (population.STUDY_YEARS)",
    "in_school": "the model has no school enrolment: people enter the labour force when they leave "
    "education (population.STUDY_YEARS)",
    "prior_earnings": "earnings before enrolment are not kept; eligibility.max_wage tests current (or "
    "last) pay",
    "tracks": "a program trains for one sector; write one program per track (each with its seats and "
    "partners)",
}


def _short_repr(value: Any) -> str:
    text = repr(value)
    if len(text) <= ERROR_VALUE_CHARS:
        return text
    size = f", {len(value):,} items" if isinstance(value, list | dict | str) else ""
    return f"{text[: ERROR_VALUE_CHARS - 3]}...{size}"


def validation_messages(exc: ValidationError, path: Path) -> list[str]:
    """One line per problem of a validated file, naming the file and the key path."""
    origins = _Origins({}, path)
    return [origins.format(e) for e in exc.errors()]


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a ScenarioError naming the file if it cannot be read or parsed."""
    return _read_toml(path)


def load_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    overrides_from: str = "the command line",
    layers: list[tuple[dict[str, Any], str]] = (),
) -> Scenario:
    """Load, merge (``extends``) and validate a scenario file.

    ``overrides`` is a nested dict applied last, e.g. ``{"run": {"seed": 3}}``;
    ``overrides_from`` names where they came from in error messages. ``layers``
    are further ``(overrides, where they came from)`` applied after it, in order.
    Raises :class:`ScenarioError` with one line per problem, each naming the
    file (or the source of the overrides) that set the key, and the key path.
    """
    path = _resolve(str(path), None)
    origin: dict[tuple, Path] = {}
    data = _load_raw(path, origin, ())
    for over, source in [(overrides, overrides_from), *layers]:
        if over:
            data = _merge(data, over, origin, (), Path(source))
    origins = _Origins(origin, path)
    try:
        for key, source in occupations.fill_rungs(data, builtin_dir() / occupations.TABLE):
            origin[key] = Path(source)
    except KeyError as exc:
        key = exc.args[0]
        raise ScenarioError(
            f"{origins.source(key) or path}: {_dotted(key)}: not a SOC code of scenarios/occupations.csv"
        ) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        origins = _Origins(origin, path)
        lines = [origins.format(e) for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from None


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """``scenario`` with ``overrides`` laid over it as ``extends`` does, validated again."""
    return Scenario.model_validate(merge_tables(scenario_dict(scenario), overrides))


def scenario_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as resolved, as plain JSON-able data."""
    return scenario.model_dump(mode="json")


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario (canonical JSON); names what was run."""
    blob = json.dumps(scenario_dict(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
