"""The ``pathways`` command line.

    pathways run SCENARIO [--seed N] [--months N] [--workers N] [--referral-gap] [--application-log N]
                          [--out DIR] [--overwrite]
    pathways compare SCENARIO... [--seeds N] [--jobs N] [--dask ADDRESS|local] [--months N] [--workers N]
                                 [--out DIR] [--overwrite]
    pathways sweep SWEEP.toml [--out DIR] [--jobs N] [--dask ADDRESS|local] [--resume] [--overwrite]
                              [--allow-other-code] [--seeds N] [--workers N] [--months N]
    pathways summarize SWEEP_DIR
    pathways brief RESULTS_DIR [--out DIR] [--overwrite]
    pathways calibrate [--budget N] [--jobs N] [--dask ...] [--out DIR] [--install | --scenario-out FILE]
    pathways scale SCENARIO --program KEY [--multipliers 1,10,30] [--seeds N] [--workers N] [--jobs N]
    pathways audit SCENARIO [--seeds N] [--postings N] [--workers N] [--months N] [--jobs N]
    pathways validate [--workers N] [--seeds N] [--years N] [--jobs N] [--dask ...] [--out DIR] [--overwrite]
    pathways sensitivity [--method morris|sobol] [--samples N] [--jobs N] [--dask ...] [--out DIR]
    pathways bench [--sizes 10k,100k,1M] [--months N] [--sweep] [--threads N]

Exit status: 0 done; 2 a problem with the input (a bad file, flag or folder),
reported as one line naming the file or flag, before anything is computed
where possible; 1 a run that really failed; 130 interrupted. No command
writes over another run's results unless told ``--overwrite`` (see
``experiments/folders.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 1
MAX_JOBS = 256
SIZE_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


class UserError(Exception):
    """A problem with the user's input, reported as one line."""


class RunError(Exception):
    """Runs that really failed (exit status 1), reported as one line."""


# --------------------------------------------------------------------------- argument types


def _whole(text: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,19}", text.strip()):
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})")
    return int(text)


def count(low: int, high: int | None = None):
    """An argparse type: a whole number in [low, high]."""

    def parse(text: str) -> int:
        value = _whole(text)
        if value < low or (high is not None and value > high):
            allowed = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
            raise argparse.ArgumentTypeError(f"must be a whole number {allowed} (got {text!r})")
        return value

    return parse


def share(text: str) -> float:
    """An argparse type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1 (got {text!r})") from None
    if not 0 <= value <= 1:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1 (got {text!r})")
    return value


def sizes(text: str) -> list[int]:
    """Comma-separated worker counts, with optional k and M suffixes: ``10k,100k,1M``."""
    out = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d{1,9})\s*([kKmM]?)\s*", part)
        if not m:
            raise argparse.ArgumentTypeError(f"must be worker counts like 10000,100k,1M (got {text!r})")
        value = int(m.group(1)) * SIZE_SUFFIX[m.group(2).lower()]
        if not 1 <= value <= 10_000_000:
            raise argparse.ArgumentTypeError(f"each size must be from 1 to 10,000,000 (got {part.strip()!r})")
        out.append(value)
    return out


def multipliers(text: str) -> list[float]:
    """Comma-separated seat multipliers: ``1,10,30`` (each above 0, at most 1,000)."""
    out = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be numbers like 1,10,30 (got {text!r})") from None
        if not 0 < value <= 1000:
            raise argparse.ArgumentTypeError(f"each must be above 0 and at most 1,000 (got {part!r})")
        out.append(value)
    if len(set(out)) != len(out):
        raise argparse.ArgumentTypeError(f"a multiplier is repeated (got {text!r})")
    return out


def optional_sizes(text: str) -> list[int]:
    return sizes(text) if text.strip() else []


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # argparse prints usage and exits; here a bad flag is one line like any other user error.
        raise UserError(re.sub(r"^argument ([^:]+): ", lambda m: m.group(1).split("/")[-1] + ": ", message))


# --------------------------------------------------------------------------- helpers


def _flag_layers(args: argparse.Namespace, keys=("seed", "months", "workers")) -> list[tuple[dict, str]]:
    """Command-line values as scenario overrides, each named by its flag (errors say which flag set it)."""
    return [
        ({"run": {k: getattr(args, k)}}, f"--{k} {getattr(args, k)}")
        for k in keys
        if getattr(args, k, None) is not None
    ]


def _identity(*parts) -> str:
    from pathways.experiments.provenance import code_identity

    blob = json.dumps([*parts, code_identity()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _folder(args: argparse.Namespace, command: str, default: Path, identity: str | None = None):
    """The command's output folder, checked before any work (see experiments/folders.py)."""
    from pathways.experiments.folders import OutputFolder

    path = Path(args.out) if getattr(args, "out", None) else default
    return OutputFolder(path, command, identity).check(getattr(args, "overwrite", False))


def _progress(total: int, label: str, unit: str = "runs"):
    from pathways.experiments.progress import Progress

    return Progress(total, label, unit)


def _checkpoint_folder(args: argparse.Namespace) -> Path | None:
    """``--checkpoints DIR``, checked before any work: a folder (made if missing) this user can write."""
    if not args.checkpoints:
        return None
    folder = Path(args.checkpoints)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--checkpoints {folder}: not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--checkpoints {folder}: cannot make the folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"--checkpoints {folder}: the folder is not writable")
    return folder


def _jobs(args: argparse.Namespace, default: int = 1) -> int:
    return args.jobs if args.jobs is not None else default


