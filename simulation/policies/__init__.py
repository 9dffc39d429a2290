"""Policy levers: named, composable scenario blocks that change rules, never outcomes.

One file per policy holds its scenario schema (its keys, units and bounds)
and its behaviour, written as hooks (see :mod:`.base` for the hooks and the
module that consumes each). Adding a policy is one new file here and its
import below; :func:`.base.register` refuses one without a schema or a hook.

=====================  ==================================================  =====================
policy                 the rule it changes                                  hooks
=====================  ==================================================  =====================
tuition_free           eligible trainees pay no price and owe no ISA;       price_waived, payer
                       the payer covers it
hire_on_day_one        listed programs run as apprenticeships from the      start
                       start month
wage_standards         hand-off hires (or all hires by partner employers)   pay_floor
                       are paid at least the floor
network_access         eligible workers gain ties to people working in      start
                       the named sectors at the named rung or above
skills_based_hiring    adopting employers drop degree (and optionally       start
                       experience) screens
career_navigation      a publicly funded navigator team begins work         start
benefits_bridge        a monthly stipend for eligible trainees, counted     income_support
                       as income
bias_reduction         adopting employers cut their scoring penalties       start
employer_incentive     eligible applicants get a score bonus; each          score_adjustment,
                       eligible hire costs the public a subsidy             hires_made
=====================  ==================================================  =====================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import create_model

from ..module import Module
from ..schema import Block
from . import (  # noqa: F401  (each registers its policy)
    benefits_bridge,
    bias_reduction,
    career_navigation,
    employer_incentive,
    hire_on_day_one,
    network_access,
    skills_based_hiring,
    tuition_free,
    wage_standards,
)
from .base import HOOKS, REGISTRY, Intervention

if TYPE_CHECKING:
    from ..model import LabourMarket
    from ..programs import ProgramRun

# The scenario's [policies] table: one optional block per registered policy.
Policies = create_model(
    "Policies",
    __base__=Block,
    __doc__="The policies of a scenario; each key is a registered policy (simulation/policies/).",
    **{name: (cls.Schema | None, None) for name, cls in REGISTRY.items()},
)


class PolicyState:
    """The scenario's policies in force, and the hooks the modules call."""

    def __init__(self, policies: Block) -> None:
        self.interventions: dict[str, Intervention] = {
            name: cls(getattr(policies, name))
            for name, cls in REGISTRY.items()
            if getattr(policies, name) is not None
        }
        # The policies implementing each hook: the others would add zeros, so they are not called, and a
        # module can skip preparing a hook's arguments when no policy in force implements it (:meth:`uses`).
        self._with: dict[str, list[Intervention]] = {
            hook: [p for p in self.interventions.values() if hook in p.hooks()] for hook in HOOKS
        }

    def uses(self, hook: str) -> bool:
        """Whether any policy of the scenario implements ``hook`` (one of :data:`.base.HOOKS`)."""
        return bool(self._with[hook])

    def start(self, model: LabourMarket) -> None:
        """Apply the policies that begin this month."""
        for policy in self.interventions.values():
            if model.month == policy.spec.start_month:
                policy.start(model)

    def price_waived(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): a policy covers the price (and any ISA) of these trainees of ``program``."""
        waived = np.zeros(idx.size, dtype=bool)
        for policy in self._with["price_waived"]:
            waived |= policy.price_waived(model, program, idx)
        return waived

    def waiver_payer(self) -> str:
        """Who covers waived prices: the payer named by the policy that waives them."""
        waiving = self._with["price_waived"]
        return waiving[0].payer if waiving else "public"

    def income_support(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Dollars per month paid by policies to trainees ``idx`` of ``program``."""
        total = np.zeros(idx.size)
        for policy in self._with["income_support"]:
            total = total + policy.income_support(model, program, idx)
        return total

    def pay_floor(
        self, model: LabourMarket, employer: np.ndarray, rung: np.ndarray, channel: np.ndarray
    ) -> np.ndarray:
        """Annual pay floor (dollars) policies set on each hire (employer, rung, channel: (h,))."""
        floor = np.zeros(employer.size)
        for policy in self._with["pay_floor"]:
            floor = np.maximum(floor, policy.pay_floor(model, employer, rung, channel))
        return floor

    def score_adjustment(self, model: LabourMarket, searcher: np.ndarray, sector: np.ndarray) -> np.ndarray:
        """Score units policies add to each application."""
        total = np.zeros(searcher.size)
        for policy in self._with["score_adjustment"]:
            total = total + policy.score_adjustment(model, searcher, sector)
        return total

    def hires_made(self, model: LabourMarket, favoured: int) -> None:
        for policy in self._with["hires_made"]:
            policy.hires_made(model, favoured)


class PolicyStarts(Module):
    """Policies that begin this month take effect (recorded months only)."""

    name = "policies"
    reads = ("*",)
    writes = ("ties", "n_ties")  # network access adds ties
    employer_writes = ("degree_required", "experience_required", "bias")  # screens and bias at adoption
    streams = ("adopt_skills_based_hiring", "adopt_bias_reduction", "network_access")

    def step(self, model: LabourMarket) -> None:
        if model.month >= 0:
            model.policy.start(model)
