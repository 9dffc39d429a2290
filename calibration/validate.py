"""``pathways validate``: the model against published effects it was not fitted to.

For every program scenario of the library the model runs a synthetic trial
of its program (the scenario's own ``[trial]``, or one added with the same
design: a lottery among applicants in the first two years) over several
seeds, follows both arms for ``years`` years (10 by default), and reports the
earnings impact in every follow-up year, and in years 2 and 3 after random
assignment (the window the published trials report), with 95% intervals over
seeds. Where a published trial exists (the ``validate`` rows of
``calibration/targets.csv``: the Per Scholas trials), the two are shown side
by side. Nothing here feeds
back into fitting: ``pathways calibrate`` reads only the ``calibrate`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..experiments.compare import interval
from ..experiments.executor import Executor, all_succeeded
from ..experiments.uncertainty import inherited, total_interval
from ..simulation import LabourMarket, load_scenario
from ..simulation.scenario import builtin_dir
from .moments import moment
from .targets import Target, load_targets

# Program scenario -> (program key, published targets that apply to it).
PROGRAMS = {
    "sectoral_tuition_free.toml": "sectoral_it",
    "tuition_bootcamp.toml": "it_bootcamp",
    "isa_bootcamp.toml": "it_bootcamp",
    "apprenticeship.toml": "it_apprenticeship",
    "young_adult_internship.toml": "young_adult_it",
    "healthcare_part_time.toml": "quest_lpn",
    "registered_apprenticeship.toml": "electrical_apprenticeship",
}
VALIDATED = {
    "sectoral_tuition_free.toml": ("per_scholas_rct_earnings_gain", "per_scholas_rct_earnings_gain_share")
}
TRIAL = {"start_month": 0, "intake_months": 24, "treatment_share": 0.5}
YEARS = 10  # follow-up years, as long-run evaluations report them


@dataclass
class ValidationRow:
    scenario: str
    program: str
    measure: str  # statistic
    simulated: float
    ci_low: float
    ci_high: float
    seeds: int
    published: float  # NaN when no published trial
    tolerance: float
    citation: str
    # With parameter uncertainty (validate --parameter-uncertainty): the total interval over seeds and
    # posterior draws, and the share of its variance from the parameters (experiments/uncertainty.py).
    total_low: float = float("nan")
    total_high: float = float("nan")
    parameter_share: float = float("nan")

    @property
    def verdict(self) -> str:
        """ "agrees", "disagrees", "inconclusive (...)" or "no published trial": see :func:`verdict`;
        on the total interval when there is one."""
        if self.total_low == self.total_low and self.total_high == self.total_high:
            return verdict(self.total_low, self.total_high, self.published, self.tolerance)
        return verdict(self.ci_low, self.ci_high, self.published, self.tolerance)

    @property
    def agrees(self) -> bool | None:
        """True if the model agrees, False if it disagrees, None if inconclusive or nothing to compare."""
        return {AGREES: True, DISAGREES: False}.get(self.verdict)


AGREES, DISAGREES = "agrees", "disagrees"
INCONCLUSIVE = "inconclusive (interval wider than the published value)"
NO_TRIAL = "no published trial"


def verdict(ci_low: float, ci_high: float, published: float, tolerance: float) -> str:
    """Whether a model interval ``[ci_low, ci_high]`` matches a published value +- ``tolerance``.

    It disagrees when the interval misses the published range altogether. Where they overlap,
    an interval wider than the published value itself cannot tell that value from no effect,
    or from twice it: that is inconclusive, not agreement. Otherwise it agrees.
    """
    if published != published:
        return NO_TRIAL
    if ci_low != ci_low or ci_high != ci_high:
        return INCONCLUSIVE
    if ci_high < published - tolerance or ci_low > published + tolerance:
        return DISAGREES
    if ci_high - ci_low > abs(published):
        return INCONCLUSIVE
    return AGREES


@dataclass
class YearRow:
    """One program's trial impact in one follow-up year, mean over seeds and 95% interval."""

    scenario: str
    program: str
    year: int  # 1: the first year after random assignment
    impact: float  # dollars per year, treatment minus control
    ci_low: float
    ci_high: float
    control_mean: float  # the control group's mean earnings that year, dollars
    seeds: int