# --------------------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace) -> int:
    from pathways.experiments.run import (
        format_programs,
        format_summary,
        format_trial,
        horizon_summary,
        simulate,
        write_outputs,
    )
    from pathways.simulation import load_scenario, scenario_hash

    scenario = load_scenario(args.scenario, layers=_flag_layers(args))
    r = scenario.run
    identity = _identity(scenario_hash(scenario), args.referral_gap, args.application_log)
    from pathways.experiments import checkpoints

    checkpoint = None
    if args.from_checkpoint:
        checkpoint = checkpoints.load(Path(args.from_checkpoint), scenario, r.seed)
    if args.save_checkpoint:
        checkpoints.check_target(Path(args.save_checkpoint), scenario, r.seed, args.overwrite)
    folder = _folder(args, "run", Path("out") / scenario.meta.name, identity)
    print(
        f"Running {scenario.meta.name}: {r.workers:,} workers, "
        f"{r.burn_in_months} burn-in + {r.months} months, seed {r.seed}",
        flush=True,
    )
    result = simulate(
        scenario, application_log_months=args.application_log, checkpoint=checkpoint,
        save_checkpoint=Path(args.save_checkpoint) if args.save_checkpoint else None,
    )  # fmt: skip
    if checkpoint is not None:
        print(f"Started at recorded month 0 from the burn-in in {args.from_checkpoint}.")
    gap_rows = None
    if args.referral_gap:
        from pathways.experiments.referral_gap import referral_gap

        print("The gap from referrals alone: two more runs on equal footing, with and without referrals",
              flush=True)  # fmt: skip
        gap_rows = referral_gap(scenario)
    folder.clear()
    paths = write_outputs(result, scenario, folder.path, str(args.scenario), charts_too=not args.no_charts)
    if gap_rows is not None:
        import pyarrow as pa

        from pathways.experiments.io import write_parquet

        write_parquet(pa.Table.from_pylist(gap_rows), folder.path / "referral_gap.parquet")
        paths.append(folder.path / "referral_gap.parquet")
    folder.finish()
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
    if gap_rows is not None:
        from pathways.experiments.referral_gap import format_rows as format_gap

        print("\nPay ratio over the last 12 months with every other source of a gap removed (same "
              "education and savings, no hiring penalty):")  # fmt: skip
        print(format_gap(gap_rows, scenario.meta.reference_group))
    print("\nWrote " + ", ".join(str(p) for p in paths))
    if not args.no_charts:
        print("Brief-ready charts are in main_series.*; for a brief, compare scenarios, then run "
              "`pathways brief`.")  # fmt: skip
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from pathways.experiments import compare
    from pathways.simulation import scenario_hash

    store = _checkpoint_folder(args)
    arms = compare.load_arms(args.scenarios, _flag_layers(args, ("months", "workers")))
    seeds = compare.seeds_for(arms, args.seeds)
    draws, names = _parameter_draws(args, arms)
    default = Path("out") / ("compare-" + "-vs-".join(a.label for a in arms))
    posterior_id = _posterior_id(draws)
    identity = _identity([scenario_hash(a.scenario) for a in arms], seeds, posterior_id)
    folder = _folder(args, "compare", default, identity)
    jobs = _jobs(args, compare.default_jobs())
    r = arms[0].scenario.run
    engine = _engine(args, jobs)
    print(
        f"Comparing {', '.join(a.label for a in arms)}: {len(seeds)} seeds each"
        + (", each also at its own posterior draw of the calibrated parameters" if draws else "")
        + f", {r.workers:,} workers, {r.burn_in_months} burn-in + {r.months} months, on {engine}",
        flush=True,
    )
    posterior_rows: list[dict] = []
    with _progress(len(seeds) * len(arms) * (2 if draws else 1), "compare") as progress:
        rows = compare.run_all(
            arms, seeds, jobs, progress.update, dask=args.dask,
            checkpoints=store,
        )  # fmt: skip
        if draws:
            by_seed = draws.for_seeds(seeds)

            def scenarios_for(seed: int) -> list:
                return [
                    draws.scenario_at(a.scenario, by_seed[seed], n) for a, n in zip(arms, names, strict=True)
                ]

            # Each draw burns in its own market: no checkpoint store, which would keep them all.
            posterior_rows = compare.run_all(arms, seeds, jobs, progress.update, dask=args.dask,
                                             scenarios_for=scenarios_for)  # fmt: skip
    summary = compare.summarise(rows, arms)
    if draws:
        compare.add_total_intervals(summary, rows, posterior_rows, arms)
    folder.clear()
    paths = compare.write_outputs(rows, summary, arms, seeds, folder.path, posterior_rows,
                                  _posterior_manifest(draws, names, arms, seeds))  # fmt: skip
    folder.finish()
    print("\nMean over seeds [95% interval]; program outcomes pool the programs each scenario opens.")
    print(compare.format_table(summary, arms))
    print("\nWrote " + ", ".join(str(p) for p in paths))
    print(f"Charts and a brief (HTML and PDF): pathways brief {folder.path}")
    return 0


def _parameter_draws(args: argparse.Namespace, arms: list) -> tuple:
    """The posterior draws for ``--parameter-uncertainty`` and, per arm, the parameters that take them
    (those it inherits from the calibration); (None, None) when off or when no arm inherits any."""
    draws = _load_draws(args)
    if draws is None:
        return None, None
    from pathways.experiments.uncertainty import inherited

    names = [inherited(a.scenario, draws.keys) for a in arms]
    if not any(names):
        print("Parameter uncertainty: no scenario compared takes its parameters from the calibration "
              "(scenarios/calibrated.toml); the intervals are over seeds only.")  # fmt: skip
        return None, None
    for a, n in zip(arms, names, strict=True):
        own = [k for k in draws.names if k not in n]
        if own:
            print(f"Parameter uncertainty: {a.label} sets {', '.join(own)} itself; those keep its values.")
    return draws, names


