"""The chart catalogue: one message per chart, each a function over results tables.

Every function returns a :class:`Chart` (figure, title, the data shown,
provenance); ``chart.save(stem)`` writes PNG, SVG, PDF and CSV in the house
style (:mod:`.style`). Titles state the finding in words, computed from the
numbers shown; a title names one scenario as higher only when the paired
difference is both separated from zero and material (:mod:`.findings`), and
never for an outcome a program's rule fixes. The source line names scenario
files, seeds and version.

=========================  ==========================================================
chart                      made from
=========================  ==========================================================
main_series                one run's monthly metrics (``pathways run``)
comparison_by_group        a comparison summary: one outcome, dots with 95% intervals
difference_by_group        a comparison summary: each scenario minus the first, by group
enrolment_by_group         a comparison summary: enrolments and completions per 10,000
gaps_over_time             a comparison summary: a group's pay ratio by year, and the
                           paired difference
program_funnel             a comparison summary: of 100 enrolees, completed/placed/kept
mobility_heatmap           a comparison summary: moves between pay fifths over five
                           years, and the change under the last scenario
cost_equity_frontier       a sweep's per-point summary: cost against a pay ratio
sensitivity_tornado        ``pathways sensitivity`` indices
calibration_fit            ``pathways calibrate`` fit rows
convergence                ``pathways calibrate`` history
validation                 ``pathways validate`` rows
=========================  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pyarrow as pa

from . import style
from .findings import CLEAR, Materiality, change_interval, classify, clear_leader, format_change
from .names import capital, nice
from .style import Provenance, chart_style, finish, group_style, scenario_colour

plt = style.plt
GREY_DARK = "#333333"


@dataclass
class Chart:
    fig: object
    title: str
    rows: list[dict]
    provenance: Provenance

    def save(self, stem: Path) -> list[Path]:
        return style.save(self.fig, Path(stem), self.rows, self.provenance, self.title)


def _pct(v: float) -> str:
    return f"{v:.0%}"


def _signed(fmt: str, v: float) -> str:
    """``fmt`` of ``v`` with a typographic minus before any unit: "−$20,000", not "$-20,000"."""
    return "\u2212" + fmt.format(-v) if v < 0 else fmt.format(v)


def _formatter(fmt: str):
    if fmt.endswith("%}"):
        # Decimals follow the tick spacing, so 27.5% is not printed as a second "28%".
        return matplotlib.ticker.PercentFormatter(xmax=1.0, decimals=None)
    return matplotlib.ticker.FuncFormatter(lambda v, _p: _signed(fmt, v))


def _finding(
    what: str,
    value: dict[str, str],
    labels: list[str],
    leader: str | None,
    design: dict[str, str] | None = None,
) -> str:
    """A title stating the finding: which scenario is clearly higher, that none is, or the rule fixing it."""
    listed = ", ".join(f"{value[lab]} under {nice(lab)}" for lab in labels)
    if design:
        rules = "; ".join(f"{rule} under {nice(lab)}" for lab, rule in design.items())
        return f"{what}: {listed}, set by design ({rules})"
    if len(labels) == 1:
        return f"{what}: {value[labels[0]]} under {nice(labels[0])}"
    if leader is None:
        return f"{what}: no clear difference between the scenarios ({listed})"
    others = ", ".join(f"{value[lab]} under {nice(lab)}" for lab in labels if lab != leader)
    return f"{what} is higher under {nice(leader)}: {value[leader]} against {others}"


def _money(dollars: float) -> str:
    """Dollars in words a brief would use: "$155,000", "$2.4 million"."""
    if abs(dollars) >= 1e6:
        return _signed("${:,.1f} million", dollars)
    return _signed("${:,.0f}", dollars)


# --------------------------------------------------------------------------- one run


RUN_PANELS = (
    ("unemployment_rate", "Unemployment rate (%)", "{:.0%}"),
    ("pay_ratio", "Median pay / white men's", "{:.2f}"),
    ("good_job_share", "Workers in good jobs (%)", "{:.0%}"),
    ("training_share", "People in training (%)", "{:.1%}"),
)


def main_series(table: pa.Table, scenario, provenance: Provenance) -> Chart:
    """Monthly unemployment, pay ratio, good jobs and training by group (colour: race; dashes: women)."""
    data = table.to_pydict()
    month = np.asarray(data["month"])
    group = np.asarray(data["group"])
    names = list(scenario.groups)
    rows = []
    with chart_style():
        fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
        for ax, (col, label, fmt) in zip(axes.ravel(), RUN_PANELS, strict=True):
            values = np.asarray(data[col], dtype=float)
            for name in names:
                g = scenario.groups[name]
                mask = group == name
                st = group_style(g.race, g.gender)
                ax.plot(
                    month[mask] / 12.0,
                    values[mask],
                    color=st["color"],
                    linestyle=st["linestyle"],
                    linewidth=1.6,
                    label=g.label,
                )
            ax.set_ylabel(label)
            ax.yaxis.set_major_formatter(_formatter(fmt))
        for ax in axes[1]:
            ax.set_xlabel("Years since the start of recording")
        axes[0, 1].legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        last = month.max()
        end = {
            n: float(np.nanmean(np.asarray(data["pay_ratio"], float)[(group == n) & (month > last - 12)]))
            for n in names
        }
        lowest = min((n for n in names if n != scenario.meta.reference_group), key=lambda n: end[n])
        title = (
            f"{scenario.groups[lowest].label} earn the least relative to white men: "
            f"{end[lowest]:.2f} of their median pay in the last year"
        )
        finish(fig, title, provenance)
    for m, g, *vals in zip(month, group, *(data[c] for c, _, _ in RUN_PANELS), strict=True):
        rows.append(
            {"month": int(m), "group": g, **dict(zip([c for c, _, _ in RUN_PANELS], vals, strict=True))}
        )
    return Chart(fig, title, rows, provenance)


# --------------------------------------------------------------------------- careers (pathways run)


def _career_means(rows: list[dict], measure: str, growth_per_year: float) -> dict[str, float]:
    """A career measure by group, mean over the months it was taken, dollars brought back to month 0."""
    from ..simulation.wages import growth_factor

    dollars = measure.startswith("pay_") or measure == "weekly_earnings"
    out: dict[str, list[float]] = {}
    for r in rows:
        if r["measure"] == measure and r["value"] == r["value"]:
            factor = growth_factor(growth_per_year, r["month"]) if dollars else 1.0
            out.setdefault(r["group"], []).append(r["value"] / factor)
    return {g: float(np.mean(v)) for g, v in out.items()}


def earnings_by_age(rows: list[dict], published: dict[str, float], growth_per_year: float,
                    provenance: Provenance) -> Chart:  # fmt: skip
    """Median weekly earnings by age band and sex over everyone's median: the model beside CPS.

    rows: careers rows (simulation/careers.py); published: the CPS ratios by "men:25-34"-style group.
    """
    from ..simulation.careers import AGE_BANDS, band_name

    weekly = _career_means(rows, "weekly_earnings", growth_per_year)
    bands = [band_name(b) for b in AGE_BANDS]
    x = np.arange(len(bands))
    table = []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 5.2))
        for sex, marker, line in (("men", "o", "-"), ("women", "s", "--")):
            model = [weekly.get(f"{sex}:{b}", np.nan) / weekly.get("all", np.nan) for b in bands]
            ax.plot(x, model, color=style.BLUE, marker=marker, linestyle=line, label=f"{sex}, model")
            pub = [published.get(f"{sex}:{b}", np.nan) for b in bands]
            ax.plot(x, pub, color=GREY_DARK, marker=marker, linestyle="none", markerfacecolor="none",
                    markersize=9, label=f"{sex}, published (CPS)")  # fmt: skip
            for b, m, q in zip(bands, model, pub, strict=True):
                table.append({"sex": sex, "age": b, "model": m, "published": q})
        ax.set_xticks(x, bands)
        ax.set_xlabel("Age band (years)")
        ax.set_ylabel("Median weekly earnings / everyone's median")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        oldest = weekly.get("men:55-64", np.nan) / weekly.get("all", np.nan)
        title = (
            f"Pay rises with age in the model: men of 55-64 earn {oldest:.2f} times everyone's median "
            f"(published {published.get('men:55-64', np.nan):.2f})"
        )
        subtitle = "Ratios to everyone's median: the model holds eight occupational families, not all work"
        finish(fig, title, provenance, subtitle=subtitle)
    return Chart(fig, title, table, provenance)


def pay_by_occupation(rows: list[dict], scenario, provenance: Provenance) -> Chart:
    """Each occupation's spread of pay (P10-P90, P25-P75 and median) in the model beside OEWS."""
    g = scenario.economy.wage_growth_per_year
    pct = {p: _career_means(rows, f"pay_p{p}", g) for p in (10, 25, 50, 75, 90)}
    rungs = [(f"{s}:{k}", r) for s, sec in scenario.sectors.items() for k, r in enumerate(sec.ladder)]
    y = np.arange(len(rungs))[::-1]
    table, close = [], 0
    with chart_style():
        fig, ax = plt.subplots(figsize=(10, 0.55 * len(rungs) + 2.6))
        for yi, (key, rung) in zip(y, rungs, strict=True):
            m = {p: pct[p].get(key, np.nan) for p in pct}
            ax.plot([m[10], m[90]], [yi, yi], color=style.BLUE, linewidth=1.5)
            ax.plot([m[25], m[75]], [yi, yi], color=style.BLUE, linewidth=6, alpha=0.5,
                    label="model: P10-P90, P25-P75, median" if yi == y[0] else None)  # fmt: skip
            ax.plot([m[50]], [yi], "o", color=style.BLUE)
            published = [v for v in (rung.wage_p10, rung.wage, rung.wage_p90) if v is not None]
            ax.plot(published, [yi + 0.25] * len(published), "D", color=GREY_DARK, markerfacecolor="none",
                    label="published (OEWS): P10, median, P90" if yi == y[0] else None)  # fmt: skip
            close += abs(m[50] / rung.wage - 1) <= 0.075
            table.append({"occupation": rung.title, "soc": rung.soc, **{f"model_p{p}": m[p] for p in m},
                          "published_p10": rung.wage_p10, "published_p50": rung.wage,
                          "published_p90": rung.wage_p90})  # fmt: skip
        ax.set_yticks(y, [r.title for _, r in rungs])
        ax.set_xlabel("Annual pay, 2019 dollars")
        ax.xaxis.set_major_formatter(_formatter("${:,.0f}"))
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncols=2)
        title = (
            f"Pay within occupations: the model's median is within 7.5% of the published one in {close} "
            f"of {len(rungs)}"
        )
        finish(
            fig, title, provenance, subtitle="Model: mean over the recorded years of each year's percentiles"
        )
    return Chart(fig, title, table, provenance)


