"""Run one scenario and write its results to a folder.

Files written:

``metrics.parquet``  one row per (month, group): see ``simulation.metrics.COLUMNS``.
``manifest.json``    the scenario as resolved, its hash, the seed and versions:
                     everything needed to reproduce the run, and nothing that
                     changes between identical runs (no clock times).
``careers_*.*``      earnings by age, pay by occupation and wage growth, beside the published figures.
``main_series.*``    unemployment, pay ratio, good jobs and training by group
                     (PNG, SVG, PDF and the data as CSV).
``outcomes.parquet`` the key outcomes by group (see ``experiments.outcomes``).
``programs.parquet`` each program's funnel by group (enrolment to retention).
``enrolments.parquet`` one record per enrolment (and per trial control).
``mobility.parquet`` five-year mobility by group, with the quintile transition matrix.
``costs.parquet``    spending by payer, item and program (dollars).
``trial.parquet``    the synthetic trial's impact by follow-up year and group (if any).
``careers.parquet``  pay by occupation and age, wage growth, tenure, age mix, yearly (simulation/careers.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

import pathways

from ..simulation import LabourMarket, Scenario, scenario_hash
from ..simulation.application_log import ApplicationLog
from ..simulation.checkpoint import Checkpoint, burn_in_identity, run_from
from ..simulation.funnel import share, summarise
from ..simulation.scenario import scenario_dict
from . import checkpoints
from .io import write_json, write_parquet
from .outcomes import key_outcomes
from .provenance import versions


@dataclass
class RunResult:
    model: LabourMarket
    table: pa.Table
    seconds: float


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    application_log_months: int | None = None,
    checkpoint: Checkpoint | None = None,
    save_checkpoint: Path | None = None,
) -> RunResult:
    """Run the burn-in and the recorded months; return the model and its metrics table.

    application_log_months: keep every application of the last this many recorded months
    (:class:`~..simulation.application_log.ApplicationLog`). checkpoint: start at recorded month 0
    from this burn-in (:func:`.checkpoints.load`, which refuses one of another scenario prefix, seed
    or code) instead of burning in. save_checkpoint: write the month-0 state to this file.
    """
    start = time.perf_counter()
    model = LabourMarket(scenario, seed=seed)
    if application_log_months:
        model.application_log = ApplicationLog(max(scenario.run.months - application_log_months, 0))
    if checkpoint is None and save_checkpoint is None:
        model.run()
    else:
        made = run_from(checkpoint, model, burn_in_identity(scenario))
        if save_checkpoint is not None:
            checkpoints.save(made, save_checkpoint, scenario)
    table = pa.table(model.metrics.columns())
    return RunResult(model, table, time.perf_counter() - start)


def manifest(scenario: Scenario, seed: int, source: str) -> dict:
    return {
        "scenario_file": source,
        "scenario_name": scenario.meta.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": seed,
        "workers": scenario.run.workers,
        "months": scenario.run.months,
        "burn_in_months": scenario.run.burn_in_months,
        "versions": versions(),
        "scenario": scenario_dict(scenario),
    }


def program_table(model: LabourMarket) -> list[dict]:
    """Each program's funnel, overall and by group, for enrolments in the recorded period."""
    rows = []
    since = model.scenario.run.burn_in_months
    kpi = {p.index: t.spec.placement_target for t in model.placement_teams for p in t.programs}
    for p in model.programs:
        for g, name in [(None, "all"), *enumerate(model.group_names)]:
            f = summarise(model.funnel, p.index, g, model.elapsed, since)
            screened = {k: int(v.sum() if g is None else v[g]) for k, v in p.screened.items()}
            rows.append(
                {
                    "program": p.key,
                    "name": p.spec.name,
                    "financing": p.financing,
                    "group": name,
                    # Admission screens: applicants, and who passed the test and then the interview.
                    "applied": screened["applied"],
                    "test_pass_rate": share(screened["passed_test"], screened["applied"]),
                    "interview_pass_rate": share(screened["passed_interview"], screened["passed_test"]),
                    **f,
                    "placement_kpi": kpi.get(p.index, float("nan")),
                }
            )
    return rows



