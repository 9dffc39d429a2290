"""The ``pathways`` command line.

    pathways run SCENARIO [--seed N] [--months N] [--workers N] [--out DIR]
    pathways compare SCENARIO... [--seeds N] [--jobs N] [--months N] [--workers N] [--out DIR]
    pathways sweep SWEEP.toml [--out DIR] [--jobs N] [--dask ADDRESS|local] [--resume]
                              [--seeds N] [--workers N] [--months N]
    pathways summarize SWEEP_DIR
    pathways brief RESULTS_DIR [--out DIR]
    pathways calibrate [--budget N] [--jobs N] [--out DIR] [--scenario-out FILE]
    pathways validate [--workers N] [--seeds N] [--jobs N] [--out DIR]
    pathways sensitivity [--method morris|sobol] [--samples N] [--jobs N] [--out DIR]
    pathways bench [--sizes 10000,100000,1000000] [--months N] [--sweep]

User errors (a bad scenario file, a folder that cannot be written) print one
line to stderr and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem with the user's input, reported as one line."""


def _overrides(args: argparse.Namespace) -> dict:
    run = {
        k: v
        for k, v in (("seed", args.seed), ("months", args.months), ("workers", args.workers))
        if v is not None
    }
    return {"run": run} if run else {}


def _version() -> str:
    import pathways

    return pathways.__version__


def _writable_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path}: cannot create output folder: {exc.strerror}") from None
    if not os.access(path, os.W_OK):
        raise UserError(f"{path}: output folder is not writable")
    return path


