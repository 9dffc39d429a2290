"""What a comparison found, in words a reader can act on.

Every claim rests on a paired difference between two arms (the same seeds in
both: common random numbers) and its 95% interval. A difference is

* **clear** when its interval excludes zero *and* it is at least the
  materiality threshold (:class:`Materiality`: by default 1 point for shares
  and ratios, 2% of the reference arm's value otherwise);
* **small** when the interval excludes zero but the difference is below the
  threshold: real in the model, too small to matter;
* **unclear** when the interval includes zero: the seeds cannot tell the arms apart;
* **by design** when a program's own rule fixes the outcome (a guaranteed job,
  a wage step): such an outcome is reported, never claimed as an effect.

:func:`compare_findings` turns a comparison summary into the two to four
sentences that open a brief; :func:`clear_leader` decides whether a chart
title may say one arm is higher.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .outcomes import bounds, describe, format_value, unit_of

MIN_SEEDS = 5  # below this many seeds a t interval is too wide to rely on (t quantile > 2.8)
CLEAR, SMALL, UNCLEAR, BY_DESIGN, NO_DATA = "clear", "small", "unclear", "by design", "no data"

# Outcomes about everyone in the metro (the question's "do gaps shrink"), and about the enrolees.
POPULATION = ("annual_earnings", "pay_ratio", "good_job_share", "mobility_rate", "unemployment_rate")
PROGRAM = (
    "enrolment_per_10k",
    "completion_rate",
    "placement_rate_120d",
    "retention_rate_1y",
    "starting_wage",
    "debt_added",
    "program_dollars",
    "cost_per_placement",
)


@dataclass(frozen=True)
class Materiality:
    """How large a separated difference must be to count as a finding."""

    relative: float = 0.02  # share of the reference arm's value, for money, counts and indices
    points: float = 0.01  # absolute, for shares (1 percentage point) and pay ratios

    def threshold(self, outcome: str, reference: float) -> float:
        """The smallest difference that matters, in the outcome's unit."""
        if unit_of(outcome) in ("share", "ratio"):
            return self.points
        return self.relative * abs(reference)

    def words_for(self, outcome: str, reference_name: str = "the reference") -> str:
        """The threshold for one outcome in words: "1 point", "2% of tuition bootcamp's value"."""
        if unit_of(outcome) in ("share", "ratio"):
            return f"{self.points * 100:g} point{'s' if self.points != 0.01 else ''}"
        return f"{self.relative:.0%} of {possessive(reference_name)} value"

    def words(self) -> str:
        return (
            f"{self.points * 100:g} point{'s' if self.points != 0.01 else ''} for shares and pay ratios, "
            f"{self.relative:.0%} of the reference value otherwise"
        )


def format_change(outcome: str, v: float, unit_word: bool = True) -> str:
    """A difference in its outcome's unit, with its sign: "+15.5 points", "−$7,429", "+0.003".

    ``unit_word=False`` leaves out "points" (for the bounds of an interval). A difference that
    rounds to zero has no sign.
    """
    if v != v:
        return "-"
    unit = unit_of(outcome)
    if unit == "share":
        text, tail = f"{abs(v) * 100:.1f}", " points" if unit_word else ""
    elif unit in ("dollars", "dollars per year") and abs(v) >= 1e6:
        text, tail = f"${abs(v) / 1e6:.2f} million", ""
    elif unit in ("dollars", "dollars per year"):
        text, tail = f"${abs(v):,.0f}", ""
    elif unit in ("per 10,000", "people"):
        text, tail = f"{abs(v):.1f}", ""
    elif unit == "ratio":
        text, tail = f"{abs(v):.3f}", ""
    else:
        text, tail = f"{abs(v):.3g}", ""
    zero = not any(c in "123456789" for c in text)
    return ("" if zero else "+" if v > 0 else "\u2212") + text + tail


def difference_bounds(outcome: str) -> tuple[float, float]:
    """The range a difference between two arms' means can take: +-1 for shares, for instance."""
    low, high = bounds(outcome)
    return low - high, high - low


