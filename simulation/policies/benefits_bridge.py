"""Benefits bridge: a monthly stipend for eligible trainees, counted as income (public money).

Income while training eases the financial stress that drives dropout, and
enters the enrolment decision as income received while training.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Intervention, TargetedPolicy, register


class BenefitsBridgePolicy(TargetedPolicy):
    """A monthly stipend for eligible trainees while they train (income support)."""

    monthly_stipend: float = Field(gt=0, description="Dollars per month in training.")
    programs: list[str] = Field(default_factory=list)


@register
class BenefitsBridge(Intervention):
    name = "benefits_bridge"
    Schema = BenefitsBridgePolicy

    def income_support(self, model, program, idx: np.ndarray) -> np.ndarray:
        p = self.spec
        if not self.active(model.month) or (p.programs and program.key not in p.programs):
            return np.zeros(idx.size)
        return np.where(model.eligible(p.eligibility, idx), p.monthly_stipend, 0.0)