def _trial_run(task: tuple) -> tuple[dict[str, float], list[tuple[int, float, float]]]:
    scenario, program, seed, targets = task
    model = LabourMarket(scenario, seed=seed)
    model.run()
    years = [(r["year"], r["impact"], r["control_mean"]) for r in model.trial.estimates(model.group_names)
             if r["group"] == "all"]  # fmt: skip
    return {t.statistic: moment(model, t, program) for t in targets}, years


def trial_overrides(path: Path, program: str, workers: int, years: int) -> dict:
    """Scenario overrides for a validation run: the scenario's own trial (or :data:`TRIAL`) followed
    for ``years`` years, and the run long enough for the last cohort's follow-up."""
    sc = load_scenario(path)
    trial = {"program": program, **TRIAL} if sc.trial is None else {}
    intake = sc.trial.intake_months if sc.trial is not None else TRIAL["intake_months"]
    start = sc.trial.start_month if sc.trial is not None else TRIAL["start_month"]
    trial["follow_up_months"] = 12 * years
    return {"run": {"workers": workers, "months": start + intake + 12 * years}, "trial": trial}


def validate(
    workers: int = 50_000,
    seeds: int = 3,
    jobs: int = 1,
    dask: str | None = None,
    first_seed: int = 1,
    on_result=None,
    years: int = YEARS,
    scenarios: tuple[str, ...] | None = None,
    draws=None,
) -> tuple[list[ValidationRow], list[YearRow]]:
    """Synthetic trials of every library program over ``seeds`` seeds (at least 2, for an interval),
    followed for ``years`` years (at least 3: the published window is years 2-3). ``scenarios``:
    only these files of :data:`PROGRAMS` (default: all). ``draws``
    (:class:`~..experiments.uncertainty.Draws`): also run each seed at its own posterior draw and
    report the total interval of the published window's measures.

    Returns the rows of the published window (with the published figures where they exist) and the
    impact in every follow-up year.
    """
    if seeds < 2:
        raise ValueError(f"seeds must be at least 2 to give an interval (got {seeds})")
    if years < 3:
        raise ValueError(f"years must be at least 3: the published trials report years 2-3 (got {years})")
    held_out = {t.id: t for t in load_targets(use="validate")}
    measures = [held_out["per_scholas_rct_earnings_gain"], held_out["per_scholas_rct_earnings_gain_share"]]
    tasks = []
    chosen = {k: v for k, v in PROGRAMS.items() if scenarios is None or k in scenarios}
    if scenarios is not None and len(chosen) != len(set(scenarios)):
        raise ValueError(f"not library programs: {sorted(set(scenarios) - set(PROGRAMS))}")
    seed_list = list(range(first_seed, first_seed + seeds))
    by_seed = draws.for_seeds(seed_list) if draws is not None else {}
    drawn = []
    for name, program in chosen.items():
        path = Path(builtin_dir()) / name
        overrides = trial_overrides(path, program, workers, years)
        scenario = load_scenario(path, overrides, overrides_from="pathways validate")
        tasks += [(scenario, program, s, measures) for s in seed_list]
        if draws is not None:
            names = inherited(scenario, draws.keys)
            drawn += [(draws.scenario_at(scenario, by_seed[s], names), program, s, measures)
                      for s in seed_list]  # fmt: skip
    with Executor(jobs, dask) as executor:
        results = all_succeeded(executor.map(_trial_run, tasks + drawn, on_result), "validate")
    results, at_draws = results[: len(tasks)], results[len(tasks) :]

    rows, by_year = [], []
    for i, (name, program) in enumerate(chosen.items()):
        mine = results[i * seeds : (i + 1) * seeds]
        for t in measures:
            values = np.array([r[0][t.statistic] for r in mine], dtype=float)
            mean, lo, hi = interval(values)
            published = t if t.id in VALIDATED.get(name, ()) else None
            rows.append(_row(name, program, t, mean, lo, hi, seeds, published))
            if at_draws:
                theirs = at_draws[i * seeds : (i + 1) * seeds]
                posterior = np.array([r[0][t.statistic] for r in theirs], dtype=float)
                _, rows[-1].total_low, rows[-1].total_high, rows[-1].parameter_share = total_interval(
                    values, posterior
                )
        for k, year in enumerate(y for y, _, _ in mine[0][1]):
            mean, lo, hi = interval(np.array([r[1][k][1] for r in mine], dtype=float))
            controls = np.array([r[1][k][2] for r in mine], dtype=float)
            control = float(controls[~np.isnan(controls)].mean()) if (~np.isnan(controls)).any() else np.nan
            by_year.append(YearRow(name.removesuffix(".toml"), program, year, mean, lo, hi, control, seeds))
    return rows, by_year