def wage_growth(rows: list[dict], published: dict[str, float], provenance: Provenance) -> Chart:
    """Median 12-month wage growth of everyone, job stayers and job switchers: model and published."""
    model = _career_means(rows, "wage_growth", 0.0)
    groups = ["all", "stayers", "switchers"]
    x = np.arange(len(groups))
    with chart_style():
        fig, ax = plt.subplots(figsize=(8, 4.8))
        ax.bar(x - 0.18, [model.get(k, np.nan) for k in groups], width=0.36, color=style.BLUE, label="model")
        ax.bar(x + 0.18, [published.get(k, np.nan) for k in groups], width=0.36, color=GREY_DARK,
               label="published (Atlanta Fed Wage Growth Tracker)")  # fmt: skip
        ax.set_xticks(x, ["everyone", "job stayers", "job switchers"])
        ax.set_ylabel("Median change in pay over 12 months")
        ax.yaxis.set_major_formatter(_formatter("{:.1%}"))
        ax.legend(loc="upper left")
        gap = model.get("switchers", np.nan) - model.get("stayers", np.nan)
        title = f"Job switchers' pay grows {gap * 100:.1f} points a year more than stayers' in the model"
        finish(fig, title, provenance)
    table = [
        {"group": k, "model": model.get(k, np.nan), "published": published.get(k, np.nan)} for k in groups
    ]
    return Chart(fig, title, table, provenance)


# --------------------------------------------------------------------------- comparisons


def _index(summary: list[dict]) -> dict:
    return {(r["scenario"], r["group"], r["outcome"]): r for r in summary}


def _groups(summary: list[dict]) -> list[str]:
    groups = [g for g in dict.fromkeys(r["group"] for r in summary) if g != "all"]
    return ["all", *groups]


