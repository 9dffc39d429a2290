"""Append-only tables of records (the program funnel's enrolments, the trial's members).

A run adds records a few at a time, month after month. Concatenating each batch
onto the columns copies every record so far, every time; a :class:`Records`
table keeps spare room instead (doubling when full), so a batch copies only
itself and the columns are views of the filled rows.
"""

from __future__ import annotations

import numpy as np


class Records:
    """Columns of records, appended in batches.

    Parameters
    ----------
    fields : dict
        Column name -> dtype, or (dtype, row shape) for a column with several values per record
        (e.g. ``(np.float64, (24,))``: 24 monthly values each).
    """

    def __init__(self, fields: dict[str, np.dtype | type | tuple]) -> None:
        self._store: dict[str, np.ndarray] = {}
        for name, spec in fields.items():
            dtype, shape = spec if isinstance(spec, tuple) else (spec, ())
            self._store[name] = np.zeros((0, *shape), dtype)
        self._n = 0
        self._columns: dict[str, np.ndarray] = {}
        self._make_views()

    def __len__(self) -> int:
        return self._n

    def _make_views(self) -> None:
        # Updated in place, so whoever holds :attr:`columns` sees the records added since.
        for name, column in self._store.items():
            self._columns[name] = column[: self._n]

    def __getstate__(self) -> dict:
        # A copy or pickle (checkpoints) makes the views again from its own columns: a copied view
        # would be an array of its own, and writing into it would not write the records.
        return {**self.__dict__, "_columns": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._columns = {}
        self._make_views()

    def append(self, m: int, **values) -> None:
        """Add ``m`` records; each field's value is an array of shape (m, *row shape) or one value for all.

        Every field is given (a record is never half written); values are cast to the field's dtype.
        """
        if len(values) != len(self._store) or not all(name in self._store for name in values):
            missing, unknown = set(self._store) - set(values), set(values) - set(self._store)
            raise KeyError(
                f"a record needs every field: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        end = self._n + m
        capacity = next(iter(self._store.values())).shape[0]
        if end > capacity:
            grown = max(end, 2 * capacity, 16)
            for name, column in self._store.items():
                bigger = np.zeros((grown, *column.shape[1:]), column.dtype)
                bigger[: self._n] = column[: self._n]
                self._store[name] = bigger
        for name, value in values.items():
            self._store[name][self._n : end] = value
        self._n = end
        self._make_views()

    def column(self, name: str) -> np.ndarray:
        """The filled rows of column ``name``: a view, so writing into it writes the records (the same
        view :attr:`columns` holds)."""
        return self._columns[name]

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """Every column's filled rows, as views (see :meth:`column`), in field order. The same dict
        always, its views brought up to date by each append."""
        return self._columns
