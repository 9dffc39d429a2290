"""``pathways compare``: several scenarios over the same seeds, with intervals.

Every scenario runs with the same list of seeds. Since each mechanism draws
from its own random stream per worker, arms that share a seed share the same
population, network and draws everywhere a rule does not differ (common
random numbers); library programs open at month 0, so arms are identical up
to then. Differences between arms are therefore paired by seed.

Files written to the output folder:

``runs.parquet``     one row per (scenario, seed, group, outcome): the raw results.
``summary.parquet``  per (scenario, group, outcome): mean, 95% interval over
``summary.csv``      seeds (t interval of the mean), and the paired difference
                     from the first scenario with its interval.
``manifest.json``    scenarios as resolved, hashes, seeds, versions.

With parameter uncertainty (``--parameter-uncertainty``, :mod:`.uncertainty`), each seed also
runs at its own draw from the calibration's posterior: ``runs_posterior.parquet`` holds those
runs, ``summary.*`` gains the total intervals (``total_*``, ``diff_total*``) and the share of
their variance that the parameters bring, and the manifest records the draw of every seed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from scipy import special  # stdtrit: Student's t quantile (scipy.stats takes a second to import)

from ..simulation import LabourMarket, Scenario, ScenarioError, load_scenario, scenario_hash
from ..simulation.checkpoint import burn_in_identity
from ..simulation.scenario import scenario_dict
from .checkpoints import BurnIns, Store
from .executor import Executor, all_succeeded
from .io import write_csv, write_json, write_parquet
from .outcomes import OUTCOMES, format_interval, key_outcomes, unit_of
from .provenance import versions


@dataclass(frozen=True)
class Arm:
    label: str  # the scenario's meta.name
    path: str
    scenario: Scenario


def load_arms(paths: list[str], layers: list[tuple[dict, str]] | dict = ()) -> list[Arm]:
    """The scenarios compared, with ``layers`` of overrides (``(overrides, where from)``) applied to each."""
    if isinstance(layers, dict):  # one set of overrides, e.g. from a test
        layers = [(layers, "overrides")] if layers else []
    arms = []
    for path in paths:
        sc = load_scenario(path, layers=layers)
        arms.append(Arm(sc.meta.name, str(path), sc))
    labels = [a.label for a in arms]
    if len(set(labels)) != len(labels):
        twice = next(a for a in arms if labels.count(a.label) > 1)
        raise ScenarioError(
            f"{twice.path}: meta.name: '{twice.label}' is also the name of another scenario compared; "
            f"each arm needs its own name"
        )
    return arms


def seeds_for(arms: list[Arm], n: int) -> list[int]:
    """Seeds ``s, s+1, ..., s+n-1`` from the first scenario's seed."""
    return [arms[0].scenario.run.seed + i for i in range(n)]


def _run_arms(job: tuple[list[tuple[str, Scenario]], int, bool, str | None]) -> list[list[dict]]:
    """Arms for one seed, run in order; with ``share``, they share one burn-in: the first burns in (or
    starts from the store's checkpoint, if ``store`` names a folder), the others continue from its
    month-0 checkpoint. One list of rows per arm."""
    arms, seed, share, store_folder = job
    burn_ins = BurnIns(share, store_folder)
    out = []
    for label, scenario in arms:
        model = LabourMarket(scenario, seed=seed)
        model.record_careers = False  # only the key outcomes are kept
        burn_ins.run(model, scenario)
        out.append([{"scenario": label, "seed": seed, **row} for row in key_outcomes(model)])
    return out


