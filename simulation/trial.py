"""A synthetic randomised trial of one program, analysed as evaluators do.

During the intake window, each applicant to the program is assigned by
lottery: treatment (offered a seat, up to the seats of the cohort) or
control (not admitted to this program until follow-up ends; free to do
anything else, other training included: published trials report how many
controls trained elsewhere, and so does ``control_trained_share``).
Earnings of both arms are followed month by month from random assignment.
The impact in each follow-up year is the difference in mean annual earnings,
treatment minus control (intent to treat), with a 95% confidence interval
from the Welch standard error. Earnings are dollars per year of follow-up;
a person who retires during follow-up leaves the sample.

Beside the lottery, a comparison group of eligible people who did not apply
(``COMPARISON_PER_SEAT`` per person offered a seat, sampled at random in each
intake month) is followed the same way, for the non-experimental design of
:mod:`.evaluation` (``matched_estimates``): participants against matched
non-participants, as program-record studies estimate impacts. The comparison
group is only observed; it may do anything, the program included.
"""

from __future__ import annotations

import numpy as np

from .evaluation import Z95, matched_effect
from .records import Records
from .scenario import Trial
from .workers import State, Workers

COMPARISON_PER_SEAT = 3  # comparison people sampled per person offered a seat
TREATMENT, CONTROL, COMPARISON = 1, 0, 2  # arms
# What program records show before the program, matched on by the non-experimental design.
COVARIATES = ("earnings", "employed", "last_wage", "age_years", "education", "savings")


def _column(name: str, doc: str) -> property:
    return property(lambda self: self.records.column(name), doc=doc)


