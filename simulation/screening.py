"""Employer screening and scoring of applicants.

Screens are hard filters an employer sets per rung: a BA degree (credential
creep), months of experience in the sector (expertise inflation), a named
credential. Applicants who pass are scored:

    score = skill_weight * skill in the sector
          + soft_skill_weight * soft skills
          + experience_weight * log(1 + years in the sector)
          + referral_bonus (referred) + internal_bonus (own employee)
          + handoff_bonus (warm hand-off from a placement team)
          - employer bias * (race penalty + women penalty in the sector)
          + noise

and hired only at or above the rung's threshold. Bias is the scenario's
penalty scaled by each employer's own multiplier: it lowers scores, it never
touches wages. Scores are in units of the population sd of skill.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.special import ndtri

from .employers import N_RUNGS, EmployerTable, screens_waived
from .search import Applications
from .workers import Channel, Workers

BA_PLUS = 2


@njit(cache=True, inline="always")
def passes(
    education: int, months_in_sector: int, credentials: int, degree_required: bool, experience_required: int,
    credential_required: int, waived: bool,
) -> bool:  # fmt: skip
    """One applicant meets a posting's screens: a BA when a degree is required,
    ``experience_required`` months in the sector, and every required credential
    (bit set). ``waived``: the degree and experience screens are set aside this
    month (:func:`~.employers.screens_waived`); credentials never are."""
    degree_ok = waived or not degree_required or education >= BA_PLUS
    experience_ok = waived or months_in_sector >= experience_required
    return degree_ok and experience_ok and (credentials & credential_required) == credential_required


@njit(cache=True)
def _passes_all(searcher, posting, education, experience, credentials, emp_sector, degree_required,
                experience_required, credential_required, months_open, waive_after):  # fmt: skip
    out = np.empty(searcher.shape[0], dtype=np.bool_)
    for a in range(searcher.shape[0]):
        i, e, r = searcher[a], posting[a] // N_RUNGS, posting[a] % N_RUNGS
        out[a] = passes(
            education[i], experience[i, emp_sector[e]], credentials[i], degree_required[e, r],
            experience_required[e, r], credential_required[e, r],
            screens_waived(months_open[e, r], waive_after),
        )  # fmt: skip
    return out


def passes_screens(
    apps: Applications, workers: Workers, table: EmployerTable, waive_after: int
) -> np.ndarray:
    """Bool (n_apps,): the applicant meets every screen of the posting (:func:`passes`).

    waive_after: months of unfilled openings after which an employer-rung's
    degree and experience screens are set aside.
    """
    return _passes_all(
        apps.searcher, apps.posting, workers.education, workers.experience, workers.credentials, table.sector,
        table.degree_required, table.experience_required, table.credential_required, table.months_open,
        int(waive_after),
    )  # fmt: skip


def applicant_score(
    skill: np.ndarray,
    soft_skill: np.ndarray,
    experience_months: np.ndarray,
    channel: np.ndarray,
    bias: np.ndarray,
    penalty: np.ndarray,
    uniform: np.ndarray,
    *,
    skill_weight: float,
    soft_skill_weight: float,
    experience_weight: float,
    referral_bonus: float,
    internal_bonus: float,
    handoff_bonus: float = 0.0,
    noise_sd: float,
) -> np.ndarray:
    """Float64 (n_apps,): the score a posting gives each applicant (see the module docstring).

    skill: float32 skill in the posting's sector; soft_skill: float32; experience_months:
    months in the posting's sector; channel: the application's :class:`~.workers.Channel`;
    bias: the employer's bias multiplier; penalty: the penalty a bias-1 employer applies
    to the applicant's group in the sector; uniform: draws for the noise, one per
    (applicant, posting). All (n_apps,). Skills are taken as the float32 the worker
    arrays store, so the sum is the same whether one applicant or many are scored.
    """
    skill = np.asarray(skill, np.float32)
    soft_skill = np.asarray(soft_skill, np.float32)
    years = np.asarray(experience_months) / 12.0
    score = (
        skill_weight * skill
        + soft_skill_weight * soft_skill
        + experience_weight * np.log1p(years)
        + referral_bonus * (channel == Channel.REFERRAL)
        + internal_bonus * (channel == Channel.INTERNAL)
        + handoff_bonus * (channel == Channel.HANDOFF)
        - bias * penalty
        + noise_sd * ndtri(uniform)
    )
    return score.astype(np.float64)


def score_applicants(
    apps: Applications,
    workers: Workers,
    table: EmployerTable,
    group_penalty: np.ndarray,
    uniform: np.ndarray,
    **weights: float,
) -> np.ndarray:
    """Float64 (n_apps,): each posting's score of each applicant (:func:`applicant_score`).

    group_penalty: (n_groups, n_sectors) penalty a bias-1 employer applies.
    uniform: (n_apps,) uniform draws for the noise, one per (applicant, posting).
    weights: the keyword arguments of :func:`applicant_score`.
    """
    s = apps.searcher
    e = apps.posting // N_RUNGS
    sector = table.sector[e]
    return applicant_score(
        workers.skill[s, sector], workers.soft_skill[s], workers.experience[s, sector], apps.channel,
        table.bias[e], group_penalty[workers.group[s], sector], uniform, **weights,
    )  # fmt: skip