def _load_draws(args: argparse.Namespace):
    """The posterior draws of ``--parameter-uncertainty`` (None when off), checked before any work."""
    if not args.parameter_uncertainty:
        return None
    from pathways.experiments.uncertainty import Draws

    try:
        return Draws(Path(args.posterior) if args.posterior else None)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(f"--parameter-uncertainty: {exc}") from None


def _posterior_id(draws) -> str | None:
    """What names the draws in a results folder's identity: the posterior file's hash."""
    return hashlib.sha256(draws.path.read_bytes()).hexdigest() if draws is not None else None


def _posterior_manifest(draws, names, arms: list, seeds: list[int]) -> dict | None:
    if draws is None:
        return None
    by_seed = draws.for_seeds(seeds)
    return {
        "file": str(draws.path),
        "sha256": _posterior_id(draws),
        "parameters_drawn": {a.label: n for a, n in zip(arms, names, strict=True)},
        "draw_per_seed": {str(s): dict(zip(draws.names, map(float, by_seed[s]), strict=True)) for s in seeds},
    }


def cmd_sweep(args: argparse.Namespace) -> int:
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    store = _checkpoint_folder(args)
    plan = sw.load_sweep(args.sweep, seeds=args.seeds, workers=args.workers, months=args.months)
    out = Path(args.out) if args.out else Path("out") / "sweeps" / plan.spec.sweep.name
    if args.allow_other_code and (out / "sweep.json").is_file() and not args.overwrite:
        # Keep the finished runs of the code that made the folder: plan with its run ids.
        old_code = sw.read_manifest(out).get("code")
        if old_code and old_code != plan.code:
            plan = sw.load_sweep(
                args.sweep, seeds=args.seeds, workers=args.workers, months=args.months, code=old_code
            )
            print(f"Resuming runs of other code ({old_code}) with this code ({sw.code_identity()}).")
    sw.prepare_folder(
        plan, out, resume=args.resume, overwrite=args.overwrite, allow_other_code=args.allow_other_code
    )
    todo = sw.pending_runs(plan, out)
    unique = len({r.run_id for r in plan.runs})
    s = plan.spec.sweep
    jobs = _jobs(args)
    engine = _engine(args, jobs)
    print(
        f"Sweep {s.name}: {len(plan.spec.arms)} arms x {len(plan.points)} points x {s.seeds} seeds = "
        f"{len(plan.runs)} runs ({unique} distinct, {unique - len(todo)} already done), "
        f"{s.workers:,} workers, {s.months} months, on {engine}",
        flush=True,
    )
    start = time.perf_counter()
    with _progress(len(todo), f"sweep {s.name}") as bar:

        def on_result(_result: dict, progress: sw.Progress) -> None:
            bar.update(1, f"{progress.failed} failed" if progress.failed else "")

        progress = sw.run_sweep(
            plan, out, jobs=jobs, dask=args.dask, resume=True, on_result=on_result,
            checkpoints=store,
        )  # fmt: skip
    wall = time.perf_counter() - start
    if progress.done:
        print(
            f"Ran {progress.done} runs in {wall:.1f} s ({progress.done / wall * 60:.1f} runs/minute), "
            f"{progress.failed} failed."
        )
    summary = summarize_folder(plan, out)
    print(summary.text)
    if not summary.paths:
        print(f"\nNo results to summarise in {out}; the failures are in {out / 'runs'} (*.error.json).")
        return EXIT_RUN_FAILED
    print(
        f"\nWrote results under {out} ({len(summary.paths)} tables); `pathways summarize {out}` redoes them."
    )
    print(f"Charts and a brief (HTML and PDF): pathways brief {out}")
    return EXIT_RUN_FAILED if progress.failed or summary.missing else 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: no such sweep folder")
    plan = sw.load_folder(folder)
    summary = summarize_folder(plan, folder)
    print(summary.text)
    if summary.paths:
        print("\nWrote " + ", ".join(str(p) for p in summary.paths))
    if summary.missing:
        print(f"\n{summary.missing} of {summary.runs} runs have no result: "
              f"`pathways sweep --resume --out {folder} ...` runs them.")  # fmt: skip
        return EXIT_RUN_FAILED
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from pathways.experiments.brief import make_brief
    from pathways.experiments.findings import Materiality

    results = Path(args.results)
    if not results.is_dir():
        raise UserError(f"{results}: no such results folder")
    sweep = (results / "sweep.json").is_file()
    if sweep and not (results / "summary.parquet").is_file():
        raise UserError(
            f"{results}: the sweep has no summary yet (summary.parquet); run `pathways summarize {results}`"
        )
    if not sweep and not ((results / "manifest.json").is_file() and (results / "summary.parquet").is_file()):
        raise UserError(
            f"{results}: neither a comparison (manifest.json, summary.parquet) nor a sweep (sweep.json)"
        )
    names = ("sweep.json", "manifest.json", "summary.parquet")
    sources = [results / n for n in names if (results / n).is_file()]
    identity = _identity([hashlib.sha256(p.read_bytes()).hexdigest() for p in sources])
    folder = _folder(args, "brief", results / "brief", identity)
    print(f"Building the brief of {results} ...", flush=True)
    materiality = Materiality(relative=args.material_relative, points=args.material_points)
    try:
        paths = make_brief(
            results, folder.path, materiality=materiality, calibration=args.calibration,
            validation=args.validation,
        )  # fmt: skip
    except ValueError as exc:  # results that cannot be read (ResultsError is one): nothing was written
        folder.abandon()
        raise UserError(str(exc)) from None
    folder.finish()
    print(
        f"Wrote {paths[0]} and {paths[1]}, with {(len(paths) - 2) // 4} charts in {folder.path / 'charts'} "
        f"(PNG, SVG, PDF and the data as CSV)"
    )
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from pathways.calibration import fit
    from pathways.calibration.report import format_report, write_report

    try:
        config = fit.load_config()
    except ValueError as exc:  # the shipped calibration.toml or targets.csv was edited into shape
        raise UserError(str(exc)) from None
    s = config.calibration
    identity = _identity("calibrate", args.budget, args.evaluate, fit.CONFIG_FILE.read_bytes().hex())
    folder = _folder(args, "calibrate", Path("out") / "calibration", identity)
    scenarios = [] if args.evaluate else [folder.path / "calibrated.toml"]
    if args.scenario_out:
        extra = Path(args.scenario_out)
        if extra.is_dir():
            raise UserError(f"--scenario-out {extra}: is a folder; name the scenario file to write")
        if extra.exists() and not args.overwrite:
            raise UserError(f"--scenario-out {extra}: already exists; add --overwrite to replace it")
        if extra.parent and not extra.parent.is_dir():
            raise UserError(f"--scenario-out {extra}: no such folder {extra.parent}")
        scenarios.append(extra)
    if args.install and not args.evaluate:
        scenarios.append(fit.default_scenario_path())
    jobs = _jobs(args)
    start = time.perf_counter()
    if args.evaluate:
        print(f"Evaluating the installed scenarios/calibrated.toml on the targets, on {_engine(args, jobs)}")
        values = fit.scenario_values(config, fit.default_scenario_path())
        result = fit.evaluate(values, jobs=jobs, dask=args.dask)
    else:
        points = args.budget or (1 + s.screening_points + s.local_evaluations)
        # Runs: each point's replicates, the start's once more to scale the distance, the final report.
        total = (points + 1) * s.replicates + 2 * s.final_replicates
        print(
            f"Calibrating {len(config.parameters)} parameters on {s.replicates} replicate seeds per point, "
            f"{s.workers:,} workers, {s.burn_in_months} + {s.months} months, on {_engine(args, jobs)}",
            flush=True,
        )
        with _progress(total, "calibrate", "runs") as bar:
            best: list[str] = [""]

            def progress(history: list[dict]) -> None:
                best[0] = f"{len(history)} points, best objective {min(h['objective'] for h in history):.3f}"

            result = fit.calibrate(
                jobs=jobs, dask=args.dask, budget=args.budget, progress=progress,
                on_run=lambda: bar.update(1, best[0]),
            )  # fmt: skip
    minutes = (time.perf_counter() - start) / 60
    note = (
        f"Budget: {len(result.history)} points x {s.replicates} seeds, seed {s.seed}, "
        f"{jobs} process(es), {minutes:.1f} minutes."
    )
    folder.clear()
    for path in scenarios:
        fit.write_calibrated_scenario(result, path, note)
    paths = write_report(result, folder.path)
    if args.install:
        # The report of the installed fit ships beside the targets, for briefs to quote.
        paths += fit.install_report(folder.path)
    folder.finish()
    print("\n" + format_report(result))
    print(f"\nTook {minutes:.1f} minutes. Wrote " + ", ".join(str(p) for p in [*scenarios, *paths]))
    if not args.install and not args.evaluate:
        print(
            f"The shipped scenarios/calibrated.toml is unchanged; `pathways calibrate --install` replaces it "
            f"(every library scenario extends it), or use {scenarios[0]} directly."
        )
    return 0


