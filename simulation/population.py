"""Who the workers are: demographic draws for the start and for new entrants.

Only pre-market differences are drawn here, each from the scenario's data:
group shares, education by group, liquid savings by group, and sector
interests by gender. Nothing about jobs or pay differs by group at this step.
"""

from __future__ import annotations

import numpy as np

from .scenario import Scenario
from .wages import learning_curve
from .workers import Workers

MONTHS_PER_YEAR = 12
# Years of schooling after age 18 before entering the labour market.
STUDY_YEARS = np.array([0.0, 2.0, 4.0])


def group_arrays(scenario: Scenario) -> dict[str, np.ndarray]:
    """Per-group parameters as arrays indexed by group code (shape (n_groups,) or (n_groups, k))."""
    groups = list(scenario.groups.values())
    sectors = list(scenario.sectors)
    return {
        "share": np.array([g.share for g in groups]),
        "education": np.array([g.education.as_tuple() for g in groups]),
        "median_savings": np.array([g.median_savings for g in groups]),
        "is_woman": np.array([g.gender == "women" for g in groups]),
        "interest": np.array(
            [[getattr(scenario.sorting, g.gender)[s] for s in sectors] for g in groups], dtype=np.float64
        ),
    }


def draw_people(
    workers: Workers,
    idx: np.ndarray,
    scenario: Scenario,
    rng: np.random.Generator,
    *,
    entrants: bool,
    groups: dict[str, np.ndarray] | None = None,
) -> None:
    """Fill rows ``idx`` with freshly drawn people.

    ``entrants=False`` draws a working-age population at the start of a run:
    group, age and past experience included. ``entrants=True`` draws young
    people entering the labour market with no experience; each keeps the group
    already in its row, because an entrant replaces a retiree of the same group
    and takes over that person's place in the network (which keeps group shares
    and network homophily stationary). ``groups``: :func:`group_arrays` of the scenario, if the
    caller keeps it.
    """
    m = idx.shape[0]
    if m == 0:
        return
    g = group_arrays(scenario) if groups is None else groups
    n_sectors = len(scenario.sectors)
    lf = scenario.labour_force

    if entrants:
        group = workers.group[idx].astype(np.int64)
    else:
        group = rng.choice(len(g["share"]), size=m, p=g["share"])
    edu_cdf = np.cumsum(g["education"], axis=1)[group]
    education = (rng.random(m)[:, None] > edu_cdf[:, :-1]).sum(axis=1)

    start_age = lf.entry_age + STUDY_YEARS[education]
    if entrants:
        age_years = start_age.copy()
    else:
        age_years = rng.uniform(start_age, lf.exit_age)

    skill_mean = np.asarray(scenario.skills.education_effect)[education]
    skill = skill_mean[:, None] + rng.standard_normal((m, n_sectors))
    soft = rng.standard_normal(m)
    taste = g["interest"][group] + scenario.sorting.taste_sd * rng.standard_normal((m, n_sectors))

    experience = np.zeros((m, n_sectors))
    if not entrants:
        # Potential experience (years since leaving school), mostly in the sector
        # of greatest interest and partly spread over the others.
        potential = (age_years - start_age) * rng.uniform(0.5, 0.95, m)
        main = np.argmax(taste, axis=1)
        main_share = rng.uniform(0.5, 1.0, m)
        spread = rng.dirichlet(np.ones(n_sectors), m) * (1.0 - main_share)[:, None]
        spread[np.arange(m), main] += main_share
        experience = potential[:, None] * spread * MONTHS_PER_YEAR
        sk = scenario.skills
        skill += learning_curve(experience / MONTHS_PER_YEAR, sk.learning_per_year, sk.learning_scale_years)

    median = g["median_savings"][group]
    savings = median * np.exp(scenario.finances.savings_sd * rng.standard_normal(m))

    workers.group[idx] = group
    workers.education[idx] = education
    workers.age[idx] = np.round(age_years * MONTHS_PER_YEAR)
    workers.skill[idx] = skill
    workers.soft_skill[idx] = soft
    workers.taste[idx] = taste
    workers.experience[idx] = np.round(experience)
    workers.savings[idx] = savings
    workers.debt[idx] = 0.0
    workers.credentials[idx] = 0
