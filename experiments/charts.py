"""The chart catalogue: one message per chart, each a function over results tables.

Every function returns a :class:`Chart` (figure, title, the data shown,
provenance); ``chart.save(stem)`` writes PNG, SVG, PDF and CSV in the house
style (:mod:`.style`). Titles state the finding in words, computed from the
numbers shown; the source line names scenario files, seeds and version.

=========================  ==========================================================
chart                      made from
=========================  ==========================================================
main_series                one run's monthly metrics (``pathways run``)
comparison_by_group        a comparison summary: one outcome, dots with 95% intervals
gaps_over_time             a comparison summary: a group's pay ratio by year, bands
program_funnel             a comparison summary: of 100 enrolees, completed/placed/kept
mobility_heatmap           a comparison summary: five-year quintile transitions
cost_equity_frontier       a sweep's per-point summary: cost against equity gain
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
from .style import Provenance, chart_style, finish, group_style, scenario_colour

plt = style.plt


@dataclass
class Chart:
    fig: object
    title: str
    rows: list[dict]
    provenance: Provenance

    def save(self, stem: Path) -> list[Path]:
        return style.save(self.fig, Path(stem), self.rows, self.provenance, self.title)


def nice(name: str) -> str:
    return name.replace("_", " ")


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


def _clear_leader(index: dict, labels: list[str], group: str, outcome: str) -> str | None:
    """The scenario with the highest mean if its lead over every other is beyond noise, else None.

    Against the first scenario the paired difference (common seeds) and its 95% interval decide;
    between two other scenarios, whose pairing the summary does not hold, the intervals of the
    means must not overlap.
    """
    rows = {lab: index.get((lab, group, outcome)) for lab in labels}
    rows = {lab: r for lab, r in rows.items() if r and np.isfinite(r["mean"])}
    if len(rows) < 2:
        return next(iter(rows), None)
    best = max(rows, key=lambda lab: rows[lab]["mean"])
    first = labels[0]
    for lab, r in rows.items():
        if lab == best:
            continue
        if first in (lab, best):
            paired = rows[best if best != first else lab]
            lo, hi = paired.get("diff_low", np.nan), paired.get("diff_high", np.nan)
            beyond = (lo > 0) if best != first else (hi < 0)
        else:
            beyond = rows[best]["ci_low"] > r["ci_high"]
        if not beyond:
            return None
    return best


def _finding(what: str, value: dict[str, str], labels: list[str], leader: str | None) -> str:
    """A title stating the finding: which scenario is higher, or that the difference is within noise."""
    if len(labels) == 1:
        return f"{what}: {value[labels[0]]} under {nice(labels[0])}"
    if leader is None:
        listed = ", ".join(f"{value[lab]} under {nice(lab)}" for lab in labels)
        return f"{what}: no clear difference between the scenarios ({listed})"
    others = ", ".join(f"{value[lab]} under {nice(lab)}" for lab in labels if lab != leader)
    return f"{what} is higher under {nice(leader)}: {value[leader]} against {others}"


def _spread(values: list[float], gap: float) -> list[float]:
    """Label positions near ``values`` (same order), at least ``gap`` apart, for direct labels."""
    order = np.argsort(values, kind="stable")
    out = np.asarray(values, float).copy()
    for k in range(1, len(order)):
        out[order[k]] = max(out[order[k]], out[order[k - 1]] + gap)
    # Centre the block on the original values so labels do not all drift upwards.
    out -= (out - np.asarray(values, float)).mean()
    return list(out)


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
) -> Chart:
    """One outcome by group for each scenario: dots at the mean, bars for the 95% interval over seeds."""
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
        # Direct labels beside the "Everyone" row when there are few scenarios; a legend otherwise.
        if len(labels) <= 3:
            for k, lab in enumerate(labels):
                r = index.get((lab, groups[0], outcome), {})
                x = r.get("ci_high", r.get("mean", np.nan))
                if np.isfinite(x):
                    ax.annotate(
                        nice(lab),
                        (x, y[0] + offsets[k]),
                        xytext=(6, 0),
                        textcoords="offset points",
                        va="center",
                        fontsize=10,
                        color=scenario_colour(lab),
                        fontweight="bold",
                    )
            ax.set_ylim(y[-1] - 0.6, y[0] + 0.6)
        else:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        everyone = {lab: index.get((lab, "all", outcome), {}).get("mean", np.nan) for lab in labels}
        value = {lab: _signed(unit_fmt, everyone[lab]) for lab in labels}
        leader = _clear_leader(index, labels, "all", outcome)
        title = _finding(words.split(" (")[0], value, labels, leader)
        finish(fig, title, provenance, subtitle="Mean over seeds with 95% interval, by group")
    return Chart(fig, title, rows, provenance)


def gaps_over_time(
    summary: list[dict],
    labels: list[str],
    group: str,
    group_label: str,
    provenance: Provenance,
    measure: str = "pay_ratio",
) -> Chart:
    """A group's yearly pay ratio to white men under each scenario, with 95% bands over seeds."""
    index = _index(summary)
    years = sorted(
        {
            int(r["outcome"].rsplit("_", 1)[1])
            for r in summary
            if r["outcome"].startswith(f"{measure}_year_") and r["group"] == group
        }
    )
    rows = []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 5))
        ends = {}
        for lab in labels:
            got = [index.get((lab, group, f"{measure}_year_{y}")) for y in years]
            m = np.array([r["mean"] if r else np.nan for r in got])
            lo = np.array([r["ci_low"] if r else np.nan for r in got])
            hi = np.array([r["ci_high"] if r else np.nan for r in got])
            colour = scenario_colour(lab)
            ax.fill_between(years, lo, hi, color=colour, alpha=0.18, linewidth=0)
            ax.plot(years, m, color=colour, marker="o", label=nice(lab))
            ends[lab] = m[-1]
            rows += [
                {"scenario": lab, "group": group, "year": y, "mean": a, "ci_low": b, "ci_high": c}
                for y, a, b, c in zip(years, m, lo, hi, strict=True)
            ]
        ax.set_xlabel("Year since the start of recording")
        ax.set_ylabel(f"{group_label}: median pay / white men's")
        ax.set_xlim(years[0] - 0.3, years[-1] + (2.2 if len(labels) <= 4 else 0.3))
        labelled = [lab for lab in labels if np.isfinite(ends[lab])]
        if len(labels) <= 4:
            # Direct labels at the line ends, pushed apart where the lines end close together.
            low, high = ax.get_ylim()
            spots = _spread([ends[lab] for lab in labelled], 0.05 * (high - low))
            for lab, at in zip(labelled, spots, strict=True):
                ax.annotate(
                    nice(lab),
                    (years[-1], ends[lab]),
                    xytext=(years[-1] + 0.25, at),
                    va="center",
                    color=scenario_colour(lab),
                    fontsize=10,
                )
        else:
            ax.legend(loc="lower left")
        head = f"{group_label}'s pay ratio to white men after {years[-1]} years"
        leader = _clear_leader(index, labels, group, f"{measure}_year_{years[-1]}")
        title = _finding(head, {lab: f"{ends[lab]:.2f}" for lab in labels}, labels, leader)
        finish(fig, title, provenance, subtitle="Mean over seeds; bands are 95% intervals")
    return Chart(fig, title, rows, provenance)