def cmd_posterior(args: argparse.Namespace) -> int:
    from pathways.calibration import fit
    from pathways.calibration import posterior as post_mod
    from pathways.calibration.posterior_report import INSTALLED, format_report, write_report
    from pathways.calibration.targets import load_targets

    config_path = Path(args.config) if args.config else fit.CONFIG_FILE
    if not config_path.is_file():
        raise UserError(f"--config {config_path}: no such file")
    try:
        config = fit.load_config(config_path)
        targets = load_targets(use="calibrate")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.install and config_path.resolve() != fit.CONFIG_FILE.resolve():
        raise UserError(
            "--install: only a posterior of the shipped calibration/calibration.toml is installed"
        )
    s, ps = config.calibration, config.posterior
    identity = _identity("posterior", config_path.read_bytes().hex())
    folder = _folder(args, "posterior", Path("out") / "posterior", identity)
    jobs = _jobs(args)
    d = len(config.parameters)
    design_runs = (ps.design_points + ps.refine_points) * s.replicates
    print(
        f"Posterior of {d} parameters: {ps.design_points} + {ps.refine_points} design points x "
        f"{s.replicates} seeds and {ps.check_draws} predictive runs ({design_runs + ps.check_draws} runs of "
        f"{s.workers:,} workers, {s.burn_in_months} + {s.months} months), on {_engine(args, jobs)}",
        flush=True,
    )
    start = time.perf_counter()
    with _progress(design_runs + ps.check_draws, "posterior", "runs") as bar:
        post = post_mod.fit_posterior(config_path, jobs=jobs, dask=args.dask, targets=targets,
                                      on_run=lambda: bar.update(1))  # fmt: skip
        sims = post_mod.predictive_check(post, config_path, ps.check_draws, jobs=jobs, dask=args.dask,
                                         targets=targets, on_run=lambda: bar.update(1))  # fmt: skip
    minutes = (time.perf_counter() - start) / 60
    point = None
    if config_path.resolve() == fit.CONFIG_FILE.resolve():
        point = fit.scenario_values(config, fit.default_scenario_path())
    extra = {"minutes": round(minutes, 1), "processes": jobs if not args.dask else f"dask {args.dask}"}
    folder.clear()
    paths = write_report(post, targets, sims, point, folder.path, extra)
    if args.install:
        from pathways.experiments.io import atomic_write_bytes

        for name in INSTALLED:
            target = fit.CONFIG_FILE.with_name(name)
            atomic_write_bytes(target, (folder.path / name).read_bytes())
            paths.append(target)
    folder.finish()
    print("\n" + format_report(post, targets, sims, point))
    print(f"\nTook {minutes:.1f} minutes. Wrote " + ", ".join(str(p) for p in paths))
    return 0


