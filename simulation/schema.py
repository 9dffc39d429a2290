"""Building blocks shared by every validated file: scenarios, policies, sweeps, calibration.

A :class:`Block` is a strict pydantic model: unknown keys are errors, types are
not coerced (a string is never read as a number), values cannot change after
validation, and NaN or infinity are refused wherever a number is read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    min_age: int | None = Field(None, ge=0, le=120, description="Age at least this, years (e.g. 18).")
    max_age: int | None = Field(
        None, ge=0, le=120, description="Age at most this, years (e.g. 24: a program for young adults)."
    )
    education: list[Literal["no_degree", "some_college", "ba_plus"]] = Field(
        default_factory=list,
        description="Highest education in these levels; empty: any. (no_degree includes high-school "
        "graduates: a diploma requirement cannot be told apart from no degree.)",
    )
    max_income_poverty_ratio: float | None = Field(
        None,
        gt=0,
        description="Income at most this multiple of the poverty line (2.0: below 200% of it): the "
        "person's earnings a year at current pay and hours (0 out of work), against economy.poverty_line "
        "for a household of one (the model has no households).",
    )

    @model_validator(mode="after")
    def _age_range(self) -> Eligibility:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age ({self.min_age}) is above max_age ({self.max_age})")
        return self
