"""The occupation table: published pay of each modelled occupation, as data (``scenarios/occupations.csv``).

A rung of a sector's ladder names its occupation by SOC code (``soc = "31-1131"``);
its pay distribution (the median ``wage`` and the 10th and 90th percentiles,
dollars a year) then comes from the table, with the table's source, unless the
scenario sets them itself. Every figure in the table carries its source and
year (``calibration/DATA_SOURCES.md`` says what is missing and why).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLE = "occupations.csv"
PERCENTILES = ("p10", "p25", "p50", "p75", "p90")
Z90 = 1.2815515655446004  # standard normal quantile of 0.9


@dataclass(frozen=True)
class Occupation:
    soc: str
    title: str
    family: str
    pay: dict[str, float]  # published percentiles present, dollars a year: "p10" ... "p90"
    source: str

    def log_sd(self) -> float | None:
        """Spread of log pay implied by the published 10th and 90th percentiles (a lognormal), or None."""
        if "p10" in self.pay and "p90" in self.pay:
            return math.log(self.pay["p90"] / self.pay["p10"]) / (2 * Z90)
        return None


@cache
def load_table(path: Path) -> dict[str, Occupation]:
    """The occupation table at ``path``, by SOC code."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        pay = {k: float(r[k]) for k in PERCENTILES if r.get(k, "").strip()}
        out[r["soc"]] = Occupation(r["soc"], r["title"], r["family"], pay, r.get("source_wages", ""))
    return out


def fill_rungs(data: dict[str, Any], table_path: Path) -> list[tuple[tuple, str]]:
    """Fill each rung that names a ``soc`` with its pay from the table, where the scenario did not set it.

    ``data`` is a scenario as loaded (before validation); changed in place. Returns the key
    paths filled and a note of their source, for error messages; raises KeyError naming the
    key path of an unknown code.
    """
    table = load_table(table_path)
    filled = []
    for name, sector in (data.get("sectors") or {}).items():
        if not isinstance(sector, dict):
            continue
        for i, rung in enumerate(sector.get("ladder") or []):
            if not isinstance(rung, dict) or rung.get("soc", "") == "":
                continue
            where = ("sectors", name, "ladder", i)
            occupation = table.get(rung["soc"]) if isinstance(rung["soc"], str) else None
            if occupation is None:
                raise KeyError((*where, "soc"))
            for key, pct in (("wage", "p50"), ("wage_p10", "p10"), ("wage_p90", "p90")):
                if key not in rung and pct in occupation.pay:
                    rung[key] = occupation.pay[pct]
                    filled.append(((*where, key), f"{table_path} (SOC {occupation.soc})"))
            if "source" not in rung:
                rung["source"] = f"{occupation.title}: {occupation.source}"
    return filled
