"""Career navigation: a publicly funded navigator team starts work for eligible job seekers."""

from __future__ import annotations

from pydantic import Field

from .base import Intervention, TargetedPolicy, register


class CareerNavigationPolicy(TargetedPolicy):
    """A publicly funded navigator team for eligible job seekers."""

    caseload_per_10k_workers: float = Field(gt=0)
    extra_applications: int = Field(2, ge=0, le=16)
    information_boost: float = Field(1.0, ge=0)
    months_of_support: int = Field(6, gt=0)
    cost_per_client: float = Field(0.0, ge=0)

    @property
    def payer(self) -> str:
        """Navigators of this policy are paid publicly (the Navigator agent books to its spec's payer)."""
        return "public"


@register
class CareerNavigation(Intervention):
    name = "career_navigation"
    Schema = CareerNavigationPolicy

    def start(self, model) -> None:
        # The policy block carries every field a navigator's spec has: the agent reads it directly.
        model.module("intermediaries").add_navigator(model, self.spec)
