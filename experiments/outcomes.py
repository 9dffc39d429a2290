"""The outcomes researchers report, computed from one finished run.

:func:`key_outcomes` returns long rows ``{group, outcome, value}`` ("all" is
everyone), the unit every comparison, sweep and chart works from.
:data:`OUTCOMES` describes each outcome in words with its unit.

Program outcomes cover the programs a scenario opens during the recorded
period (``start_month`` set), pooled: enrolment, completion, placement within
120 days, one-year retention, starting wage and the debt added while in the
program, the head counts behind those rates (the sample size of each group),
and what the programs cost, by who paid. Five-year outcomes average the fifth
year after the start of recording (or the last year run, if shorter).

:func:`bounds` gives the range an outcome's mean can take (a share lies in
[0, 1], a cost is never negative), so intervals can be kept within it.
"""

from __future__ import annotations

import re

import numpy as np

from ..simulation.costs import PAYERS
from ..simulation.funnel import summarise
from ..simulation.model import LabourMarket

# Ledger items that add up to what delivering a program costs (seats x cost per seat, whoever pays);
# apprentice wages are pay for work, reported apart.
PROGRAM_COST_ITEMS = ("training", "tuition", "tuition_waiver")

OUTCOMES: dict[str, tuple[str, str]] = {
    "enrolment_per_10k": ("Enrolments in the new programs per 10,000 people", "per 10,000"),
    "completion_rate": ("Share of enrolees who complete", "share"),
    "placement_rate_120d": ("Share of completers employed within 120 days", "share"),
    "retention_rate_1y": ("Share of placed graduates still employed a year later", "share"),
    "starting_wage": ("Graduates' starting pay", "dollars per year"),
    "debt_added": ("Debt added between enrolment and exit", "dollars"),
    "mobility_rate": (
        "Share in a low-wage job at the start who are above the low-wage line 5 years on",
        "share",
    ),
    "pay_ratio": ("Median pay relative to white men, year 5", "ratio"),
    "good_job_share": ("Share of workers in good jobs, year 5", "share"),
    "it_job_share": ("Share of IT jobs held by the group, year 5", "share"),
    "unemployment_rate": ("Unemployment rate, year 5", "share"),
    "annual_earnings": ("Mean annual earnings per person over the run", "dollars per year"),
    "theil_between": ("Between-group part of the Theil index of pay, year 5", "index"),
    "public_dollars": ("Public spending on programs and policies over the run", "dollars"),
    "program_dollars": ("Cost of delivering the new programs, all payers, over the run", "dollars"),
    "program_dollars_worker": ("Program cost paid by the trainees themselves (tuition)", "dollars"),
    "program_dollars_employer": ("Program cost paid by employers", "dollars"),
    "program_dollars_public": ("Program cost paid from public funds", "dollars"),
    "program_dollars_philanthropy": ("Program cost paid by philanthropy", "dollars"),
    "program_dollars_trainer": ("Program cost carried by the training provider", "dollars"),
    "apprentice_wages": ("Wages paid to apprentices while in training, over the run", "dollars"),
    "cost_per_enrolee": ("Program cost per enrolment", "dollars"),
    "cost_per_completer": ("Program cost per enrolee who completed", "dollars"),
    "cost_per_placement": ("Program spending per graduate placed within 120 days", "dollars"),
    "earnings_gain_per_public_dollar": (
        "Earnings gained over the run per extra public dollar (against the first scenario)",
        "dollars per dollar",
    ),
    "people": ("People in the metro (the group's size)", "people"),
    "enrolled": ("Enrolments in the new programs over the run", "people"),
    "completed": ("Enrolees who completed", "people"),
    "placed": ("Graduates employed within 120 days of completing", "people"),
    "completion_per_10k": ("Completions in the new programs per 10,000 people", "per 10,000"),
    "pay_fifth_cut_1": ("Pay at the top of the bottom fifth of workers at the start", "dollars per year"),
    "pay_fifth_cut_2": ("Pay at the top of the second fifth of workers at the start", "dollars per year"),
    "pay_fifth_cut_3": ("Pay at the top of the third fifth of workers at the start", "dollars per year"),
    "pay_fifth_cut_4": ("Pay at the top of the fourth fifth of workers at the start", "dollars per year"),
}
# The trial's impact in each follow-up year, "trial_impact_y<year>".
_TRIAL_WORDS = ("Trial: earnings impact in year {} after random assignment", "dollars per year")