def comparison_by_group(
    summary: list[dict],
    labels: list[str],
    outcome: str,
    words: str,
    unit_fmt: str,
    group_labels: dict,
    provenance: Provenance,
    materiality: Materiality | None = None,
    design: dict[str, str] | None = None,
) -> Chart:
    """One outcome by group for each scenario: dots at the mean, bars for the 95% interval over seeds.

    The title names a scenario as higher only if its lead is clear (:func:`findings.clear_leader`);
    ``design`` (scenario -> rule) marks an outcome that a program's rule fixes, which is never a lead.
    """
    index = _index(summary)
    groups = [g for g in _groups(summary) if any((lab, g, outcome) in index for lab in labels)]
    y = np.arange(len(groups))[::-1]
    offsets = np.linspace(-0.22, 0.22, len(labels)) if len(labels) > 1 else np.zeros(1)
    rows = []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(groups) + 2.2))
        for k, lab in enumerate(labels):
            m = np.array([index.get((lab, g, outcome), {}).get("mean", np.nan) for g in groups], float)
            lo = np.array([index.get((lab, g, outcome), {}).get("ci_low", np.nan) for g in groups], float)
            hi = np.array([index.get((lab, g, outcome), {}).get("ci_high", np.nan) for g in groups], float)
            ax.errorbar(
                m,
                y + offsets[k],
                xerr=[m - lo, hi - m],
                fmt="o",
                color=scenario_colour(lab),
                capsize=2.5,
                markersize=6,
                linewidth=1.4,
                label=nice(lab),
            )
            rows += [
                {"scenario": lab, "group": g, "outcome": outcome, "mean": a, "ci_low": b, "ci_high": c}
                for g, a, b, c in zip(groups, m, lo, hi, strict=True)
            ]
        ax.set_yticks(y, [group_labels.get(g, g) for g in groups])
        ax.set_xlabel(words)
        ax.xaxis.set_major_formatter(_formatter(unit_fmt))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        everyone = {lab: index.get((lab, "all", outcome), {}).get("mean", np.nan) for lab in labels}
        value = {lab: _signed(unit_fmt, everyone[lab]) for lab in labels}
        leader = clear_leader(index, labels, "all", outcome, materiality)
        title = _finding(words.split(" (")[0], value, labels, leader, design)
        finish(fig, title, provenance, subtitle="Mean over seeds with 95% interval, by group")
    return Chart(fig, title, rows, provenance)


def difference_by_group(
    summary: list[dict],
    labels: list[str],
    outcome: str,
    words: str,
    group_labels: dict,
    provenance: Provenance,
    materiality: Materiality | None = None,
) -> Chart:
    """Each scenario minus the first, by group: the paired difference (same seeds) and its 95% interval.

    A grey band around zero on each row marks differences too small to matter (the materiality
    threshold for that group); a dot outside the band whose interval misses zero is a clear difference.
    """
    materiality = materiality or Materiality()
    index = _index(summary)
    ref, others = labels[0], labels[1:]
    groups = [g for g in _groups(summary) if any((lab, g, outcome) in index for lab in others)]
    y = np.arange(len(groups))[::-1]
    offsets = np.linspace(-0.18, 0.18, len(others)) if len(others) > 1 else np.zeros(1)
    rows, clear = [], []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(groups) + 2.4))
        for g, yi in zip(groups, y, strict=True):
            base = index.get((ref, g, outcome), {}).get("mean", np.nan)
            band = materiality.threshold(outcome, base) if np.isfinite(base) else 0.0
            ax.barh(
                yi,
                2 * band,
                left=-band,
                height=0.8,
                color="#bbbbbb",
                alpha=0.35,
                linewidth=0,
                label="too small to matter" if g == groups[0] else None,
            )
        ax.axvline(0, color="#555555", linewidth=0.9)
        for k, lab in enumerate(others):
            got = [index.get((lab, g, outcome), {}) for g in groups]
            d = np.array([r.get("diff", np.nan) for r in got], float)
            lo = np.array([r.get("diff_low", np.nan) for r in got], float)
            hi = np.array([r.get("diff_high", np.nan) for r in got], float)
            ax.errorbar(
                d,
                y + offsets[k],
                xerr=[d - lo, hi - d],
                fmt="o",
                color=scenario_colour(lab),
                capsize=2.5,
                markersize=6,
                linewidth=1.4,
                label=f"{nice(lab)} minus {nice(ref)}",
            )
            for g, r in zip(groups, got, strict=True):
                verdict = classify(outcome, g, r, index.get((ref, g, outcome)), materiality).verdict
                rows.append(
                    {
                        "scenario": lab,
                        "against": ref,
                        "group": g,
                        "outcome": outcome,
                        "diff": r.get("diff", np.nan),
                        "diff_low": r.get("diff_low", np.nan),
                        "diff_high": r.get("diff_high", np.nan),
                        "verdict": verdict,
                    }
                )
                if verdict == CLEAR:
                    clear.append((group_labels.get(g, g), change_interval(outcome, r), lab))
        ax.set_yticks(y, [group_labels.get(g, g) for g in groups])
        ax.set_xlabel(f"{words}: difference from {nice(ref)}")
        ax.xaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _p: format_change(outcome, v, unit_word=False))
        )
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2)
        what = words.split(" (")[0]
        if clear:
            listed = ", ".join(
                f"{g} {c}" + (f" under {nice(lab)}" if len(others) > 1 else "") for g, c, lab in clear[:3]
            )
            title = f"{what}: a clear difference from {nice(ref)} for {len(clear)} group(s): {listed}"
        else:
            title = (
                f"{what}: no group differs clearly between {' or '.join(nice(o) for o in others)} "
                f"and {nice(ref)} (each is within noise or under {materiality.words_for(outcome, nice(ref))})"
            )
        finish(fig, title, provenance, subtitle="Paired by seed: mean difference with its 95% interval")
    return Chart(fig, title, rows, provenance)