def mobility_table(model: LabourMarket) -> list[dict]:
    rows = []
    for r in model.mobility.result or []:
        row = {k: v for k, v in r.items() if k != "transitions"}
        for i, line in enumerate(r["transitions"]):
            for j, count in enumerate(line):
                row[f"from{i}_to{j}"] = count
        rows.append(row)
    return rows


def write_outputs(
    result: RunResult, scenario: Scenario, out: Path, source: str, charts_too: bool = True
) -> list[Path]:
    """Write metrics, outcomes, manifest and (with ``charts_too``) charts into ``out``; returns the paths
    written. The charts take most of the time of a small run (about 8 s: four charts in three formats)."""
    from . import charts
    from .style import Provenance

    model = result.model
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    tables = {
        "metrics": result.table,
        "outcomes": pa.Table.from_pylist(key_outcomes(model)),
        "programs": pa.Table.from_pylist(program_table(model)) if model.programs else None,
        "enrolments": pa.table(model.funnel.table([p.key for p in model.programs], model.group_names)),
        "mobility": pa.Table.from_pylist(mobility_table(model)) if model.mobility.result else None,
        "mobility_windows": (
            pa.Table.from_pylist(model.mobility.window_rows) if model.mobility.window_rows else None
        ),
        "costs": pa.Table.from_pylist(model.ledger.rows()) if model.ledger.rows() else None,
        "trial": pa.Table.from_pylist(model.trial.estimates(model.group_names)) if model.trial else None,
        "trial_matched": (
            pa.Table.from_pylist(model.trial.matched_estimates(model.group_names)) if model.trial else None
        ),
        "careers": pa.Table.from_pylist(model.careers.rows) if model.careers.rows else None,
        "applications": pa.table(model.application_log.table()) if model.application_log else None,
    }
    for name, table in tables.items():
        if table is not None:
            path = out / f"{name}.parquet"
            write_parquet(table, path)
            paths.append(path)
    manifest_path = out / "manifest.json"
    write_json(manifest(scenario, model.seed, source), manifest_path)
    provenance = Provenance(
        (Path(source).name,),
        str(model.seed),
        pathways.__version__,
        f"{scenario.run.workers:,} workers; colour = race/ethnicity, dashed = women",
    )
    if not charts_too:
        return [*paths, manifest_path]
    chart_paths = charts.main_series(result.table, scenario, provenance).save(out / "main_series")
    if model.careers.rows:
        note = f"{scenario.run.workers:,} workers; published: calibration/targets.csv"
        provenance = Provenance(provenance.scenarios, provenance.seeds, provenance.version, note)
        chart_paths += career_charts(model, provenance, out)
    return [*paths, manifest_path, *chart_paths]


def career_charts(model: LabourMarket, provenance, out: Path) -> list[Path]:
    """Earnings by age, pay by occupation and wage growth, each beside the published figures."""
    from ..calibration.targets import load_targets
    from . import charts

    targets = load_targets()
    by_age = {
        t.statistic.split(":", 1)[1]: t.value
        for t in targets
        if t.statistic.startswith("weekly_earnings_ratio:")
    }
    growth = {
        t.statistic.split(":", 1)[1]: t.value for t in targets if t.statistic.startswith("wage_growth:")
    }
    rows, g = model.careers.rows, model.scenario.economy.wage_growth_per_year
    paths = charts.earnings_by_age(rows, by_age, g, provenance).save(out / "careers_earnings_by_age")
    paths += charts.pay_by_occupation(rows, model.scenario, provenance).save(
        out / "careers_pay_by_occupation"
    )
    paths += charts.wage_growth(rows, growth, provenance).save(out / "careers_wage_growth")
    return paths


