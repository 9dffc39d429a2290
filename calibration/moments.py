"""The model's counterpart of each target (the ``statistic`` column of the targets file).

Labour-market levels are averages over the last 12 recorded months;
occupational composition is taken in the final month; program figures pool
the program's enrolments in the recorded period; trial figures are the
average impact of follow-up years 2 and 3.

======================================  ====================================================
statistic                               model counterpart
======================================  ====================================================
unemployment_rate, pay_ratio            the group's monthly value, last 12 months
job_finding_rate, separation_rate,      everyone's monthly CPS-style flow, last 12 months
job_to_job_rate, referral_hire_share
hires_rate                              hires / employed, last 12 months
share_<who>:<sector>:<rung>             share of the jobs on that rung held by <who>
                                        (men, women, white, black, hispanic, black_hispanic)
program:<funnel rate>                   the named program's funnel (funnel.summarise)
trial:impact_y2_y3                      mean of the year-2 and year-3 earnings impacts
trial:impact_share_y2_y3                the same over the control group's mean earnings
pay_p<k>:<sector>:<rung>                a percentile of the rung's annual pay (careers.py)
weekly_earnings:<group>                 median weekly pay by sex and age band
weekly_earnings_ratio:<group>           the same over everyone's (the age profile)
wage_growth:<all|stayers|switchers>     median 12-month log change in pay
tenure_years:<group>                    median years with the employer
labour_force_share:<band>               share of the labour force in an age band
part_time_share:<all|involuntary>       share of the employed working part-time (for economic reasons)
======================================  ====================================================

The career measures are taken at recorded month 0 and every 12 months after
(:mod:`..simulation.careers`); a target is their mean over the run, dollars
brought back to month 0 (2019 dollars) by the model's nominal pay growth.
"""

from __future__ import annotations

import numpy as np

from ..simulation.employers import N_RUNGS
from ..simulation.funnel import summarise
from ..simulation.model import LabourMarket
from ..simulation.trial import window_impact
from ..simulation.wages import growth_factor
from ..simulation.workers import State
from .targets import Target

WINDOW = 12  # months averaged for labour-market levels


def _window_mean(model: LabourMarket, column: str, group: str) -> float:
    cols = model.metrics.columns()
    last = max(cols["month"])
    values = [
        v
        for m, g, v in zip(cols["month"], cols["group"], cols[column], strict=True)
        if g == group and m > last - WINDOW and v is not None and v == v
    ]
    return float(np.mean(values)) if values else float("nan")


def _hires_rate(model: LabourMarket) -> float:
    cols = model.metrics.columns()
    last = max(cols["month"])
    rates = [
        h / e
        for m, g, h, e in zip(cols["month"], cols["group"], cols["hires"], cols["employed"], strict=True)
        if g == "all" and m > last - WINDOW and e
    ]
    return float(np.mean(rates))


def _composition(model: LabourMarket, who: str, sector: str, rung: int) -> float:
    w = model.workers
    s = model.sector_names.index(sector)
    on_rung = (w.state == State.EMPLOYED) & (w.occupation == s * N_RUNGS + rung)
    groups = model.scenario.groups
    names = model.group_names

    def member(g: int) -> bool:
        spec = groups[names[g]]
        if who in ("men", "women"):
            return spec.gender == who
        if who == "black_hispanic":
            return spec.race in ("black", "hispanic")
        return spec.race == who

    mask = np.array([member(g) for g in range(len(names))])
    held = w.group[on_rung]
    return float(mask[held].mean()) if held.size else float("nan")


def _trial(model: LabourMarket, share: bool) -> float:
    if model.trial is None:
        return float("nan")
    return window_impact(model.trial.estimates(model.group_names), (2, 3), share)


CAREER_MEASURES = ("pay_p10", "pay_p25", "pay_p50", "pay_p75", "pay_p90", "weekly_earnings", "wage_growth",
                   "tenure_years", "labour_force_share", "part_time_share")  # fmt: skip
IN_DOLLARS = ("pay_p10", "pay_p25", "pay_p50", "pay_p75", "pay_p90", "weekly_earnings")


def _career(model: LabourMarket, measure: str, group: str) -> float:
    g = model.scenario.economy.wage_growth_per_year
    values = [
        r["value"] / (growth_factor(g, r["month"]) if measure in IN_DOLLARS else 1.0)
        for r in model.careers.rows
        if r["measure"] == measure and r["group"] == group and r["value"] == r["value"]
    ]
    return float(np.mean(values)) if values else float("nan")


def moment(model: LabourMarket, target: Target, program: str | None = None) -> float:
    """The model's value of ``target`` after a finished run."""
    stat = target.statistic
    if stat in (
        "unemployment_rate",
        "pay_ratio",
        "job_finding_rate",
        "separation_rate",
        "job_to_job_rate",
        "referral_hire_share",
    ):
        return _window_mean(model, stat, target.group)
    if stat == "hires_rate":
        return _hires_rate(model)
    if stat.startswith("share_"):
        who, sector, rung = stat.removeprefix("share_").split(":")
        return _composition(model, who, sector, int(rung))
    if stat.startswith("program:"):
        run = next((p for p in model.programs if p.key == program), None)
        if run is None:
            return float("nan")
        f = summarise(model.funnel, run.index, None, model.elapsed, model.scenario.run.burn_in_months)
        return f[stat.removeprefix("program:")]
    if stat == "trial:impact_y2_y3":
        return _trial(model, share=False)
    if stat == "trial:impact_share_y2_y3":
        return _trial(model, share=True)
    measure, _, group = stat.partition(":")
    if measure in CAREER_MEASURES:
        return _career(model, measure, group)
    if measure == "weekly_earnings_ratio":
        return _career(model, "weekly_earnings", group) / _career(model, "weekly_earnings", "all")
    raise ValueError(f"target {target.key}: unknown statistic {stat!r}")


def moments(model: LabourMarket, targets: list[Target], program: str | None = None) -> dict[str, float]:
    """Every target's model value, keyed by ``Target.key``."""
    return {t.key: moment(model, t, program) for t in targets}
