"""Tuition-free training: eligible trainees pay no price and owe no ISA; the payer covers it.

The Per Scholas model: philanthropy or the public pays, the trainee still
trains unpaid. Acts on enrolment decisions (the price a worker weighs) and on
admission (what is charged, what the payer books).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from .base import Intervention, TargetedPolicy, register


class TuitionFreePolicy(TargetedPolicy):
    """Eligible trainees pay nothing for the listed programs; the payer covers the price."""

    programs: list[str] = Field(default_factory=list, description="Program keys; empty: every program.")
    payer: Literal["public", "philanthropy"] = "public"


@register
class TuitionFree(Intervention):
    name = "tuition_free"
    Schema = TuitionFreePolicy

    @property
    def payer(self) -> str:
        return self.spec.payer

    def price_waived(self, model, program, idx: np.ndarray) -> np.ndarray:
        p = self.spec
        if not self.active(model.month) or (p.programs and program.key not in p.programs):
            return np.zeros(idx.size, dtype=bool)
        return model.eligible(p.eligibility, idx)
