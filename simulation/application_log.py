"""The application log: every application of the months asked for, and what became of it.

``pathways run --application-log N`` keeps the last ``N`` recorded months:
for each application, who sent it (person, group), where (employer, rung,
sector), through which channel, whether it passed the posting's screens, its
score, whether it cleared the hiring bar (a callback, as ``pathways audit``
counts one), whether the offer stayed in play (the pay rule for someone
employed), and whether it ended in a hire.
"""

from __future__ import annotations

import numpy as np

from .employers import N_RUNGS


class ApplicationLog:
    def __init__(self, from_month: int) -> None:
        self.from_month = from_month  # first recorded month logged
        self.parts: list[dict[str, np.ndarray]] = []
        self._month: dict[str, np.ndarray] | None = None
        self._in_play = np.zeros(0, np.int64)  # rows of this month's log still in play

    def logging(self, month: int) -> bool:
        return month >= self.from_month

    def screened(self, model, apps, score: np.ndarray, callback: np.ndarray) -> None:
        """All of this month's applications (``apps``), their scores (-inf: screened out), callbacks."""
        w, t = model.workers, model.employers
        employer = apps.posting // N_RUNGS
        passed = np.isfinite(score)
        self._month = {
            "month": np.full(apps.posting.size, model.month, np.int64),
            "person": w.person[apps.searcher].astype(np.int64),
            "group": w.group[apps.searcher].astype(np.int64),
            "employer": employer.astype(np.int64),
            "rung": (apps.posting % N_RUNGS).astype(np.int64),
            "sector": t.sector[employer].astype(np.int64),
            "channel": apps.channel.astype(np.int64),
            "passed_screens": passed,
            "score": np.where(passed, score, np.nan),
            "callback": callback.copy(),
            "in_play": np.zeros(apps.posting.size, bool),
            "hired": np.zeros(apps.posting.size, bool),
        }
        self._in_play = np.flatnonzero(callback)

    def offers(self, keep: np.ndarray) -> None:
        """Of the callbacks (in order), those whose offer stays in play."""
        self._in_play = self._in_play[keep]
        self._month["in_play"][self._in_play] = True

    def hires(self, app: np.ndarray) -> None:
        """Indices into the applications in play that ended in a hire; closes the month."""
        self._month["hired"][self._in_play[app]] = True
        self.parts.append(self._month)
        self._month = None

    def table(self) -> dict[str, np.ndarray]:
        keys = ("month", "person", "group", "employer", "rung", "sector", "channel", "passed_screens",
                "score", "callback", "in_play", "hired")  # fmt: skip
        if not self.parts:
            return {k: np.zeros(0) for k in keys}
        return {k: np.concatenate([p[k] for p in self.parts]) for k in keys}