def _row(name, program, t: Target, mean, lo, hi, seeds, published: Target | None) -> ValidationRow:
    return ValidationRow(
        scenario=name.removesuffix(".toml"),
        program=program,
        measure=t.statistic,
        simulated=mean,
        ci_low=lo,
        ci_high=hi,
        seeds=seeds,
        published=published.value if published else float("nan"),
        tolerance=published.tolerance if published else float("nan"),
        citation=published.citation if published else "no published trial",
    )


def format_years(by_year: list[YearRow]) -> str:
    """Impact by follow-up year, one line per program: mean over seeds (95% intervals in the CSV)."""
    years = sorted({r.year for r in by_year})
    width = max([24, *(len(r.scenario) + 2 for r in by_year)])
    lines = [f"{'scenario':<{width}}" + "".join(f"{'year ' + str(y):>10}" for y in years)]
    for name in dict.fromkeys(r.scenario for r in by_year):
        cells = {r.year: r.impact for r in by_year if r.scenario == name}
        shown = ["-" if cells.get(y, np.nan) != cells.get(y, np.nan) else f"{cells[y]:+,.0f}" for y in years]
        lines.append(f"{name:<{width}}" + "".join(f"{c:>10}" for c in shown))
    return "\n".join(lines)


def format_rows(rows: list[ValidationRow]) -> str:
    width = max([24, *(len(r.scenario) + 2 for r in rows)])
    total = any(r.total_low == r.total_low for r in rows)
    header = f"{'measure':<28}{'simulated [95% interval]':>34}"
    header += f"{'with parameters':>34}" if total else ""
    header += f"{'published':>14}  verdict"
    lines = [f"{'scenario':<{width}}{header}"]
    for r in rows:
        share = "share" in r.measure
        fmt = (lambda v: f"{v:.0%}") if share else (lambda v: f"{v:+,.0f}")
        sim = f"{fmt(r.simulated)} [{fmt(r.ci_low)}, {fmt(r.ci_high)}]"
        if total:
            both = f"[{fmt(r.total_low)}, {fmt(r.total_high)}] ({r.parameter_share:.0%})"
            sim += f"{both if r.total_low == r.total_low else '-':>34}"
        if r.published != r.published:
            pub = "-"
        elif share:
            pub = f"{r.published:.0%} +-{r.tolerance:.0%}"
        else:
            pub = f"{r.published:,.0f} +-{r.tolerance:,.0f}"
        said = "-" if r.verdict == NO_TRIAL else r.verdict
        lines.append(f"{r.scenario:<{width}}{r.measure:<28}{sim:>34}{pub:>14}  {said}")
    return "\n".join(lines)