# The outcomes a summary or a brief leads with, in reading order.
HEADLINE_OUTCOMES = (
    "enrolment_per_10k",
    "completion_rate",
    "placement_rate_120d",
    "retention_rate_1y",
    "starting_wage",
    "mobility_rate",
    "pay_ratio",
    "good_job_share",
    "annual_earnings",
)

# Families of outcomes named by a year or a cell: "pay_ratio_year_3", "transition_0_4".
_BY_YEAR = re.compile(r"(pay_ratio|unemployment_rate|good_job_share)_year_(\d+)")
_TRIAL_YEAR = re.compile(r"trial_impact_y(\d+)")
_WINDOW = re.compile(r"mobility_(ever_)?(\d+)m")
_TRANSITION = re.compile(r"transition_(\d+)_(\d+)")


def _state(k: int) -> str:
    # Rows and columns of the transition matrix: pay quintiles 1-5 (index 0-4), then not employed.
    return f"in pay quintile {k + 1}" if k < 5 else "not employed"


def describe(outcome: str) -> tuple[str, str]:
    """An outcome's words and unit, for the fixed outcomes and the yearly and transition families.

    Raises ``KeyError`` for a name that is none of these.
    """
    if outcome in OUTCOMES:
        return OUTCOMES[outcome]
    if m := _BY_YEAR.fullmatch(outcome):
        words, unit = OUTCOMES[m.group(1)]
        return words.replace("year 5", f"year {m.group(2)}"), unit
    if m := _WINDOW.fullmatch(outcome):
        when = "at any month in the first" if m.group(1) else "after"
        words = f"Share in a low-wage job at the start above the low-wage line {when} {m.group(2)} months"
        return words, "share"
    if m := _TRIAL_YEAR.fullmatch(outcome):
        return _TRIAL_WORDS[0].format(m.group(1)), _TRIAL_WORDS[1]
    if m := _TRANSITION.fullmatch(outcome):
        start, end = (_state(int(k)) for k in m.groups())
        return f"Share of those {start} at the start who are {end} five years on", "share"
    raise KeyError(outcome)


# Outcomes whose mean can be negative: debt can be repaid, effects and gains can go either way.
_SIGNED = {"debt_added", "earnings_gain_per_public_dollar"}


def bounds(outcome: str) -> tuple[float, float]:
    """The range an outcome's mean over seeds can take, in its unit: (0, 1) for a share, (0, inf) for
    costs, pay, counts and ratios, (-inf, inf) for what can fall as well as rise."""
    unit = unit_of(outcome)
    if unit == "share":
        return 0.0, 1.0
    if unit == "per 10,000":
        return 0.0, 10_000.0
    if outcome in _SIGNED or _TRIAL_YEAR.fullmatch(outcome) or not unit:
        return -np.inf, np.inf
    return 0.0, np.inf


def within_bounds(low: float, high: float, outcome: str) -> tuple[float, float]:
    """An interval for ``outcome``'s mean cut at its :func:`bounds` (NaN stays NaN).

    A t interval over few seeds can run past a bound (a share below 0, pay below $0). The true
    mean lies within the bounds, so cutting the interval there excludes nothing it could be:
    the interval covers the mean exactly as often, and no longer shows impossible values.
    """
    if low != low:
        return low, high
    lo, hi = bounds(outcome)
    return min(max(low, lo), hi), max(min(high, hi), lo)


def unit_of(outcome: str) -> str:
    """The unit of an outcome ("share", "dollars", ...), or "" for a name :func:`describe` does not know."""
    try:
        return describe(outcome)[1]
    except KeyError:
        return ""


