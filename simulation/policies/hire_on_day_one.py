"""Hire on day one (Talent Path, CareerPath): listed programs become apprenticeships.

From the start month, partner employers hire new trainees into open jobs and
pay them a training wage from the first day (part of it publicly, if set);
the job is guaranteed. Trainees already enrolled finish on their old terms.
"""

from __future__ import annotations

from pydantic import Field

from .base import Intervention, PolicyBlock, register


class HireOnDayOnePolicy(PolicyBlock):
    """Listed programs run as apprenticeships: partner employers hire trainees on day one and pay them."""

    programs: list[str] = Field(min_length=1)
    training_wage_hourly: float = Field(gt=0)
    public_wage_share: float = Field(0.0, ge=0, le=1, description="Share of the training wage paid publicly.")
    partner_share: float = Field(0.3, gt=0, le=1, description="Share of the sector's employers hosting.")


@register
class HireOnDayOne(Intervention):
    name = "hire_on_day_one"
    Schema = HireOnDayOnePolicy

    def start(self, model) -> None:
        p = self.spec
        for program in model.programs:
            if program.key in p.programs:
                program.become_apprenticeship(p.training_wage_hourly, p.public_wage_share)
                # Hosts: the program's own partners, or a share of the sector's employers.
                if program.partners.size == 0:
                    program.partners = model.draw_partners(program.sector, p.partner_share, program.key)
