"""``pathways summarize SWEEP_DIR``: what a sweep found, with its uncertainty.

Three tables, printed in part and written in full (Parquet and CSV):

``summary``  per arm, group and outcome: the mean over seeds and its 95%
             interval, and the Monte Carlo standard error of the mean. Each
             replicate's value is first averaged over the design points, so
             the interval is over independent seeds.
``points``   the same per design point.
``effects``  per arm and outcome (everyone): the effect of each varied
             parameter, from a least-squares fit of the run-level outcome on
             all the arm's parameters scaled to [0, 1] (so a coefficient is the
             change from the low to the high end of the range), with a 95%
             interval.

A sweep with parameter uncertainty (``[sweep] parameter_uncertainty``) also gets, in ``summary``,
the total intervals of each outcome and difference (chance and the calibration's posterior:
:mod:`.uncertainty`); ``points`` and ``effects`` are at the calibrated point.

Arms are compared pairwise on each outcome (paired by replicate: common
random numbers); where the interval of the difference still covers zero, a
plain warning says so and estimates how many seeds would separate them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import special  # stdtrit: Student's t quantile (scipy.stats takes a second to import)

from .compare import interval, outcome_interval
from .io import write_csv, write_parquet
from .outcomes import HEADLINE_OUTCOMES, format_interval
from .sweep import Sweep, combine


def _by(rows: dict[str, list], keys: tuple[str, ...]) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(*(rows[k] for k in keys), strict=True)):
        groups[key].append(i)
    return groups


def summarise_sweep(sweep: Sweep, table: pa.Table) -> dict[str, list[dict]]:
    rows = table.to_pydict()
    if not rows:
        return {"summary": [], "points": [], "effects": [], "warnings": []}
    drawn_rows: dict[str, list] = {}
    if "drawn" in rows and any(rows["drawn"]):
        # Runs at posterior draws give the total intervals; everything else is at the calibrated point.
        keep = ~np.asarray(rows["drawn"], dtype=bool)
        drawn_rows = {k: [v for v, k_ in zip(col, keep, strict=True) if not k_] for k, col in rows.items()}
        rows = {k: [v for v, k_ in zip(col, keep, strict=True) if k_] for k, col in rows.items()}
    value = np.asarray(rows["value"], dtype=float)
    # Arms in the sweep file's order, which the plan keeps (a reloaded sweep.json sorts its keys).
    arms = list(dict.fromkeys([r.arm for r in sweep.runs] + list(sweep.spec.arms)))
    arm_order = {a: i for i, a in enumerate(arms)}

    points = []
    for (arm, point, group, outcome), idx in sorted(
        _by(rows, ("arm", "point", "group", "outcome")).items(),
        key=lambda kv: (arm_order[kv[0][0]], *kv[0][1:]),
    ):
        stats_ = _stats(value[idx], outcome)
        points.append({"arm": arm, "point": point, "group": group, "outcome": outcome, **stats_})

    # Per replicate, average over points; then the interval is over seeds.
    replicate_means = _replicate_means(rows)
    summary = []
    first = arms[0]
    for (arm, group, outcome), by_rep in sorted(
        replicate_means.items(), key=lambda kv: (arm_order[kv[0][0]], kv[0][1], kv[0][2])
    ):
        stats_ = _stats(np.array(list(by_rep.values())), outcome)
        # The difference from the first arm, paired by replicate (arms share seeds), as compare has it.
        base = replicate_means.get((first, group, outcome))
        diff = (float("nan"),) * 3
        if arm != first and base:
            paired = sorted(set(by_rep) & set(base))
            diff = interval(np.array([by_rep[r] - base[r] for r in paired], dtype=float))
        summary.append({"arm": arm, "group": group, "outcome": outcome, **stats_,
                        "diff": diff[0], "diff_low": diff[1], "diff_high": diff[2]})  # fmt: skip

    if drawn_rows:
        _add_totals(summary, replicate_means, _replicate_means(drawn_rows), first)
    return {
        "summary": summary,
        "points": points,
        "effects": _effects(sweep, rows, value),
        "warnings": _separation_warnings(sweep, replicate_means),
    }


def _replicate_means(rows: dict[str, list]) -> dict[tuple, dict[int, float]]:
    """Per (arm, group, outcome): each replicate's value averaged over the design points."""
    per_rep: dict[tuple, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for arm, group, outcome, rep, v in zip(
        rows["arm"], rows["group"], rows["outcome"], rows["replicate"], rows["value"], strict=True
    ):
        per_rep[(arm, group, outcome)][rep].append(float("nan") if v is None else float(v))
    return {k: {r: _finite_mean(vs) for r, vs in d.items()} for k, d in per_rep.items()}


def _add_totals(summary: list[dict], calibrated: dict, drawn: dict, first: str) -> None:
    """Total intervals (chance and the calibration's posterior, :mod:`.uncertainty`) beside the seed ones."""
    from .uncertainty import total_columns

    for row in summary:
        key = (row["arm"], row["group"], row["outcome"])
        base = (first, row["group"], row["outcome"]) if row["arm"] != first else None
        row.update(total_columns(row["outcome"], calibrated.get(key), drawn.get(key), calibrated.get(base),
                                 drawn.get(base)))  # fmt: skip


def _stats(v: np.ndarray, outcome: str) -> dict:
    """Mean over seeds, 95% interval, Monte Carlo standard error and seed count."""
    mean, lo, hi = outcome_interval(v, outcome)
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "mc_se": _se(v), "seeds": int(np.isfinite(v).sum())}


