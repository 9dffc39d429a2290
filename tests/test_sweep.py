"""Sweeps: the same results on any engine, nothing lost when killed, clear errors, failures recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from pathways.experiments import sweep as sw
from pathways.experiments.summarize import summarize_folder

TINY = """
[sweep]
name = "tiny"
seed = 7
seeds = {seeds}
workers = 1200
months = 6
burn_in_months = 6
outcomes = ["completion_rate", "enrolment_per_10k", "pay_ratio", "annual_earnings", "public_dollars"]

[arms.baseline]
scenario = "{root}/scenarios/baseline.toml"

[arms.bootcamp]
scenario = "{root}/scenarios/tuition_bootcamp.toml"

[arms.bootcamp.overrides.trainers.bootcamp.programs.it_bootcamp]
seats_per_10k_workers = 40.0

[design]
kind = "grid"

[[parameters]]
name = "price"
keys = [
    "trainers.bootcamp.programs.it_bootcamp.price",
    "trainers.bootcamp.programs.it_bootcamp.cost_per_seat",
]
arms = ["bootcamp"]
values = [{prices}]

[[parameters]]
name = "homophily"
keys = ["network.homophily"]
values = [0.5, 0.8]
"""


def tiny(tmp_path: Path, seeds: int = 2, prices: str = "6000.0, 14000.0", name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(TINY.format(root=ROOT, seeds=seeds, prices=prices))
    return path


def combined(plan: sw.Sweep, out: Path) -> dict:
    table, failures = sw.combine(plan, out)
    assert not failures
    return table.to_pydict()


def test_plan_shares_seeds_and_design_across_arms(tmp_path):
    plan = sw.load_sweep(tiny(tmp_path))
    assert len(plan.points) == 4  # 2 prices x 2 homophily levels
    assert len(plan.runs) == 2 * 4 * 2
    # Replicate r has one seed in every arm and at every point (common random numbers).
    seeds = {(r.replicate, r.seed) for r in plan.runs}
    assert len(seeds) == 2 and len({s for _, s in seeds}) == 2
    assert sw.replicate_seed(7, 0) == sw.replicate_seed(7, 0) != sw.replicate_seed(7, 1)
    # The price applies to the bootcamp arm only: the baseline's points that differ only in
    # price have identical inputs, hence one id (run once).
    base = [r for r in plan.runs if r.arm == "baseline"]
    assert len({r.run_id for r in base}) == 2 * 2
    assert len({r.run_id for r in plan.runs if r.arm == "bootcamp"}) == 4 * 2
    assert all("price" not in r.params for r in base)


def test_same_results_serial_processes_and_dask(tmp_path):
    plan = sw.load_sweep(tiny(tmp_path))
    serial, procs, dask = tmp_path / "serial", tmp_path / "procs", tmp_path / "dask"
    sw.run_sweep(plan, serial, jobs=1)
    sw.run_sweep(plan, procs, jobs=2)
    sw.run_sweep(plan, dask, jobs=2, dask="local")
    reference = combined(plan, serial)
    assert len(set(zip(reference["arm"], reference["point"], reference["replicate"], strict=True))) == len(
        plan.runs
    )
    np.testing.assert_equal(combined(plan, procs), reference)
    np.testing.assert_equal(combined(plan, dask), reference)
    # Each run file is byte-identical whichever engine wrote it.
    for f in sorted((serial / "runs").glob("*.parquet")):
        assert (
            f.read_bytes() == (procs / "runs" / f.name).read_bytes() == (dask / "runs" / f.name).read_bytes()
        )


def test_killed_sweep_resumes_to_the_same_results(tmp_path):
    path = tiny(tmp_path, seeds=6)
    plan = sw.load_sweep(path)
    distinct = len({r.run_id for r in plan.runs})
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "pathways", "sweep", str(path), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = len(list((out / "runs").glob("*.parquet"))) if (out / "runs").exists() else 0
        if done >= 3:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= partial < distinct, "the sweep was not killed part-way"
    assert not list((out / "runs").glob("*.error.json"))

    # Without --resume the folder is protected; with it, the sweep finishes.
    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    files = sorted(p.name for p in (out / "runs").glob("*.parquet"))
    assert len(files) == distinct and not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]

    fresh = tmp_path / "fresh"
    sw.run_sweep(plan, fresh, jobs=1)
    np.testing.assert_equal(combined(plan, out), combined(plan, fresh))


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path):
    # A negative price is not a valid scenario: those runs fail, the others finish.
    plan = sw.load_sweep(tiny(tmp_path, prices="-5.0, 9000.0"))
    out = tmp_path / "out"
    progress = sw.run_sweep(plan, out, jobs=1)
    assert progress.failed == 2 * 2  # 2 homophily levels x 2 seeds at the bad price
    table, failures = sw.combine(plan, out)
    assert len(failures) == progress.failed
    assert all("price" in f["error"] for f in failures)
    assert (
        len(set(table.column("run_id").to_pylist())) == len({r.run_id for r in plan.runs}) - progress.failed
    )
    summary = summarize_folder(plan, out)
    assert summary.missing == 4 and "- 4 failed" in summary.text and (out / "failures.csv").exists()
    assert "greater than or equal to 0 (got -5.0)" in summary.text  # the first failure's reason


def test_summarize_writes_tables_with_intervals_and_effects(tmp_path):
    path = tiny(tmp_path, seeds=3)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pathways", "sweep", str(path), "--out", str(out), "--jobs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "annual_earnings" in proc.stdout
    summary = pq.read_table(out / "summary.parquet").to_pylist()
    row = next(
        r for r in summary if r["arm"] == "bootcamp" and r["group"] == "all" and r["outcome"] == "pay_ratio"
    )
    assert row["seeds"] == 3 and row["ci_low"] <= row["mean"] <= row["ci_high"] and row["mc_se"] > 0
    effects = pq.read_table(out / "effects.parquet").to_pylist()
    assert {e["parameter"] for e in effects} >= {"price", "homophily"}
    again = subprocess.run(
        [sys.executable, "-m", "pathways", "summarize", str(out)], capture_output=True, text=True
    )
    assert again.returncode == 0 and "Effect of moving" in again.stdout


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('[design]\nkind = "grid"', '[design]\nkind = "grid"\nsamplez = 3'), "design.samplez: unknown key"),
        (('kind = "grid"', 'kind = "sobol"\nsamples = 6'), "power of two"),
        (('keys = ["network.homophily"]', 'keys = ["network.homophilly"]'), "parameters.1.keys"),
        (("outcomes = [", 'outcomes = ["happiness", '), "sweep.outcomes"),
        (("seeds = 2", "seeds = -1"), "sweep.seeds"),
        (
            ("values = [0.5, 0.8]", "values = [0.5, 0.8]\nrange = [0.1, 0.9]"),
            "exactly one of range or values",
        ),
        (("/scenarios/baseline.toml", "/scenarios/nope.toml"), "arms.baseline"),
    ],
)
def test_bad_sweep_file_is_a_one_line_error(tmp_path, edit, expected):
    path = tiny(tmp_path)
    path.write_text(path.read_text().replace(*edit))
    with pytest.raises(sw.SweepError, match=expected.replace(".", r"\.")):
        sw.load_sweep(path)
    cmd = [sys.executable, "-m", "pathways", "sweep", str(path), "--out", str(tmp_path / "o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(path) in proc.stderr and expected in proc.stderr


def test_a_sweep_folder_keeps_the_files_arm_order(tmp_path):
    # The first arm is the reference of paired differences; JSON's sorted keys must not reorder them.
    path = tiny(tmp_path)
    path.write_text(path.read_text().replace("[arms.baseline]", "[arms.zeta]"))
    plan = sw.load_sweep(path)
    sw.prepare_folder(plan, tmp_path / "o", resume=False)
    assert list(sw.load_folder(tmp_path / "o").spec.arms) == list(plan.spec.arms) == ["zeta", "bootcamp"]
