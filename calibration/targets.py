"""Published figures the model is fitted to (``calibrate``) or tested against (``validate``).

``calibration/targets.csv`` holds one figure per row with its source. Fitting
only ever reads the ``calibrate`` rows; the ``validate`` rows (trial impacts)
are kept out of fitting so that the comparison with them means something.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

TARGETS_FILE = Path(__file__).with_name("targets.csv")
USES = ("calibrate", "validate")


@dataclass(frozen=True)
class Target:
    id: str
    group: str
    value: float
    tolerance: float  # the distance from the value that counts as a fit, same units
    units: str
    use: str  # "calibrate" or "validate"
    statistic: str  # how the model's counterpart is computed (calibration/moments.py)
    definition: str
    population: str
    year: str
    citation: str
    confidence: str

    @property
    def key(self) -> str:
        return f"{self.id}[{self.group}]"


def load_targets(path: Path = TARGETS_FILE, use: str | None = None) -> list[Target]:
    """Targets from the CSV, all or only those for one use; errors name the file, row and column."""
    targets = []
    with path.open(newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                t = Target(
                    **{**row, "value": float(row["value"]), "tolerance": float(row["tolerance"])}  # type: ignore[arg-type]
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{line}: {exc}") from None
            if t.use not in USES:
                raise ValueError(f"{path}:{line}: use: must be one of {', '.join(USES)} (got {t.use!r})")
            if t.tolerance <= 0:
                raise ValueError(f"{path}:{line}: tolerance: must be positive")
            if use is None or t.use == use:
                targets.append(t)
    return targets