def _finite_mean(values: list[float]) -> float:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else float("nan")


def _se(v: np.ndarray) -> float:
    v = v[np.isfinite(v)]
    return float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")


def _effects(sweep: Sweep, rows: dict[str, list], value: np.ndarray) -> list[dict]:
    out = []
    params = sweep.spec.parameters
    for arm in sweep.spec.arms:
        mine = [p for p in params if not p.arms or arm in p.arms]
        if not mine:
            continue
        for outcome in dict.fromkeys(rows["outcome"]):
            idx = [
                i
                for i, (a, g, o) in enumerate(zip(rows["arm"], rows["group"], rows["outcome"], strict=True))
                if a == arm and g == "all" and o == outcome
            ]
            y = value[idx]
            x = np.column_stack([_unit(p, np.asarray(rows[p.name], dtype=float)[idx]) for p in mine])
            ok = np.isfinite(y) & np.isfinite(x).all(axis=1)
            # Nothing to explain when the outcome never varies (e.g. seats always full).
            if ok.sum() <= len(mine) + 1 or np.ptp(y[ok]) == 0 or np.allclose(x[ok].std(axis=0), 0):
                continue
            design = np.column_stack([np.ones(ok.sum()), x[ok]])
            coef, _res, rank, _ = np.linalg.lstsq(design, y[ok], rcond=None)
            if rank < design.shape[1]:
                continue
            resid = y[ok] - design @ coef
            dof = ok.sum() - design.shape[1]
            sigma2 = resid @ resid / dof
            se = np.sqrt(np.diag(sigma2 * np.linalg.inv(design.T @ design)))
            t = special.stdtrit(dof, 0.975)
            for j, p in enumerate(mine, start=1):
                out.append(
                    {
                        "arm": arm,
                        "outcome": outcome,
                        "parameter": p.name,
                        "effect": float(coef[j]),
                        "ci_low": float(coef[j] - t * se[j]),
                        "ci_high": float(coef[j] + t * se[j]),
                    }
                )
    return out


def _unit(p, values: np.ndarray) -> np.ndarray:
    lo, hi = p.range if p.range is not None else (min(p.values), max(p.values))
    return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)


def _separation_warnings(sweep: Sweep, replicate_means: dict) -> list[str]:
    """One line per pair of arms listing the key outcomes their seeds cannot yet tell apart."""
    warnings = []
    for a, b in combinations(sweep.spec.arms, 2):
        unclear, seeds = [], 0
        for outcome in HEADLINE_OUTCOMES:
            ra, rb = replicate_means.get((a, "all", outcome)), replicate_means.get((b, "all", outcome))
            if not ra or not rb:
                continue
            d = np.array([ra[r] - rb[r] for r in sorted(set(ra) & set(rb))])
            d = d[np.isfinite(d)]
            if d.size < 2 or (d == 0).all():
                continue
            mean, lo, hi = interval(d)
            seeds = max(seeds, d.size)
            if lo <= 0 <= hi:
                sd = d.std(ddof=1)
                need = int(np.ceil((1.96 * sd / abs(mean)) ** 2)) if mean else 10**9
                unclear.append(
                    f"{outcome} (~{max(need, d.size + 1)} seeds)"
                    if need < 10_000
                    else f"{outcome} (no visible difference)"
                )
        if unclear:
            warnings.append(f"{a} vs {b}: not separated by {seeds} seeds on {', '.join(unclear)}")
    return warnings