def program_funnel(
    summary: list[dict], labels: list[str], group_labels: dict, provenance: Provenance
) -> Chart:
    """Of every 100 enrolees: how many complete, are placed within 120 days and are employed a year on."""
    index = _index(summary)
    groups = [g for g in _groups(summary) if any((lab, g, "completion_rate") in index for lab in labels)]
    stages = ("completed", "placed within 120 days", "employed a year later")
    rows = []
    with chart_style():
        fig, axes = plt.subplots(
            1, len(labels), figsize=(5.2 * len(labels), 0.42 * len(groups) + 2.4), sharey=True, squeeze=False
        )
        kept_all = {}
        for ax, lab in zip(axes[0], labels, strict=True):
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
        axes[0][0].legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.13), ncols=3)
        best = max(kept_all, key=kept_all.get)
        title = (
            f"Of 100 enrolees, {kept_all[best]:.0f} are placed and still employed a year later under "
            f"{nice(best)}"
        )
        if len(kept_all) > 1:
            title += (
                " (" + ", ".join(f"{v:.0f} under {nice(k)}" for k, v in kept_all.items() if k != best) + ")"
            )
        finish(fig, title, provenance, subtitle="Program funnel by group, mean over seeds")
    return Chart(fig, title, rows, provenance)


QUINTILES = ["Bottom fifth", "2nd", "3rd", "4th", "Top fifth", "Not employed"]