def cmd_run(args: argparse.Namespace) -> int:
    from pathways.experiments.run import (
        format_programs,
        format_summary,
        format_trial,
        horizon_summary,
        simulate,
        write_outputs,
    )
    from pathways.simulation import ScenarioError, load_scenario

    try:
        scenario = load_scenario(args.scenario, _overrides(args))
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    out = _writable_dir(Path(args.out) if args.out else Path("out") / scenario.meta.name)
    r = scenario.run
    print(
        f"Running {scenario.meta.name}: {r.workers:,} workers, "
        f"{r.burn_in_months} burn-in + {r.months} months, seed {r.seed}",
        flush=True,
    )
    result = simulate(scenario)
    paths = write_outputs(result, scenario, out, str(args.scenario))
    worker_months = r.workers * (r.months + r.burn_in_months)
    print(f"Done in {result.seconds:.1f} s ({worker_months / result.seconds:,.0f} worker-months/s).\n")
    print(f"Last 12 months, by group (pay ratio: median pay relative to {scenario.meta.reference_group}):")
    print(format_summary(horizon_summary(result.table)))
    if any(p.spec.start_month is not None for p in result.model.programs):
        print("\nProgram funnels, enrolments in the recorded period (everyone):")
        print(format_programs(result.model))
    if result.model.trial is not None:
        print()
        print(format_trial(result.model))
    print("\nWrote " + ", ".join(str(p) for p in paths))
    print(
        "Brief-ready charts are in main_series.*; for a brief, compare scenarios, then run `pathways brief`."
    )
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from pathways.experiments import compare
    from pathways.simulation import ScenarioError

    if args.seeds < 2:
        raise UserError("--seeds must be at least 2 to give an interval")
    overrides = {
        "run": {k: v for k, v in (("months", args.months), ("workers", args.workers)) if v is not None}
    }
    try:
        arms = compare.load_arms(args.scenarios, overrides if overrides["run"] else {})
    except (ScenarioError, ValueError) as exc:
        raise UserError(str(exc)) from None
    out = _writable_dir(
        Path(args.out) if args.out else Path("out") / "compare-" + "-vs-".join(a.label for a in arms)
    )
    seeds = compare.seeds_for(arms, args.seeds)
    jobs = args.jobs or compare.default_jobs()
    r = arms[0].scenario.run
    print(
        f"Comparing {', '.join(a.label for a in arms)}: {len(seeds)} seeds each, {r.workers:,} workers, "
        f"{r.burn_in_months} burn-in + {r.months} months, {jobs} processes",
        flush=True,
    )

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  {done}/{total} runs", end="" if done < total else "\n", file=sys.stderr, flush=True)

    rows = compare.run_all(arms, seeds, jobs, progress)
    summary = compare.summarise(rows, arms)
    paths = compare.write_outputs(rows, summary, arms, seeds, out)
    print("\nMean over seeds [95% interval]; program outcomes pool the programs each scenario opens.")
    print(compare.format_table(summary, arms))
    print("\nWrote " + ", ".join(str(p) for p in paths))
    print(f"Charts and a brief (HTML and PDF): pathways brief {out}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    try:
        plan = sw.load_sweep(args.sweep, seeds=args.seeds, workers=args.workers, months=args.months)
    except sw.SweepError as exc:
        raise UserError(str(exc)) from None
    out = _writable_dir(Path(args.out) if args.out else Path("out") / "sweeps" / plan.spec.sweep.name)
    unique = len({r.run_id for r in plan.runs})
    have = len(sw.done_ids(out) & {r.run_id for r in plan.runs}) if args.resume else 0
    s = plan.spec.sweep
    engine = f"Dask ({args.dask})" if args.dask else f"{args.jobs or 1} process(es)"
    print(
        f"Sweep {s.name}: {len(plan.spec.arms)} arms x {len(plan.points)} points x {s.seeds} seeds = "
        f"{len(plan.runs)} runs ({unique} distinct, {have} already done), {s.workers:,} workers, "
        f"{s.months} months, on {engine}",
        flush=True,
    )
    start = time.perf_counter()
    try:
        progress = sw.run_sweep(
            plan,
            out,
            jobs=args.jobs or 1,
            dask=args.dask,
            resume=args.resume,
            on_result=sw.progress_bar(unique - have),
        )
    except sw.SweepError as exc:
        raise UserError(str(exc)) from None
    wall = time.perf_counter() - start
    if progress.done:
        print(
            f"Ran {progress.done} runs in {wall:.1f} s ({progress.done / wall * 60:.1f} runs/minute), "
            f"{progress.failed} failed."
        )
    text, paths = summarize_folder(plan, out)
    print(text)
    print(f"\nWrote results under {out} ({len(paths)} tables); rerun `pathways summarize {out}` any time.")
    print(f"Charts and a brief (HTML and PDF): pathways brief {out}")
    return 0 if not progress.failed else 1


def cmd_summarize(args: argparse.Namespace) -> int:
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    try:
        plan = sw.load_folder(Path(args.folder))
    except sw.SweepError as exc:
        raise UserError(str(exc)) from None
    text, paths = summarize_folder(plan, Path(args.folder))
    print(text)
    print("\nWrote " + ", ".join(str(p) for p in paths))
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from pathways.experiments.brief import make_brief

    results = Path(args.results)
    if not results.is_dir():
        raise UserError(f"{results}: no such results folder")
    out = _writable_dir(Path(args.out) if args.out else results / "brief")
    try:
        paths = make_brief(results, out)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(
        f"Wrote {paths[0]} and {paths[1]}, with {(len(paths) - 2) // 4} charts in {out / 'charts'} "
        f"(PNG, SVG, PDF and the data as CSV)"
    )
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from pathways.calibration import fit
    from pathways.calibration.report import format_report, write_report

    jobs = args.jobs or 1
    config = fit.load_config()
    s = config.calibration
    print(
        f"Calibrating {len(config.parameters)} parameters on {s.replicates} replicate seeds per point, "
        f"{s.workers:,} workers, {s.burn_in_months} + {s.months} months, {jobs} process(es)",
        flush=True,
    )

    def progress(history: list[dict]) -> None:
        if sys.stderr.isatty():
            best = min(h["objective"] for h in history)
            print(
                f"\r  {len(history)} points, best objective {best:.3f}", end="", file=sys.stderr, flush=True
            )

    start = time.perf_counter()
    result = fit.calibrate(jobs=jobs, budget=args.budget, progress=progress)
    minutes = (time.perf_counter() - start) / 60
    out = _writable_dir(Path(args.out) if args.out else Path("out") / "calibration")
    scenario_out = Path(args.scenario_out) if args.scenario_out else fit.default_scenario_path()
    note = (
        f"Budget: {len(result.history)} points x {s.replicates} seeds, seed {s.seed}, "
        f"{jobs} process(es), {minutes:.1f} minutes."
    )
    fit.write_calibrated_scenario(result, scenario_out, note)
    paths = write_report(result, out)
    print("\n" + format_report(result))
    print(f"\nTook {minutes:.1f} minutes. Wrote {scenario_out} and " + ", ".join(str(p) for p in paths))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from pathways.calibration.validate import format_rows, validate
    from pathways.experiments import charts
    from pathways.experiments.io import write_csv
    from pathways.experiments.style import Provenance

    jobs = args.jobs or 1
    print(
        f"Validating: synthetic trials of the library's programs, {args.workers:,} workers, "
        f"{args.seeds} seeds, {jobs} process(es)",
        flush=True,
    )
    rows = validate(workers=args.workers, seeds=args.seeds, jobs=jobs)
    out = _writable_dir(Path(args.out) if args.out else Path("out") / "validation")
    write_csv([dict(vars(r), agrees=r.agrees) for r in rows], out / "validation.csv")
    provenance = Provenance(
        ("library program scenarios",),
        f"1-{args.seeds}",
        _version(),
        f"{args.workers:,} workers; published: calibration/targets.csv",
    )
    charts.validation(rows, provenance).save(out / "validation")
    print(format_rows(rows))
    print(
        f"\nNo parameter was fitted to these figures. "
        f"Wrote {out / 'validation.csv'}, {out / 'validation.png'} (and .svg, .pdf)"
    )
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from pathways.calibration.sensitivity import format_indices, sensitivity
    from pathways.experiments import charts
    from pathways.experiments.io import write_csv
    from pathways.experiments.style import Provenance

    jobs = args.jobs or 1
    result = sensitivity(
        method=args.method, samples=args.samples, replicates=args.replicates, workers=args.workers, jobs=jobs
    )
    out = _writable_dir(Path(args.out) if args.out else Path("out") / "sensitivity")
    write_csv(result["indices"], out / "sensitivity.csv")
    provenance = Provenance(
        ("sectoral_tuition_free.toml", "calibration/calibration.toml"),
        f"{args.replicates} per point",
        _version(),
        f"{args.workers:,} workers",
    )
    charts.sensitivity_tornado(result, provenance).save(out / "sensitivity")
    print(format_indices(result))
    print(
        f"\n{result['runs']} runs. Wrote {out / 'sensitivity.csv'}, "
        f"{out / 'sensitivity.png'} (and .svg, .pdf)"
    )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pathways.benchmarks.bench import run_bench

    sizes = [int(s) for s in args.sizes.split(",") if s]
    return run_bench(
        sizes,
        args.months,
        plain_sizes=[int(s) for s in args.plain_sizes.split(",") if s],
        plain_months=args.plain_months,
        matching=not args.skip_matching,
        sweep=args.sweep,
    )


def build_parser() -> argparse.ArgumentParser:
    import pathways

    parser = argparse.ArgumentParser(prog="pathways", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"pathways {pathways.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one scenario and write metrics, manifest and a chart")
    run.add_argument("scenario", help="scenario TOML file (a path, or the name of a built-in scenario)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--months", type=int, help="months to record after the burn-in")
    run.add_argument("--workers", type=int, help="number of workers")
    run.add_argument("--out", help="output folder (default: out/<scenario name>)")
    run.set_defaults(func=cmd_run)

    comp = sub.add_parser("compare", help="compare scenarios over the same seeds, by group, with intervals")
    comp.add_argument("scenarios", nargs="+", help="scenario TOML files (the first is the reference arm)")
    comp.add_argument("--seeds", type=int, default=20, help="seeds per scenario (default 20)")
    comp.add_argument("--jobs", type=int, help="parallel processes (default: all cores)")
    comp.add_argument("--months", type=int, help="months to record after the burn-in")
    comp.add_argument("--workers", type=int, help="number of workers")
    comp.add_argument("--out", help="output folder (default: out/compare-<names>)")
    comp.set_defaults(func=cmd_compare)

    sweep = sub.add_parser("sweep", help="run a sweep (arms x parameter samples x seeds), resumable")
    sweep.add_argument("sweep", help="sweep TOML file (see experiments/)")
    sweep.add_argument("--out", help="sweep folder (default: out/sweeps/<name>)")
    sweep.add_argument(
        "--jobs", type=int, help="local processes, or Dask workers with --dask local (default 1)"
    )
    sweep.add_argument(
        "--dask", metavar="ADDRESS", help="run on Dask: 'local' for a LocalCluster, or a scheduler address"
    )
    sweep.add_argument("--resume", action="store_true", help="keep the runs already in the folder")
    sweep.add_argument("--seeds", type=int, help="override the file's number of seeds")
    sweep.add_argument("--workers", type=int, help="override the file's number of workers")
    sweep.add_argument("--months", type=int, help="override the file's number of months")
    sweep.set_defaults(func=cmd_sweep)

    summ = sub.add_parser(
        "summarize", help="tables of a sweep folder: outcomes with intervals, parameter effects"
    )
    summ.add_argument("folder", help="a sweep folder")
    summ.set_defaults(func=cmd_summarize)

    brief = sub.add_parser(
        "brief", help="a short HTML and PDF brief, with charts, from compare or sweep results"
    )
    brief.add_argument("results", help="a folder written by `pathways compare` or `pathways sweep`")
    brief.add_argument("--out", help="output folder (default: RESULTS_DIR/brief)")
    brief.set_defaults(func=cmd_brief)

    cal = sub.add_parser("calibrate", help="fit free parameters to published figures (simulated moments)")
    cal.add_argument("--budget", type=int, help="parameter points to evaluate (default: calibration.toml)")
    cal.add_argument("--jobs", type=int, help="parallel processes (default 1)")
    cal.add_argument("--out", help="report folder (default: out/calibration)")
    cal.add_argument("--scenario-out", help="fitted scenario file (default: scenarios/calibrated.toml)")
    cal.set_defaults(func=cmd_calibrate)

    val = sub.add_parser(
        "validate", help="synthetic trials of the library's programs against published trials"
    )
    val.add_argument("--workers", type=int, default=50_000, help="workers per run (default 50,000)")
    val.add_argument("--seeds", type=int, default=3, help="seeds per program (default 3)")
    val.add_argument("--jobs", type=int, help="parallel processes (default 1)")
    val.add_argument("--out", help="output folder (default: out/validation)")
    val.set_defaults(func=cmd_validate)

    sens = sub.add_parser("sensitivity", help="global sensitivity of key outcomes to the free parameters")
    sens.add_argument("--method", choices=["morris", "sobol"], default="morris")
    sens.add_argument(
        "--samples", type=int, default=8, help="Morris trajectories or Sobol base samples (default 8)"
    )
    sens.add_argument("--replicates", type=int, default=2, help="seeds per sample point (default 2)")
    sens.add_argument("--workers", type=int, default=10_000)
    sens.add_argument("--jobs", type=int, help="parallel processes (default 1)")
    sens.add_argument("--out", help="output folder (default: out/sensitivity)")
    sens.set_defaults(func=cmd_sensitivity)

    bench = sub.add_parser("bench", help="measure speed and memory")
    bench.add_argument("--sizes", default="10000,100000,1000000", help="worker counts, comma-separated")
    bench.add_argument("--months", type=int, default=120, help="recorded months per run (default 120)")
    bench.add_argument(
        "--plain-sizes", default="10000,100000", help="worker counts for the one-object-per-worker Mesa model"
    )
    bench.add_argument("--plain-months", type=int, default=12, help="months for the plain Mesa model")
    bench.add_argument("--skip-matching", action="store_true", help="skip the matching-kernel comparison")
    bench.add_argument(
        "--sweep", action="store_true", help="also time the sweep machinery with 1 and 2 processes"
    )
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"pathways: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("pathways: interrupted", file=sys.stderr)
        return 130
