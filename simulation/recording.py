"""What the model records each month: metrics, the program funnel, mobility, the trial, earnings.

Recording only observes: it changes no worker or employer. Recorded months are
0 .. months - 1; the burn-in is not recorded, except that the funnel follows
enrolments and the metrics keep last month's state for the flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .careers import CareerRecorder, occupation_names
from .hours import prefers_part_time
from .metrics import MetricsRecorder
from .mobility import MobilityTracker
from .module import Module
from .trial import SyntheticTrial

if TYPE_CHECKING:
    from .model import LabourMarket


class Recording(Module):
    name = "recording"
    reads = ("*",)
    employer_reads = ("openings",)
    log_reads = ("hires_channel",)

    def init(self, model: LabourMarket) -> None:
        sc = model.scenario
        model.trial = None
        if sc.trial is not None:
            index = next(p.index for p in model.programs if p.key == sc.trial.program)
            model.trial = SyntheticTrial(sc.trial, index)
        model.earnings_by_group = np.zeros(len(model.group_names))  # dollars earned in recorded months
        # Dollar lines (low-wage, good job) are at month 0 and move with nominal pay growth.
        g = sc.economy.wage_growth_per_year
        model.mobility = MobilityTracker(
            sc.outcomes.low_wage_threshold, sc.outcomes.mobility_years, sc.run.months, g
        )
        model.metrics = MetricsRecorder(
            model.group_names, model.sector_names, sc.meta.reference_group, sc.economy.good_job_wage, g
        )
        model.metrics.snapshot(model.workers)
        is_woman = np.array([g.gender == "women" for g in sc.groups.values()])
        model.careers = CareerRecorder(occupation_names(model.sector_names), is_woman)

    def prefers_part_time(self, model: LabourMarket) -> np.ndarray:
        share = model.scenario.labour_force.prefers_part_time
        return prefers_part_time(model.streams, model.workers.person, share)

    def step(self, model: LabourMarket) -> None:
        w = model.workers
        model.funnel.follow(w, model.elapsed)
        if model.month >= 0:
            openings = int(model.employers.openings.sum())
            # The metrics' pass over the workers also sums what each group earned this month.
            model.earnings_by_group += model.metrics.record(
                model.month, w, model.month_log.hires_channel, openings
            )
            model.mobility.observe(w, model.month, model.group_names)
            if model.trial is not None:
                model.trial.record(w, model.month)
            if model.record_careers and model.careers.observes(model.month):
                model.careers.observe(w, model.month, self.prefers_part_time(model))
        model.metrics.snapshot(w)
