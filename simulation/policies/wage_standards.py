"""Wage standards: partners pay placements at least a floor (e.g. $18/h entry, $21-25/h advanced).

Covers hand-off hires from placement teams, or (scope "partners") every hire
by a program's partner employers, apprentices included.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..workers import Channel
from .base import Intervention, PolicyBlock, register


class WageStandardsPolicy(PolicyBlock):
    """Floors on the pay of placements: hand-off hires, or all hires by partner employers."""

    entry_hourly: float = Field(ge=0)
    advanced_hourly: float = Field(ge=0, description="Floor on mid and senior rungs.")
    scope: Literal["handoffs", "partners"] = "handoffs"


@register
class WageStandards(Intervention):
    name = "wage_standards"
    Schema = WageStandardsPolicy

    def pay_floor(self, model, employer: np.ndarray, rung: np.ndarray, channel: np.ndarray) -> np.ndarray:
        p = self.spec
        if not self.active(model.month):
            return np.zeros(employer.size)
        level = np.where(rung == 0, p.entry_hourly, p.advanced_hourly) * model.scenario.economy.hours_per_year
        handoff = channel == Channel.HANDOFF
        covered = handoff if p.scope == "handoffs" else handoff | model.partner_mask[employer]
        return np.where(covered, level, 0.0)
