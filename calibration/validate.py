"""``pathways validate``: the model against published effects it was not fitted to.

For every program scenario of the library the model runs a synthetic trial
of its program (the scenario's own ``[trial]``, or one added with the same
design: a lottery among applicants in the first two years, three years of
follow-up) over several seeds, and reports the earnings impact in years 2
and 3 after random assignment with a 95% interval over seeds. Where a
published trial exists (the ``validate`` rows of ``calibration/targets.csv``:
the Per Scholas trials), the two are shown side by side. Nothing here feeds
back into fitting: ``pathways calibrate`` reads only the ``calibrate`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..experiments.compare import interval
from ..experiments.parallel import process_pool
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
}
VALIDATED = {
    "sectoral_tuition_free.toml": ("per_scholas_rct_earnings_gain", "per_scholas_rct_earnings_gain_share")
}
TRIAL = {"start_month": 0, "intake_months": 24, "treatment_share": 0.5, "follow_up_months": 36}


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

    @property
    def agrees(self) -> bool | None:
        if self.published != self.published:
            return None
        return self.ci_low - self.tolerance <= self.published <= self.ci_high + self.tolerance


def _trial_run(task: tuple) -> dict[str, float]:
    path, program, overrides, seed, targets = task
    model = LabourMarket(load_scenario(path, overrides, overrides_from="<validate>"), seed=seed)
    model.run()
    return {t.statistic: moment(model, t, program) for t in targets}


def validate(
    workers: int = 50_000, seeds: int = 3, jobs: int = 1, first_seed: int = 1
) -> list[ValidationRow]:
    held_out = {t.id: t for t in load_targets(use="validate")}
    measures = [held_out["per_scholas_rct_earnings_gain"], held_out["per_scholas_rct_earnings_gain_share"]]
    tasks = []
    for name, program in PROGRAMS.items():
        path = Path(builtin_dir()) / name
        sc = load_scenario(path)
        overrides = {"run": {"workers": workers, "months": 60}}
        if sc.trial is None:
            overrides["trial"] = {"program": program, **TRIAL}
        for s in range(first_seed, first_seed + seeds):
            tasks.append((path, program, overrides, s, measures))
    if jobs > 1:
        with process_pool(jobs) as pool:
            results = list(pool.map(_trial_run, tasks))
    else:
        results = [_trial_run(t) for t in tasks]

    rows = []
    for i, (name, program) in enumerate(PROGRAMS.items()):
        mine = results[i * seeds : (i + 1) * seeds]
        for t in measures:
            mean, lo, hi = interval(np.array([r[t.statistic] for r in mine], dtype=float))
            published = t if t.id in VALIDATED.get(name, ()) else None
            rows.append(_row(name, program, t, mean, lo, hi, seeds, published))
    return rows


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


def format_rows(rows: list[ValidationRow]) -> str:
    lines = [f"{'scenario':<24}{'measure':<28}{'simulated [95% interval]':>34}{'published':>12}  agrees"]
    for r in rows:
        share = "share" in r.measure
        fmt = (lambda v: f"{v:.0%}") if share else (lambda v: f"{v:+,.0f}")
        sim = f"{fmt(r.simulated)} [{fmt(r.ci_low)}, {fmt(r.ci_high)}]"
        pub = (
            "-" if r.published != r.published else (f"{r.published:.0%}" if share else f"{r.published:,.0f}")
        )
        agree = {None: "-", True: "yes", False: "no"}[r.agrees]
        lines.append(f"{r.scenario:<24}{r.measure:<28}{sim:>34}{pub:>12}  {agree}")
    return "\n".join(lines)
