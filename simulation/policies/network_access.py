"""Network access (mentoring networks, Designlab): eligible workers gain ties to people in named sectors.

At the start month each eligible worker gets ``ties_added`` new contacts,
drawn among people then employed in the named sectors at ``min_rung`` or
above. Referrals through them work like any other tie.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..schema import N_RUNGS
from ..workers import State
from .base import Intervention, TargetedPolicy, register


class NetworkAccessPolicy(TargetedPolicy):
    """Eligible workers gain ties to people working in the named sectors (mentoring networks)."""

    ties_added: int = Field(gt=0)
    sectors: list[str] = Field(min_length=1)
    min_rung: int = Field(1, ge=0, le=2, description="Contacts hold jobs at this rung or above.")


@register
class NetworkAccess(Intervention):
    name = "network_access"
    Schema = NetworkAccessPolicy

    def start(self, model) -> None:
        p, w = self.spec, model.workers
        who = np.flatnonzero(model.eligible(p.eligibility, np.arange(w.n)))
        sectors = [model.sector_names.index(s) for s in p.sectors]
        pool = np.flatnonzero(
            (w.state == State.EMPLOYED)
            & np.isin(w.occupation // N_RUNGS, sectors)
            & (w.occupation % N_RUNGS >= p.min_rung)
        )
        if who.size == 0 or pool.size == 0:
            return
        rng = model.streams["network_access"]
        for _ in range(p.ties_added):
            w.add_ties(who, pool[rng.integers(0, pool.size, who.size)])
