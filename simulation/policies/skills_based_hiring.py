"""Skills-based hiring: adopting employers drop degree screens (and optionally experience screens)."""

from __future__ import annotations

from pydantic import Field

from .base import Intervention, PolicyBlock, register


class SkillsBasedHiringPolicy(PolicyBlock):
    """Adopting employers drop degree screens (and experience screens if asked) and hire on skills."""

    employer_share: float = Field(1.0, ge=0, le=1)
    drop_experience_screens: bool = False


@register
class SkillsBasedHiring(Intervention):
    name = "skills_based_hiring"
    Schema = SkillsBasedHiringPolicy

    def start(self, model) -> None:
        t = model.employers
        adopters = model.streams["adopt_skills_based_hiring"].random(t.n) < self.spec.employer_share
        t.degree_required[adopters] = False
        if self.spec.drop_experience_screens:
            t.experience_required[adopters] = 0
