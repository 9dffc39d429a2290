"""One way to run many simulations: in this process, in local processes, or on Dask.

Every multi-run command (compare, sweep, calibrate, validate, sensitivity)
hands the executor a module-level function and a list of tasks. Tasks carry
what a run needs (the resolved scenario, a seed), never a file path, so a
worker needs no shared file system. Results come back to the driver, which
alone writes files.

Local processes
    Importing Mesa switches multiprocessing to "spawn" for the whole process
    (``mesa.batchrunner`` forces it), so every worker would re-import the
    package and reload its numba kernels before its first run. On Linux the
    pool asks for "fork": workers start at once with the parent's kernels.
    Each worker asks the kernel to kill it when its parent dies
    (``PR_SET_PDEATHSIG``), so a driver killed with SIGKILL leaves no
    orphaned workers running for hours.
Dask
    ``dask="local"`` starts a ``LocalCluster`` of ``jobs`` workers;
    any other value is a scheduler address. A worker lost mid-task makes that
    task a recorded failure rather than aborting the whole command.

Runs in worker processes (local or Dask) use one thread each for their kernels
(:mod:`pathways.simulation.threads`): the cores go to runs side by side. Runs
in this process (``jobs=1``) use them all.

At most ``2 x jobs`` tasks are in flight at once, so a 100,000-run sweep
does not queue 100,000 pickled scenarios.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..simulation import threads

DASK_CONNECT_SECONDS = 5  # a scheduler that is up answers within a second
PR_SET_PDEATHSIG = 1


class ExecutorError(RuntimeError):
    """The runs could not be carried out at all (no scheduler, a dead pool); one line.

    ``user_error``: the cause is the user's input (an address nothing answers at).
    """

    def __init__(self, message: str, user_error: bool = False) -> None:
        super().__init__(message)
        self.user_error = user_error


class RunFailed(RuntimeError):
    """A simulation raised, in a command that needs every run; the message says how many and why."""


@dataclass(frozen=True)
class TaskFailed:
    """What a task raised, in place of its result."""

    error: str
    traceback: str


def all_succeeded(results: list, what: str) -> list:
    """``results`` if no task failed; otherwise :class:`RunFailed` naming how many and the first error."""
    failed = [r for r in results if isinstance(r, TaskFailed)]
    if failed:
        raise RunFailed(f"{what}: {len(failed)} of {len(results)} runs failed; the first: {failed[0].error}")
    return results


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the worker simply outlives a killed parent
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _guarded(fn: Callable, task: Any, kernel_threads: int | None = None) -> Any:
    try:
        with threads.kernel_threads(kernel_threads):
            return fn(task)
    except Exception as exc:
        return TaskFailed(f"{type(exc).__name__}: {exc}", traceback.format_exc())


class Executor:
    """Runs ``fn(task)`` for many tasks; ``jobs`` processes (1: this process), or Dask."""

    def __init__(self, jobs: int = 1, dask: str | None = None) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1 (got {jobs})")
        self.jobs = jobs
        self.dask = dask
        self._pool: ProcessPoolExecutor | None = None
        self._client = None
        self._cluster = None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def description(self) -> str:
        if self.dask is not None:
            return f"Dask ({self.dask})" if self.dask != "local" else f"a local Dask cluster of {self.jobs}"
        return f"{self.jobs} process{'es' if self.jobs > 1 else ''}"

    def imap(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[int, Any]]:
        """``(index, result)`` as tasks finish; a task that raised gives a :class:`TaskFailed`."""
        tasks = list(tasks)
        if not tasks:
            return
        if self.dask is not None:
            yield from self._dask(fn, tasks)
        elif self.jobs == 1:
            for i, task in enumerate(tasks):
                yield i, _guarded(fn, task)
        else:
            yield from self._local(fn, tasks)

    def map(self, fn: Callable, tasks: Iterable, on_result: Callable[[], None] | None = None) -> list:
        """Results in task order (a :class:`TaskFailed` where a task raised)."""
        tasks = list(tasks)
        results: list = [None] * len(tasks)
        for i, result in self.imap(fn, tasks):
            results[i] = result
            if on_result is not None:
                on_result()
        return results

    def _local(self, fn: Callable, tasks: list) -> Iterator[tuple[int, Any]]:
        if self._pool is None:
            context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )  # fmt: skip
        pending: dict = {}
        queue = iter(enumerate(tasks))
        limit = 2 * self.jobs
        try:
            while True:
                for i, task in queue:
                    pending[self._pool.submit(_guarded, fn, task, 1)] = i
                    if len(pending) >= limit:
                        break
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        except BrokenProcessPool:
            self._pool = None
            raise ExecutorError(
                "a worker process died (killed, or out of memory?); results already written are kept"
            ) from None

    def _connect(self):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                "--dask needs dask.distributed: pip install 'pathways-sim[dask]'", user_error=True
            ) from None
        if self._client is not None:
            return self._client
        try:
            if self.dask == "local":
                self._cluster = LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None,
                )  # fmt: skip
                self._client = self._cluster.get_client()
            else:
                self._client = Client(self.dask, timeout=DASK_CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ExecutorError(
                f"--dask {self.dask}: cannot reach a Dask scheduler ({exc})", user_error=True
            ) from None
        return self._client

    def _dask(self, fn: Callable, tasks: list) -> Iterator[tuple[int, Any]]:
        from dask.distributed import as_completed

        client = self._connect()
        queue = iter(enumerate(tasks))
        index: dict = {}
        limit = max(2 * self.jobs, 2 * sum(client.nthreads().values()) or 2)

        def submit(n: int) -> list:
            futures = []
            for i, task in queue:
                future = client.submit(_guarded, fn, task, 1, pure=False)
                index[future.key] = i
                futures.append(future)
                if len(futures) >= n:
                    break
            return futures

        stream = as_completed(submit(limit))
        for future in stream:
            i = index.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # the worker was lost, or the result could not come back
                result = TaskFailed(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            finally:
                future.release()
            yield i, result
            for f in submit(1):
                stream.add(f)