def enrolment_by_group(
    summary: list[dict], labels: list[str], group_labels: dict, provenance: Provenance
) -> Chart:
    """Enrolments (light) and completions (dark) per 10,000 people of each group, for each scenario."""
    index = _index(summary)
    groups = [g for g in _groups(summary) if any((lab, g, "enrolment_per_10k") in index for lab in labels)]
    y = np.arange(len(groups))[::-1]
    height = 0.8 / len(labels)
    rows, extremes = [], []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 0.5 * len(groups) + 2.4))
        for k, lab in enumerate(labels):
            at = y + 0.4 - height * (k + 0.5)
            got = [index.get((lab, g, "enrolment_per_10k"), {}) for g in groups]
            enrolled = np.array([r.get("mean", np.nan) for r in got], float)
            lo = np.array([r.get("ci_low", np.nan) for r in got], float)
            hi = np.array([r.get("ci_high", np.nan) for r in got], float)
            done = np.array(
                [index.get((lab, g, "completion_per_10k"), {}).get("mean", np.nan) for g in groups]
            )
            colour = scenario_colour(lab)
            ax.barh(at, enrolled, height=height * 0.9, color=colour, alpha=0.35, label=nice(lab))
            ax.errorbar(
                enrolled,
                at,
                xerr=[enrolled - lo, hi - enrolled],
                fmt="none",
                ecolor=colour,
                capsize=2,
                linewidth=1,
            )
            if np.isfinite(done).any():
                ax.barh(at, done, height=height * 0.5, color=colour, label=f"{nice(lab)}: completed")
            rows += [
                {
                    "scenario": lab,
                    "group": g,
                    "enrolled_per_10k": e,
                    "ci_low": a,
                    "ci_high": b,
                    "completed_per_10k": c,
                }
                for g, e, a, b, c in zip(groups, enrolled, lo, hi, done, strict=True)
            ]
            mine = {g: e for g, e in zip(groups, enrolled, strict=True) if g != "all" and np.isfinite(e)}
            if mine:
                most, least = max(mine, key=mine.get), min(mine, key=mine.get)
                extremes.append(
                    f"{nice(lab)} enrols {mine[most]:,.0f} per 10,000 {group_labels.get(most, most)} but "
                    f"{mine[least]:,.0f} per 10,000 {group_labels.get(least, least)}"
                )
        ax.set_yticks(y, [group_labels.get(g, g) for g in groups])
        ax.set_xlabel("People per 10,000 in the group, over the run")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        title = "Who enrols: " + "; ".join(extremes) if extremes else "Enrolments by group"
        subtitle = "Mean over seeds. Light bars: enrolled; dark bars: completed; whiskers: 95% interval"
        finish(fig, title, provenance, subtitle=subtitle)
    return Chart(fig, title, rows, provenance)


def gaps_over_time(
    summary: list[dict],
    labels: list[str],
    group: str,
    group_label: str,
    provenance: Provenance,
    measure: str = "pay_ratio",
    materiality: Materiality | None = None,
) -> Chart:
    """A group's yearly pay ratio to white men under each scenario (top), and each scenario's paired
    difference from the first with its 95% interval (bottom, when there are two or more)."""
    materiality = materiality or Materiality()
    index = _index(summary)
    years = sorted(
        {
            int(r["outcome"].rsplit("_", 1)[1])
            for r in summary
            if r["outcome"].startswith(f"{measure}_year_") and r["group"] == group
        }
    )
    ref, others = labels[0], labels[1:]
    rows = []
    with chart_style():
        if others:
            fig, (ax, dax) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(3, 2))
        else:
            fig, ax = plt.subplots(figsize=(9, 5))
            dax = None
        for lab in labels:
            got = [index.get((lab, group, f"{measure}_year_{y}")) or {} for y in years]
            m = np.array([r.get("mean", np.nan) for r in got])
            lo = np.array([r.get("ci_low", np.nan) for r in got])
            hi = np.array([r.get("ci_high", np.nan) for r in got])
            colour = scenario_colour(lab)
            # Bands as outlines in the scenario's colour: filled bands that overlap blend into grey.
            ax.fill_between(years, lo, hi, facecolor="none", edgecolor=colour, linewidth=1.0, linestyle="--")
            ax.plot(years, m, color=colour, marker="o", label=nice(lab))
            rows += [
                {
                    "scenario": lab,
                    "group": group,
                    "year": y,
                    "mean": a,
                    "ci_low": b,
                    "ci_high": c,
                    "diff": r.get("diff", np.nan),
                    "diff_low": r.get("diff_low", np.nan),
                    "diff_high": r.get("diff_high", np.nan),
                }
                for y, a, b, c, r in zip(years, m, lo, hi, got, strict=True)
            ]
        ax.set_ylabel(f"{group_label}: median pay /\nwhite men's")
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        low, high = ax.get_ylim()
        # At least 0.10 of pay ratio on the axis, so wiggles of 0.01 look like what they are.
        if high - low < 0.10:
            mid = (high + low) / 2
            ax.set_ylim(mid - 0.05, mid + 0.05)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        clear_years = []
        if dax is not None:
            dax.axhspan(
                -materiality.points,
                materiality.points,
                color="#bbbbbb",
                alpha=0.35,
                linewidth=0,
                label="too small to matter",
            )
            dax.axhline(0, color="#555555", linewidth=0.9)
            for lab in others:
                got = [index.get((lab, group, f"{measure}_year_{y}")) or {} for y in years]
                d = np.array([r.get("diff", np.nan) for r in got])
                lo = np.array([r.get("diff_low", np.nan) for r in got])
                hi = np.array([r.get("diff_high", np.nan) for r in got])
                colour = scenario_colour(lab)
                dax.fill_between(years, lo, hi, color=colour, alpha=0.2, linewidth=0)
                dax.plot(years, d, color=colour, marker="o", label=f"{nice(lab)} minus {nice(ref)}")
                for y, r in zip(years, got, strict=True):
                    ref_row = index.get((ref, group, f"{measure}_year_{y}"))
                    if classify(f"{measure}_year_{y}", group, r, ref_row, materiality).verdict == CLEAR:
                        clear_years.append((y, lab))
            dlow, dhigh = dax.get_ylim()
            span = max(abs(dlow), abs(dhigh), 2 * materiality.points)
            dax.set_ylim(-span, span)
            dax.set_ylabel("Difference\n(pay ratio)")
            dax.set_xlabel("Year since the programs opened")
            dax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        else:
            ax.set_xlabel("Year since the programs opened")
        year5 = 5 if 5 in years else years[-1]
        at5 = {
            lab: (index.get((lab, group, f"{measure}_year_{year5}")) or {}).get("mean", np.nan)
            for lab in labels
        }
        listed = ", ".join(f"{at5[lab]:.3f} under {nice(lab)}" for lab in labels)
        if not others:
            title = f"{group_label}'s pay ratio to white men by year: {listed} in year {year5}"
        elif clear_years:
            when = sorted({y for y, _ in clear_years})
            title = (
                f"{group_label}'s pay ratio to white men differs clearly between the scenarios in "
                f"year(s) {', '.join(map(str, when))}; in year {year5}: {listed}"
            )
        else:
            title = (
                f"{group_label}'s pay ratio to white men: no clear difference between the scenarios in "
                f"any year (year {year5}: {listed})"
            )
        finish(fig, title, provenance, subtitle="Mean over seeds; dashed outlines and shading: 95% intervals")
    return Chart(fig, title, rows, provenance)