def format_programs(model: LabourMarket) -> str:
    """The funnel of each program opened in the recorded period, everyone."""
    lines = [
        f"{'program':<26}{'screens':>9}{'enrolled':>9}{'complete':>10}{'placed 120d':>13}{'(KPI)':>7}"
        f"{'kept 1y':>9}{'start pay':>11}{'debt added':>12}"
    ]
    for r in program_table(model):
        if r["group"] != "all" or not r["enrolled"]:
            continue
        passed = r["test_pass_rate"] * r["interview_pass_rate"]  # both: applicants who passed the two
        lines.append(
            f"{r['program'][:25]:<26}{_pct(passed):>9}{r['enrolled']:>9,.0f}{_pct(r['completion_rate']):>10}"
            f"{_pct(r['placement_rate_120d']):>13}{_pct(r['placement_kpi']):>7}{_pct(r['retention_rate_1y']):>9}"
            f"{_money(r['starting_wage']):>11}{_money(r['debt_added']):>12}"
        )
    return "\n".join(lines)


def format_trial(model: LabourMarket) -> str:
    program = model.programs[model.trial.program].key
    lines = [f"Synthetic trial of {program}: earnings impact (treatment - control), dollars per year, 95% CI"]
    matched = {r["year"]: r for r in model.trial.matched_estimates(model.group_names)}
    for r in model.trial.estimates(model.group_names):
        if r["group"] == "all" and r["impact"] != r["impact"]:
            lines.append(
                f"  year {r['year']}: not estimated: {r['n_treatment']} treatment and {r['n_control']} "
                f"control members were followed for the whole year (the run ends too soon, or too few "
                f"applied)"
            )
        elif r["group"] == "all":
            lines.append(
                f"  year {r['year']}: {r['impact']:+,.0f} [{r['ci_low']:+,.0f}, {r['ci_high']:+,.0f}]"
                f"  control mean {r['control_mean']:,.0f}"
                f"  n = {r['n_treatment']} treatment, {r['n_control']} control"
                f"  ({r['control_trained_share']:.0%} of controls trained elsewhere)"
            )
            m = matched.get(r["year"])
            if m is not None and m["impact"] == m["impact"]:
                lines.append(
                    f"          matched comparison (no lottery): {m['impact']:+,.0f} [{m['ci_low']:+,.0f}, "
                    f"{m['ci_high']:+,.0f}]  n = {m['n_treated']} participants, {m['n_matched']} matched"
                )
    return "\n".join(lines)


def _pct(v: float) -> str:
    return "-" if v != v else f"{v:.0%}"


def _money(v: float) -> str:
    return "-" if v != v else f"{v:,.0f}"


def horizon_summary(table: pa.Table, months: int = 12) -> list[dict]:
    """Average of the last ``months`` recorded months, one dict per group."""
    rows = table.to_pylist()
    last = max(r["month"] for r in rows)
    keep = [r for r in rows if r["month"] > last - months]
    out = []
    for group in dict.fromkeys(r["group"] for r in keep):
        mine = [r for r in keep if r["group"] == group]

        def mean(col: str, mine: list[dict] = mine) -> float:
            vals = [r[col] for r in mine if r[col] is not None and r[col] == r[col]]
            return sum(vals) / len(vals) if vals else float("nan")

        out.append(
            {
                "group": group,
                "unemployment_rate": mean("unemployment_rate"),
                "job_finding_rate": mean("job_finding_rate"),
                "median_wage": mean("median_wage"),
                "pay_ratio": mean("pay_ratio"),
                "good_job_share": mean("good_job_share"),
                "training_share": mean("training_share"),
            }
        )
    return out


def format_summary(summary: list[dict]) -> str:
    header = (
        f"{'group':<16}{'unemp':>8}{'find/mo':>9}{'median $':>11}{'pay ratio':>11}{'good jobs':>11}"
        f"{'training':>10}"
    )
    lines = [header, "-" * len(header)]
    for r in summary:
        lines.append(
            f"{r['group']:<16}{r['unemployment_rate']:>8.1%}{r['job_finding_rate']:>9.1%}"
            f"{r['median_wage']:>11,.0f}{r['pay_ratio']:>11.3f}{r['good_job_share']:>11.1%}"
            f"{r['training_share']:>10.2%}"
        )
    return "\n".join(lines)