def run_all(
    arms: list[Arm], seeds: list[int], jobs: int = 1, on_result=None, dask: str | None = None,
    reuse_burn_in: bool = True, checkpoints: Path | None = None,
    scenarios_for: Callable[[int], list[Scenario]] | None = None,
) -> list[dict]:  # fmt: skip
    """Run every (arm, seed) on ``jobs`` processes or Dask; rows come back in a fixed order.

    With ``reuse_burn_in``, arms whose burn-ins are the same (:func:`~..simulation.checkpoint.
    burn_in_identity`) burn in once per seed and continue from that state: the same numbers, less time.
    ``checkpoints``: a folder of burned-in markets (:class:`.checkpoints.Store`) to start from and add to.
    ``scenarios_for``: the arms' scenarios for a seed, if they differ by seed (a posterior draw per
    seed: :mod:`.uncertainty`); by default each arm's own.
    """
    store = str(Store(checkpoints).folder) if checkpoints is not None else None
    tasks, where = [], []
    for s in seeds:
        scenarios = [a.scenario for a in arms] if scenarios_for is None else scenarios_for(s)
        groups: dict[str, list[int]] = {}
        for i, sc in enumerate(scenarios):
            key = burn_in_identity(sc) if reuse_burn_in else f"arm {i}"
            groups.setdefault(key, []).append(i)
        for members in groups.values():
            share = reuse_burn_in and len(members) > 1
            tasks.append(([(arms[i].label, scenarios[i]) for i in members], s, share, store))
            where.append(members)
    results: list = [None] * len(tasks)
    with Executor(jobs, dask) as executor:
        for index, result in executor.imap(_run_arms, tasks):
            results[index] = result
            for _ in where[index]:  # progress counts runs: one per arm of the task
                if on_result is not None:
                    on_result()
    all_succeeded(results, "compare")
    by_run: dict[tuple[int, int], list[dict]] = {}
    for (members, task), rows in zip(zip(where, tasks, strict=True), results, strict=True):
        for i, arm_rows in zip(members, rows, strict=True):
            by_run[(task[1], i)] = arm_rows
    return [row for s in seeds for i in range(len(arms)) for row in by_run[(s, i)]]


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval of the mean over seeds (NaNs dropped)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if v.size < 2:
        return mean, float("nan"), float("nan")
    half = float(special.stdtrit(v.size - 1, 0.975) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def outcome_interval(values: np.ndarray, outcome: str) -> tuple[float, float, float]:
    """:func:`interval`, kept within the values the outcome can take (:func:`.outcomes.within_bounds`)."""
    from .outcomes import within_bounds

    mean, lo, hi = interval(values)
    return (mean, *within_bounds(lo, hi, outcome))


def summarise(rows: list[dict], arms: list[Arm]) -> list[dict]:
    """Per (scenario, group, outcome): mean and interval, and the paired difference from the first arm."""
    table: dict[tuple[str, str, str], dict[int, float]] = {}
    for r in rows:
        table.setdefault((r["scenario"], r["group"], r["outcome"]), {})[r["seed"]] = r["value"]
    first = arms[0].label
    out = []
    for (label, group, outcome), by_seed in table.items():
        seeds = sorted(by_seed)
        values = np.array([by_seed[s] for s in seeds], dtype=float)
        mean, lo, hi = outcome_interval(values, outcome)
        row = {"scenario": label, "group": group, "outcome": outcome, "seeds": int((~np.isnan(values)).sum()),
               "mean": mean, "ci_low": lo, "ci_high": hi}  # fmt: skip
        base = table.get((first, group, outcome))
        if label != first and base is not None:
            paired = [s for s in seeds if s in base]
            diff = np.array([by_seed[s] - base[s] for s in paired], dtype=float)
            row["diff"], row["diff_low"], row["diff_high"] = interval(diff)
        else:
            row["diff"] = row["diff_low"] = row["diff_high"] = float("nan")
        out.append(row)
    out += _gain_per_public_dollar(table, arms)
    order = {a.label: i for i, a in enumerate(arms)}
    outcome_order = {k: i for i, k in enumerate(OUTCOMES)}
    # Families named by a number ("..._year_3", "trial_impact_y10") in numeric order after the others.
    out.sort(key=lambda r: (outcome_order.get(r["outcome"], len(outcome_order)), _natural(r["outcome"]),
                            r["group"] != "all", r["group"], order[r["scenario"]]))  # fmt: skip
    return out


def add_total_intervals(
    summary: list[dict], rows: list[dict], posterior_rows: list[dict], arms: list[Arm]
) -> None:  # fmt: skip
    """Add each summary row's interval with parameter uncertainty (:func:`.uncertainty.total_columns`)."""
    from .uncertainty import total_columns

    def table(rs: list[dict]) -> dict:
        t: dict[tuple[str, str, str], dict[int, float]] = {}
        for r in rs:
            t.setdefault((r["scenario"], r["group"], r["outcome"]), {})[r["seed"]] = r["value"]
        return t

    ref, post = table(rows), table(posterior_rows)
    first = arms[0].label
    for row in summary:
        key = (row["scenario"], row["group"], row["outcome"])
        base = (first, row["group"], row["outcome"]) if row["scenario"] != first else None
        row.update(total_columns(row["outcome"], ref.get(key), post.get(key), ref.get(base), post.get(base)))


def _natural(name: str) -> list:
    """Sort key that orders the numbers inside a name by value: y2 before y10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def _gain_per_public_dollar(table: dict, arms: list[Arm]) -> list[dict]:
    """Earnings gained over the run per extra public dollar, each arm against the first (paired)."""
    first = arms[0].label
    rows = []
    for arm in arms[1:]:
        earn, base_earn = (
            table.get((arm.label, "all", "annual_earnings")),
            table.get((first, "all", "annual_earnings")),
        )
        pub, base_pub = (
            table.get((arm.label, "all", "public_dollars")),
            table.get((first, "all", "public_dollars")),
        )
        if not (earn and base_earn and pub and base_pub):
            continue
        people, years = arm.scenario.run.workers, arm.scenario.run.months / 12.0
        seeds = sorted(earn)
        extra = np.array([pub[s] - base_pub[s] for s in seeds])
        # Only meaningful when the arm really spends more public money than the reference
        # (not just chance differences in what the baseline's own programs cost).
        if not (extra > 0).all() or extra.mean() < 0.05 * np.mean([base_pub[s] for s in seeds]):
            continue
        ratios = [(earn[s] - base_earn[s]) * people * years / x for s, x in zip(seeds, extra, strict=True)]
        mean, lo, hi = interval(np.array(ratios, dtype=float))
        rows.append({"scenario": arm.label, "group": "all", "outcome": "earnings_gain_per_public_dollar",
                     "seeds": int(np.isfinite(ratios).sum()), "mean": mean, "ci_low": lo, "ci_high": hi,
                     "diff": float("nan"), "diff_low": float("nan"), "diff_high": float("nan")})  # fmt: skip
    return rows


def _signed(outcome: str, v: float) -> str:
    unit = unit_of(outcome)
    if unit == "share":
        return f"{v * 100:+.1f}pt"
    if unit in ("dollars", "dollars per year"):
        return f"{v:+,.0f}"
    return f"{v:+.3f}"


PRINTED = (
    "enrolment_per_10k", "completion_rate", "placement_rate_120d", "retention_rate_1y", "starting_wage",
    "debt_added", "mobility_rate", "pay_ratio", "good_job_share", "annual_earnings",
)  # fmt: skip


def trial_years(summary: list[dict]) -> list[str]:
    """The trial-impact outcomes in ``summary`` ("trial_impact_y<year>"), by follow-up year."""
    found = {r["outcome"] for r in summary if re.fullmatch(r"trial_impact_y\d+", r["outcome"])}
    return sorted(found, key=lambda o: int(o.removeprefix("trial_impact_y")))


def format_table(summary: list[dict], arms: list[Arm], outcomes=PRINTED) -> str:
    """Outcome by group, one column per scenario: mean [95% interval]."""
    from .findings import MIN_SEEDS

    labels = [a.label for a in arms]
    width = 28
    lines = [f"{'outcome':<22}{'group':<16}" + "".join(f"{lab[: width - 2]:>{width}}" for lab in labels)]
    seeds = max((r["seeds"] for r in summary), default=0)
    if seeds < MIN_SEEDS:
        lines.insert(0, f"Only {seeds} seeds: too few for the 95% intervals below to be relied on "
                        f"(rerun with --seeds 10 or more).\n")  # fmt: skip
    lines.append("-" * len(lines[0]))
    index = {(r["scenario"], r["group"], r["outcome"]): r for r in summary}
    groups = list(dict.fromkeys(r["group"] for r in summary))
    groups = ["all"] + [g for g in groups if g != "all"]
    for outcome in [*outcomes, *trial_years(summary)]:
        if not any(k[2] == outcome for k in index):
            continue
        for g in groups:
            cells = [format_interval(outcome, index.get((lab, g, outcome))) for lab in labels]
            lines.append(f"{outcome[:21]:<22}{g:<16}" + "".join(f"{c:>{width}}" for c in cells))
    if len(labels) > 1:
        lines.append("")
        lines.append(f"Change from {labels[0]} (paired by seed) [95% interval]")
        lines += _change_lines(index, labels, groups, "diff", width)
    if len(labels) > 1 and any(np.isfinite(r.get("diff_total", np.nan)) for r in summary):
        lines.append("")
        lines.append("The same changes with parameter uncertainty (each seed also at its own posterior "
                     "draw) [95% total interval] (share of its variance from the parameters)")  # fmt: skip
        lines += _change_lines(index, labels, groups, "diff_total", width + 8)
    for r in summary:
        if r["outcome"] == "earnings_gain_per_public_dollar":
            lines.append(f"Earnings gained per extra public dollar, {r['scenario']} vs {labels[0]}: "
                         f"{r['mean']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]")  # fmt: skip
    return "\n".join(lines)


CHANGES = ("mobility_rate", "pay_ratio", "good_job_share", "annual_earnings", "theil_between")


def _change_lines(index: dict, labels: list[str], groups: list[str], key: str, width: int) -> list[str]:
    """Rows of paired changes from the first arm: ``key`` ("diff" or "diff_total") [its interval],
    with the parameters' share of the variance for total intervals."""
    lines = []
    for outcome in CHANGES:
        for g in groups:
            cells = []
            for lab in labels[1:]:
                r = index.get((lab, g, outcome))
                if r is None or not np.isfinite(r.get(key, np.nan)):
                    cells.append("-")
                    continue
                cell = f"{_signed(outcome, r[key])} [{_signed(outcome, r[key + '_low'])}, "
                cell += f"{_signed(outcome, r[key + '_high'])}]"
                if key == "diff_total":
                    cell += f" ({r['diff_parameter_share']:.0%})"
                cells.append(cell)
            if any(c != "-" for c in cells):
                lines.append(f"{outcome[:21]:<22}{g:<16}" + "".join(f"{c:>{width}}" for c in cells))
    return lines


def write_outputs(
    rows: list[dict], summary: list[dict], arms: list[Arm], seeds: list[int], out: Path,
    posterior_rows: list[dict] | None = None, posterior: dict | None = None,
) -> list[Path]:  # fmt: skip
    """The files of the module's docstring; with parameter uncertainty also ``runs_posterior.parquet``
    (the runs at each seed's posterior draw) and the draws in the manifest (``posterior``)."""
    out.mkdir(parents=True, exist_ok=True)
    runs_path, summary_path = out / "runs.parquet", out / "summary.parquet"
    write_parquet(pa.Table.from_pylist(rows), runs_path)
    extra = []
    if posterior_rows:
        extra.append(out / "runs_posterior.parquet")
        write_parquet(pa.Table.from_pylist(posterior_rows), extra[0])
    table = pa.Table.from_pylist(summary)
    write_parquet(table, summary_path)
    csv_path = out / "summary.csv"
    write_csv(summary, csv_path)
    manifest = {
        "command": "compare",
        "seeds": seeds,
        "versions": versions(),
        "scenarios": [
            {
                "label": a.label,
                "file": a.path,
                "hash": scenario_hash(a.scenario),
                "resolved": scenario_dict(a.scenario),
            }
            for a in arms
        ],
    }
    if posterior is not None:
        manifest["parameter_uncertainty"] = posterior
    manifest_path = out / "manifest.json"
    write_json(manifest, manifest_path)
    return [runs_path, *extra, summary_path, csv_path, manifest_path]


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))
