"""Building blocks shared by every validated file: scenarios, policies, sweeps, calibration.

A :class:`Block` is a strict pydantic model: unknown keys are errors, types are
not coerced (a string is never read as a number), values cannot change after
validation, and NaN or infinity are refused wherever a number is read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The rungs of every sector's job ladder, lowest first; a posting is (employer, rung).
RUNGS = ("entry", "mid", "senior")
N_RUNGS = len(RUNGS)


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Eligibility(Block):
    """Who a program, intermediary or policy is for. Every condition must hold; empty means no condition.

    (Programs look only at the unemployed and the employed: "out" admits no one to a program.)
    """

    groups: list[str] = Field(default_factory=list, description="Group keys; empty: all groups.")
    states: list[Literal["unemployed", "employed", "out"]] = Field(
        default_factory=lambda: ["unemployed", "employed"]
    )
    max_wage: float | None = Field(
        None, ge=0, description="Current (or last) pay at most this, dollars/year."
    )
    max_savings: float | None = Field(None, ge=0, description="Liquid savings at most this, dollars.")
    sectors: list[str] = Field(
        default_factory=list, description="Employed only in these sectors; empty: any."
    )
    max_rung: int = Field(2, ge=0, le=2, description="Employed only up to this rung (0 entry).")
    credentials: list[str] = Field(default_factory=list, description="Credentials one must already hold.")
