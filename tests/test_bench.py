"""pathways bench: the engine's timing and its month profile, module by module."""

from __future__ import annotations

from pathways.benchmarks import bench
from pathways.simulation.model import default_modules


def test_the_engine_timing_carries_a_profile_of_every_module():
    r = bench.child_engine(2000, 3)
    assert list(r["modules"]) == [m.name for m in default_modules()]
    assert all(v >= 0 for v in r["modules"].values())
    # The modules' time is inside the run's (the rest is the month's bookkeeping).
    assert 0 < sum(r["modules"].values()) <= r["seconds"]
    assert r["modules"]["job_search"] > 0


def test_the_bench_prints_where_the_time_goes(capsys):
    bench.run_bench([1500], 2, plain_sizes=[], plain_months=1, matching=False)
    out = capsys.readouterr().out
    assert "Where a month's time goes" in out
    for name in ("job_search", "recording", "other"):
        assert name in out


def test_the_sweep_bench_burns_in_once_per_seed_when_it_reuses_burn_ins():
    from pathways.benchmarks.bench import bench_sweep

    rows = bench_sweep(runs=8, workers=600, months=4, jobs=2)
    got = [(r["reuse"], r["runs"], r["burn_ins"], r["failed"]) for r in rows]
    assert got == [(False, 8, 8, 0), (True, 8, 1, 0)]  # 8 seat counts x 1 seed
    assert all(r["runs_per_minute"] > 0 for r in rows)


def test_calls_a_month_are_counted_for_every_module_and_the_same_each_time():
    # The count stands in for timings on a loaded machine: it must not move between identical runs.
    first = bench.count_calls("sectoral_tuition_free.toml", workers=1500, months=2, burn_in=2)
    assert list(first) == [m.name for m in default_modules()]
    assert first["job_search"] > 0 and first["enrolment"] > 0
    assert bench.count_calls("sectoral_tuition_free.toml", workers=1500, months=2, burn_in=2) == first
