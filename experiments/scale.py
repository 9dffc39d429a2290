"""``pathways scale``: a program that worked for a few hundred people, funded for many more.

A trial measures what a program does for the people it serves while everything
around them stays as it was. Funded at ten or thirty times the seats, its
graduates compete with each other and with everyone else for the same openings.
For one program of a scenario, every seed runs, on common random numbers:

* the market without the program (its cohorts never start: the same employers,
  partners and people, so every other draw is the same), and
* the scenario with the program's seats multiplied by each of ``multipliers``
  (1: as written), each with a synthetic trial of the program (the scenario's
  own ``[trial]``, or the design ``pathways validate`` adds).

Measured per multiplier, paired by seed, with 95% intervals over seeds:

``itt``               the trial's earnings impact on those offered a seat, mean of
                      years 2 and 3 after random assignment (what an evaluation at
                      that scale would report), dollars a year
``displacement``      change in annual earnings of non-participants who worked in the
                      program's sector at the start of the recorded period (the same
                      people in both markets, followed by person id), dollars a year
``employment_rate``   change in the share of the population employed (mean over months)
``annual_earnings``   change in mean annual earnings per person, the whole market
``pay_ratio:<group>`` change in each group's median pay over the reference group's
``enrolled``          people who enrolled in the program over the recorded period

Nothing here is fitted: the gains and losses come from the market's rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..simulation import LabourMarket, Scenario, State
from ..simulation.employers import N_RUNGS
from ..simulation.scenario import load_scenario, with_overrides
from ..simulation.trial import window_impact
from .compare import interval
from .executor import Executor, all_succeeded
from .uncertainty import inherited, total_interval

# The trial added when the scenario has none: as `pathways validate` runs it.
TRIAL = {"start_month": 0, "intake_months": 24, "treatment_share": 0.5, "follow_up_months": 36}


@dataclass(frozen=True)
class ScaleRow:
    multiplier: float  # times the scenario's seats
    measure: str
    mean: float
    ci_low: float
    ci_high: float
    seeds: int
    # With parameter uncertainty (scale --parameter-uncertainty, :mod:`.uncertainty`).
    total_low: float = float("nan")
    total_high: float = float("nan")
    parameter_share: float = float("nan")


def trainer_of(scenario: Scenario, program: str) -> str:
    """The trainer key that runs ``program``; ValueError naming the programs there are."""
    for key, trainer in scenario.trainers.items():
        if program in trainer.programs:
            return key
    known = ", ".join(scenario.programs()) or "none"
    raise ValueError(f"no program {program!r} in the scenario (its programs: {known})")


def arm_overrides(scenario: Scenario, program: str, multiplier: float | None) -> dict:
    """Overrides for one arm: the program's seats times ``multiplier`` with a trial of it, or (None)
    the market without it (no cohort ever starts)."""
    trainer = trainer_of(scenario, program)
    spec = scenario.programs()[program]
    if multiplier is None:
        block = {"enabled": False}
    else:
        block = {"seats_per_10k_workers": spec.seats_per_10k_workers * multiplier}
    over: dict = {"trainers": {trainer: {"programs": {program: block}}}}
    if scenario.trial is None:
        over["trial"] = {"program": program, **TRIAL}
    return over


def _cohort_earnings(model: LabourMarket) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the recorded months; returns (person id at month 0, whether the row's person stayed all
    period, their earnings over it in dollars), each (n,). Call at recorded month 0."""
    w = model.workers
    person = w.person.copy()
    stayed = np.ones(w.n, bool)
    total = np.zeros(w.n)
    while model.month < model.scenario.run.months:
        model.step()
        same = w.person == person
        stayed &= same
        total += np.where(same & (w.state == State.EMPLOYED), w.earnings() / 12.0, 0.0)
    return person, stayed, total


def _market(model: LabourMarket) -> dict[str, float]:
    from .outcomes import key_outcomes

    out = {}
    for r in key_outcomes(model):
        if r["outcome"] == "annual_earnings" and r["group"] == "all":
            out["annual_earnings"] = r["value"]
        # The reference group's ratio is 1 by definition: no row for it.
        if r["outcome"] == "pay_ratio" and r["group"] != model.group_names[model.metrics.reference]:
            out[f"pay_ratio:{r['group']}"] = r["value"]
    cols = model.metrics.columns()
    everyone = np.array([g == "all" for g in cols["group"]])
    out["employment_rate"] = float(np.nanmean(np.asarray(cols["employment_rate"], float)[everyone]))
    return out