def format_summary(sweep: Sweep, result: dict, failures: list[dict]) -> str:
    from .findings import MIN_SEEDS

    lines = []
    if sweep.spec.sweep.seeds < MIN_SEEDS:
        lines.append(f"Only {sweep.spec.sweep.seeds} seeds per point: too few for the 95% intervals below "
                     f"to be relied on (rerun with --seeds 10 or more).\n")  # fmt: skip
    arms = list(sweep.spec.arms)
    index = {(r["arm"], r["group"], r["outcome"]): r for r in result["summary"]}
    width = 30
    lines.append(f"{'outcome (everyone)':<24}" + "".join(f"{a[: width - 2]:>{width}}" for a in arms))
    for outcome in HEADLINE_OUTCOMES:
        cells = [format_interval(outcome, index.get((a, "all", outcome))) for a in arms]
        if any(c != "-" for c in cells):
            lines.append(f"{outcome:<24}" + "".join(f"{c:>{width}}" for c in cells))
    if result["effects"]:
        lines.append(
            "\nEffect of moving each parameter from the low to the high end of its range "
            "(everyone) [95% interval]:"
        )
        for r in result["effects"]:
            if r["outcome"] in HEADLINE_OUTCOMES:
                lines.append(
                    f"  {r['arm']:<22} {r['parameter']:<22} {r['outcome']:<22} "
                    f"{r['effect']:+.4g} [{r['ci_low']:+.4g}, {r['ci_high']:+.4g}]"
                )
    if result["warnings"]:
        lines.append("\nMonte Carlo warnings:")
        lines += [f"  - {w}" for w in result["warnings"]]
    if failures:
        lines.append(f"\n{len(failures)} run(s) failed:")
        lines += [
            f"  - {f['arm']} point {f['point']} replicate {f['replicate']}: {f['error']}" for f in failures
        ]
    return "\n".join(lines)


def write_summary(out: Path, table: pa.Table, result: dict, failures: list[dict]) -> list[Path]:
    paths = []
    write_parquet(table, out / "results.parquet")
    paths.append(out / "results.parquet")
    for name in ("summary", "points", "effects"):
        rows = result[name]
        if not rows:
            continue
        write_parquet(pa.Table.from_pylist(rows), out / f"{name}.parquet")
        write_csv(rows, out / f"{name}.csv")
        paths += [out / f"{name}.parquet", out / f"{name}.csv"]
    (out / "failures.csv").unlink(missing_ok=True)  # a failure list from an earlier summary is stale
    if failures:
        write_csv(failures, out / "failures.csv")
        paths.append(out / "failures.csv")
    return paths


@dataclass
class Summary:
    text: str
    paths: list[Path]
    runs: int  # planned runs
    missing: int  # planned runs without a result (failed, damaged or not run)


def summarize_folder(sweep: Sweep, out: Path) -> Summary:
    """Combine a sweep folder's runs into its summary tables; say plainly what is missing."""
    table, failures = combine(sweep, out)
    notes = _completeness(sweep, failures)
    if table.num_rows == 0:
        text = "\n".join([*notes, "No run has a result yet: nothing to summarise."])
        return Summary(text, [], len(sweep.runs), len(failures))
    before = _rows_in(out / "results.parquet")
    result = summarise_sweep(sweep, table)
    paths = write_summary(out, table, result, failures)
    if before is not None and table.num_rows < before:
        notes.append(
            f"results.parquet had {before:,} rows and now has {table.num_rows:,}: "
            f"runs that had results no longer do (see failures.csv)"
        )
    text = format_summary(sweep, result, [])
    return Summary("\n".join([text, *notes]) if notes else text, paths, len(sweep.runs), len(failures))


def _rows_in(path: Path) -> int | None:
    try:
        return pq.read_metadata(path).num_rows if path.exists() else None
    except (OSError, pa.ArrowException):
        return None


def _completeness(sweep: Sweep, failures: list[dict]) -> list[str]:
    if not failures:
        return []
    unfinished = ("result file damaged", "not run yet")
    by_reason: dict[str, list[str]] = defaultdict(list)
    for f in failures:
        by_reason[f["error"] if f["error"].startswith(unfinished) else "failed"].append(f["run_id"])
    lines = [f"\n{len(failures)} of {len(sweep.runs)} planned runs have no result (failures.csv lists them):"]
    for reason, ids in by_reason.items():
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        lines.append(f"  - {len(ids)} {reason}: {shown}")
    first = next((f for f in failures if not f["error"].startswith(unfinished)), None)
    if first is not None:
        where = f"{first['arm']} point {first['point']} replicate {first['replicate']}"
        lines.append(f"  first failure ({where}): {first['error'][:300]}")
    return lines