class SyntheticTrial:
    def __init__(self, spec: Trial, program: int) -> None:
        self.spec = spec
        self.program = program
        self.records = Records({
            "worker": np.int64, "person": np.int64, "group": np.int64, "arm": np.int8, "assigned": np.int64,
            "earnings": (np.float64, (spec.follow_up_months,)), "trained_elsewhere": np.int64,
            "covariates": (np.float64, (len(COVARIATES),)),
        })  # fmt: skip

    # One record per member; the columns are views, so writing into them writes the records.
    worker = _column("worker", "Worker row of each member, int64 (m,).")
    person = _column("person", "Person id of each member (rows are reused when people retire), int64 (m,).")
    group = _column("group", "Group of each member, int64 (m,).")
    arm = _column("arm", "TREATMENT, CONTROL or COMPARISON, int8 (m,).")
    assigned = _column("assigned", "Recorded month of random assignment (or sampling), int64 (m,).")
    earnings = _column("earnings", "Dollars per month of follow-up, NaN once gone, float64 (m, months).")
    trained_elsewhere = _column(
        "trained_elsewhere", "Follow-up month first seen training in another program (-1: never), int64 (m,)."
    )
    covariates = _column("covariates", "COVARIATES at assignment, float64 (m, len(COVARIATES)).")

    def in_intake(self, month: int) -> bool:
        return self.spec.start_month <= month < self.spec.start_month + self.spec.intake_months

    def embargoed(self, workers: Workers, idx: np.ndarray, month: int) -> np.ndarray:
        """Bool: people in the study may not apply to the trial program again until their follow-up
        ends (controls are kept out; a treated dropout is not randomised a second time)."""
        barred = np.zeros(idx.size, dtype=bool)
        if self.worker.size == 0:
            return barred
        open_ = (month < self.assigned + self.spec.follow_up_months) & (self.arm != COMPARISON)
        rows = self.worker[open_][self.person[open_] == workers.person[self.worker[open_]]]
        return np.isin(idx, rows)

    def assign(self, workers: Workers, applicants: np.ndarray, seats: int, u: np.ndarray, month: int):
        """Lottery among ``applicants``; returns those offered a seat, in their admission order.

        u: (n,) this month's per-worker uniform draws. The study takes a random
        sample of applicants sized so that the treatment arm fills the seats
        (all applicants if there are fewer), then assigns each to treatment with
        probability ``treatment_share`` by the same draw, so both arms are
        random samples of the same applicants. Applicants outside the study are
        turned away this cohort.
        """
        draw = u[applicants]
        order = np.argsort(draw, kind="stable")
        size = min(applicants.size, int(seats / self.spec.treatment_share))
        study = np.zeros(applicants.size, dtype=bool)
        study[order[:size]] = True
        # Within the study, the lowest draws are treated: exactly the share, at most the seats.
        n_treat = min(seats, round(size * self.spec.treatment_share))
        treat = np.zeros(applicants.size, dtype=bool)
        treat[order[:n_treat]] = True
        offered = applicants[treat]
        control = applicants[study & ~treat]
        for idx, arm in ((offered, TREATMENT), (control, CONTROL)):
            self._enrol(workers, idx, arm, month)
            workers.trial_arm[idx] = arm
        return offered

    def add_comparison(self, workers: Workers, idx: np.ndarray, month: int) -> None:
        """Follow eligible non-applicants ``idx`` from ``month`` as the non-experimental comparison group."""
        self._enrol(workers, idx, COMPARISON, month)

    def _enrol(self, workers: Workers, idx: np.ndarray, arm: int, month: int) -> None:
        employed = workers.state[idx] == State.EMPLOYED
        x = np.column_stack([
            np.where(employed, workers.earnings(idx), 0.0), employed, workers.last_wage[idx],
            workers.age[idx] / 12.0, workers.education[idx], workers.savings[idx],
        ]).astype(np.float64)  # fmt: skip
        self.records.append(
            idx.size, worker=idx, person=workers.person[idx], group=workers.group[idx], arm=arm,
            assigned=month, earnings=np.nan, trained_elsewhere=-1, covariates=x,
        )  # fmt: skip

    def record(self, workers: Workers, month: int) -> None:
        """Earnings this month of everyone still in follow-up (assigned months ago)."""
        if self.worker.size == 0:
            return
        k = month - self.assigned
        live = (k >= 0) & (k < self.spec.follow_up_months)
        rows = np.flatnonzero(live)
        w = self.worker[rows]
        present = self.person[rows] == workers.person[w]
        pay = np.where(workers.state[w] == State.EMPLOYED, workers.earnings(w) / 12.0, 0.0)
        self.earnings[rows, k[rows]] = np.where(present, pay, np.nan)
        elsewhere = present & (workers.program[w] >= 0) & (workers.program[w] != self.program)
        first = rows[elsewhere & (self.trained_elsewhere[rows] < 0)]
        self.trained_elsewhere[first] = k[first]

    def matched_estimates(self, group_names: list[str]) -> list[dict]:
        """The non-experimental design by follow-up year (everyone): those offered a seat against matched
        eligible non-applicants, on COVARIATES and group (:func:`.evaluation.matched_effect`)."""
        out = []
        dummies = (self.group[:, None] == np.arange(len(group_names))[None, :]).astype(float)
        x = np.hstack([self.covariates, dummies])
        for year in range(1, self.spec.follow_up_months // 12 + 1):
            cols = slice(12 * (year - 1), 12 * year)
            annual = self.earnings[:, cols].sum(axis=1)
            complete = ~np.isnan(self.earnings[:, cols]).any(axis=1)
            mine = complete & (self.arm != CONTROL)
            result = matched_effect(annual[mine], self.arm[mine] == TREATMENT, x[mine])
            out.append({"year": year, "design": "matched comparison", **result})
        return out

    def estimates(self, group_names: list[str]) -> list[dict]:
        """Impact on annual earnings by follow-up year, overall and by group."""
        out = []
        years = self.spec.follow_up_months // 12
        groups = [("all", np.ones(self.arm.size, bool))] + [
            (name, self.group == g) for g, name in enumerate(group_names)
        ]
        for year in range(1, years + 1):
            cols = slice(12 * (year - 1), 12 * year)
            # Only people followed for the whole year, still present all year.
            annual = self.earnings[:, cols].sum(axis=1)
            complete = ~np.isnan(self.earnings[:, cols]).any(axis=1)
            trained = (self.trained_elsewhere >= 0) & (self.trained_elsewhere < 12 * year)
            for name, mask in groups:
                t = annual[mask & complete & (self.arm == 1)]
                controls = mask & complete & (self.arm == 0)
                c = annual[controls]
                # Substitution: controls who had trained in another program by the end of the year.
                share = float(trained[controls].mean()) if controls.any() else float("nan")
                out.append({"year": year, "group": name, **difference_in_means(t, c),
                            "control_trained_share": share})  # fmt: skip
        return out


def window_impact(rows: list[dict], years: tuple[int, ...] = (2, 3), share: bool = False) -> float:
    """Mean impact over follow-up ``years`` for everyone, from :meth:`SyntheticTrial.estimates` rows
    (as published trials report years 2-3); relative to the control mean if ``share``. NaN unless
    every year was estimated."""
    found = [r for r in rows if r["group"] == "all" and r["year"] in years]
    if len(found) < len(years):
        return float("nan")
    impact = float(np.mean([r["impact"] for r in found]))
    return impact / float(np.mean([r["control_mean"] for r in found])) if share else impact


def difference_in_means(t: np.ndarray, c: np.ndarray) -> dict:
    """Treatment minus control, Welch standard error and 95% interval (normal approximation)."""
    n_t, n_c = t.size, c.size
    if n_t < 2 or n_c < 2:
        nan = float("nan")
        return {"impact": nan, "se": nan, "ci_low": nan, "ci_high": nan, "treatment_mean": nan,
                "control_mean": nan, "n_treatment": n_t, "n_control": n_c}  # fmt: skip
    impact = float(t.mean() - c.mean())
    se = float(np.sqrt(t.var(ddof=1) / n_t + c.var(ddof=1) / n_c))
    return {
        "impact": impact,
        "se": se,
        "ci_low": impact - Z95 * se,
        "ci_high": impact + Z95 * se,
        "treatment_mean": float(t.mean()),
        "control_mean": float(c.mean()),
        "n_treatment": n_t,
        "n_control": n_c,
    }
