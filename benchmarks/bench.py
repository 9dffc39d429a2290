"""``pathways bench``: throughput and memory of the engine, and what the design buys.

Three measurements, printed as tables:

1. The array engine on the baseline scenario at each size (default 10k, 100k
   and 1M workers, 120 simulated months): worker-months per second and peak
   resident memory. Each size runs in its own process so its peak memory is
   its own; numba kernels are compiled (or loaded from cache) before timing.
   Then where a month's time goes, module by module, and how many calls a
   month each module makes at 10,000 workers (Python functions, numpy
   functions, numba kernels: the fixed cost of a small market, counted, so it
   does not vary with the machine's load as timings do).
2. The matching kernel against the plain-Python reference and the ``matching``
   package's hospital-resident solver, all on the same instance taken from a
   real month of the baseline.
3. (``--sweep``) A sweep on 2 processes: 64 runs of 10,000 workers with 120
   burn-in and 120 recorded months (a program at 8 seat counts x 8 seeds),
   burning in for every run and once per seed (the design points of a seed
   share its burn-in), in runs per minute and minutes per 1,000 runs.
4. The core market written the plain Mesa way, one Mesa agent per worker and
   per employer (``benchmarks/plain_mesa.py``), at 10k and 100k workers,
   beside the engine running the same modules (``plain_mesa.core_modules``) on
   the same months from the same starting state: the speed-up is a ratio
   measured in this run. The plain model calls the engine's own rule functions
   with the engine's draws, so both end in the same state (checked here by a
   digest of the final worker arrays; ``tests/test_plain_mesa.py`` checks every
   array after every month).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..simulation import LabourMarket, load_scenario, threads
from ..simulation.scenario import builtin_dir

BASELINE = "baseline.toml"


def _scenario(workers: int, months: int):
    return load_scenario(
        Path(builtin_dir()) / BASELINE, {"run": {"workers": workers, "months": months, "burn_in_months": 0}}
    )


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time_modules(model: LabourMarket) -> dict[str, float]:
    """Wrap each module's step to add its seconds to the returned dict (a profile of the month)."""
    spent = {m.name: 0.0 for m in model.modules}
    for module in model.modules:
        step = module.step

        def timed(mdl, step=step, name=module.name):
            t = time.perf_counter()
            step(mdl)
            spent[name] += time.perf_counter() - t

        module.step = timed
    return spent


def count_calls(scenario_file: str = BASELINE, workers: int = 10_000, months: int = 12,
                burn_in: int = 24) -> dict[str, float]:  # fmt: skip
    """Calls a month made in each module's step (Python functions and C functions: numpy's, numba
    kernels' entry points), over ``months`` recorded months after ``burn_in``. The same scenario runs
    small first, so compiling or loading kernels is not counted; kernels split over threads run on
    the calling thread below :data:`.threads.MIN_ITEMS` items, so 10,000 workers count everything."""
    path = Path(builtin_dir()) / scenario_file

    def scenario(n: int):
        return load_scenario(path, {"run": {"workers": n, "months": months, "burn_in_months": burn_in}})

    LabourMarket(scenario(1000)).run()
    model = LabourMarket(scenario(workers))
    model.run(0)
    calls = {m.name: 0 for m in model.modules}
    inside: list[str] = []
    # Its own wrapper, not _time_modules': what a wrapper calls inside a step is counted, so this one
    # calls only the list's append and pop, and the profile leaves out the pop.
    for module in model.modules:

        def counted(mdl, step=module.step, name=module.name):
            inside.append(name)
            try:
                step(mdl)
            finally:
                inside.pop()

        module.step = counted

    def profile(frame, event, arg) -> None:
        if inside and event in ("call", "c_call") and getattr(arg, "__self__", None) is not inside:
            calls[inside[-1]] += 1

    # The cyclic garbage collector would run finalizers of earlier models' objects (Mesa's weak
    # references to agents) at whatever step it strikes, and they would be counted there: collect
    # first and keep it off while counting.
    gc.collect()
    gc.disable()
    sys.setprofile(profile)
    try:
        model.run()
    finally:
        sys.setprofile(None)
        gc.enable()
    return {name: n / months for name, n in calls.items()}


