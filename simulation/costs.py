"""Who pays for what: a ledger of program and policy spending, in dollars."""

from __future__ import annotations

from collections import defaultdict

PAYERS = ("worker", "employer", "public", "philanthropy", "trainer")


class Ledger:
    """Dollars spent, by (payer, item, program). ``program`` is '' for spending not tied to one."""

    def __init__(self) -> None:
        self._dollars: dict[tuple[str, str, str], float] = defaultdict(float)

    def add(self, payer: str, item: str, dollars: float, program: str = "") -> None:
        if payer not in PAYERS:
            raise ValueError(f"unknown payer {payer!r}")
        if dollars:
            self._dollars[(payer, item, program)] += float(dollars)

    def total(self, payer: str | None = None, program: str | None = None) -> float:
        return sum(
            v
            for (p, _item, prog), v in self._dollars.items()
            if (payer is None or p == payer) and (program is None or prog == program)
        )

    def rows(self) -> list[dict]:
        """One row per (payer, item, program), sorted, for tables."""
        return [
            {"payer": p, "item": item, "program": prog, "dollars": v}
            for (p, item, prog), v in sorted(self._dollars.items())
        ]