def _clipped(outcome: str, lo: float, hi: float) -> tuple[float, float]:
    # As for levels: the difference lies in its range, so cutting the interval there loses nothing.
    low, high = difference_bounds(outcome)
    return (min(max(lo, low), high), max(min(hi, high), low)) if lo == lo else (lo, hi)


def change_interval(outcome: str, row: dict) -> str:
    """A summary row's paired difference and its 95% interval: "+$42 [+$27, +$57]"."""
    d, lo, hi = row.get("diff", np.nan), row.get("diff_low", np.nan), row.get("diff_high", np.nan)
    lo, hi = _clipped(outcome, lo, hi)
    if d != d:
        return "-"
    if lo != lo:
        return format_change(outcome, d)
    low, high = format_change(outcome, lo, False), format_change(outcome, hi, False)
    return f"{format_change(outcome, d)} [{low}, {high}]"


@dataclass(frozen=True)
class Difference:
    """One arm against the reference arm on one outcome for one group."""

    outcome: str
    group: str
    arm: str
    reference: str
    arm_mean: float
    reference_mean: float
    diff: float
    low: float
    high: float
    verdict: str
    reason: str = ""  # the program rule, for a difference by design
    # With parameter uncertainty (compare --parameter-uncertainty): the total interval and the share of
    # its variance the parameters bring. The verdict is then taken on the total interval.
    total_low: float = float("nan")
    total_high: float = float("nan")
    parameter_share: float = float("nan")

    @property
    def has_total(self) -> bool:
        return bool(np.isfinite(self.total_low) and np.isfinite(self.total_high))

    @property
    def relative(self) -> float:
        return self.diff / self.reference_mean if self.reference_mean else float("nan")

    def change(self) -> str:
        """The difference with its interval over seeds, and the total interval when there is one:
        "+$42 [+$27, +$57]; with the parameters' uncertainty [+$5, +$80]"."""
        row = {"diff": self.diff, "diff_low": self.low, "diff_high": self.high}
        text = change_interval(self.outcome, row)
        if self.has_total and self.diff == self.diff:
            low = format_change(self.outcome, self.total_low, False)
            high = format_change(self.outcome, self.total_high, False)
            text += f"; with the parameters' uncertainty [{low}, {high}]"
        return text


def classify(
    outcome: str,
    group: str,
    arm_row: dict | None,
    reference_row: dict | None,
    materiality: Materiality,
    reason: str = "",
) -> Difference:
    """The verdict on ``arm_row``'s paired difference from ``reference_row`` (summary rows)."""
    nan = float("nan")
    a, r = arm_row or {}, reference_row or {}
    d, lo, hi = a.get("diff", nan), a.get("diff_low", nan), a.get("diff_high", nan)
    lo, hi = _clipped(outcome, lo, hi)
    t_lo, t_hi = _clipped(outcome, a.get("diff_total_low", nan), a.get("diff_total_high", nan))
    # What is known is judged on the total interval when there is one: chance and the parameters.
    v_lo, v_hi = (t_lo, t_hi) if np.isfinite(t_lo) and np.isfinite(t_hi) else (lo, hi)
    ref_mean = r.get("mean", nan)
    if reason:
        verdict = BY_DESIGN
    elif not (np.isfinite(d) and np.isfinite(lo) and np.isfinite(hi)):
        verdict = NO_DATA
    elif v_lo <= 0 <= v_hi:
        verdict = UNCLEAR
    elif abs(d) >= materiality.threshold(outcome, ref_mean):
        verdict = CLEAR
    else:
        verdict = SMALL
    arm, reference = a.get("scenario", a.get("arm", "")), r.get("scenario", r.get("arm", ""))
    return Difference(
        outcome, group, arm, reference, a.get("mean", nan), ref_mean, d, lo, hi, verdict, reason,
        t_lo, t_hi, a.get("diff_parameter_share", nan),
    )  # fmt: skip