def _engine(args: argparse.Namespace, jobs: int) -> str:
    return f"Dask ({args.dask})" if args.dask else f"{jobs} process{'es' if jobs > 1 else ''}"


def _table_and_chart(folder, name: str, rows: list[dict], chart) -> list[Path]:
    """Replace the folder's earlier results by ``name``.csv and ``name``_chart.png/.svg/.pdf/.csv."""
    from pathways.experiments.io import write_csv

    folder.clear()
    # The chart's files get their own stem: its CSV holds the data drawn, not the whole table.
    chart_paths = chart.save(folder.path / f"{name}_chart")
    write_csv(rows, folder.path / f"{name}.csv")
    folder.finish()
    return [folder.path / f"{name}.csv", *chart_paths]


def cmd_validate(args: argparse.Namespace) -> int:
    from pathways.calibration.validate import PROGRAMS, format_rows, format_years, validate
    from pathways.experiments import charts
    from pathways.experiments.io import write_csv
    from pathways.experiments.provenance import versions
    from pathways.experiments.style import Provenance

    jobs = _jobs(args)
    draws = _load_draws(args)
    posterior_id = _posterior_id(draws)
    identity = _identity("validate", args.workers, args.seeds, args.years, posterior_id)
    folder = _folder(args, "validate", Path("out") / "validation", identity)
    print(
        f"Validating: synthetic trials of the library's programs, {args.workers:,} workers, "
        f"{args.seeds} seeds" + (", each also at its own posterior draw" if draws else "")
        + f", {args.years} years of follow-up, on {_engine(args, jobs)}",
        flush=True,
    )
    with _progress(len(PROGRAMS) * args.seeds * (2 if draws else 1), "validate") as bar:
        rows, by_year = validate(
            workers=args.workers, seeds=args.seeds, jobs=jobs, dask=args.dask, on_result=bar.update,
            years=args.years, draws=draws,
        )  # fmt: skip
    provenance = Provenance(
        ("library program scenarios",),
        f"1-{args.seeds}",
        versions()["pathways"],
        f"{args.workers:,} workers; published: calibration/targets.csv",
    )
    table = [dict(vars(r), verdict=r.verdict, agrees=r.agrees) for r in rows]
    paths = _table_and_chart(folder, "validation", table, charts.validation(rows, provenance))
    # Year by year, beside the window the published trials report (written after the folder's reset).
    paths += charts.validation_years(by_year, rows, provenance).save(folder.path / "validation_years_chart")
    write_csv([vars(r) for r in by_year], folder.path / "validation_years.csv")
    paths.append(folder.path / "validation_years.csv")
    folder.finish()
    print(format_rows(rows))
    print(f"\nEarnings impact by year after random assignment (dollars per year; intervals in "
          f"{folder.path / 'validation_years.csv'})")  # fmt: skip
    print(format_years(by_year))
    print(f"\nNo parameter was fitted to these figures. Wrote {', '.join(str(p) for p in paths)}")
    return 0


def _study(args: argparse.Namespace, command: str, default: Path, *settings):
    """A study of one scenario over seeds (scale, audit): the scenario, refused before the folder is
    touched if bad; the jobs; the checked output folder; the workers per run."""
    from pathways.simulation import load_scenario, scenario_hash

    scenario = load_scenario(args.scenario)
    parts = (scenario_hash(scenario), *settings, args.seeds, args.workers, args.months)
    folder = _folder(args, command, default, _identity(command, *parts))
    return scenario, _jobs(args), folder, args.workers or scenario.run.workers


def _study_provenance(args: argparse.Namespace, note: str):
    from pathways.experiments.provenance import versions
    from pathways.experiments.style import Provenance

    return Provenance((Path(args.scenario).name,), f"1-{args.seeds}", versions()["pathways"], note)


def _study_outputs(folder, name: str, rows: list, chart, table_text: str, explanation: str) -> int:
    """Write a study's rows as ``name``.csv and its chart, print its table and what it means."""
    paths = _table_and_chart(folder, name, [vars(r) for r in rows], chart)
    print(table_text)
    print("\n" + explanation)
    print(f"Wrote {', '.join(str(p) for p in paths)}")
    return 0


