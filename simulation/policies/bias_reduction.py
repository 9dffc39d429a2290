"""Bias reduction (structured interviews, audits): adopting employers cut their hiring-score penalties."""

from __future__ import annotations

from pydantic import Field

from .base import Intervention, PolicyBlock, register


class BiasReductionPolicy(PolicyBlock):
    """Adopting employers cut their hiring-score penalties by a share (structured interviews, audits)."""

    reduction: float = Field(gt=0, le=1)
    employer_share: float = Field(1.0, ge=0, le=1)


@register
class BiasReduction(Intervention):
    name = "bias_reduction"
    Schema = BiasReductionPolicy

    def start(self, model) -> None:
        t = model.employers
        adopters = model.streams["adopt_bias_reduction"].random(t.n) < self.spec.employer_share
        t.bias[adopters] *= 1.0 - self.spec.reduction