def design_rules(programs: list[dict]) -> dict[str, str]:
    """Outcomes fixed by the rules of an arm's new programs, with the rule in words.

    ``programs``: the resolved program tables the arm opens during the recording (``start_month``
    set). An outcome counts as by design only if every such program fixes it.
    """
    rules: list[dict[str, str]] = []
    for p in programs:
        mine: dict[str, str] = {}
        if p["financing"] == "apprenticeship":
            mine["placement_rate_120d"] = "apprentices are hired on day one and keep the job"
            mine["starting_wage"] = (
                "graduates move from the training wage to the host employer's regular pay for the job"
            )
        elif p["financing"] == "labor_management":
            mine["placement_rate_120d"] = "trainees already hold their jobs and keep them"
            mine["starting_wage"] = f"certification brings a {p['wage_step']:.0%} wage step"
        rules.append(mine)
    if not rules:
        return {}
    common = set.intersection(*(set(r) for r in rules))
    return {k: rules[0][k] for k in sorted(common)}


def clear_leader(
    index: dict,
    labels: list[str],
    group: str,
    outcome: str,
    materiality: Materiality | None = None,
) -> str | None:
    """The arm with the highest mean, if its lead over every other arm is separated and material.

    Against the first arm the paired difference (common seeds) decides; between two other
    arms, whose pairing the summary does not hold, the intervals of the means must not overlap.
    """
    materiality = materiality or Materiality()
    rows = {lab: index.get((lab, group, outcome)) for lab in labels}
    rows = {lab: r for lab, r in rows.items() if r and np.isfinite(r["mean"])}
    if len(rows) < 2:
        return next(iter(rows), None)
    best = max(rows, key=lambda lab: rows[lab]["mean"])
    first = labels[0]
    for lab, r in rows.items():
        if lab == best:
            continue
        gap = rows[best]["mean"] - r["mean"]
        if gap < materiality.threshold(outcome, r["mean"]):
            return None
        if first in (lab, best):
            paired = rows[best if best != first else lab]
            lo, hi = paired.get("diff_low", np.nan), paired.get("diff_high", np.nan)
            beyond = (lo > 0) if best != first else (hi < 0)
        else:
            beyond = rows[best]["ci_low"] > r["ci_high"]
        if not beyond:
            return None
    return best


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Context:
    """What the sentences need besides the summary."""

    labels: list[str]  # arms, the reference first
    names: dict[str, str]  # arm -> name in words
    group_labels: dict[str, str]  # group -> label ("all" -> "everyone")
    focus: str  # the group whose pay ratio leads (e.g. "black_women")
    seeds: int
    scale: str  # the program scale in words, or ""
    design: dict[str, dict[str, str]]  # arm -> outcome -> rule
    materiality: Materiality


def possessive(label: str) -> str:
    """ "Black women" -> "Black women's"; "Tuition bootcamp graduates" -> "... graduates'"."""
    return label + ("'" if label.endswith("s") else "'s")


SHORT = {
    "annual_earnings": "earnings",
    "pay_ratio": "pay ratio to white men",
    "good_job_share": "share in good jobs",
    "mobility_rate": "share of low-wage workers moving above the low-wage line",
    "unemployment_rate": "unemployment rate",
    "enrolment_per_10k": "enrolments per 10,000 people",
    "completion_rate": "completion",
    "placement_rate_120d": "placement within 120 days",
    "retention_rate_1y": "one-year retention",
    "starting_wage": "graduates' starting pay",
    "debt_added": "debt added while training",
    "program_dollars": "program cost",
    "cost_per_placement": "cost per placement",
}


def _what(outcome: str, group: str, ctx: Context) -> str:
    short = SHORT.get(outcome) or describe(outcome)[0].lower()
    return short if group == "all" else f"{possessive(ctx.group_labels.get(group, group))} {short}"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class _Found:
    """Differences of every non-reference arm, sorted by verdict."""

    clear_population: list[Difference]
    quiet_population: list[Difference]  # unclear, or separated but small
    clear_program: list[Difference]
    small_groups: list[Difference]  # group earnings separated from zero but below the threshold