def cmd_scale(args: argparse.Namespace) -> int:
    from pathways.experiments import charts
    from pathways.experiments.scale import format_rows, scale

    name = Path(args.scenario).stem
    draws = _load_draws(args)
    default, settings = Path("out") / f"scale-{name}-{args.program}", (args.program, args.multipliers)
    _scenario, jobs, folder, workers = _study(args, "scale", default, *settings, _posterior_id(draws))
    print(
        f"Scaling {args.program} of {name}: seats x {', '.join(f'{m:g}' for m in args.multipliers)} against "
        f"the market without it, {args.seeds} seeds"
        + (", each also at its own posterior draw" if draws else "")
        + f", {workers:,} workers, on {_engine(args, jobs)}",
        flush=True,
    )
    with _progress(args.seeds * (2 if draws else 1), "scale") as bar:
        try:
            rows = scale(
                args.scenario, args.program, args.multipliers, seeds=args.seeds, workers=args.workers,
                months=args.months, jobs=jobs, dask=args.dask, on_result=bar.update, draws=draws,
            )  # fmt: skip
        except ValueError as exc:
            raise UserError(f"{args.scenario}: {exc}") from None
    provenance = _study_provenance(args, f"{workers:,} workers; {args.program} at each seat multiplier vs no "
                                         "program, paired by seed")  # fmt: skip
    return _study_outputs(
        folder, "scale", rows, charts.scale_up(rows, args.program, provenance), format_rows(rows),
        "itt: the trial's impact on those offered a seat (years 2-3); displacement: non-participants who "
        "worked in the program's sector, against the market without it; the rest: the whole market's change "
        "(dollars a year, share points, pay ratios)."
        + (" Second brackets: the total interval, with the parameters' uncertainty." if draws else ""),
    )  # fmt: skip


