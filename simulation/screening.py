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
from scipy.special import ndtri

from .employers import N_RUNGS, EmployerTable
from .search import Applications
from .workers import Channel, Workers

BA_PLUS = 2


def passes_screens(
    apps: Applications, workers: Workers, table: EmployerTable, waived: np.ndarray
) -> np.ndarray:
    """Bool (n_apps,): the applicant meets every screen of the posting.

    waived: bool (E, 3), employer-rungs whose degree and experience screens
    are set aside this month.
    """
    e, r = apps.posting // N_RUNGS, apps.posting % N_RUNGS
    sector = table.sector[e]
    w = waived[e, r]
    degree_ok = w | ~table.degree_required[e, r] | (workers.education[apps.searcher] >= BA_PLUS)
    exp_ok = w | (workers.experience[apps.searcher, sector] >= table.experience_required[e, r])
    need = table.credential_required[e, r]
    cred_ok = (workers.credentials[apps.searcher] & need) == need
    return degree_ok & exp_ok & cred_ok


def score_applicants(
    apps: Applications,
    workers: Workers,
    table: EmployerTable,
    group_penalty: np.ndarray,
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
    """Float64 (n_apps,): each posting's score of each applicant.

    group_penalty: (n_groups, n_sectors) penalty a bias-1 employer applies.
    uniform: (n_apps,) uniform draws for the noise, one per (applicant, posting).
    """
    s = apps.searcher
    e = apps.posting // N_RUNGS
    sector = table.sector[e]
    years = workers.experience[s, sector] / 12.0
    score = (
        skill_weight * workers.skill[s, sector]
        + soft_skill_weight * workers.soft_skill[s]
        + experience_weight * np.log1p(years)
        + referral_bonus * (apps.channel == Channel.REFERRAL)
        + internal_bonus * (apps.channel == Channel.INTERNAL)
        + handoff_bonus * (apps.channel == Channel.HANDOFF)
        - table.bias[e] * group_penalty[workers.group[s], sector]
        + noise_sd * ndtri(uniform)
    )
    return score.astype(np.float64)
