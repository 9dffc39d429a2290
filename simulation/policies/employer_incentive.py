"""Employer incentives: a public subsidy per hire of an eligible worker, acted on as a score bonus."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Intervention, TargetedPolicy, register


class EmployerIncentivePolicy(TargetedPolicy):
    """A subsidy per hire of an eligible worker; employers act on it as a score bonus."""

    score_bonus: float = Field(gt=0, description="Score units added to eligible applicants.")
    subsidy_per_hire: float = Field(ge=0, description="Public dollars per eligible hire.")
    sectors: list[str] = Field(default_factory=list)


@register
class EmployerIncentive(Intervention):
    name = "employer_incentive"
    Schema = EmployerIncentivePolicy

    def score_adjustment(self, model, searcher: np.ndarray, sector: np.ndarray) -> np.ndarray:
        p = self.spec
        if not self.active(model.month):
            return np.zeros(searcher.size)
        ok = model.eligible(p.eligibility, searcher)
        if p.sectors:
            ok &= np.isin(sector, [model.sector_names.index(s) for s in p.sectors])
        return np.where(ok, p.score_bonus, 0.0)

    def hires_made(self, model, favoured: int) -> None:
        if self.active(model.month):
            model.ledger.add("public", "hiring_subsidies", favoured * self.spec.subsidy_per_hire)
