"""The social network: directed ties with homophily by group.

Each worker holds ``k`` ties. A tie goes to someone of the worker's own group
with probability ``homophily`` and to anyone at all otherwise, so the share of
own-group ties is ``homophily + (1 - homophily) * group share``. Ties are what
a job searcher asks about openings (referrals), so who you know decides which
employers you hear from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GroupMembers:
    """Everyone filed by group, for drawing ties within a group.

    order: int64 (n,), worker indices by group (stable: by index within a group); counts, starts:
    int64 (n_groups,), each group's size and where its members begin in ``order``.
    """

    order: np.ndarray
    counts: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, group: np.ndarray) -> GroupMembers:
        """The members of each group in ``group`` (int (n,))."""
        order = np.argsort(group, kind="stable")
        counts = np.bincount(group, minlength=int(group.max()) + 1)
        return cls(order, counts, np.concatenate(([0], np.cumsum(counts)[:-1])))


def draw_ties(
    group: np.ndarray,
    k: int,
    homophily: float,
    rng: np.random.Generator,
    rows: np.ndarray | None = None,
    members: GroupMembers | None = None,
) -> np.ndarray:
    """Draw ``k`` ties for each worker in ``rows`` (default: everyone).

    ``group``: int array, shape (n,). ``members``: ``GroupMembers.of(group)``, if the caller keeps
    it (groups do not change in a run; entrants take their row's group). Returns int32 array, shape
    (len(rows), k) of worker indices, never the worker itself.
    """
    n = group.shape[0]
    rows = np.arange(n) if rows is None else rows
    m = rows.shape[0]
    if k == 0 or m == 0:
        return np.empty((m, k), dtype=np.int32)
    members = GroupMembers.of(group) if members is None else members
    order, counts, starts = members.order, members.counts, members.starts

    g = group[rows].astype(np.int64)
    same = rng.random((m, k)) < homophily
    u = rng.random((m, k))
    within = order[starts[g][:, None] + (u * counts[g][:, None]).astype(np.int64)]
    anyone = (u * n).astype(np.int64)
    ties = np.where(same, within, anyone)
    # A draw of oneself becomes the next member of one's group in sorted order.
    r, c = np.nonzero(ties == rows[:, None])
    if r.size:
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        gr = g[r]
        nxt = starts[gr] + (position[rows[r]] - starts[gr] + 1) % counts[gr]
        ties[r, c] = np.where(counts[gr] > 1, order[nxt], (rows[r] + 1) % n)
    return ties.astype(np.int32)
