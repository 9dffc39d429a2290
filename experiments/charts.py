"""Charts of a single run."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from ..simulation import Scenario

# Okabe-Ito palette (colour-blind safe); one fixed colour per group.
OKABE_ITO = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
PANELS = (
    ("unemployment_rate", "Unemployment rate", "{:.0%}"),
    ("pay_ratio", "Median pay relative to {ref}", "{:.2f}"),
    ("good_job_share", "Share of workers in good jobs", "{:.0%}"),
    ("training_share", "Share of people in training", "{:.1%}"),
)


def main_series_chart(table: pa.Table, scenario: Scenario, seed: int, path: Path) -> None:
    """Four panels of monthly series by group; men solid, women dashed."""
    data = table.to_pydict()
    month = np.asarray(data["month"])
    group = np.asarray(data["group"])
    names = list(scenario.groups)
    ref_label = scenario.groups[scenario.meta.reference_group].label
    races = list(dict.fromkeys(g.race for g in scenario.groups.values()))

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    for ax, (col, title, fmt) in zip(axes.ravel(), PANELS, strict=True):
        values = np.asarray(data[col], dtype=float)
        for name in names:
            g = scenario.groups[name]
            mask = group == name
            ax.plot(
                month[mask] / 12.0,
                values[mask],
                color=OKABE_ITO[races.index(g.race) % len(OKABE_ITO)],
                linestyle="-" if g.gender == "men" else "--",
                linewidth=1.6,
                label=g.label,
            )
        ax.set_title(title.format(ref=ref_label), loc="left", fontsize=11)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p, f=fmt: f.format(v)))
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[1]:
        ax.set_xlabel("Years since start of recording")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False, fontsize=9)
    fig.suptitle(f"{scenario.meta.name}: outcomes by group", fontsize=13, x=0.01, ha="left")
    fig.text(
        0.99, 0.995,
        f"Pathways {_version()} · scenario {scenario.meta.name} · seed {seed} · "
        f"{scenario.run.workers:,} workers · colour = race/ethnicity, dashed = women",
        ha="right", va="top", fontsize=8, color="#555555",
    )  # fmt: skip
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)


def _version() -> str:
    import pathways

    return pathways.__version__


COMPARE_PANELS = (
    ("enrolment_per_10k", "Enrolments per 10,000 people", "{:.0f}"),
    ("completion_rate", "Completion rate", "{:.0%}"),
    ("placement_rate_120d", "Placed within 120 days of completing", "{:.0%}"),
    ("mobility_rate", "Low-wage workers above the line 5 years on", "{:.0%}"),
    ("pay_ratio", "Median pay relative to white men, year 5", "{:.2f}"),
    ("annual_earnings", "Mean annual earnings per person ($ thousand)", "{:,.0f}"),
)
# Scenario colours (Okabe-Ito, skipping black): fixed by position in the comparison.
SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]


def compare_chart(summary: list[dict], arms, seeds: list[int], path: Path) -> None:
    """Key outcomes by group for each scenario: dots at the mean, bars for the 95% interval."""
    index = {(r["scenario"], r["group"], r["outcome"]): r for r in summary}
    groups = ["all"] + [g for g in dict.fromkeys(r["group"] for r in summary) if g != "all"]
    labels = [a.label for a in arms]
    names = {"all": "Everyone", **{k: g.label for k, g in arms[0].scenario.groups.items()}}
    panels = [p for p in COMPARE_PANELS if any(k[2] == p[0] for k in index)]
    ncols = 3
    nrows = (len(panels) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(15, 4.2 * nrows + 1), layout="constrained", squeeze=False)
    y = np.arange(len(groups))[::-1]
    offsets = np.linspace(-0.25, 0.25, len(labels)) if len(labels) > 1 else np.zeros(1)
    for ax, (outcome, title, fmt) in zip(axes.ravel(), panels, strict=False):
        for k, lab in enumerate(labels):
            mean, lo, hi = [], [], []
            for g in groups:
                r = index.get((lab, g, outcome))
                mean.append(np.nan if r is None else r["mean"])
                lo.append(np.nan if r is None else r["ci_low"])
                hi.append(np.nan if r is None else r["ci_high"])
            mean, lo, hi = map(np.asarray, (mean, lo, hi))
            if outcome == "annual_earnings":
                mean, lo, hi = mean / 1000, lo / 1000, hi / 1000
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            ax.errorbar(mean, y + offsets[k], xerr=[mean - lo, hi - mean], fmt="o", color=colour,
                        markersize=5, capsize=2, linewidth=1.2, label=lab)  # fmt: skip
        ax.set_yticks(y, [names.get(g, g) for g in groups])
        ax.set_title(title, loc="left", fontsize=11)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p, f=fmt: f.format(v)))
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    handles, leg = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, leg, loc="outside lower center", ncols=len(labels), frameon=False, fontsize=10)
    fig.suptitle(
        "Scenario comparison by group (mean over seeds, 95% interval)", fontsize=13, x=0.01, ha="left"
    )
    workers = arms[0].scenario.run.workers
    fig.text(0.99, 0.995, f"Pathways {_version()} · {', '.join(labels)} · {len(seeds)} seeds "
             f"({seeds[0]}-{seeds[-1]}) · {workers:,} workers", ha="right", va="top", fontsize=8,
             color="#555555")  # fmt: skip
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)
