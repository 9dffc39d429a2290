"""The posterior file: draws of the free parameters, one row per draw, with their provenance.

``calibration/posterior.parquet`` (written by ``pathways posterior --install``) holds one column
per parameter (named as in ``calibration.toml``) and ``draw``; its metadata, and
``posterior.json`` beside it, record the parameters' scenario keys and how the draws were made.
Kept apart from :mod:`.posterior` so that what reads the draws (comparisons, sweeps:
:mod:`pathways.experiments.uncertainty`) needs none of the calibration machinery.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..experiments.io import atomic_write_bytes

POSTERIOR_FILE = Path(__file__).with_name("posterior.parquet")


def write_draws(path: Path, keys: dict[str, str], draws: np.ndarray, provenance: dict) -> list[Path]:
    """Posterior draws (m, d) of the parameters ``keys`` ({name: scenario key}) to ``path`` (Parquet)
    and ``path`` with ``.json`` (the provenance), each written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    provenance = {**provenance, "parameters": keys}
    columns = {"draw": np.arange(draws.shape[0]), **{n: draws[:, j] for j, n in enumerate(keys)}}
    table = pa.table(columns).replace_schema_metadata(
        {"pathways_posterior": json.dumps(provenance, sort_keys=True)}
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())
    side = path.with_suffix(".json")
    atomic_write_bytes(side, (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode())
    return [path, side]


def read_posterior(path: Path = POSTERIOR_FILE) -> tuple[dict[str, str], np.ndarray]:
    """({name: scenario key}, draws (m, d)) from a posterior file; errors name the file."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[b"pathways_posterior"])
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a posterior file of pathways ({exc})") from None
    keys = meta["parameters"]
    missing = [n for n in keys if n not in table.column_names]
    if missing:
        raise ValueError(f"{path}: no column for parameter(s) {', '.join(missing)}")
    draws = np.column_stack([table.column(n).to_numpy() for n in keys])
    if not np.isfinite(draws).all():
        raise ValueError(f"{path}: a draw is not a finite number")
    return keys, draws