def _gather(index: dict, ctx: Context) -> _Found:
    ref = ctx.labels[0]
    found = _Found([], [], [], [])
    groups = [g for g in ctx.group_labels if g != "all"]
    for arm in ctx.labels[1:]:

        def diff(outcome: str, group: str, arm: str = arm) -> Difference:
            rule = ctx.design.get(arm, {}).get(outcome) or ctx.design.get(ref, {}).get(outcome, "")
            return classify(
                outcome,
                group,
                index.get((arm, group, outcome)),
                index.get((ref, group, outcome)),
                ctx.materiality,
                rule,
            )

        for outcome in POPULATION:
            d = diff(outcome, ctx.focus if outcome == "pay_ratio" else "all")
            if d.verdict == CLEAR:
                found.clear_population.append(d)
            elif d.verdict in (UNCLEAR, SMALL):
                found.quiet_population.append(d)
        for outcome in PROGRAM:
            d = diff(outcome, "all")
            if d.verdict == CLEAR:
                found.clear_program.append(d)
        found.small_groups += [d for g in groups if (d := diff("annual_earnings", g)).verdict == SMALL]
    return found


def compare_findings(summary: list[dict], ctx: Context) -> list[str]:
    """Two to four sentences: what differs clearly, what does not and why, what is fixed by design."""
    index = {(r.get("scenario", r.get("arm")), r["group"], r["outcome"]): r for r in summary}
    found = _gather(index, ctx)
    ref_name = ctx.names[ctx.labels[0]]
    several = len(ctx.labels) > 2
    # With one other scenario it is named; with several, each clause says which.
    others = "no scenario" if several else ctx.names[ctx.labels[1]]

    def under(d: Difference) -> str:
        return f" under {ctx.names[d.arm]}" if several else ""

    sentences = []
    # 1. Everyone in the metro: the question's "do gaps shrink or grow".
    if found.clear_population:
        parts = [f"{_what(d.outcome, d.group, ctx)} {d.change()}{under(d)}" for d in found.clear_population]
        who = "some scenarios change" if several else f"{others} changes"
        text = f"Against {ref_name}, {who} outcomes for the whole metro: {_listing(parts)}"
    else:
        shown = [
            f"{_what(d.outcome, d.group, ctx)} {format_value(d.outcome, d.arm_mean)}{under(d)} against "
            f"{format_value(d.outcome, d.reference_mean)} ({d.change()})"
            for d in found.quiet_population[:3]
        ]
        if several:
            text = f"For the metro as a whole no scenario differs clearly from {ref_name}"
        else:
            text = f"For the metro as a whole there is no clear difference between {others} and {ref_name}"
        text += f": {_listing(shown)}" if shown else ""
    if found.small_groups:
        largest = sorted(found.small_groups, key=lambda d: -abs(d.diff))[:2]
        listed = _listing(
            [f"{ctx.group_labels.get(d.group, d.group)} {d.change()}{under(d)}" for d in largest]
        )
        threshold = f"{ctx.materiality.relative:.0%}"
        text += f"; some groups' yearly earnings differ measurably but by less than {threshold} ({listed})"
    sentences.append(text + ".")
    # 2. The people who enrol.
    if found.clear_program:
        parts = [f"{_what(d.outcome, 'all', ctx)} {d.change()}{under(d)}" for d in found.clear_program]
        who = "some scenarios differ" if several else f"{others} differs"
        sentences.append(f"Among the people who enrol, {who} clearly from {ref_name}: {_listing(parts)}.")
    # 3. Why the metro-wide picture is quiet.
    why = []
    if not found.clear_population and ctx.scale:
        why.append(
            f"the programs are small ({ctx.scale}), so even large changes for enrolees barely "
            f"move metro-wide figures"
        )
    if ctx.seeds < MIN_SEEDS:
        why.append(
            f"only {ctx.seeds} seeds were run, too few for the intervals to separate most "
            f"differences (rerun with --seeds 10 or more)"
        )
    if why:
        sentences.append(f"The reason: {'; and '.join(why)}.")
    # 4. What a program's rule fixes is reported, not claimed: under the scenario whose rule it is.
    parts = []
    for arm in ctx.labels:
        for outcome, rule in ctx.design.get(arm, {}).items():
            value = index.get((arm, "all", outcome), {}).get("mean", np.nan)
            if value == value:
                parts.append(
                    f"{_what(outcome, 'all', ctx)} under {ctx.names[arm]} ({format_value(outcome, value)}, "
                    f"because {rule})"
                )
    if parts and len(ctx.labels) > 1:
        sentences.append(f"Set by the program's design rather than found: {_listing(parts)}.")
    return sentences
