"""``pathways audit``: a correspondence study inside the model.

Field experiments send employers pairs of résumés that differ only in the
name, and count callbacks. Here the model's own employers do the reading: at
the end of a run, a sample of real open postings each receives one
application per group (eight, for eight race/ethnicity x gender groups), all
with the same qualifications (those of a real holder of that job: skill and
experience in the sector, soft skills, education, credentials), sent through
the public channel. Each application meets the posting's screens and is
scored by the employer exactly as a real one would be (``screening.passes``,
``screening.applicant_score``: the employer's bias times the scenario's
penalty for the group is the only term that differs, plus the hiring noise,
drawn afresh for each application). A callback is a score at or above the
rung's hiring bar.

Reported per group, mean over seeds with 95% intervals: the callback rate, the
ratio to the reference group's (``meta.reference_group``), the contact gap
(reference minus group, points); and across employers: the share of audited
employers who called the reference application back but not the group's more
often than the other way round, and the spread (sd) of employer-level gaps.
Nothing here feeds calibration: published audit results are held out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..simulation import LabourMarket, State
from ..simulation.employers import N_RUNGS, screens_waived
from ..simulation.randomness import pair_uniform
from ..simulation.scenario import load_scenario
from ..simulation.screening import applicant_score, passes
from ..simulation.workers import Channel
from .compare import interval
from .executor import Executor, all_succeeded

POSTINGS = 2000  # audited postings per seed
SHARES = ("callback_rate", "employers_favouring_reference")


@dataclass(frozen=True)
class AuditRow:
    group: str
    measure: str  # callback_rate, ratio, gap, employers_favouring_reference, employer_gap_sd
    mean: float
    ci_low: float
    ci_high: float
    seeds: int


def audit_sets(model: LabourMarket, n_postings: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The audit's applications: ``n_postings`` open postings (all of them if fewer are open), one
    application per group each.

    Returns arrays of shape (n_postings * n_groups,): posting, employer, rung, sector, group, and the
    profile (skill in the sector, soft skill, experience months in the sector, education, credentials),
    which is the same for every group at a posting (copied from a real holder of that job).
    """
    w, t = model.workers, model.employers
    open_posts = np.flatnonzero(t.openings.ravel() > 0)
    sector_of = t.sector[open_posts // N_RUNGS].astype(np.int64)
    occupation = sector_of * N_RUNGS + open_posts % N_RUNGS
    employed = w.state == State.EMPLOYED
    holders = {o: np.flatnonzero(employed & (w.occupation == o)) for o in np.unique(occupation)}
    usable = np.array([holders[o].size > 0 for o in occupation], bool)
    chosen = rng.choice(open_posts[usable], size=min(n_postings, int(usable.sum())), replace=False)
    n_groups = len(model.group_names)
    keys = ("posting", "group", "skill", "soft_skill", "experience", "education", "credentials")
    rows: dict[str, list] = {k: [] for k in keys}
    for post in np.sort(chosen):
        sector = int(t.sector[post // N_RUNGS])
        pool = holders[sector * N_RUNGS + post % N_RUNGS]
        i = pool[rng.integers(pool.size)]
        rows["posting"].append(np.full(n_groups, post))
        rows["group"].append(np.arange(n_groups))
        rows["skill"].append(np.full(n_groups, w.skill[i, sector], np.float32))
        rows["soft_skill"].append(np.full(n_groups, w.soft_skill[i], np.float32))
        rows["experience"].append(np.full(n_groups, int(w.experience[i, sector])))
        rows["education"].append(np.full(n_groups, int(w.education[i])))
        rows["credentials"].append(np.full(n_groups, int(w.credentials[i])))
    out = {k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()}
    out["employer"] = out["posting"] // N_RUNGS
    out["rung"] = out["posting"] % N_RUNGS
    out["sector"] = t.sector[out["employer"]].astype(np.int64)
    return out


def callbacks(model: LabourMarket, apps: dict[str, np.ndarray]) -> np.ndarray:
    """Bool (n_apps,): which audit applications the employers call back (screens, then the bar)."""
    t, h = model.employers, model.scenario.hiring
    search = model.module("job_search")
    e, r, s = apps["employer"], apps["rung"], apps["sector"]
    waiver = h.screen_waiver_months
    screened = np.array([
        passes(apps["education"][a], apps["experience"][a], apps["credentials"][a],
               t.degree_required[e[a], r[a]], t.experience_required[e[a], r[a]],
               t.credential_required[e[a], r[a]], screens_waived(t.months_open[e[a], r[a]], waiver))
        for a in range(e.size)
    ], bool)  # fmt: skip
    # A fresh hiring-noise draw for every application: fictitious applicants get ids past everyone's.
    fictitious = model.workers.person.max() + 1 + np.arange(e.size)
    noise = pair_uniform(model.streams.key("audit_noise"), model.elapsed, fictitious, apps["posting"])
    score = applicant_score(
        apps["skill"], apps["soft_skill"], apps["experience"], np.full(e.size, int(Channel.PUBLIC)),
        t.bias[e], search.group_penalty[apps["group"], s], noise, skill_weight=h.skill_weight,
        soft_skill_weight=h.soft_skill_weight, experience_weight=h.experience_weight,
        referral_bonus=h.referral_bonus, internal_bonus=h.internal_bonus, noise_sd=h.noise_sd,
    )  # fmt: skip
    return screened & (score >= search.hire_threshold[s, r])


def audit_task(task: tuple) -> dict[str, float]:
    """One seed: run the market, then audit it. Measures keyed "<measure>:<group>"."""
    scenario, seed, n_postings = task
    model = LabourMarket(scenario, seed=seed)
    model.run()
    apps = audit_sets(model, n_postings, np.random.default_rng([seed, 20260]))
    called = callbacks(model, apps)
    names = model.group_names
    ref = names.index(scenario.meta.reference_group)
    out: dict[str, float] = {}
    n_groups = len(names)
    by_post = called.reshape(-1, n_groups)  # one row per posting, one column per group
    employer = apps["employer"].reshape(-1, n_groups)[:, 0]
    ref_rate = by_post[:, ref].mean()
    for g, name in enumerate(names):
        rate = by_post[:, g].mean()
        out[f"callback_rate:{name}"] = float(rate)
        out[f"ratio:{name}"] = float(rate / ref_rate) if ref_rate > 0 else np.nan
        out[f"gap:{name}"] = float(ref_rate - rate)
        if g == ref:
            continue
        # Across employers: each audited employer's gap over its postings.
        diff = by_post[:, ref].astype(float) - by_post[:, g]
        firms, index = np.unique(employer, return_inverse=True)
        gap = np.bincount(index, diff) / np.bincount(index)
        out[f"employers_favouring_reference:{name}"] = float((gap > 0).mean())
        out[f"employer_gap_sd:{name}"] = float(gap.std(ddof=1)) if firms.size > 1 else np.nan
    out["postings"] = float(by_post.shape[0])
    return out


def audit(
    path: str, seeds: int = 5, workers: int | None = None, months: int | None = None,
    postings: int = POSTINGS, jobs: int = 1, dask: str | None = None, first_seed: int = 1, on_result=None,
) -> list[AuditRow]:  # fmt: skip
    """The correspondence study over ``seeds`` markets (at least 2, for intervals)."""
    if seeds < 2:
        raise ValueError(f"seeds must be at least 2 to give an interval (got {seeds})")
    run = {k: v for k, v in (("workers", workers), ("months", months)) if v is not None}
    scenario = load_scenario(path, {"run": run} if run else None)
    tasks = [(scenario, s, postings) for s in range(first_seed, first_seed + seeds)]
    with Executor(jobs, dask) as executor:
        results = all_succeeded(executor.map(audit_task, tasks, on_result), "audit")
    rows = []
    for key in results[0]:
        measure, _, group = key.partition(":")
        mean, lo, hi = interval(np.array([r.get(key, np.nan) for r in results], dtype=float))
        if measure in SHARES:  # a t interval over few seeds can run past 0 or 1
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        rows.append(AuditRow(group or "all", measure, mean, lo, hi, len(results)))
    return rows


def format_rows(rows: list[AuditRow]) -> str:
    """Callback rate, ratio and gap by group; employer spread by group."""
    by = {(r.group, r.measure): r for r in rows}
    groups = list(dict.fromkeys(r.group for r in rows if r.measure == "callback_rate"))
    lines = [f"{'group':<18}{'callback rate':>24}{'ratio to reference':>26}{'gap (points)':>24}"
             f"{'employers favouring':>22}"]  # fmt: skip
    for g in groups:
        rate, ratio, gap = by[(g, "callback_rate")], by[(g, "ratio")], by[(g, "gap")]
        fav = by.get((g, "employers_favouring_reference"))
        lines.append(
            f"{g:<18}{_cell(rate, 100, '{:.1f}%'):>24}{_cell(ratio, 1, '{:.3f}'):>26}"
            f"{_cell(gap, 100, '{:+.1f}'):>24}{'-' if fav is None else _cell(fav, 100, '{:.0f}%'):>22}"
        )
    return "\n".join(lines)


def _cell(r: AuditRow, scale: float, fmt: str) -> str:
    if r.mean != r.mean:
        return "-"
    if r.ci_low != r.ci_low:
        return fmt.format(r.mean * scale)
    return f"{fmt.format(r.mean * scale)} [{fmt.format(r.ci_low * scale)}, {fmt.format(r.ci_high * scale)}]"