def cmd_audit(args: argparse.Namespace) -> int:
    from pathways.experiments import charts
    from pathways.experiments.audit import audit, format_rows

    name = Path(args.scenario).stem
    scenario, jobs, folder, workers = _study(args, "audit", Path("out") / f"audit-{name}", args.postings)
    print(
        f"Auditing {name}: {args.postings:,} open postings per market, one identical application per group, "
        f"{args.seeds} seeds, {workers:,} workers, on {_engine(args, jobs)}",
        flush=True,
    )
    with _progress(args.seeds, "audit") as bar:
        rows = audit(
            args.scenario, seeds=args.seeds, workers=args.workers, months=args.months, postings=args.postings,
            jobs=jobs, dask=args.dask, on_result=bar.update,
        )  # fmt: skip
    provenance = _study_provenance(
        args, f"{workers:,} workers; {args.postings:,} postings per market, one application per group"
    )
    return _study_outputs(
        folder, "audit", rows, charts.audit_callbacks(rows, scenario, provenance), format_rows(rows),
        "Mean over seeds [95% interval]. A callback: the application passes the posting's screens and scores "
        "at or above its hiring bar. Published audit studies are held out: nothing is fitted to them.",
    )  # fmt: skip


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from pathways.calibration.fit import load_config
    from pathways.calibration.sensitivity import format_indices, sensitivity
    from pathways.experiments import charts
    from pathways.experiments.provenance import versions
    from pathways.experiments.style import Provenance

    jobs = _jobs(args)
    identity = _identity("sensitivity", args.method, args.samples, args.replicates, args.workers)
    folder = _folder(args, "sensitivity", Path("out") / "sensitivity", identity)
    d = len(load_config().parameters)
    # Morris: (d + 1) runs per trajectory; Sobol (first order): d + 2 per base sample.
    points = args.samples * (d + 1 if args.method == "morris" else d + 2)
    print(
        f"Sensitivity ({args.method}): {points * args.replicates} runs on {_engine(args, jobs)}", flush=True
    )
    with _progress(points * args.replicates, "sensitivity") as bar:
        result = sensitivity(
            method=args.method, samples=args.samples, replicates=args.replicates, workers=args.workers,
            jobs=jobs, dask=args.dask, on_result=bar.update,
        )  # fmt: skip
    provenance = Provenance(
        ("sectoral_tuition_free.toml", "calibration/calibration.toml"),
        f"{args.replicates} per point",
        versions()["pathways"],
        f"{args.workers:,} workers",
    )
    chart = charts.sensitivity_tornado(result, provenance)
    paths = _table_and_chart(folder, "sensitivity", result["indices"], chart)
    print(format_indices(result))
    print(f"\n{result['runs']} runs. Wrote {', '.join(str(p) for p in paths)}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pathways.benchmarks.bench import run_bench

    return run_bench(
        args.sizes,
        args.months,
        plain_sizes=args.plain_sizes,
        plain_months=args.plain_months,
        matching=not args.skip_matching,
        sweep=args.sweep,
        kernel_threads=args.threads,
    )


# --------------------------------------------------------------------------- parser


def _add_out(p: argparse.ArgumentParser, default: str, overwrite: bool = True) -> None:
    p.add_argument("--out", help=f"output folder (default: {default})")
    if overwrite:
        p.add_argument(
            "--overwrite",
            action="store_true",
            help="replace this command's earlier results in the folder (never another command's)",
        )


def _add_engine(p: argparse.ArgumentParser, jobs_help: str) -> None:
    p.add_argument("--jobs", type=count(1, MAX_JOBS), help=jobs_help)
    p.add_argument(
        "--dask", metavar="ADDRESS", help="run on Dask: 'local' for a LocalCluster, or a scheduler address"
    )


def _add_checkpoints(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--checkpoints", metavar="DIR",
        help="a folder of burned-in markets: runs start from the ones there and save the ones they make "
        "(same results, no burn-in the second time)",
    )  # fmt: skip


def _add_parameter_uncertainty(p: argparse.ArgumentParser, default: bool) -> None:
    p.add_argument(
        "--parameter-uncertainty", action=argparse.BooleanOptionalAction, default=default,
        help="also run every seed at its own draw from the calibration's posterior (the same draw in "
        "every arm) and report intervals with parameter uncertainty beside the seed-only ones "
        f"(default: {'on' if default else 'off'})",
    )  # fmt: skip
    p.add_argument(
        "--posterior", metavar="FILE",
        help="posterior draws to use (default: the shipped calibration/posterior.parquet)",
    )  # fmt: skip


def _add_size(p: argparse.ArgumentParser, what: str = "") -> None:
    from pathways.simulation.scenario import MAX_MONTHS, MAX_WORKERS

    p.add_argument("--months", type=count(1, MAX_MONTHS), help=f"months to record after the burn-in{what}")
    p.add_argument("--workers", type=count(1, MAX_WORKERS), help=f"number of workers{what}")


def build_parser() -> argparse.ArgumentParser:
    import pathways
    from pathways.simulation.scenario import MAX_WORKERS

    parser = _Parser(prog="pathways", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"pathways {pathways.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one scenario and write metrics, manifest and a chart")
    run.add_argument("scenario", help="scenario TOML file (a path, or the name of a built-in scenario)")
    run.add_argument("--seed", type=count(0, 2**63 - 1), help="random seed (default: the scenario's)")
    run.add_argument(
        "--application-log", type=count(1, 1200), metavar="MONTHS",
        help="write every application of the last MONTHS recorded months, and what became of it",
    )  # fmt: skip
    run.add_argument(
        "--referral-gap", action="store_true",
        help="also measure the pay gap referrals make alone (two more runs on equal footing)",
    )  # fmt: skip
    run.add_argument(
        "--no-charts", action="store_true",
        help="write the tables and manifest only (the charts take about 8 s of a small run)",
    )  # fmt: skip
    run.add_argument(
        "--from-checkpoint", metavar="FILE",
        help="start at recorded month 0 from this burn-in (made by --save-checkpoint or --checkpoints; "
        "refused unless it is this scenario's, seed's and code's)",
    )  # fmt: skip
    run.add_argument(
        "--save-checkpoint", metavar="FILE",
        help="save the burned-in market (recorded month 0) to FILE, for --from-checkpoint",
    )  # fmt: skip
    _add_size(run)
    _add_out(run, "out/<scenario name>")
    run.set_defaults(func=cmd_run)

    comp = sub.add_parser("compare", help="compare scenarios over the same seeds, by group, with intervals")
    comp.add_argument("scenarios", nargs="+", help="scenario TOML files (the first is the reference arm)")
    comp.add_argument("--seeds", type=count(2, 10_000), default=20, help="seeds per scenario (default 20)")
    _add_engine(comp, "parallel processes (default: all cores)")
    _add_checkpoints(comp)
    _add_parameter_uncertainty(comp, default=True)
    _add_size(comp)
    _add_out(comp, "out/compare-<names>")
    comp.set_defaults(func=cmd_compare)

    sweep = sub.add_parser("sweep", help="run a sweep (arms x parameter samples x seeds), resumable")
    sweep.add_argument("sweep", help="sweep TOML file (see experiments/)")
    _add_out(sweep, "out/sweeps/<name>")
    _add_engine(sweep, "local processes, or Dask workers with --dask local (default 1)")
    _add_checkpoints(sweep)
    sweep.add_argument("--resume", action="store_true", help="keep the runs already in the folder")
    sweep.add_argument(
        "--allow-other-code",
        action="store_true",
        help="resume a folder made by another version of the code, keeping its finished runs",
    )
    sweep.add_argument("--seeds", type=count(1, 100_000), help="override the file's number of seeds")
    _add_size(sweep, " (overrides the file)")
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
    _add_out(brief, "RESULTS_DIR/brief")
    brief.add_argument(
        "--material-relative", type=share, default=0.02, metavar="SHARE",
        help="a separated difference in money or counts is a finding from this share of the reference "
        "(default 0.02: 2%%)",
    )  # fmt: skip
    brief.add_argument(
        "--material-points", type=share, default=0.01, metavar="SHARE",
        help="a separated difference in a share or ratio is a finding from this size (default 0.01: 1 point)",
    )  # fmt: skip
    brief.add_argument(
        "--calibration", type=Path, metavar="DIR",
        help="folder of the calibration report quoted (default: RESULTS_DIR/../calibration)",
    )  # fmt: skip
    brief.add_argument(
        "--validation", type=Path, metavar="DIR",
        help="folder of the validation report quoted (default: RESULTS_DIR/../validation)",
    )  # fmt: skip
    brief.set_defaults(func=cmd_brief)

    cal = sub.add_parser("calibrate", help="fit free parameters to published figures (simulated moments)")
    cal.add_argument(
        "--budget", type=count(4, 100_000), help="parameter points to evaluate, at least 4 (default: "
        "calibration.toml)",
    )  # fmt: skip
    _add_engine(cal, "parallel processes (default 1)")
    _add_out(cal, "out/calibration")
    target = cal.add_mutually_exclusive_group()
    target.add_argument(
        "--install", action="store_true",
        help="also replace the shipped scenarios/calibrated.toml and its report (calibration/fit.csv)",
    )  # fmt: skip
    cal.add_argument(
        "--evaluate", action="store_true",
        help="no search: the report (fit.csv) of the installed scenarios/calibrated.toml",
    )  # fmt: skip
    target.add_argument("--scenario-out", help="also write the fitted scenario to this file")
    cal.set_defaults(func=cmd_calibrate)

    pos = sub.add_parser(
        "posterior", help="Bayesian calibration: a posterior of the free parameters (emulator + MCMC)"
    )
    pos.add_argument(
        "--config", metavar="FILE",
        help="calibration file (default: the shipped calibration/calibration.toml and its [posterior] block)",
    )  # fmt: skip
    _add_engine(pos, "parallel processes (default 1)")
    _add_out(pos, "out/posterior")
    pos.add_argument(
        "--install", action="store_true",
        help="also replace the shipped calibration/posterior.parquet and its report",
    )  # fmt: skip
    pos.set_defaults(func=cmd_posterior)

    val = sub.add_parser(
        "validate", help="synthetic trials of the library's programs against published trials"
    )
    val.add_argument(
        "--workers", type=count(1, MAX_WORKERS), default=50_000, help="workers per run (default 50,000)"
    )
    val.add_argument("--seeds", type=count(2, 10_000), default=3, help="seeds per program (default 3)")
    val.add_argument(
        "--years", type=count(3, 30), default=10, help="years each trial follows both arms (default 10)"
    )
    _add_engine(val, "parallel processes (default 1)")
    _add_out(val, "out/validation")
    _add_parameter_uncertainty(val, default=False)
    val.set_defaults(func=cmd_validate)

    sc = sub.add_parser(
        "scale", help="a program at larger seat counts: participants, displaced non-participants, the market"
    )
    sc.add_argument("scenario", help="scenario TOML file with the program")
    sc.add_argument("--program", required=True, help="the program's key")
    sc.add_argument(
        "--multipliers", type=multipliers, default=multipliers("1,10,30"),
        help="seat multipliers (default 1,10,30)",
    )  # fmt: skip
    sc.add_argument("--seeds", type=count(2, 10_000), default=5, help="seeds (default 5)")
    _add_size(sc)
    _add_engine(sc, "parallel processes (default 1)")
    _add_out(sc, "out/scale-<scenario>-<program>")
    _add_parameter_uncertainty(sc, default=False)
    sc.set_defaults(func=cmd_scale)

    aud = sub.add_parser(
        "audit", help="a correspondence study: identical applications by group to the model's employers"
    )
    aud.add_argument("scenario", help="scenario TOML file")
    aud.add_argument("--seeds", type=count(2, 10_000), default=5, help="markets (seeds) audited (default 5)")
    aud.add_argument(
        "--postings", type=count(1, 1_000_000), default=2000,
        help="open postings audited per market (default 2,000)",
    )  # fmt: skip
    _add_size(aud)
    _add_engine(aud, "parallel processes (default 1)")
    _add_out(aud, "out/audit-<scenario>")
    aud.set_defaults(func=cmd_audit)

    sens = sub.add_parser("sensitivity", help="global sensitivity of key outcomes to the free parameters")
    sens.add_argument("--method", choices=["morris", "sobol"], default="morris")
    sens.add_argument(
        "--samples", type=count(2, 100_000), default=8,
        help="Morris trajectories or Sobol base samples, at least 2 (default 8)",
    )  # fmt: skip
    sens.add_argument(
        "--replicates", type=count(1, 1_000), default=2, help="seeds per sample point (default 2)"
    )
    sens.add_argument("--workers", type=count(1, MAX_WORKERS), default=10_000)
    _add_engine(sens, "parallel processes (default 1)")
    _add_out(sens, "out/sensitivity")
    sens.set_defaults(func=cmd_sensitivity)

    bench = sub.add_parser("bench", help="measure speed and memory")
    bench.add_argument(
        "--sizes", type=sizes, default=sizes("10k,100k,1M"), help="worker counts, e.g. 10k,100k,1M"
    )
    bench.add_argument(
        "--months", type=count(1, 1200), default=120, help="recorded months per run (default 120)"
    )
    bench.add_argument(
        "--plain-sizes", type=optional_sizes, default=sizes("10k,100k"),
        help="worker counts for the one-object-per-worker Mesa model ('' for none)",
    )  # fmt: skip
    bench.add_argument(
        "--plain-months", type=count(1, 1200), default=12, help="months for the plain Mesa model"
    )
    bench.add_argument("--skip-matching", action="store_true", help="skip the matching-kernel comparison")
    bench.add_argument(
        "--sweep",
        action="store_true",
        help="also time a 64-run sweep on 2 processes, burning in for every run and once per seed",
    )
    bench.add_argument(
        "--threads", type=count(1, 1024), default=None,
        help="threads for each run's kernels (default: every core, or PATHWAYS_THREADS)",
    )  # fmt: skip
    bench.set_defaults(func=cmd_bench)
    return parser


def _one_line(text: str) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    if not lines:
        return "(no detail)"
    more = f" (and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
    first = lines[0]
    return (first if len(first) <= 600 else first[:597] + "...") + more


def main(argv: list[str] | None = None) -> int:
    from pathways.experiments.executor import ExecutorError, RunFailed
    from pathways.experiments.io import ResultsError
    from pathways.experiments.sweep import SweepError
    from pathways.simulation import ScenarioError

    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (UserError, ScenarioError, SweepError, ResultsError) as exc:
        print(f"pathways: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except ExecutorError as exc:
        print(f"pathways: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR if exc.user_error else EXIT_RUN_FAILED
    except (RunFailed, RunError) as exc:
        print(f"pathways: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except MemoryError:
        print("pathways: error: out of memory; try fewer --workers or --jobs", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("pathways: interrupted; results written so far are kept", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("PATHWAYS_DEBUG"):
            raise
        log = Path.home() / ".pathways-error.log" if os.access(Path.home(), os.W_OK) else None
        where = ""
        if log is not None:
            try:
                log.write_text(traceback.format_exc())
                where = f"; details in {log}"
            except OSError:
                pass
        print(
            f"pathways: internal error: {type(exc).__name__}: {_one_line(exc)} (a bug: please report it "
            f"with the command{where}; PATHWAYS_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED
