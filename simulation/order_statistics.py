"""Medians and percentiles of many small groups, exactly as numpy gives them, in numba kernels.

The monthly metrics take the median of every full-time worker's pay, by group and overall: at a
million workers, hundreds of thousands of values a month. numba's own ``np.median`` copies its input
and selects with pivots that slow down on values gathered group by group, and any selection by
comparisons mispredicts a branch on about every other value. :func:`kth_smallest` finds an order
statistic by the values' bits instead, eleven at a time (counting, not comparing), and compares only
among the few hundred values left; :func:`median` uses it.

:func:`select_in_place` (a three-way partition around a median-of-three pivot, so runs of equal
values and ordered stretches cost no more than a shuffle) does those last comparisons, and the
successive selections of :func:`percentiles_in_place`.

:func:`smallest` gives the first few of a stable sort (who is served first from a long queue) without
sorting the rest.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def select_in_place(a: np.ndarray, k: int) -> float:
    """The ``k``-th smallest value of ``a`` (0-based), moved to ``a[k]``: everything before is at most it
    and everything after at least it. Reorders ``a`` (1-D, no NaN)."""
    lo, hi = 0, a.shape[0] - 1
    while hi > lo:
        x, y, z = a[lo], a[(lo + hi) // 2], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))  # the middle one of the three
        less, i, more = lo, lo, hi
        while i <= more:
            if a[i] < pivot:
                a[less], a[i] = a[i], a[less]
                less += 1
                i += 1
            elif a[i] > pivot:
                a[more], a[i] = a[i], a[more]
                more -= 1
            else:
                i += 1
        if k < less:
            hi = less - 1
        elif k > more:
            lo = more + 1
        else:
            return a[k]
    return a[k]


_DIGIT = 11  # bits of the key counted at a time: 2,048 bins, a histogram that stays in L1 cache
_BINS = 1 << _DIGIT
_FEW = 256  # candidates left to compare directly
_SIGN = np.uint64(0x8000000000000000)


@njit(cache=True, inline="always")
def _order_key(bits):
    """An unsigned integer ordered as the float64 whose bits these are (no NaN): flip the negatives,
    set the sign bit of the others."""
    if bits & _SIGN:
        return ~bits
    return bits | _SIGN


@njit(cache=True, inline="always")
def _bucket(hist, k):
    """The bin holding the ``k``-th smallest (0-based) of the counted values, and how many lie below it."""
    below = 0
    for b in range(hist.shape[0]):
        if k < below + hist[b]:
            return b, below
        below += hist[b]
    return hist.shape[0] - 1, below  # not reached for 0 <= k < the number counted


@njit(cache=True)
def kth_smallest(a: np.ndarray, k: int, keys: np.ndarray) -> float:
    """The ``k``-th smallest (0-based) value of ``a`` (1-D float64, contiguous, no NaN), one of its own
    values; ``a`` is left as it is. keys: uint64 scratch space of at least ``a.shape[0]``.

    Each pass counts the values' order keys by one digit of 11 bits, from the highest bit where any two
    differ, and keeps those in the bin that holds rank ``k``; the few left are compared
    (:func:`select_in_place`).
    """
    n = a.shape[0]
    bits = a.view(np.uint64)
    # The first digit is the 11 bits below the highest bit where the keys differ at all: pay spans a
    # few binary orders of magnitude, so that digit already splits it into hundreds of bins.
    low, high = _order_key(bits[0]), _order_key(bits[0])
    for i in range(1, n):
        key = _order_key(bits[i])
        low = min(low, key)
        high = max(high, key)
    spread = low ^ high
    top = 0
    while spread:
        spread >>= np.uint64(1)
        top += 1
    if top == 0:
        return a[0]  # every value has the same bits
    shift = max(top - _DIGIT, 0)
    mask = np.uint64(_BINS - 1)
    hist = np.zeros(_BINS, np.int64)
    for i in range(n):
        hist[(_order_key(bits[i]) >> shift) & mask] += 1
    b, below = _bucket(hist, k)
    k -= below
    m = 0
    for i in range(n):  # without a branch: every key is written, only the bin's are kept
        key = _order_key(bits[i])
        keys[m] = key
        m += ((key >> shift) & mask) == b
    while m > _FEW and shift > 0:
        shift = max(shift - _DIGIT, 0)  # the last digit overlaps the one before: harmless
        hist[:] = 0
        for i in range(m):
            hist[(keys[i] >> shift) & mask] += 1
        b, below = _bucket(hist, k)
        k -= below
        kept = 0
        for i in range(m):
            key = keys[i]
            keys[kept] = key
            kept += ((key >> shift) & mask) == b
        m = kept
    key = select_in_place(keys[:m], k)
    out = np.empty(1, np.uint64)
    out[0] = key ^ _SIGN if key & _SIGN else ~key
    return out.view(np.float64)[0]


@njit(cache=True)
def median(a: np.ndarray, keys: np.ndarray) -> float:
    """``np.median(a)`` of a non-empty 1-D float64 array without NaN, the same number to the last bit,
    from :func:`kth_smallest` (``a`` unchanged; keys: uint64 scratch of at least ``a.shape[0]``)."""
    n = a.shape[0]
    if n % 2:
        return kth_smallest(a, n // 2, keys)
    return (kth_smallest(a, n // 2 - 1, keys) + kth_smallest(a, n // 2, keys)) / 2


@njit(cache=True)
def _file_by_cell(values, cell, n_cells):
    """``values`` filed cell after cell, in their order within a cell: (filed (sum of counts,), start
    (n_cells + 1,) where each cell's run begins, counts (n_cells,)); values of cell -1 are left out."""
    counts = np.zeros(n_cells, np.int64)
    for i in range(cell.shape[0]):
        if cell[i] >= 0:
            counts[cell[i]] += 1
    start = np.zeros(n_cells + 1, np.int64)
    for c in range(n_cells):
        start[c + 1] = start[c] + counts[c]
    at = start[:n_cells].copy()
    filed = np.empty(start[n_cells])
    for i in range(cell.shape[0]):
        c = cell[i]
        if c >= 0:
            filed[at[c]] = values[i]
            at[c] += 1
    return filed, start, counts


@njit(cache=True)
def cell_medians(values: np.ndarray, cell: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The median of ``values`` in each cell, as ``np.median`` gives it, and how many values each holds.

    values: float64 (m,), no NaN; cell: int64 (m,), the cell of each value, 0..n_cells-1, or -1 for
    none. Returns (float64 (n_cells,), NaN where empty; int64 (n_cells,)). One pass files the values
    by cell; a radix selection per cell (:func:`median`) finds its middle.
    """
    filed, start, counts = _file_by_cell(values, cell, n_cells)
    out = np.full(n_cells, np.nan)
    keys = np.empty(filed.shape[0], np.uint64)
    for c in range(n_cells):
        if counts[c] > 0:
            out[c] = median(filed[start[c] : start[c + 1]], keys)
    return out, counts


@njit(cache=True)
def percentiles_in_place(a: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.percentile(a, q)`` (its default, linear method) of a non-empty 1-D float64 array without NaN,
    the same numbers to the last bit. q: float64 (k,), percents in [0, 100], ascending. Reorders ``a``.

    Each percentile lies between two order statistics; they are selected in ascending order, each
    within the part of ``a`` the previous selection left above it.
    """
    n = a.shape[0]
    out = np.empty(q.shape[0])
    done = 0  # a[:done] holds the smallest values, in no particular order
    for j in range(q.shape[0]):
        # numpy's steps: q / 100, the virtual index (n - 1) q, its floor and fraction, then a lerp
        # computed from whichever end is nearer.
        index = (n - 1) * (q[j] / 100.0)
        below = np.floor(index)
        gamma = index - below
        k = n - 1 if index >= n - 1 else int(below)
        low = select_in_place(a[done:], k - done)
        done = k
        high = low
        if index < n - 1:
            high = a[k + 1]
            for i in range(k + 2, n):  # the smallest of the values above: the next one up
                if a[i] < high:
                    high = a[i]
        diff = high - low
        if gamma >= 0.5:
            out[j] = high - diff * (1.0 - gamma)
        else:
            out[j] = low + diff * gamma
    return out


@njit(cache=True)
def cell_percentiles(
    values: np.ndarray, cell: np.ndarray, n_cells: int, q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``np.percentile`` of ``values`` in each cell at the percents ``q``, and how many values each holds.

    values: float64 (m,), no NaN; cell: int64 (m,), 0..n_cells-1, or -1 for none; q: float64 (k,),
    ascending percents. Returns (float64 (n_cells, k), NaN rows where empty; int64 (n_cells,)).
    """
    filed, start, counts = _file_by_cell(values, cell, n_cells)
    out = np.full((n_cells, q.shape[0]), np.nan)
    for c in range(n_cells):
        if counts[c] > 0:
            out[c] = percentiles_in_place(filed[start[c] : start[c + 1]], q)
    return out, counts


def smallest(key: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest values of ``key`` (1-D, no NaN), smallest first, ties in index order:
    ``np.argsort(key, kind="stable")[:k]``, without sorting the rest.

    Everything below the ``k``-th smallest value and everything equal to it are the only candidates;
    sorted stably among themselves they come in the order the whole sort gives them.
    """
    if k >= key.shape[0]:
        return np.argsort(key, kind="stable")
    if k <= 0:
        return np.zeros(0, np.intp)
    cut = np.partition(key, k - 1)[k - 1]
    candidates = np.flatnonzero(key <= cut)
    return candidates[np.argsort(key[candidates], kind="stable")[:k]]