def mobility_heatmap(summary: list[dict], label: str, provenance: Provenance) -> Chart:
    """Where people in each pay quintile at the start are five years later (row shares)."""
    index = _index(summary)
    matrix = np.array(
        [
            [index.get((label, "all", f"transition_{i}_{j}"), {}).get("mean", np.nan) for j in range(6)]
            for i in range(6)
        ]
    )
    rows = [{"from": QUINTILES[i], **{QUINTILES[j]: matrix[i, j] for j in range(6)}} for i in range(6)]
    with chart_style():
        fig, ax = plt.subplots(figsize=(8.5, 6.5))
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
                    fontsize=10,
                    color="white" if v < 0.3 else "black",
                )
        ax.set_xticks(range(6), QUINTILES, rotation=25, ha="right")
        ax.set_yticks(range(6), QUINTILES)
        ax.set_xlabel("Five years later (pay quintile)")
        ax.set_ylabel("At the start (pay quintile)")
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="Share of the row (%)", format=_formatter("{:.0%}"))
        up = 1 - matrix[0, 0] - matrix[0, 5]
        title = f"{nice(label).capitalize()}: {up:.0%} of the bottom pay fifth move up within five years"
        finish(fig, title, provenance, subtitle="Everyone employed at the start, followed person by person")
    return Chart(fig, title, rows, provenance)


def cost_equity_frontier(
    points: list[dict],
    arms: list[str],
    provenance: Provenance,
    group: str = "black_women",
    group_label: str = "Black women",
) -> Chart:
    """Each design point of a sweep: program cost against the group's year-5 pay ratio, and the frontier."""
    by = {
        (r["arm"], r["point"], r["outcome"]): r
        for r in points
        if r["group"] in ("all", group)
        and (
            (r["outcome"] == "program_dollars" and r["group"] == "all")
            or (r["outcome"] == "pay_ratio" and r["group"] == group)
        )
    }
    rows = []
    with chart_style():
        fig, ax = plt.subplots(figsize=(9, 5.5))
        everything = []
        for arm in arms:
            pts = sorted({p for (a, p, _o) in by if a == arm})
            xs = [by.get((arm, p, "program_dollars"), {}).get("mean", np.nan) / 1e6 for p in pts]
            ys = [by.get((arm, p, "pay_ratio"), {}).get("mean", np.nan) for p in pts]
            ax.scatter(xs, ys, color=scenario_colour(arm), label=nice(arm), s=40)
            everything += [
                (x, y, arm, p)
                for x, y, p in zip(xs, ys, pts, strict=True)
                if np.isfinite(x) and np.isfinite(y)
            ]
            rows += [
                {"arm": arm, "point": p, "program_millions": x, "pay_ratio": y}
                for x, y, p in zip(xs, ys, pts, strict=True)
            ]
        everything.sort()
        frontier, best = [], -np.inf
        for x, y, _arm, _point in everything:
            if y > best:
                frontier.append((x, y))
                best = y
        if frontier:
            fx, fy = zip(*frontier, strict=True)
            ax.plot(fx, fy, color="#333333", linewidth=1, linestyle=":", label="frontier")
        ax.set_xlabel("Program cost over the run, all payers ($ million)")
        ax.set_ylabel(f"{group_label}: pay ratio to white men, year 5")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        top = max(everything, key=lambda t: t[1]) if everything else (np.nan, np.nan, "-", 0)
        title = (
            f"The highest pay ratio for {group_label}, {top[1]:.3f}, comes from {nice(top[2])} "
            f"at {_money(top[0] * 1e6)}"
        )
        finish(fig, title, provenance, subtitle="Each dot is one design point of the sweep (mean over seeds)")
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
        ax.set_ylabel("Objective (mean squared distance, tolerances)")
        ax.legend()
        title = f"Calibration converged from {q[0]:.2f} to {q.min():.2f} in {q.size} evaluations"
        finish(fig, title, provenance, subtitle="Global Sobol screen, then Nelder-Mead from the best points")
    return Chart(fig, title, list(history), provenance)


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