def program_funnel(
    summary: list[dict], labels: list[str], group_labels: dict, provenance: Provenance, note: str = ""
) -> Chart:
    """Of every 100 enrolees: how many complete, are placed within 120 days and are employed a year on.

    ``note`` is added to the subtitle (e.g. that one scenario's placement is guaranteed by design).
    """
    index = _index(summary)
    groups = [g for g in _groups(summary) if any((lab, g, "completion_rate") in index for lab in labels)]
    stages = ("completed", "placed within 120 days", "employed a year later")
    rows = []
    with chart_style():
        # Two panels a row, so that four scenarios still read on a page.
        ncols = min(2, len(labels))
        nrows = -(-len(labels) // ncols)
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(5.2 * ncols, (0.42 * len(groups) + 1.6) * nrows + 0.8),
            sharey=True,
            squeeze=False,
        )
        for ax in axes.ravel()[len(labels) :]:
            ax.set_visible(False)
        kept_all = {}
        for ax, lab in zip(axes.ravel(), labels, strict=False):
            y = np.arange(len(groups))[::-1]
            for g, yi in zip(groups, y, strict=True):
                c = index.get((lab, g, "completion_rate"), {}).get("mean", np.nan)
                p = index.get((lab, g, "placement_rate_120d"), {}).get("mean", np.nan)
                r = index.get((lab, g, "retention_rate_1y"), {}).get("mean", np.nan)
                values = [100 * c, 100 * c * p, 100 * c * p * r]
                for v, alpha in zip(values, (0.35, 0.6, 1.0), strict=True):
                    ax.barh(yi, v, color=scenario_colour(lab), alpha=alpha, height=0.7)
                rows.append({"scenario": lab, "group": g, **dict(zip(stages, values, strict=True))})
                if g == "all":
                    kept_all[lab] = values[-1]
            ax.set_yticks(y, [group_labels.get(g, g) for g in groups])
            ax.set_xlim(0, 100)
            ax.set_xlabel("Per 100 enrolees")
            ax.set_title(nice(lab), fontsize=12)
            ax.grid(axis="y", visible=False)
        handles = [
            matplotlib.patches.Patch(color="#555555", alpha=a, label=s)
            for s, a in zip(stages, (0.35, 0.6, 1.0), strict=True)
        ]
        # An axes legend below the plots: constrained layout makes room for it (a figure legend would not).
        axes[-1][0].legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.13), ncols=3)
        listed = ", ".join(f"{v:.0f} under {nice(k)}" for k, v in kept_all.items())
        title = f"Of 100 enrolees, the number placed and still employed a year later: {listed}"
        subtitle = "Program funnel by group, mean over seeds" + (f". {note}" if note else "")
        finish(fig, title, provenance, subtitle=subtitle)
    return Chart(fig, title, rows, provenance)


FIFTHS = ["Bottom fifth", "2nd fifth", "3rd fifth", "4th fifth", "Top fifth", "Not employed"]


def _transitions(index: dict, label: str, key: str) -> np.ndarray:
    return np.array(
        [
            [index.get((label, "all", f"transition_{i}_{j}"), {}).get(key, np.nan) for j in range(6)]
            for i in range(6)
        ]
    )


def mobility_heatmap(
    summary: list[dict], labels: list[str], provenance: Provenance, materiality: Materiality | None = None
) -> Chart:
    """Where people in each pay fifth at the start are five years later (row shares) under the first
    scenario, and beside it how much each share changes under the last scenario (paired, in points)."""
    materiality = materiality or Materiality()
    index = _index(summary)
    ref, last = labels[0], labels[-1]
    matrix = _transitions(index, ref, "mean")
    nan = float("nan")
    rows = [
        {
            "scenario": ref,
            "from": FIFTHS[i],
            "to": FIFTHS[j],
            "share": matrix[i, j],
            "diff": nan,
            "diff_low": nan,
            "diff_high": nan,
        }
        for i in range(6)
        for j in range(6)
    ]
    with chart_style():
        panels = 2 if len(labels) > 1 else 1
        # Panels one above the other, so the chart keeps its size on a portrait page.
        fig, axes = plt.subplots(panels, 1, figsize=(8.5, 5.6 * panels), squeeze=False)
        ax = axes[0][0]
        im = ax.imshow(matrix, cmap="cividis", vmin=0, vmax=max(0.5, float(np.nanmax(matrix))), aspect="auto")
        for i in range(6):
            for j in range(6):
                v = matrix[i, j]
                ax.text(
                    j,
                    i,
                    "-" if np.isnan(v) else f"{v:.0%}",
                    ha="center",
                    va="center",
                    fontsize=9.5,
                    color="white" if v < 0.3 else "black",
                )
        ax.set_xticks(range(6), FIFTHS, rotation=30, ha="right")
        ax.set_yticks(range(6), FIFTHS)
        ax.set_xlabel("Five years later (pay fifth)")
        ax.set_ylabel("At the start (pay fifth)")
        ax.set_title(f"{capital(nice(ref))}: share of each row", fontsize=11.5)
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="Share of the row (%)", format=_formatter("{:.0%}"), shrink=0.8)
        up = 1 - matrix[0, 0] - matrix[0, 5]
        if panels == 1:
            title = (
                f"{capital(nice(ref))}: {up:.0%} of the bottom pay fifth are in a higher fifth five years on"
            )
        else:
            diff = _transitions(index, last, "diff")
            lo, hi = _transitions(index, last, "diff_low"), _transitions(index, last, "diff_high")
            dax = axes[1][0]
            span = max(
                float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 0, 2 * materiality.points
            )
            dim = dax.imshow(diff, cmap="PuOr", vmin=-span, vmax=span, aspect="auto")
            clear = []
            for i in range(6):
                for j in range(6):
                    separated = lo[i, j] > 0 or hi[i, j] < 0
                    material = abs(diff[i, j]) >= materiality.points
                    if separated and material:
                        clear.append((i, j))
                    text = (
                        "-"
                        if np.isnan(diff[i, j])
                        else format_change(f"transition_{i}_{j}", diff[i, j], False)
                    )
                    dax.text(
                        j,
                        i,
                        text,
                        ha="center",
                        va="center",
                        fontsize=9.5,
                        fontweight="bold" if separated and material else "normal",
                    )
            dax.set_xticks(range(6), FIFTHS, rotation=30, ha="right")
            dax.set_yticks(range(6), FIFTHS)
            dax.set_ylabel("At the start (pay fifth)")
            dax.set_xlabel("Five years later (pay fifth)")
            dax.set_title(f"{capital(nice(last))} minus {nice(ref)} (points; bold: clear)", fontsize=11.5)
            dax.grid(False)
            fig.colorbar(
                dim,
                ax=dax,
                label="Difference (percentage points)",
                format=matplotlib.ticker.FuncFormatter(lambda v, _p: f"{v * 100:+.1f}"),
                shrink=0.8,
            )
            share = _transitions(index, last, "mean")
            rows += [
                {
                    "scenario": last,
                    "from": FIFTHS[i],
                    "to": FIFTHS[j],
                    "share": share[i, j],
                    "diff": diff[i, j],
                    "diff_low": lo[i, j],
                    "diff_high": hi[i, j],
                }
                for i in range(6)
                for j in range(6)
            ]
            if clear:
                i, j = max(clear, key=lambda c: abs(diff[c]))
                title = (
                    f"Moves between pay fifths over five years: {nice(last)} changes {len(clear)} of 36 "
                    f"shares clearly, most {FIFTHS[i].lower()} to {FIFTHS[j].lower()} "
                    f"({format_change('transition_0_0', diff[i, j])} against {nice(ref)})"
                )
            else:
                title = (
                    f"Moves between pay fifths over five years: no clear difference between "
                    f"{nice(last)} and {nice(ref)} ({up:.0%} of the bottom fifth move up under {nice(ref)})"
                )
        finish(
            fig,
            title,
            provenance,
            subtitle="Everyone employed or not at the start, followed person by person",
        )
    return Chart(fig, title, rows, provenance)


