"""The fit report of ``pathways calibrate``: tables and charts.

``fit.csv``         every calibration target: published value and tolerance, the
                    model at the starting guess and at the fit (mean over the
                    final replicates, 95% interval), and whether the fit is
                    within tolerance.
``parameters.csv``  each free parameter: key, bounds, starting guess, fitted value, why it is free.
``convergence.csv`` the objective at every evaluated point, in order.
``fit_chart.*``     published vs simulated, each target scaled by its tolerance (PNG, SVG, PDF, CSV).
``convergence_chart.*`` the objective by evaluation, and the best so far.
``fit.json``        start and fitted values and objectives.
"""

from __future__ import annotations

from pathlib import Path

from ..experiments.io import atomic_write_bytes, write_csv
from .fit import FitResult, result_json


def write_report(result: FitResult, out: Path) -> list[Path]:
    import pathways

    from ..experiments import charts
    from ..experiments.style import Provenance

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "fit.csv", out / "parameters.csv", out / "fit.json"]
    write_csv(result.fit_rows, paths[0])
    write_csv(parameter_rows(result), paths[1])
    atomic_write_bytes(paths[2], (result_json(result) + "\n").encode())
    if result.history:  # a report of given values (pathways calibrate --evaluate) searched nothing
        write_csv(result.history, out / "convergence.csv")
        paths.append(out / "convergence.csv")
    s = result.config.calibration
    provenance = Provenance(
        (Path(s.scenario).name, "calibration/targets.csv"),
        f"{s.replicates} per point, from {s.seed}",
        pathways.__version__,
        f"{s.workers:,} workers",
    )
    # Charts get their own stems: their CSVs hold the data drawn, not the report's tables.
    fit_paths = charts.calibration_fit(result.fit_rows, provenance).save(out / "fit_chart")
    conv_paths = (
        charts.convergence(result.history, provenance).save(out / "convergence_chart")
        if result.history
        else []
    )
    return [*paths, *fit_paths, *conv_paths]


def parameter_rows(result: FitResult) -> list[dict]:
    return [
        {
            "name": p.name,
            "key": p.key,
            "low": p.bounds[0],
            "high": p.bounds[1],
            "start": float(a),
            "fitted": float(b),
            "why": p.why,
        }
        for p, a, b in zip(result.config.parameters, result.start, result.best, strict=True)
    ]


def format_report(result: FitResult) -> str:
    lines = [
        f"{'target':<40}{'published':>11}{'tolerance':>11}{'start':>10}{'fitted':>10}{'95% interval':>22}  ok"
    ]
    for r in result.fit_rows:
        name = f"{r['target']} [{r['group']}]"
        ci = "[{:.4g}, {:.4g}]".format(r["ci_low"], r["ci_high"])
        lines.append(
            f"{name[:39]:<40}{r['published']:>11.4g}{r['tolerance']:>11.3g}{r['start']:>10.4g}"
            f"{r['simulated']:>10.4g}{ci:>22}  {'yes' if r['within_tolerance'] else 'no'}"
        )
    inside = sum(r["within_tolerance"] for r in result.fit_rows)
    lines.append(
        f"\n{inside} of {len(result.fit_rows)} targets within tolerance; objective "
        f"{result.start_objective:.3f} at the start, {result.best_objective:.3f} fitted."
    )
    lines.append(f"\n{'parameter':<24}{'bounds':>16}{'start':>10}{'fitted':>10}")
    for r in parameter_rows(result):
        bounds = "[{:g}, {:g}]".format(r["low"], r["high"])
        lines.append(f"{r['name']:<24}{bounds:>16}{r['start']:>10.4g}{r['fitted']:>10.4g}")
    return "\n".join(lines)
