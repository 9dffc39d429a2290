"""What a policy is: a scenario block (its schema) and the hooks through which it changes rules.

A policy never sets an outcome. It acts only through these named hooks, each
consumed by the module whose rule it changes:

==================  ===========================================  ===========================
hook                what the policy changes                      consumed by
==================  ===========================================  ===========================
start               once, at its start month: ties, screens,     policies (PolicyStarts)
                    bias, navigators, how a program is financed
price_waived        who pays no price or ISA (and ``payer``,     enrolment, programs.admit
                    who covers it)
income_support      dollars a month paid to trainees             enrolment, training, finances
pay_floor           the least a hire may be paid                 job search, programs.admit
score_adjustment    score added to applicants at hiring          job search
hires_made          what the hires it favoured cost              job search
==================  ===========================================  ===========================

Hooks other than ``start`` act in recorded months from ``start_month`` on
(never in the burn-in). A policy is registered with :func:`register`, which
refuses, at import, a policy without a schema or without any hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from ..schema import Block, Eligibility

if TYPE_CHECKING:
    from ..model import LabourMarket
    from ..programs import ProgramRun

HOOKS = ("start", "price_waived", "income_support", "pay_floor", "score_adjustment", "hires_made")


class InterventionError(TypeError):
    """A policy class that cannot be used: no schema, no hook, or a name taken; one line."""


class PolicyBlock(Block):
    start_month: int = Field(0, ge=0, description="First recorded month the policy is in force.")


class TargetedPolicy(PolicyBlock):
    """A policy for some workers only (the others are untouched)."""

    eligibility: Eligibility = Eligibility()


class Intervention:
    """A policy in force in one model: its validated scenario block and its hooks.

    Subclasses set ``name`` (the scenario key, ``[policies.<name>]``) and ``Schema``
    (a :class:`PolicyBlock`), and override the hooks they use.
    """

    name: ClassVar[str] = ""
    Schema: ClassVar[type[PolicyBlock] | None] = None

    def __init__(self, spec: PolicyBlock) -> None:
        self.spec = spec

    def active(self, month: int) -> bool:
        """In force in recorded month ``month``."""
        return month >= self.spec.start_month

    @classmethod
    def hooks(cls) -> list[str]:
        return [h for h in HOOKS if getattr(cls, h) is not getattr(Intervention, h)]

    # ------------------------------------------------------------------ hooks (override)

    def start(self, model: LabourMarket) -> None:
        """Once, at the top of the start month."""

    def price_waived(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): these trainees of ``program`` pay no price and owe no ISA."""
        return np.zeros(idx.size, dtype=bool)

    payer: str = "public"  # who covers a waived price

    def income_support(self, model: LabourMarket, program: ProgramRun, idx: np.ndarray) -> np.ndarray:
        """Dollars per month paid to trainees ``idx`` of ``program``, shape (len(idx),)."""
        return np.zeros(idx.size)

    def pay_floor(
        self, model: LabourMarket, employer: np.ndarray, rung: np.ndarray, channel: np.ndarray
    ) -> np.ndarray:
        """Least annual pay (dollars) of each hire (employer, rung, channel: (h,)); 0 where none."""
        return np.zeros(employer.size)

    def score_adjustment(self, model: LabourMarket, searcher: np.ndarray, sector: np.ndarray) -> np.ndarray:
        """Score units added to each application (searcher, the posting's sector: (a,))."""
        return np.zeros(searcher.size)

    def hires_made(self, model: LabourMarket, favoured: int) -> None:
        """Book what this month's ``favoured`` hires (those given a score adjustment) cost."""


REGISTRY: dict[str, type[Intervention]] = {}


def register(cls: type[Intervention]) -> type[Intervention]:
    """Add a policy to the scenario schema; refuse one that is incomplete (InterventionError)."""
    where = f"policy {cls.__module__}.{cls.__name__}"
    if not cls.name or not cls.name.isidentifier():
        raise InterventionError(f"{where}: needs a name, the scenario key [policies.<name>]")
    if cls.name in REGISTRY:
        raise InterventionError(f"{where}: the name '{cls.name}' is taken by {REGISTRY[cls.name].__name__}")
    if not (isinstance(cls.Schema, type) and issubclass(cls.Schema, PolicyBlock)):
        raise InterventionError(f"{where}: needs a Schema, a PolicyBlock subclass (its scenario keys)")
    if not cls.hooks():
        raise InterventionError(f"{where}: implements none of the hooks {', '.join(HOOKS)}")
    REGISTRY[cls.name] = cls
    return cls