def cost_equity_frontier(
    points: list[dict],
    arms: list[str],
    provenance: Provenance,
    group: str = "black_women",
    group_label: str = "Black women",
) -> Chart:
    """Each design point of a sweep: program cost against the group's year-5 pay ratio (95% intervals
    both ways), and the frontier of points no cheaper point beats. The best point is named only if its
    interval clears the best point of every other arm."""
    by = {
        (r["arm"], r["point"], r["outcome"]): r
        for r in points
        if (r["outcome"] == "program_dollars" and r["group"] == "all")
        or (r["outcome"] == "pay_ratio" and r["group"] == group)
    }
    rows = []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 5.5))
        everything = []
        for arm in arms:
            pts = sorted({p for (a, p, _o) in by if a == arm})
            cost = [by.get((arm, p, "program_dollars"), {}) for p in pts]
            ratio = [by.get((arm, p, "pay_ratio"), {}) for p in pts]
            xs = np.array([c.get("mean", np.nan) / 1e6 for c in cost])
            ys = np.array([r.get("mean", np.nan) for r in ratio])
            x_lo = np.array([c.get("ci_low", np.nan) / 1e6 for c in cost])
            x_hi = np.array([c.get("ci_high", np.nan) / 1e6 for c in cost])
            y_lo = np.array([r.get("ci_low", np.nan) for r in ratio])
            y_hi = np.array([r.get("ci_high", np.nan) for r in ratio])
            colour = scenario_colour(arm)
            ax.errorbar(
                xs,
                ys,
                xerr=[xs - x_lo, x_hi - xs],
                yerr=[ys - y_lo, y_hi - ys],
                fmt="none",
                ecolor=colour,
                alpha=0.45,
                linewidth=1,
                capsize=0,
            )
            ax.scatter(xs, ys, color=colour, label=nice(arm), s=40, zorder=3)
            everything += [
                (x, y, arm, p, lo, hi)
                for x, y, p, lo, hi in zip(xs, ys, pts, y_lo, y_hi, strict=True)
                if np.isfinite(x) and np.isfinite(y)
            ]
            rows += [
                {
                    "arm": arm,
                    "point": p,
                    "program_millions": x,
                    "program_low": a,
                    "program_high": b,
                    "pay_ratio": y,
                    "pay_ratio_low": c,
                    "pay_ratio_high": d,
                }
                for x, y, p, a, b, c, d in zip(xs, ys, pts, x_lo, x_hi, y_lo, y_hi, strict=True)
            ]
        everything.sort()
        frontier, best = [], -np.inf
        for x, y, *_rest in everything:
            if y > best:
                frontier.append((x, y))
                best = y
        if frontier:
            fx, fy = zip(*frontier, strict=True)
            ax.plot(
                fx,
                fy,
                color="#333333",
                linewidth=1.6,
                linestyle="--",
                zorder=2,
                label="frontier: no cheaper point does better",
            )
        ax.set_xlabel("Program cost over the run, all payers ($ million)")
        ax.set_ylabel(f"{group_label}: pay ratio to white men, year 5")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        if everything:
            top = max(everything, key=lambda t: t[1])
            rivals = [
                max((t for t in everything if t[2] == a), key=lambda t: t[1])
                for a in arms
                if a != top[2] and any(t[2] == a for t in everything)
            ]
            separated = all(top[4] > r[5] for r in rivals)
            if separated and rivals:
                title = (
                    f"The highest pay ratio for {group_label}, {top[1]:.3f} [{top[4]:.3f}, {top[5]:.3f}], "
                    f"comes from {nice(top[2])} at {_money(top[0] * 1e6)}, clear of every other "
                    f"scenario's best point"
                )
            else:
                title = (
                    f"No scenario clearly gives {group_label} the highest pay ratio: the best point of "
                    f"each overlaps another's 95% interval (highest {top[1]:.3f} "
                    f"[{top[4]:.3f}, {top[5]:.3f}] under {nice(top[2])})"
                )
        else:
            title = f"Program cost against {group_label}'s pay ratio: no design point has both numbers"
        finish(
            fig,
            title,
            provenance,
            subtitle="Each dot is one design point of the sweep (mean over seeds, lines: 95% intervals)",
        )
    return Chart(fig, title, rows, provenance)


