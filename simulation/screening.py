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

from . import threads
from .employers import N_RUNGS, EmployerTable, screens_waived
from .randomness import normal_quantile, pair_draw, pair_start
from .search import Applications
from .wages import log_months
from .workers import Channel, Workers

BA_PLUS = 2
_REFERRAL, _INTERNAL, _HANDOFF = int(Channel.REFERRAL), int(Channel.INTERNAL), int(Channel.HANDOFF)


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


@njit(cache=True, inline="always")
def applicant_score_one(
    skill: float, soft_skill: float, experience_months: int, channel: int, bias: float, penalty: float,
    uniform: float, skill_weight: float, soft_skill_weight: float, experience_weight: float,
    referral_bonus: float, internal_bonus: float, handoff_bonus: float, noise_sd: float,
) -> float:  # fmt: skip
    """The score a posting gives one applicant (see the module docstring), float64.

    skill: the applicant's skill in the posting's sector; soft_skill: their soft skills (both
    float32 as the worker arrays store them, weighted in float32 so that the sum is the same
    however many applicants are scored); experience_months: months in the sector; channel: the
    application's :class:`~.workers.Channel`; bias: the employer's bias multiplier; penalty: the
    penalty a bias-1 employer applies to the applicant's group in the sector; uniform: the noise
    draw for this (applicant, posting).
    """
    skills = np.float32(skill_weight) * np.float32(skill)
    skills = skills + np.float32(soft_skill_weight) * np.float32(soft_skill)
    score = np.float64(skills) + experience_weight * log_months(experience_months)
    score += referral_bonus if channel == _REFERRAL else 0.0
    score += internal_bonus if channel == _INTERNAL else 0.0
    score += handoff_bonus if channel == _HANDOFF else 0.0
    score -= bias * penalty
    return score + noise_sd * normal_quantile(uniform)


@njit(cache=True)
def _scores(skill, soft_skill, experience_months, channel, bias, penalty, uniform, weights):
    out = np.empty(skill.shape[0])
    for a in range(skill.shape[0]):
        out[a] = applicant_score_one(
            skill[a], soft_skill[a], experience_months[a], channel[a], bias[a], penalty[a], uniform[a],
            weights[0], weights[1], weights[2], weights[3], weights[4], weights[5], weights[6],
        )  # fmt: skip
    return out


def _weights(
    skill_weight: float, soft_skill_weight: float, experience_weight: float, referral_bonus: float,
    internal_bonus: float, noise_sd: float, handoff_bonus: float = 0.0,
) -> np.ndarray:  # fmt: skip
    """The scoring weights as :func:`applicant_score_one` takes them, float64 (7,)."""
    return np.array([skill_weight, soft_skill_weight, experience_weight, referral_bonus, internal_bonus,
                     handoff_bonus, noise_sd], np.float64)  # fmt: skip


def applicant_score(
    skill: np.ndarray,
    soft_skill: np.ndarray,
    experience_months: np.ndarray,
    channel: np.ndarray,
    bias: np.ndarray,
    penalty: np.ndarray,
    uniform: np.ndarray,
    **weights: float,
) -> np.ndarray:
    """Float64 (n_apps,): :func:`applicant_score_one` of each applicant, all arguments (n_apps,).

    weights: skill_weight, soft_skill_weight, experience_weight, referral_bonus, internal_bonus,
    noise_sd and (optional) handoff_bonus, as in the ``[hiring]`` block.
    """
    return _scores(
        np.asarray(skill, np.float32), np.asarray(soft_skill, np.float32),
        np.asarray(experience_months, np.int64), np.asarray(channel, np.int64),
        np.asarray(bias, np.float64), np.asarray(penalty, np.float64), np.asarray(uniform, np.float64),
        _weights(**weights),
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _screen_and_score(
    lo, hi, score, keep, searcher, posting, channel, bonus, education, experience, credentials, skill,
    soft_skill, group, emp_sector, degree_required, experience_required, credential_required, months_open,
    waive_after, bias, group_penalty, hire_threshold, noise_key, month, weights,
):  # fmt: skip
    noise_state = pair_start(noise_key, month)
    for a in range(lo, hi):
        i, e, r = searcher[a], posting[a] // N_RUNGS, posting[a] % N_RUNGS
        s = emp_sector[e]
        ok = passes(
            education[i], experience[i, s], credentials[i], degree_required[e, r], experience_required[e, r],
            credential_required[e, r], screens_waived(months_open[e, r], waive_after),
        )  # fmt: skip
        if not ok:
            score[a] = -np.inf
            keep[a] = False
            continue
        score[a] = applicant_score_one(
            skill[i, s], soft_skill[i], experience[i, s], channel[a], bias[e], group_penalty[group[i], s],
            pair_draw(noise_state, i, posting[a]), weights[0], weights[1], weights[2], weights[3], weights[4],
            weights[5], weights[6],
        ) + bonus[a]  # fmt: skip
        keep[a] = score[a] >= hire_threshold[s, r]


def screen_and_score(
    apps: Applications, workers: Workers, table: EmployerTable, group_penalty: np.ndarray,
    bonus: np.ndarray, hire_threshold: np.ndarray, noise_key: int, month: int, waive_after: int,
    **weights: float,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Screens, scores and the hiring bar in one pass over the applications (split over threads).

    Returns score (float64 (n_apps,): :func:`applicant_score_one` plus the policies' ``bonus``,
    -inf for an applicant screened out, :func:`passes`) and keep (bool (n_apps,): passed the
    screens and scored at least the rung's ``hire_threshold``, (n_sectors, N_RUNGS)).
    group_penalty: (n_groups, n_sectors) penalty a bias-1 employer applies; noise_key, month:
    the stream key and month of the (applicant, posting) noise draws (:func:`~.randomness.pair_uniform`);
    waive_after: months of unfilled openings after which degree and experience screens are set aside;
    weights: as in :func:`applicant_score`.
    """
    w, t = workers, table
    n_apps = apps.searcher.shape[0]
    score, keep = np.empty(n_apps), np.empty(n_apps, np.bool_)
    threads.split(
        _screen_and_score, n_apps, score, keep, apps.searcher, apps.posting, apps.channel,
        np.asarray(bonus, np.float64), w.education, w.experience, w.credentials, w.skill, w.soft_skill,
        w.group, t.sector, t.degree_required, t.experience_required, t.credential_required, t.months_open,
        int(waive_after), t.bias, group_penalty, hire_threshold, noise_key, month, _weights(**weights),
    )  # fmt: skip
    return score, keep