def format_value(outcome: str, v: float) -> str:
    """A value in its outcome's unit, for tables: 41.7%, $34,866, 300.0, 0.981."""
    if v != v:
        return "-"
    unit = unit_of(outcome)
    if unit == "share":
        return f"{v:.1%}"
    if unit in ("dollars", "dollars per year"):
        return f"-${-v:,.0f}" if v < 0 else f"${v:,.0f}"
    if unit == "per 10,000":
        return f"{v:.1f}"
    if unit == "people":
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"
    if unit == "dollars per dollar":
        return f"${v:,.2f}"
    if unit == "ratio":
        return f"{v:.3f}"
    return f"{v:.3g}"


def format_interval(outcome: str, row: dict | None) -> str:
    """A summary row's mean and 95% interval in its unit, "73.7% [72.4%, 74.9%]"; "-" for no row."""
    if row is None:
        return "-"
    low, high = format_value(outcome, row["ci_low"]), format_value(outcome, row["ci_high"])
    return f"{format_value(outcome, row['mean'])} [{low}, {high}]"


def year_five_window(months: int) -> tuple[int, int]:
    """Recorded months averaged for 'year 5' outcomes: months 48-59, or the last 12 run."""
    end = min(60, months)
    return max(0, end - 12), end


def key_outcomes(model: LabourMarket) -> list[dict]:
    """Rows of {group, outcome, value} for one finished run."""
    sc = model.scenario
    groups = model.group_names
    rows: list[dict] = []

    def add(group: str, outcome: str, value: float) -> None:
        rows.append({"group": group, "outcome": outcome, "value": float(value)})

    # Program funnel, pooled over the programs the scenario opens.
    new = [p.index for p in model.programs if p.spec.start_month is not None]
    since = sc.run.burn_in_months
    population = np.bincount(model.workers.group, minlength=len(groups)).astype(float)
    for g, name in [(None, "all"), *enumerate(groups)]:
        add(name, "people", population.sum() if g is None else population[g])
    if new:
        for g, name in [(None, "all"), *enumerate(groups)]:
            f = summarise(model.funnel, new, g, model.elapsed, since)
            pop = population.sum() if g is None else population[g]
            add(name, "enrolment_per_10k", f["enrolled"] / pop * 10_000)
            for key in (
                "completion_rate",
                "placement_rate_120d",
                "retention_rate_1y",
                "starting_wage",
                "debt_added",
            ):
                add(name, key, f[key])
            # Head counts behind the rates: a group's rates rest on this many people per run.
            completed = _completed(model, new, g, since)
            add(name, "enrolled", f["enrolled"])
            add(name, "completed", completed)
            add(name, "placed", f["placements"])
            add(name, "completion_per_10k", completed / pop * 10_000)
        everyone = summarise(model.funnel, new, None, model.elapsed, since)
        # What delivering the training cost, whoever paid (trainee, payer, a waiver), by payer.
        keys = {model.programs[i].key for i in new}
        by_payer = dict.fromkeys(PAYERS, 0.0)
        wages = 0.0
        for r in model.ledger.rows():
            if r["program"] in keys and r["item"] in PROGRAM_COST_ITEMS:
                by_payer[r["payer"]] += r["dollars"]
            elif r["program"] in keys and r["item"] == "apprentice_wages":
                wages += r["dollars"]
        spent = sum(by_payer.values())
        add("all", "program_dollars", spent)
        for payer, dollars in by_payer.items():
            add("all", f"program_dollars_{payer}", dollars)
        add("all", "apprentice_wages", wages)
        completed = _completed(model, new, None, since)
        for outcome, count in (("cost_per_enrolee", everyone["enrolled"]), ("cost_per_completer", completed),
                               ("cost_per_placement", everyone["placements"])):  # fmt: skip
            add("all", outcome, spent / count if count else float("nan"))

    # Mobility over five years, and (for everyone) the quintile transition shares, row by row.
    start = model.mobility.start
    if start is not None and start["employed"].any():
        cuts = np.quantile(start["wage"][start["employed"]], [0.2, 0.4, 0.6, 0.8])
        for k, cut in enumerate(cuts, start=1):
            add("all", f"pay_fifth_cut_{k}", cut)
    # Mobility windows (12, 48, 60 months): above the line then, and ever by then, by group.
    for r in model.mobility.window_rows:
        if r["by"] in ("all", "group"):
            add(r["who"], f"mobility_{r['months']}m", r["above_now"])
            add(r["who"], f"mobility_ever_{r['months']}m", r["ever_above"])
    if model.mobility.result is not None:
        for r in model.mobility.result:
            add(r["group"], "mobility_rate", r["mobility_rate"])
            if r["group"] == "all":
                matrix = np.asarray(r["transitions"], dtype=float)
                shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
                for i in range(shares.shape[0]):
                    for j in range(shares.shape[1]):
                        add("all", f"transition_{i}_{j}", shares[i, j])

    # Year-five levels from the monthly metrics.
    cols = model.metrics.columns()
    lo, hi = year_five_window(sc.run.months)
    month = np.asarray(cols["month"])
    group = np.asarray(cols["group"])
    window = (month >= lo) & (month < hi)
    it_col = "jobs_share_it" if "jobs_share_it" in cols else None
    recorded = _RecordedColumns(cols)
    for name in [*groups, "all"]:
        mask = window & (group == name)
        for outcome, col in (("pay_ratio", "pay_ratio"), ("good_job_share", "good_job_share"),
                             ("unemployment_rate", "unemployment_rate"), ("it_job_share", it_col),
                             ("theil_between", "theil_between")):  # fmt: skip
            if col is None:
                continue
            values = recorded.values(col, mask)
            if values.size and not (outcome == "theil_between" and name != "all"):
                add(name, outcome, float(np.nanmean(values)))

    # Yearly pay ratios and unemployment (for gaps over time), as outcomes "pay_ratio_year_<y>".
    for y in range(1, sc.run.months // 12 + 1):
        in_year = (month >= 12 * (y - 1)) & (month < 12 * y)
        for name in [*groups, "all"]:
            mask = in_year & (group == name)
            for col in ("pay_ratio", "unemployment_rate", "good_job_share"):
                values = recorded.values(col, mask)
                if values.size:
                    add(name, f"{col}_year_{y}", float(np.nanmean(values)))

    years = sc.run.months / 12.0
    for g, name in enumerate(groups):
        add(name, "annual_earnings", model.earnings_by_group[g] / population[g] / years)
    add("all", "annual_earnings", model.earnings_by_group.sum() / population.sum() / years)
    add("all", "public_dollars", model.ledger.total(payer="public"))

    if model.trial is not None:
        # Every follow-up year, as trials report them (year 1 is the year after random assignment).
        for r in model.trial.estimates(groups):
            add(r["group"], f"trial_impact_y{r['year']}", r["impact"])
    return rows


class _RecordedColumns:
    """The monthly metrics' columns as float arrays, each converted once (a run's outcomes read each
    column for every group and year)."""

    def __init__(self, cols: dict[str, list]) -> None:
        self.cols = cols
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def values(self, col: str, mask: np.ndarray) -> np.ndarray:
        """The recorded values of ``col`` in the rows ``mask`` (bool, one per row), in row order; rows
        that record nothing (None) are left out."""
        if col not in self._arrays:
            column = self.cols[col]
            present = np.array([v is not None for v in column], dtype=bool)
            values = np.array([np.nan if v is None else v for v in column], dtype=float)
            self._arrays[col] = values, present
        values, present = self._arrays[col]
        return values[mask & present]


def _completed(model: LabourMarket, programs: list[int], group: int | None, since: int) -> float:
    """Enrolments in ``programs`` from elapsed month ``since`` that ended in completion."""
    d = model.funnel.data
    mine = np.isin(d["program"], programs) & (d["enrolled_month"] >= since) & (d["arm"] != 0)
    if group is not None:
        mine &= d["group"] == group
    return float((mine & (d["exit_month"] >= 0) & d["completed"]).sum())