def child_engine(workers: int, months: int) -> dict:
    """Time one engine run in this process (used in a subprocess), module by module."""
    warm = LabourMarket(_scenario(1000, 2))
    warm.run()
    sc = _scenario(workers, months)
    t0 = time.perf_counter()
    model = LabourMarket(sc)
    t1 = time.perf_counter()
    spent = _time_modules(model)
    model.run()
    t2 = time.perf_counter()
    return {
        "modules": spent,
        "workers": workers,
        "months": months,
        "init_seconds": t1 - t0,
        "seconds": t2 - t1,
        "worker_months_per_second": workers * months / (t2 - t1),
        "peak_mb": _peak_mb(),
        "state_mb": model.workers.nbytes() / 2**20,
    }


def child_plain(workers: int, months: int) -> dict:
    """Time the plain Mesa model in this process (used in a subprocess)."""
    from .plain_mesa import run_plain

    out = run_plain(_scenario(workers, months), workers, months)
    out["peak_mb"] = _peak_mb()
    return out


def child_core(workers: int, months: int) -> dict:
    """Time the engine running only the plain model's modules, from the same first state (in a subprocess)."""
    from .plain_mesa import core_modules, state_digest, timed_months

    LabourMarket(_scenario(1000, 2), modules=core_modules()).run()  # compile or load the kernels first
    model = LabourMarket(_scenario(workers, months), modules=core_modules())
    seconds = timed_months(model, months)
    return {
        "workers": workers,
        "months": months,
        "seconds": seconds,
        "worker_months_per_second": workers * months / seconds,
        "peak_mb": _peak_mb(),
        "digest": state_digest(model.workers.arrays()),
    }


