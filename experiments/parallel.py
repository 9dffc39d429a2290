"""Local process pools for comparisons and sweeps.

Importing Mesa switches Python's multiprocessing to the "spawn" start method
for the whole process (``mesa.batchrunner`` forces it), so every worker would
re-import the package and reload its numba kernels before its first run. On
Linux the pools here ask for "fork" explicitly: workers start at once, with
the parent's loaded kernels. Results do not depend on the start method: each
run is a pure function of its inputs.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor


def process_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes, forked where that is safe (Linux)."""
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)