# --------------------------------------------------------------------------- calibration and sensitivity


def sensitivity_tornado(result: dict, provenance: Provenance) -> Chart:
    """Sensitivity indices per outcome, largest first (Morris mu* or Sobol total index)."""
    key = "mu_star" if result["method"] == "morris" else "ST"
    outcomes = list(dict.fromkeys(r["outcome"] for r in result["indices"]))
    with chart_style():
        fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 5), squeeze=False)
        leaders = []
        for ax, outcome in zip(axes[0], outcomes, strict=True):
            rows = sorted((r for r in result["indices"] if r["outcome"] == outcome), key=lambda r: r[key])
            ax.barh([nice(r["parameter"]) for r in rows], [r[key] for r in rows], color=style.BLUE)
            ax.set_title(nice(outcome), fontsize=12)
            ax.set_xlabel("Morris mu* (outcome units)" if key == "mu_star" else "Sobol total index")
            ax.grid(axis="y", visible=False)
            leaders.append(f"{nice(outcome)}: {nice(rows[-1]['parameter'])} ({rows[-1][key]:.3g})")
        index = "Morris mu*" if key == "mu_star" else "Sobol total index"
        title = f"Most influential parameter ({index}) — " + "; ".join(leaders)
        finish(
            fig,
            title,
            provenance,
            subtitle=f"{result['method'].capitalize()} indices from {result['runs']} runs",
        )
    return Chart(fig, title, list(result["indices"]), provenance)


def calibration_fit(rows: list[dict], provenance: Provenance) -> Chart:
    """Each target's distance from the published value, in tolerances: start (hollow) and fit (filled)."""
    labels = [f"{r['target']} [{r['group']}]" for r in rows][::-1]
    tol = np.array([r["tolerance"] for r in rows])[::-1]
    pub = np.array([r["published"] for r in rows])[::-1]
    start = (np.array([r["start"] for r in rows])[::-1] - pub) / tol
    fit = (np.array([r["simulated"] for r in rows])[::-1] - pub) / tol
    lo = (np.array([r["ci_low"] for r in rows])[::-1] - pub) / tol
    hi = (np.array([r["ci_high"] for r in rows])[::-1] - pub) / tol
    y = np.arange(len(rows))
    with chart_style():
        fig, ax = plt.subplots(figsize=(10, 0.3 * len(rows) + 2))
        ax.axvspan(-1, 1, color=style.GREEN, alpha=0.12, label="within tolerance")
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.plot(start, y, "o", mfc="none", color="#999999", label="starting guess")
        ax.errorbar(
            fit,
            y,
            xerr=[fit - lo, hi - fit],
            fmt="o",
            color=style.BLUE,
            capsize=2,
            label="fitted (95% interval)",
        )
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlabel("Simulated minus published, in tolerances")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.06), ncols=3)
        inside = int(np.sum(np.abs(fit) <= 1))
        title = f"Calibration: {inside} of {len(rows)} published targets within tolerance"
        finish(fig, title, provenance)
    return Chart(fig, title, list(rows), provenance)


def convergence(history: list[dict], provenance: Provenance) -> Chart:
    """Objective at each evaluated point, by stage, and the best so far."""
    q = np.array([h["objective"] for h in history])
    stage = [h["stage"] for h in history]
    x = np.arange(1, q.size + 1)
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for name, colour in (("start", style.BLACK), ("screen", style.ORANGE), ("local", style.BLUE)):
            mask = np.array([s == name for s in stage])
            ax.plot(x[mask], q[mask], "o", markersize=3, color=colour, label=name)
        ax.plot(x, np.minimum.accumulate(q), color=style.VERMILLION, label="best so far")
        ax.set_yscale("log")
        ax.set_xlabel("Evaluation")
        ax.set_ylabel("Objective (weighted squared distance, tolerances)")
        ax.legend()
        title = f"Calibration converged from {q[0]:.2f} to {q.min():.2f} in {q.size} evaluations"
        finish(fig, title, provenance, subtitle="Global Sobol screen, then Nelder-Mead from the best points")
    return Chart(fig, title, list(history), provenance)


def validation_years(by_year: list, rows: list, provenance: Provenance) -> Chart:
    """Each program's simulated trial impact in every follow-up year (95% band over seeds), with the
    published trial's years-2-3 impact where one exists."""
    published = [r for r in rows if "share" not in r.measure and r.published == r.published]
    scenarios = list(dict.fromkeys(r.scenario for r in by_year))
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 5.2))
        for name in scenarios:
            mine = sorted((r for r in by_year if r.scenario == name), key=lambda r: r.year)
            years = [r.year for r in mine]
            colour = scenario_colour(name)
            ax.plot(years, [r.impact for r in mine], marker="o", color=colour, label=nice(name))
            ax.fill_between(years, [r.ci_low for r in mine], [r.ci_high for r in mine], color=colour,
                            alpha=0.15, linewidth=0)  # fmt: skip
        for r in published:
            ax.errorbar([2.5], [r.published], xerr=[[0.5], [0.5]], yerr=[[r.tolerance], [r.tolerance]],
                        fmt="D", color="#333333", capsize=3,
                        label=f"published trial, years 2-3 ({nice(r.scenario)})")  # fmt: skip
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xlabel("Year after random assignment")
        ax.set_ylabel("Earnings impact ($ per year)")
        ax.yaxis.set_major_formatter(_formatter("${:,.0f}"))
        last = max((r.year for r in by_year), default=1)
        ax.set_xticks(range(1, last + 1))
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2)
        title = "Synthetic trials of the library's programs, year by year"
        if scenarios:
            first = {r.year: r.impact for r in by_year if r.scenario == scenarios[0]}
            last = max(first)
            window = np.mean([first.get(2, np.nan), first.get(3, np.nan)])
            title = (
                f"{nice(scenarios[0]).capitalize()}: {_money(window)} a year in years 2-3 after random "
                f"assignment, {_money(first[last])} in year {last}"
            )
            mine = [r for r in published if r.scenario == scenarios[0]]
            if mine:
                title += f"; the published trial found {_money(mine[0].published)} in years 2-3"
        finish(fig, title, provenance, subtitle="Held out: no parameter was fitted to these figures")
    return Chart(fig, title, [dict(vars(r)) for r in by_year], provenance)


