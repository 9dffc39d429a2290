"""Run one scenario and write its results to a folder.

Files written:

``metrics.parquet``  one row per (month, group): see ``simulation.metrics.COLUMNS``.
``manifest.json``    the scenario as resolved, its hash, the seed and versions:
                     everything needed to reproduce the run, and nothing that
                     changes between identical runs (no clock times).
``main_series.png``  unemployment, pay ratio, good jobs and training by group.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import pathways

from ..simulation import LabourMarket, Scenario, scenario_hash
from ..simulation.scenario import scenario_dict


@dataclass
class RunResult:
    model: LabourMarket
    table: pa.Table
    seconds: float


def simulate(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Run the burn-in and the recorded months; return the model and its metrics table."""
    start = time.perf_counter()
    model = LabourMarket(scenario, seed=seed)
    model.run()
    table = pa.table(model.metrics.columns())
    return RunResult(model, table, time.perf_counter() - start)


def versions() -> dict[str, str]:
    import matplotlib
    import mesa
    import numba
    import numpy

    return {
        "pathways": pathways.__version__,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "pyarrow": pa.__version__,
        "matplotlib": matplotlib.__version__,
    }


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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(table: pa.Table, path: Path) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def write_outputs(result: RunResult, scenario: Scenario, out: Path, source: str) -> list[Path]:
    """Write metrics, manifest and chart into ``out``; returns the paths written."""
    from .charts import main_series_chart

    out.mkdir(parents=True, exist_ok=True)
    metrics_path = out / "metrics.parquet"
    write_parquet(result.table, metrics_path)
    manifest_path = out / "manifest.json"
    text = json.dumps(manifest(scenario, result.model.seed, source), indent=2, sort_keys=True) + "\n"
    atomic_write_bytes(manifest_path, text.encode())
    chart_path = out / "main_series.png"
    main_series_chart(result.table, scenario, result.model.seed, chart_path)
    return [metrics_path, manifest_path, chart_path]


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
