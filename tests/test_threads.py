"""Kernels split over threads give the same numbers as one thread, and runs side by side use one each."""

from __future__ import annotations

import multiprocessing
import threading

import numpy as np
import pytest
from numba import njit

from conftest import small
from pathways.experiments.executor import Executor
from pathways.simulation import LabourMarket, threads


@pytest.fixture
def many_threads(monkeypatch):
    """Every kernel split, however small its loop, over three threads."""
    monkeypatch.setattr(threads, "MIN_ITEMS", 1)
    with threads.kernel_threads(3):
        yield


@njit(nogil=True)
def _double(lo, hi, x, out):
    for i in range(lo, hi):
        out[i] = 2 * x[i]


@pytest.mark.parametrize("n_items, n_parts", [(0, 3), (1, 3), (10, 3), (1001, 2), (7, 7)])
def test_ranges_cover_every_item_once_in_order_and_evenly(n_items, n_parts):
    parts = threads.bounds(n_items, n_parts)
    assert len(parts) == n_parts
    covered = [i for lo, hi in parts for i in range(lo, hi)]
    assert covered == list(range(n_items))
    sizes = [hi - lo for lo, hi in parts]
    assert max(sizes) - min(sizes) <= 1


def test_split_runs_every_range_once_on_several_threads(many_threads):
    x = np.arange(100_003, dtype=np.float64)
    out = np.full_like(x, np.nan)
    threads.split(_double, x.size, x, out)
    assert np.array_equal(out, 2 * x)
    seen: list[tuple[int, int, int]] = []

    def record(lo, hi):
        seen.append((lo, hi, threading.get_ident()))

    threads.split(record, 10)
    assert sorted((lo, hi) for lo, hi, _ in seen) == threads.bounds(10, 3)
    # The calling thread takes the first range and pool threads the others.
    first = [ident for lo, _, ident in seen if lo == 0]
    assert first == [threading.get_ident()] and len({ident for _, _, ident in seen}) >= 2


@njit(nogil=True)
def _count_odd(part, lo, hi, x, out):
    for i in range(lo, hi):
        out[part] += x[i] % 2


def test_split_parts_gives_each_range_its_own_slot_and_the_counts_add_up(many_threads):
    x = np.arange(100_003)
    out = np.zeros(threads.n_parts(x.size), np.int64)
    assert out.size == 3
    threads.split_parts(_count_odd, x.size, x, out)
    assert out.sum() == 50_001 and np.all(out > 0)
    seen: list[tuple[int, int, int]] = []
    threads.split_parts(lambda part, lo, hi: seen.append((part, lo, hi)), 10)
    assert sorted(seen) == [(p, lo, hi) for p, (lo, hi) in enumerate(threads.bounds(10, 3))]
    with threads.kernel_threads(1):
        out = np.zeros(threads.n_parts(x.size), np.int64)
        threads.split_parts(_count_odd, x.size, x, out)
        assert out.tolist() == [50_001]


@pytest.mark.parametrize("n", [1, 2, 5, 6, 1_001, 40_000, 100_001])
@pytest.mark.parametrize("drawn_before", [0, 1, 2])
def test_per_worker_draws_filled_on_threads_are_one_calls_and_leave_the_stream_where_it_would(
    many_threads, n, drawn_before
):
    # An odd number drawn before leaves half of a 64-bit output for the next draw: it must come first.
    from pathways.simulation.randomness import fill_uniform32

    one, split = np.random.default_rng(7), np.random.default_rng(7)
    one.random(drawn_before, dtype=np.float32), split.random(drawn_before, dtype=np.float32)
    assert np.array_equal(fill_uniform32(split, n), one.random(n, dtype=np.float32))
    assert split.bit_generator.state == one.bit_generator.state
    assert np.array_equal(split.random(3, dtype=np.float32), one.random(3, dtype=np.float32))


def test_small_loops_stay_on_the_calling_thread():
    seen = []
    with threads.kernel_threads(4):
        threads.split(lambda lo, hi: seen.append((lo, hi, threading.get_ident())), threads.MIN_ITEMS - 1)
    assert seen == [(0, threads.MIN_ITEMS - 1, threading.get_ident())]


def _final_state(scenario) -> dict:
    model = LabourMarket(scenario)
    model.run()
    return {**model.workers.arrays(), **{f"metric {k}": v for k, v in model.metrics.columns().items()}}


def test_a_run_split_over_threads_is_identical_to_one_thread(monkeypatch):
    scenario = small(workers=3000, months=18, burn_in=12, seed=4)
    with threads.kernel_threads(1):
        one = _final_state(scenario)
    monkeypatch.setattr(threads, "MIN_ITEMS", 1)
    with threads.kernel_threads(3):
        several = _final_state(scenario)
    assert one.keys() == several.keys()
    np.testing.assert_equal(one, several)  # NaN equals NaN here


def _kernel_threads(_task) -> int:
    return threads.threads()


def test_runs_in_worker_processes_use_one_thread_each_and_this_process_keeps_its_own():
    with threads.kernel_threads(2):
        with Executor(2) as ex:
            assert ex.map(_kernel_threads, range(4)) == [1, 1, 1, 1]
        with Executor(1) as ex:
            assert ex.map(_kernel_threads, range(2)) == [2, 2]
        assert threads.threads() == 2


def _split_in_child(queue) -> None:
    x = np.arange(50.0)
    out = np.zeros_like(x)
    threads.split(_double, x.size, x, out)
    queue.put(bool(np.array_equal(out, 2 * x)))


def test_a_forked_child_makes_its_own_threads(many_threads):
    # The parent's pool exists (its threads do not survive a fork): the child must not wait on them.
    threads.split(_double, 10, np.ones(10), np.zeros(10))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_split_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0 and queue.get(timeout=5) is True


def test_thread_counts_are_checked(monkeypatch):
    with pytest.raises(ValueError, match="at least 1"):
        threads.set_threads(0)
    monkeypatch.setenv("PATHWAYS_THREADS", "two")
    monkeypatch.setattr(threads, "_threads", None)
    with pytest.raises(ValueError, match="PATHWAYS_THREADS"):
        threads.threads()
    monkeypatch.setenv("PATHWAYS_THREADS", "3")
    monkeypatch.setattr(threads, "_threads", None)
    assert threads.threads() == 3
