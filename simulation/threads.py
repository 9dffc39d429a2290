"""Kernels split over threads: the same numbers, less wall time on a machine with spare cores.

A kernel that works item by item (applications, searchers) with no item
reading another's result takes a range ``lo, hi`` and writes only its own
items; :func:`split` runs it over ``threads()`` consecutive ranges at once.
Each item gets the same arithmetic and the same draws whatever range it falls
in, so results are identical to one thread, bit for bit (tests check it).

Plain Python threads carry the ranges (the kernels release the GIL,
``nogil=True``), not numba's parallel loops: numba's threading layers are
either unsafe after ``fork`` (GNU OpenMP) or unsafe under concurrent callers
(workqueue), and the executor forks workers and Dask may call from threads.

Runs that share the machine (the process pool, Dask) run one thread each
(:func:`kernel_threads`): their parallelism is across runs. A single run uses
every core this process may use, or ``PATHWAYS_THREADS``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

# Below this many items a kernel runs on the calling thread: handing ranges to threads costs
# tens of microseconds, more than a small market's kernels take.
MIN_ITEMS = 20_000


def _available() -> int:
    env = os.environ.get("PATHWAYS_THREADS", "").strip()
    if env:
        try:
            return max(int(env), 1)
        except ValueError:
            raise ValueError(f"PATHWAYS_THREADS must be a whole number of threads (got {env!r})") from None
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


_threads: int | None = None  # None: not yet decided (the environment is read at first use)
_pool: ThreadPoolExecutor | None = None
_pool_pid = -1


def threads() -> int:
    """Threads a kernel may use in this process."""
    global _threads
    if _threads is None:
        _threads = _available()
    return _threads


def set_threads(n: int | None) -> None:
    """Use ``n`` threads from now on (None: every core available, or ``PATHWAYS_THREADS``)."""
    global _threads
    if n is not None and n < 1:
        raise ValueError(f"threads must be at least 1 (got {n})")
    _threads = n


@contextmanager
def kernel_threads(n: int | None) -> Iterator[None]:
    """Within the block, kernels use ``n`` threads (None: leave as is)."""
    before = _threads
    if n is not None:
        set_threads(n)
    try:
        yield
    finally:
        if n is not None:
            set_threads(before)


def _executor(n: int) -> ThreadPoolExecutor:
    global _pool, _pool_pid
    # A forked child inherits the pool object but not its threads: make a new one there.
    if _pool is None or _pool_pid != os.getpid() or _pool._max_workers < n:
        _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="pathways-kernel")
        _pool_pid = os.getpid()
    return _pool


def bounds(n_items: int, n_parts: int) -> list[tuple[int, int]]:
    """``n_parts`` consecutive ranges (lo, hi) covering 0..n_items, as equal as can be."""
    edges = [n_items * k // n_parts for k in range(n_parts + 1)]
    return list(itertools.pairwise(edges))


def n_parts(n_items: int) -> int:
    """How many ranges :func:`split` and :func:`split_parts` cut ``n_items`` into."""
    return threads() if n_items >= MIN_ITEMS else 1


def split(kernel: Callable, n_items: int, *args) -> None:
    """``kernel(lo, hi, *args)`` over ranges covering 0..n_items, on up to :func:`threads` threads.

    The kernel must write only items ``lo..hi-1`` of its outputs and release the GIL.
    """
    if n_items < MIN_ITEMS or threads() == 1:  # n_parts, without a call: small markets make many
        kernel(0, n_items, *args)
    else:
        _on_threads([(kernel, lo, hi, *args) for lo, hi in bounds(n_items, threads())])


def split_parts(kernel: Callable, n_items: int, *args) -> None:
    """``kernel(part, lo, hi, *args)`` for part ``0..n_parts(n_items) - 1`` and its range, on threads.

    For kernels that count: each part adds into its own slot of outputs with a leading axis of
    :func:`n_parts` (zeroed by the caller), and the caller sums the slots. Counts so summed are the
    same however the items were split; float sums would not be, so they stay in one ordered pass.
    """
    n = n_parts(n_items)
    if n == 1:
        kernel(0, 0, n_items, *args)
    else:
        _on_threads([(kernel, p, lo, hi, *args) for p, (lo, hi) in enumerate(bounds(n_items, n))])


def together(*calls: tuple) -> None:
    """Run each ``(function, *args)`` of ``calls`` at once: the first on this thread, the others on the
    pool (one after another where one thread is allowed). Each function must release the GIL and
    write only outputs no other call reads or writes."""
    if threads() == 1:
        for function, *args in calls:
            function(*args)
    else:
        _on_threads(list(calls))


def _on_threads(calls: list[tuple]) -> None:
    """Each ``(function, *args)`` of ``calls`` at once: the first on this thread, the rest on the pool."""
    futures = [_executor(len(calls) - 1).submit(*call) for call in calls[1:]]
    calls[0][0](*calls[0][1:])
    for future in futures:
        future.result()