def scale_task(task: tuple) -> dict[float, dict[str, float]]:
    """One seed: the market without the program, then each multiplier against it."""
    scenario, program, multipliers, seed = task
    base_sc = with_overrides(scenario, arm_overrides(scenario, program, None))
    base = LabourMarket(base_sc, seed=seed)
    base.run(0)
    sector = base.sector_names.index(scenario.programs()[program].sector)
    w = base.workers
    in_sector = (w.state == State.EMPLOYED) & (w.occupation // N_RUNGS == sector)
    person0, stayed0, earned0 = _cohort_earnings(base)
    years = scenario.run.months / 12.0
    market0 = _market(base)
    out: dict[float, dict[str, float]] = {}
    for m in multipliers:
        arm = LabourMarket(with_overrides(scenario, arm_overrides(scenario, program, m)), seed=seed)
        arm.run(0)
        index = next(p.index for p in arm.programs if p.key == program)
        d = arm.funnel.data
        person, stayed, earned = _cohort_earnings(arm)
        # Participants: anyone who ever enrolled in the program or joined its trial (either arm).
        mine = d["program"] == index
        took_part = np.isin(person, d["person"][mine])
        if arm.trial is not None:
            took_part |= np.isin(person, arm.trial.person)
        cohort = in_sector & stayed0 & stayed & (person == person0) & ~took_part
        recorded = mine & (d["enrolled_month"] >= arm.scenario.run.burn_in_months) & (d["arm"] != 0)
        change = (earned[cohort] - earned0[cohort]) / years
        row = {
            "itt": window_impact(arm.trial.estimates(arm.group_names), (2, 3)),
            "displacement": float(change.mean()) if cohort.any() else np.nan,
            "enrolled": float(recorded.sum()),
        }
        for key, value in _market(arm).items():
            row[key] = value - market0.get(key, np.nan)
        out[m] = row
    return out


def scale(
    path: str, program: str, multipliers: list[float], seeds: int = 5, workers: int | None = None,
    months: int | None = None, jobs: int = 1, dask: str | None = None, first_seed: int = 1, on_result=None,
    draws=None,
) -> list[ScaleRow]:  # fmt: skip
    """The program at each seat multiplier against the market without it, over ``seeds`` seeds.

    ``draws`` (:class:`.uncertainty.Draws`): also run each seed at its own posterior draw, and give
    every measure its total interval.
    """
    if seeds < 2:
        raise ValueError(f"seeds must be at least 2 to give an interval (got {seeds})")
    if not multipliers or any(m <= 0 for m in multipliers):
        raise ValueError(f"multipliers must be positive numbers (got {multipliers})")
    run = {k: v for k, v in (("workers", workers), ("months", months)) if v is not None}
    scenario = load_scenario(path, {"run": run} if run else None)
    trainer_of(scenario, program)  # refuse an unknown program before any run
    if scenario.trial is not None and scenario.trial.program != program:
        raise ValueError(f"the scenario's [trial] is of {scenario.trial.program!r}, not {program!r}")
    seed_list = list(range(first_seed, first_seed + seeds))
    tasks = [(scenario, program, tuple(multipliers), s) for s in seed_list]
    if draws is not None:
        by_seed, names = draws.for_seeds(seed_list), inherited(scenario, draws.keys)
        tasks += [(draws.scenario_at(scenario, by_seed[s], names), program, tuple(multipliers), s)
                  for s in seed_list]  # fmt: skip
    with Executor(jobs, dask) as executor:
        results = all_succeeded(executor.map(scale_task, tasks, on_result), "scale")
    results, at_draws = results[:seeds], results[seeds:]
    rows = []
    for m in multipliers:
        measures = list(dict.fromkeys(k for r in results for k in r[m]))
        for key in measures:
            values = np.array([r[m].get(key, np.nan) for r in results], dtype=float)
            mean, lo, hi = interval(values)
            rows.append(ScaleRow(m, key, mean, lo, hi, len(results)))
            if at_draws:
                posterior = np.array([r[m].get(key, np.nan) for r in at_draws], dtype=float)
                _, t_lo, t_hi, share = total_interval(values, posterior)
                rows[-1] = replace(rows[-1], total_low=t_lo, total_high=t_hi, parameter_share=share)
    return rows


def format_rows(rows: list[ScaleRow]) -> str:
    """One line per measure, one column per multiplier: mean [95% interval]."""
    multipliers = list(dict.fromkeys(r.multiplier for r in rows))
    lines = [f"{'measure':<28}" + "".join(f"{f'x{m:g}':>30}" for m in multipliers)]
    for measure in dict.fromkeys(r.measure for r in rows):
        cells = []
        for m in multipliers:
            r = next((r for r in rows if r.multiplier == m and r.measure == measure), None)
            cells.append("-" if r is None else _cell(measure, r))
        lines.append(f"{measure:<28}" + "".join(f"{c:>30}" for c in cells))
    return "\n".join(lines)


def _cell(measure: str, r: ScaleRow) -> str:
    if measure in ("itt", "displacement", "annual_earnings"):
        fmt = "{:+,.0f}"
    elif measure == "enrolled":
        fmt = "{:,.0f}"
    elif measure == "employment_rate":
        return f"{r.mean * 100:+.2f}pt [{r.ci_low * 100:+.2f}, {r.ci_high * 100:+.2f}]"
    else:
        fmt = "{:+.4f}"
    if r.ci_low != r.ci_low:
        return fmt.format(r.mean)
    text = f"{fmt.format(r.mean)} [{fmt.format(r.ci_low)}, {fmt.format(r.ci_high)}]"
    if r.total_low == r.total_low:  # with the parameters' uncertainty
        text += f" [{fmt.format(r.total_low)}, {fmt.format(r.total_high)}]"
    return text
