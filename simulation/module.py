"""A month is an ordered list of modules; each holds one part of the rules.

A :class:`Module` has ``init`` (once, when the model is built) and ``step``
(once a month), and declares what it touches: the worker and employer arrays
it reads and writes (names of :class:`~.workers.Workers` and
:class:`~.employers.EmployerTable` fields), the entries of the month's log
(:class:`MonthLog`) it writes or reads, and the random streams it draws from.
The model only builds the modules and calls them in order; a reader looking
for a rule opens the module named for it.

In the model's debug mode (``LabourMarket(..., debug=True)``) every
declaration is checked at every step: an array changed but not declared
written, an array read but not declared, a stream drawn but not declared,
or a stream declared by two modules is an error naming the module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from .model import LabourMarket


@dataclass
class MonthLog:
    """What one module of this month hands to a later one (written fresh each month).

    hires_channel: int8 (h,), the :class:`~.workers.Channel` of each hire (job search -> recording).
    hired_postings: int64 (h,), the posting each hire filled (job search; read by tests).
    """

    hires_channel: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    hired_postings: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class Module:
    """One rule of the monthly cycle. Subclasses set the declarations and override ``step``."""

    name: ClassVar[str] = ""
    # Worker arrays (Workers fields) and employer arrays (EmployerTable fields).
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()
    employer_reads: ClassVar[tuple[str, ...]] = ()
    employer_writes: ClassVar[tuple[str, ...]] = ()
    # MonthLog fields handed on; named random streams drawn from.
    log_writes: ClassVar[tuple[str, ...]] = ()
    log_reads: ClassVar[tuple[str, ...]] = ()
    streams: ClassVar[tuple[str, ...]] = ()

    def init(self, model: LabourMarket) -> None:
        """Build what the module needs (parameters as arrays, agents); called once."""

    def step(self, model: LabourMarket) -> None:
        """One month of the rule."""
        raise NotImplementedError


class DeclarationError(AssertionError):
    """A module touched something it did not declare (debug mode)."""


class Recorder:
    """Stands in for a worker or employer table during a debug step, noting which arrays are read."""

    def __init__(self, table) -> None:
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_read", set())

    def __getattr__(self, name: str):
        value = getattr(self._table, name)
        if isinstance(value, np.ndarray):
            self._read.add(name)
        return value

    def __setattr__(self, name: str, value) -> None:
        setattr(self._table, name, value)


def snapshot(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: a.copy() for name, a in arrays.items()}


def changed(before: dict[str, np.ndarray], arrays: dict[str, np.ndarray]) -> set[str]:
    return {
        name
        for name, a in arrays.items()
        if a.shape != before[name].shape or not np.array_equal(a, before[name], equal_nan=a.dtype.kind == "f")
    }


def check_streams(modules: list[Module]) -> None:
    """Each random stream belongs to one module, so no two rules share (and shift) each other's draws."""
    owner: dict[str, str] = {}
    for m in modules:
        for s in m.streams:
            if s in owner:
                raise DeclarationError(f"stream '{s}' is declared by both {owner[s]} and {m.name}")
            owner[s] = m.name
