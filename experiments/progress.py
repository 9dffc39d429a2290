"""Progress of a long command, on a terminal or in a log file.

On a terminal, a tqdm bar. Without one (a log file, CI, a cluster job) a
bar would write nothing useful, and silence for minutes looks like a hang:
one plain line goes to stderr whenever another tenth of the work is done or
30 seconds have passed, whichever comes first.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

LINE_EVERY_SECONDS = 30.0


class Progress:
    """Counts ``total`` units of work (runs, points) labelled ``unit``; call :meth:`update` as each ends."""

    def __init__(self, total: int, label: str, unit: str = "runs", stream: TextIO | None = None) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.unit = unit
        self.done = 0
        self.note = ""
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self._last_line = self.start
        self._last_tenth = 0
        self._bar = None
        if self.total and self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=label, unit=unit.rstrip("s"), file=self.stream,
                             dynamic_ncols=True)  # fmt: skip

    def update(self, n: int = 1, note: str = "") -> None:
        self.done += n
        self.note = note
        if self._bar is not None:
            self._bar.update(n)
            if note:
                self._bar.set_postfix_str(note)
            return
        now = time.monotonic()
        tenth = self.done * 10 // self.total if self.total else 10
        if tenth > self._last_tenth or now - self._last_line >= LINE_EVERY_SECONDS or self.done == self.total:
            self._last_tenth, self._last_line = tenth, now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = now - self.start
        text = f"{self.label}: {self.done}/{self.total} {self.unit}"
        if self.total:
            text += f" ({self.done / self.total:.0%})"
        text += f", {elapsed:.0f} s"
        if 0 < self.done < self.total:
            text += f", about {elapsed / self.done * (self.total - self.done):.0f} s left"
        if self.note:
            text += f"; {self.note}"
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
