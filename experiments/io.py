"""Reading and writing result files: atomically, readably, and with errors that name the file.

Every file a command writes goes through :func:`atomic_write_bytes`: the
bytes land in a temporary file in the same folder, which is then renamed over
the target, so a reader (or a resumed sweep) never sees half a file. The
file gets the permissions the user's umask gives new files, as any other
program's output would (a temporary file alone would be private, 0600).

Readers (:func:`read_json`, :func:`read_parquet`) turn every way a file can
be broken (missing, unreadable, not UTF-8, not JSON, NaN where JSON has none,
truncated Parquet) into :class:`ResultsError`, one line naming the file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


class ResultsError(ValueError):
    """A results file or folder that cannot be used; the message names it."""


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null rather than as invalid JSON."""
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def json_text(data: Any, indent: int | None = 2) -> str:
    """Canonical JSON (sorted keys, no NaN: non-finite numbers become null), with a final newline."""
    return json.dumps(_finite(data), indent=indent, sort_keys=True, allow_nan=False) + "\n"


def write_json(data: Any, path: Path, indent: int | None = 2) -> None:
    atomic_write_bytes(path, json_text(data, indent).encode())


def write_csv(rows: list[dict], path: Path) -> None:
    """Rows of equal keys as a CSV file (written atomically); NaN as empty."""

    def cell(v) -> str:
        if isinstance(v, float | np.floating):
            # float() first: numpy 2 scalars repr as "np.float64(...)".
            return "" if v != v else repr(float(v))
        text = str(v)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    header = list(rows[0])
    lines = [",".join(header)] + [",".join(cell(r[h]) for h in header) for r in rows]
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def write_parquet(table: pa.Table, path: Path) -> None:
    atomic_write_bytes(path, parquet_bytes(table))


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(path: Path) -> Any:
    """A JSON file's content; :class:`ResultsError` naming the file for anything unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ResultsError(f"{path}: not UTF-8 text (byte {exc.start}); is it the right file?") from None
    except RecursionError:
        raise ResultsError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ResultsError(f"{path}: not valid JSON: {exc}") from None


def read_parquet(path: Path) -> pa.Table:
    """A Parquet file as a table; :class:`ResultsError` naming the file if it is missing or damaged."""
    try:
        return pq.read_table(path)
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (pa.ArrowException, ValueError) as exc:
        raise ResultsError(f"{path}: damaged or not a Parquet file ({_short(str(exc))})") from None


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