def _in_subprocess(kind: str, workers: int, months: int, kernel_threads: int | None = None) -> dict:
    env = dict(os.environ)
    if kernel_threads is not None:
        env["PATHWAYS_THREADS"] = str(kernel_threads)
    proc = subprocess.run(
        [sys.executable, "-m", "pathways.benchmarks.bench", kind, str(workers), str(months)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {kind} {workers} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def matching_instance(workers: int = 10_000, months: int = 24):
    """A real month's matching problem from the baseline: (ptr, post, score, capacity)."""
    model = LabourMarket(_scenario(workers, months))
    model.keep_matching_problem = True
    model.run()
    return model.matching_problem


def _solve_with_matching_package(ptr, post, score, capacity):
    import warnings

    from matching.games import HospitalResident

    n = len(ptr) - 1
    resident_prefs, applicants = {}, {}
    for i in range(n):
        lst = [int(p) for p in post[ptr[i] : ptr[i + 1]] if capacity[p] > 0]
        if lst:
            resident_prefs[i] = lst
            for k in range(ptr[i], ptr[i + 1]):
                if capacity[post[k]] > 0:
                    applicants.setdefault(int(post[k]), []).append((-float(score[k]), i))
    hospital_prefs = {p: [i for _, i in sorted(v)] for p, v in applicants.items()}
    capacities = {p: int(capacity[p]) for p in hospital_prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        solved = game.solve(optimal="resident")
    match = np.full(n, -1, dtype=np.int64)
    for hospital, residents in solved.items():
        for r in residents:
            match[r.name] = hospital.name
    return match


def matching_package_missing() -> str | None:
    """Why the ``matching`` package's row cannot run (it is a test-only dependency), or None."""
    try:
        import matching.games  # noqa: F401
    except ImportError:
        return "the `matching` package is not installed (it comes with pip install -e '.[test]')"
    return None


def bench_matching(repeat_seconds: float = 2.0) -> list[dict]:
    from ..simulation.matching import deferred_acceptance, deferred_acceptance_reference

    ptr, post, score, capacity = matching_instance()
    n_apps = post.shape[0]
    expected = deferred_acceptance(ptr, post, score, capacity)

    def rate(fn) -> tuple[float, np.ndarray]:
        runs, start = 0, time.perf_counter()
        while True:
            result = fn(ptr, post, score, capacity)
            runs += 1
            elapsed = time.perf_counter() - start
            if elapsed > repeat_seconds or (runs >= 3 and elapsed > repeat_seconds / 4):
                return runs / elapsed, result

    rows = []
    solvers = [
        ("numba kernel", deferred_acceptance),
        ("plain-Python reference", deferred_acceptance_reference),
    ]
    if matching_package_missing() is None:
        solvers.append(("matching package (HospitalResident)", _solve_with_matching_package))
    old_limit = sys.getrecursionlimit()
    # The matching package deep-copies its players, which recurses deeply (benchmark only).
    sys.setrecursionlimit(max(old_limit, 200_000))
    try:
        for name, fn in solvers:
            per_second, result = rate(fn)
            rows.append(
                {
                    "solver": name,
                    "instances_per_second": per_second,
                    "applications_per_second": per_second * n_apps,
                    "same_matching": bool(np.array_equal(result, expected)),
                }
            )
    finally:
        sys.setrecursionlimit(old_limit)
    for r in rows:
        r["searchers"] = len(ptr) - 1
        r["applications"] = n_apps
    return rows


SWEEP_FILE = """
[sweep]
name = "bench"
seed = 1
seeds = {seeds}
workers = {workers}
months = {months}
burn_in_months = {months}

[arms.sectoral]
scenario = "{scenario}"

[design]
kind = "grid"

[[parameters]]
name = "seats"
keys = ["trainers.sectoral.programs.sectoral_it.seats_per_10k_workers"]
values = [{values}]
"""
SWEEP_POINTS = 8  # design points per seed, all sharing the seed's burn-in (the program starts at month 0)


def bench_sweep(runs: int = 64, workers: int = 10_000, months: int = 120, jobs: int = 2) -> list[dict]:
    """Runs per minute of a sweep on ``jobs`` processes, burning in for every run and once per seed.

    The sweep: the Per Scholas-style program at ``SWEEP_POINTS`` seat counts x ``runs / SWEEP_POINTS``
    seeds, each run ``months`` of burn-in and ``months`` recorded.
    """
    import tempfile

    from ..experiments import sweep as sw

    seeds = max(runs // SWEEP_POINTS, 1)
    values = ", ".join(f"{2.5 * (k + 1):.1f}" for k in range(SWEEP_POINTS))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        scenario = Path(builtin_dir()) / "sectoral_tuition_free.toml"
        path.write_text(SWEEP_FILE.format(seeds=seeds, workers=workers, months=months, scenario=scenario,
                                          values=values))  # fmt: skip
        LabourMarket(_scenario(1000, 2)).run()  # compile or load the kernels first
        for reuse in (False, True):
            start = time.perf_counter()
            plan = sw.load_sweep(path)
            progress = sw.run_sweep(plan, Path(tmp) / f"out{reuse}", jobs=jobs, reuse_burn_in=reuse)
            wall = time.perf_counter() - start
            rows.append({"reuse": reuse, "jobs": jobs, "runs": progress.done, "failed": progress.failed,
                         "burn_ins": len(sw.burn_in_groups(plan, plan.runs, reuse)), "wall": wall,
                         "runs_per_minute": progress.done / wall * 60})  # fmt: skip
    return rows


def run_bench(
    sizes: list[int],
    months: int,
    plain_sizes: list[int],
    plain_months: int,
    matching: bool = True,
    sweep: bool = False,
    kernel_threads: int | None = None,
) -> int:
    """Print the benchmark tables; ``kernel_threads``: threads per run (None: every core, :mod:`.threads`)."""
    n_threads = kernel_threads or threads.threads()
    print(f"Engine: baseline scenario, {months} months, one process per size, "
          f"kernels on {n_threads} thread{'s' if n_threads > 1 else ''}\n")  # fmt: skip
    print(f"{'workers':>10}{'init s':>9}{'run s':>9}{'worker-months/s':>18}{'peak MB':>10}{'state MB':>10}")
    engine = {}
    for n in sizes:
        r = engine[n] = _in_subprocess("engine", n, months, kernel_threads)
        print(
            f"{n:>10,}{r['init_seconds']:>9.2f}{r['seconds']:>9.2f}{r['worker_months_per_second']:>18,.0f}"
            f"{r['peak_mb']:>10,.0f}{r['state_mb']:>10,.0f}",
            flush=True,
        )

    print(f"\nWhere a month's time goes (milliseconds per month, share of the run), {n_threads} thread(s)")
    names = list(next(iter(engine.values()))["modules"]) if engine else []
    print(f"{'module':<16}" + "".join(f"{f'{n:,} workers':>22}" for n in sizes))
    for name in [*names, "other"]:
        cells = []
        for n in sizes:
            r = engine[n]
            spent = r["modules"].get(name, r["seconds"] - sum(r["modules"].values()))
            cells.append(f"{spent / months * 1000:>12.1f} ms {spent / r['seconds']:>5.0%}")
        print(f"{name:<16}" + "".join(f"{c:>22}" for c in cells))

    scenarios = {"baseline": BASELINE, "Per Scholas-style (the sweep's)": "sectoral_tuition_free.toml"}
    counts = {label: count_calls(file) for label, file in scenarios.items()}
    print("\nCalls a month at 10,000 workers (Python functions, numpy functions and numba kernels called in"
          "\neach module's step: counted, not timed, so a small market's fixed cost compares across machines "
          "and loads)")  # fmt: skip
    print(f"{'module':<16}" + "".join(f"{label:>34}" for label in counts))
    for name in next(iter(counts.values())):
        print(f"{name:<16}" + "".join(f"{c[name]:>34,.0f}" for c in counts.values()))
    print(f"{'total':<16}" + "".join(f"{sum(c.values()):>34,.0f}" for c in counts.values()))

    if matching:
        rows = bench_matching()
        r0 = rows[0]
        print(
            f"\nMatching: one real month of the 10k baseline, {r0['searchers']:,} searchers, "
            f"{r0['applications']:,} applications"
        )
        print(f"{'solver':<38}{'instances/s':>13}{'applications/s':>16}{'same result':>13}")
        for r in rows:
            print(
                f"{r['solver']:<38}{r['instances_per_second']:>13,.1f}{r['applications_per_second']:>16,.0f}"
                f"{'yes' if r['same_matching'] else 'NO':>13}"
            )
        missing = matching_package_missing()
        if missing:
            print(f"(matching package row skipped: {missing})")

    if sweep:
        rows = bench_sweep()
        r0 = rows[0]
        print(f"\nSweep: {r0['runs']} runs of 10,000 workers, 120 burn-in + 120 months (the Per Scholas-"
              f"style program at {SWEEP_POINTS} seat counts x {r0['runs'] // SWEEP_POINTS} seeds), "
              f"{r0['jobs']} processes")  # fmt: skip
        print(f"{'burn-in':<26}{'burn-ins':>9}{'wall s':>9}{'runs/minute':>13}{'1,000 runs in':>15}")
        for r in rows:
            how = "once per seed (reused)" if r["reuse"] else "every run"
            print(f"{how:<26}{r['burn_ins']:>9}{r['wall']:>9.1f}{r['runs_per_minute']:>13.1f}"
                  f"{1000 / r['runs_per_minute']:>11.1f} min", flush=True)  # fmt: skip
            if r["failed"]:
                print(f"  ({r['failed']} runs failed)")

    if plain_sizes:
        from .plain_mesa import MODULES

        print(
            f"\nPlain Mesa (one agent per worker and per employer) vs the engine, {plain_months} months,\n"
            f"both running the same modules ({', '.join(MODULES)})\n"
            f"from the same starting state with the same draws (the plain model on one thread,\n"
            f"the engine's kernels on {n_threads})"
        )
        print(
            f"{'workers':>10}{'plain s':>9}{'plain wm/s':>13}{'engine s':>10}{'engine wm/s':>13}"
            f"{'speed-up':>10}{'plain peak MB':>15}{'same end state':>16}"
        )
        for n in plain_sizes:
            p = _in_subprocess("plain", n, plain_months)
            e = _in_subprocess("core", n, plain_months, kernel_threads)
            speedup = e["worker_months_per_second"] / p["worker_months_per_second"]
            same = "yes" if p["digest"] == e["digest"] else "NO"
            print(
                f"{n:>10,}{p['seconds']:>9.2f}{p['worker_months_per_second']:>13,.0f}{e['seconds']:>10.2f}"
                f"{e['worker_months_per_second']:>13,.0f}{speedup:>9.0f}x{p['peak_mb']:>15,.0f}{same:>16}",
                flush=True,
            )
        print(
            "The rules are proven identical: both call the same rule functions with the same draws, and\n"
            "tests/test_plain_mesa.py checks that a month of each from the same state gives identical\n"
            "worker and employer arrays. 'same end state' compares a digest of the final worker arrays."
        )
    return 0


if __name__ == "__main__":
    kind, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    result = {"engine": child_engine, "core": child_core, "plain": child_plain}[kind](n, m)
    print(json.dumps(result))
