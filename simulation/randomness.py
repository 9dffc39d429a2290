"""Random numbers arranged for common random numbers across scenarios.

Two sources, both derived from the run's seed only:

* :class:`Streams` gives one ``numpy.random.Generator`` per named mechanism
  (separations, search, ...). Drawing for one mechanism never shifts the
  numbers another sees, so two scenarios that differ in one rule keep the same
  draws everywhere else. Per-worker draws are taken for all ``n`` workers each
  month and then indexed, so worker ``i`` gets the same number in every arm.
* :func:`pair_uniform` hashes (seed, stream, month, a, b) to a uniform number,
  for draws attached to a pair such as (applicant, posting): the same pair
  gets the same number whatever else was drawn.
"""

from __future__ import annotations

import zlib

import llvmlite.binding as llvm
import numpy as np
from numba import njit, types
from numba.extending import get_cython_function_address

from . import threads


def _key(name: str) -> int:
    return zlib.crc32(name.encode())


class Streams:
    """Named, independent generators spawned from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}
        self._keys: dict[str, int] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(_key(name),))
            gen = self._streams[name] = np.random.default_rng(seq)
        return gen

    def uniform(self, name: str, n: int) -> np.ndarray:
        """The next uniform draw per worker from stream ``name``: float32 (n,) (``LabourMarket.draws``).

        For a large market the draws are filled on several threads (:func:`fill_uniform32`), the same
        numbers as one call of ``Generator.random``, leaving the stream where that call would.
        """
        return fill_uniform32(self[name], n)

    def key(self, name: str) -> int:
        """A 63-bit key for :func:`pair_uniform`, unique to this seed and stream."""
        k = self._keys.get(name)
        if k is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(_key(name), 1))
            k = self._keys[name] = int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))
        return k


def fill_uniform32(gen: np.random.Generator, n: int) -> np.ndarray:
    """``gen.random(n, dtype=np.float32)``, filled on :func:`.threads.split`'s threads when ``n`` is large.

    A PCG64 float32 draw is half of one 64-bit output (the low half, then the high half, kept for the
    next draw). So the outputs can be split into ranges: each thread takes a copy of the generator
    advanced to its first output (``PCG64.advance``), fills its stretch, and the stream is left at
    the last range's end, half-used output and all, exactly where one call would leave it.
    """
    if (
        n < 2 * threads.MIN_ITEMS
        or threads.threads() == 1
        or not isinstance(gen.bit_generator, np.random.PCG64)
    ):
        return gen.random(n, dtype=np.float32)
    out = np.empty(n, np.float32)
    start = 0
    if gen.bit_generator.state["has_uint32"]:  # the other half of an output is drawn first
        out[0] = gen.random(dtype=np.float32)
        start = 1
    state = gen.bit_generator.state
    ends: list[dict] = []

    def fill(lo: int, hi: int) -> None:
        part = np.random.Generator(np.random.PCG64(0))
        part.bit_generator.state = state
        part.bit_generator.advance(lo)
        a, b = start + 2 * lo, min(start + 2 * hi, n)
        part.random(b - a, dtype=np.float32, out=out[a:b])
        if b == n:
            ends.append(part.bit_generator.state)

    threads.split(fill, (n - start + 1) // 2)
    gen.bit_generator.state = ends[0]
    return out


@njit(cache=True, inline="always")
def _mix(z):
    # splitmix64 finaliser: a bijection on 64-bit integers with good avalanche.
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def pair_start(key: int, month: int) -> np.uint64:
    """The hash state of (key, month) that :func:`pair_draw` continues from."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    h0 = _mix(np.uint64(key) + golden)
    return _mix(h0 ^ (np.uint64(month) * golden))


@njit(cache=True, inline="always")
def pair_row(h0: np.uint64, a: int) -> np.uint64:
    """The hash state of ``a``'s draws (a worker's, say) from the state ``h0`` of :func:`pair_start`:
    ``row_draw(pair_row(h0, a), b)`` is :func:`pair_draw` ``(h0, a, b)``, with one step fewer per draw
    when one ``a`` takes several."""
    return _mix(h0 ^ (np.uint64(a) * np.uint64(0x9E3779B97F4A7C15)))


@njit(cache=True, inline="always")
def row_draw(h_row: np.uint64, b: int) -> float:
    """The draw for column ``b`` of the row whose state :func:`pair_row` gave: uniform in (0, 1)."""
    h = _mix(h_row ^ (np.uint64(b) + np.uint64(0x9E3779B97F4A7C15)))
    return ((h >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def pair_draw(h0: np.uint64, a: int, b: int) -> float:
    """One number of :func:`pair_uniform`: the draw for (a, b) from the state ``h0`` of :func:`pair_start`."""
    return row_draw(pair_row(h0, a), b)


@njit(cache=True)
def pair_uniform(key: int, month: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Uniform(0, 1) numbers, one per (a[i], b[i]), fixed by (key, month, a, b).

    a, b: int arrays of the same shape (m,). Returns float64 array (m,),
    strictly inside (0, 1).
    """
    out = np.empty(a.shape[0], dtype=np.float64)
    h0 = pair_start(key, month)
    for i in range(a.shape[0]):
        out[i] = pair_draw(h0, a[i], b[i])
    return out


# scipy's own inverse normal CDF (the C function behind scipy.special.ndtri), callable from numba
# kernels by name: the same numbers as ndtri on arrays, and unlike a ctypes pointer it lets the
# kernels that call it be cached.
llvm.add_symbol("pathways_ndtri", get_cython_function_address("scipy.special.cython_special", "ndtri"))
normal_quantile = types.ExternalFunction("pathways_ndtri", types.float64(types.float64))
normal_quantile.__doc__ = "scipy.special.ndtri(u) for one float u in (0, 1), inside numba kernels."


@njit(cache=True)
def worker_uniform(key: int, month: int, workers: np.ndarray, width: int) -> np.ndarray:
    """Uniform(0, 1) numbers, ``width`` per worker, fixed by (key, month, worker, column).

    Like a per-worker draw for everyone, but computed only for ``workers``
    (shape (m,)): returns float64 (m, width). Worker ``i`` gets the same
    numbers whichever other workers are in the list. Column ``j`` of worker ``w``
    is :func:`pair_uniform` of (w, j): kernels draw them one at a time with
    :func:`pair_row` and :func:`row_draw`.
    """
    out = np.empty((workers.shape[0], width), dtype=np.float64)
    h0 = pair_start(key, month)
    for i in range(workers.shape[0]):
        hw = pair_row(h0, workers[i])
        for j in range(width):
            out[i, j] = row_draw(hw, j)
    return out