def scale_up(rows: list, program: str, provenance: Provenance) -> Chart:
    """A program at larger seat counts (``pathways scale``): the trial's impact on participants, the
    change for non-participants in its sector, and the whole market's earnings, each with 95% intervals."""
    panels = (
        ("itt", "Impact on those offered a seat,\nyears 2-3 ($ per year)"),
        ("displacement", "Change for non-participants\nin the sector ($ per year)"),
        ("annual_earnings", "Change in mean earnings,\nwhole market ($ per year)"),
    )
    by = {(r.multiplier, r.measure): r for r in rows}
    multipliers = sorted({r.multiplier for r in rows})
    colour = scenario_colour(program)
    with chart_style():
        fig, axes = plt.subplots(1, 3, figsize=(11, 4.6))
        for ax, (measure, label) in zip(axes, panels, strict=True):
            found = [by[(m, measure)] for m in multipliers if (m, measure) in by]
            x = [r.multiplier for r in found]
            mean = np.array([r.mean for r in found])
            low = np.array([r.ci_low for r in found])
            high = np.array([r.ci_high for r in found])
            ax.errorbar(x, mean, yerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)], fmt="o-",
                        color=colour, capsize=3, label=nice(program))  # fmt: skip
            ax.axhline(0, color="#555555", linewidth=0.8)
            ax.set_xscale("log")
            ax.set_xticks(multipliers, [f"x{m:g}" for m in multipliers])
            ax.minorticks_off()
            ax.set_xlabel("Seats (times the program as run)")
            ax.set_title(label, loc="left", fontsize=10)
            ax.yaxis.set_major_formatter(_formatter("${:,.0f}"))
        axes[0].legend(loc="upper left", bbox_to_anchor=(0, -0.2))
        top = multipliers[-1] if multipliers else 1
        itt, moved = by.get((top, "itt")), by.get((top, "displacement"))
        if itt is not None and moved is not None:
            clear = moved.ci_low == moved.ci_low and (moved.ci_low > 0 or moved.ci_high < 0)
            change = f"change by {_money(moved.mean)}" if clear else "change by an amount not told from $0"
            title = (
                f"At {top:g} times the seats, a trial would find {_money(itt.mean)} a year for participants; "
                f"non-participants in the sector {change}"
            )
        else:
            title = f"{nice(program).capitalize()} at larger seat counts"
        finish(fig, title, provenance, subtitle="Paired by seed against the same market without the program")
    return Chart(fig, title, [dict(vars(r)) for r in rows], provenance)


def audit_callbacks(rows: list, scenario, provenance: Provenance) -> Chart:
    """``pathways audit``: callback rates of identical applications by group, and each group's gap to the
    reference group, with 95% intervals over seeds."""
    by = {(r.group, r.measure): r for r in rows}
    groups = [g for g in scenario.groups if (g, "callback_rate") in by]
    reference = scenario.meta.reference_group
    y = np.arange(len(groups))[::-1]
    with chart_style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.45 * len(groups) + 2.6), sharey=True)
        for yi, g in zip(y, groups, strict=True):
            spec = scenario.groups[g]
            style = group_style(spec.race, spec.gender)
            for ax, measure, scale in ((left, "callback_rate", 100), (right, "gap", 100)):
                r = by[(g, measure)]
                low, high = np.nan_to_num(r.mean - r.ci_low), np.nan_to_num(r.ci_high - r.mean)
                label = spec.label if ax is left else None
                ax.errorbar([r.mean * scale], [yi], xerr=[[low * scale], [high * scale]], fmt=style["marker"],
                            color=style["color"], capsize=3, label=label)  # fmt: skip
        right.axvline(0, color="#555555", linewidth=0.8)
        left.set_yticks(y, [scenario.groups[g].label for g in groups])
        left.set_xlabel("Callback rate of identical applications (%)")
        right.set_xlabel(f"Gap to {scenario.groups[reference].label} (percentage points)")
        for ax in (left, right):
            ax.grid(axis="y", visible=False)
        others = [g for g in groups if g != reference]
        worst = max(others, key=lambda g: by[(g, "gap")].mean) if others else reference
        ratio = by[(worst, "ratio")].mean
        title = (
            f"Identical applications: {scenario.groups[worst].label} are called back {ratio:.0%} as often as "
            f"{scenario.groups[reference].label}"
        )
        subtitle = "The model's employers screen and score them as they do real applicants"
        finish(fig, title, provenance, subtitle=subtitle)
    data = [dict(vars(r)) for r in rows]
    return Chart(fig, title, data, provenance)


def validation(rows: list, provenance: Provenance) -> Chart:
    """Each program's simulated trial impact (95% interval) beside the published one."""
    rows = [r for r in rows if "share" not in r.measure]
    published_rows = [r for r in rows if r.published == r.published]
    y = np.arange(len(rows))[::-1]
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 0.9 * len(rows) + 2.4))
        for yi, r in zip(y, rows, strict=True):
            ax.errorbar(
                [r.simulated],
                [yi],
                xerr=[[r.simulated - r.ci_low], [r.ci_high - r.simulated]],
                fmt="o",
                color=scenario_colour(r.scenario),
                capsize=3,
                label="model (95% interval over seeds)" if yi == y[0] else None,
            )
            if r.published == r.published:
                ax.errorbar(
                    [r.published],
                    [yi + 0.2],
                    xerr=[[r.tolerance], [r.tolerance]],
                    fmt="D",
                    color="#333333",
                    capsize=3,
                    label="published trial (range)" if r is published_rows[0] else None,
                )
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(y, [nice(r.scenario) for r in rows])
        ax.set_xlabel("Earnings impact, years 2-3 after random assignment ($ per year)")
        ax.xaxis.set_major_formatter(_formatter("${:,.0f}"))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2)
        if published_rows:
            r = published_rows[0]
            title = (
                f"{nice(r.scenario).capitalize()}: simulated earnings gain {_money(r.simulated)}, "
                f"{r.simulated / r.published:.1f} times the published trial's {_money(r.published)}"
            )
        else:
            title = "Synthetic trials of the library's programs"
        finish(fig, title, provenance, subtitle="Held out: no parameter was fitted to these figures")
    out = [dict(vars(r)) for r in rows]
    return Chart(fig, title, out, provenance)
