"""One executor for every multi-run command: serial, local processes and a real Dask cluster agree.

The Dask test starts a scheduler and two workers as separate commands, each in
its own empty working directory (as on a cluster, where workers share no file
system with the driver): tasks must carry resolved scenarios, never file paths.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, tiny_calibration
from pathways.experiments import compare
from pathways.experiments.executor import Executor, ExecutorError, TaskFailed

DASK = Path(sys.executable).with_name("dask")


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_results_come_back_in_task_order_and_failures_are_recorded():
    for jobs in (1, 2):
        with Executor(jobs) as ex:
            assert ex.map(square, range(7)) == [0, 1, 4, 9, 16, 25, 36]
            out = ex.map(fail_on_three, range(5))
        assert [r for r in out if not isinstance(r, TaskFailed)] == [0, 1, 2, 4]
        assert isinstance(out[3], TaskFailed) and "ValueError: three" in out[3].error


def test_an_unreachable_scheduler_is_a_user_error():
    with pytest.raises(ExecutorError, match="cannot reach") as info, Executor(1, "tcp://127.0.0.1:1") as ex:
        ex.map(square, [1])
    assert info.value.user_error


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, started as commands in empty folders."""
    if not DASK.exists():
        pytest.skip("the dask command is not installed (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("cluster")
    address_file = root / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": ""}
    procs = []
    try:
        cwd = root / "scheduler"
        cwd.mkdir()
        procs.append(subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(address_file)],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        deadline = time.time() + 60
        while not address_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(address_file.read_text())["address"]
        for k in range(2):
            cwd = root / f"worker{k}"
            cwd.mkdir()
            procs.append(subprocess.Popen(
                [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
        from dask.distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_compare_on_dask_equals_serial(cluster):
    files = [str(ROOT / "scenarios" / f) for f in ("calibrated.toml", "tuition_bootcamp.toml")]
    arms = compare.load_arms(files, {"run": {"workers": 800, "months": 12, "burn_in_months": 12}})
    seeds = compare.seeds_for(arms, 2)
    # assert_equal: NaN (an outcome a run cannot measure) equals NaN.
    np.testing.assert_equal(compare.run_all(arms, seeds, dask=cluster), compare.run_all(arms, seeds, jobs=1))


def test_validate_on_dask_equals_serial(cluster):
    from pathways.calibration.validate import validate

    two = ("sectoral_tuition_free.toml", "tuition_bootcamp.toml")
    serial, serial_years = validate(workers=600, seeds=2, jobs=1, years=3, scenarios=two)
    on_dask, dask_years = validate(workers=600, seeds=2, dask=cluster, years=3, scenarios=two)
    np.testing.assert_equal([vars(r) for r in on_dask], [vars(r) for r in serial])
    np.testing.assert_equal([vars(r) for r in dask_years], [vars(r) for r in serial_years])


def test_calibrate_on_dask_equals_serial(cluster, tmp_path):
    from pathways.calibration import fit

    path = tiny_calibration(tmp_path)
    serial = fit.calibrate(path, jobs=1, budget=4)
    on_dask = fit.calibrate(path, dask=cluster, budget=4)
    np.testing.assert_array_equal(on_dask.best, serial.best)
    np.testing.assert_equal(on_dask.history, serial.history)
    np.testing.assert_equal(on_dask.fit_rows, serial.fit_rows)
