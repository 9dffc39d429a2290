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


def calibration_fit_chart(rows: list[dict], path: Path) -> None:
    """Each target's distance from the published value, in tolerances: start (hollow) and fit (filled)."""
    labels = [f"{r['target']} [{r['group']}]" for r in rows][::-1]
    tol = np.array([r["tolerance"] for r in rows])[::-1]
    pub = np.array([r["published"] for r in rows])[::-1]
    start = (np.array([r["start"] for r in rows])[::-1] - pub) / tol
    fit = (np.array([r["simulated"] for r in rows])[::-1] - pub) / tol
    lo = (np.array([r["ci_low"] for r in rows])[::-1] - pub) / tol
    hi = (np.array([r["ci_high"] for r in rows])[::-1] - pub) / tol
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.6), layout="constrained")
    ax.axvspan(-1, 1, color="#009E73", alpha=0.12, label="within tolerance")
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.plot(start, y, "o", mfc="none", color="#999999", label="starting guess")
    ax.errorbar(
        fit, y, xerr=[fit - lo, hi - fit], fmt="o", color="#0072B2", capsize=2, label="fitted (95% interval)"
    )
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("Simulated minus published, in tolerances")
    inside = int(np.sum(np.abs(fit) <= 1))
    ax.set_title(f"Calibration: {inside} of {len(rows)} targets within tolerance", loc="left")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)


def convergence_chart(history: list[dict], path: Path) -> None:
    """Objective at each evaluated point, by stage, and the best so far."""
    q = np.array([h["objective"] for h in history])
    stage = [h["stage"] for h in history]
    x = np.arange(1, q.size + 1)
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    for name, colour in (("start", "#000000"), ("screen", "#E69F00"), ("local", "#0072B2")):
        mask = np.array([s == name for s in stage])
        ax.plot(x[mask], q[mask], "o", markersize=3, color=colour, label=name)
    ax.plot(x, np.minimum.accumulate(q), color="#D55E00", label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("Evaluation")
    ax.set_ylabel("Objective (mean squared distance, tolerances)")
    ax.set_title("Calibration convergence: global screen, then local search", loc="left")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)


def validation_chart(rows: list, path: Path) -> None:
    """Each program's simulated trial impact (dots, 95% interval) beside the published one (diamond)."""
    rows = [r for r in rows if "share" not in r.measure]
    y = np.arange(len(rows))[::-1]
    fig, ax = plt.subplots(figsize=(9, 1.0 * len(rows) + 1.5), layout="constrained")
    for yi, r in zip(y, rows, strict=True):
        ax.errorbar(
            [r.simulated],
            [yi],
            xerr=[[r.simulated - r.ci_low], [r.ci_high - r.simulated]],
            fmt="o",
            color="#0072B2",
            capsize=3,
            label="model (95% interval over seeds)" if yi == y[0] else None,
        )
        if r.published == r.published:
            ax.errorbar(
                [r.published],
                [yi + 0.15],
                xerr=[[r.tolerance], [r.tolerance]],
                fmt="D",
                color="#D55E00",
                capsize=3,
                label="published trial (range)",
            )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(y, [f"{r.scenario}\n({r.program})" for r in rows], fontsize=9)
    ax.set_xlabel("Earnings impact, years 2-3 after random assignment (dollars per year)")
    ax.set_title("Validation: synthetic trials against published trials (not fitted)", loc="left")
    fig.legend(frameon=False, fontsize=9, loc="outside lower center", ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)


def tornado_chart(result: dict, path: Path) -> None:
    """Sensitivity indices per outcome, largest first (Morris mu* or Sobol total index)."""
    key = "mu_star" if result["method"] == "morris" else "ST"
    outcomes = list(dict.fromkeys(r["outcome"] for r in result["indices"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 4.5), layout="constrained")
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        rows = sorted((r for r in result["indices"] if r["outcome"] == outcome), key=lambda r: r[key])
        ax.barh([r["parameter"] for r in rows], [r[key] for r in rows], color="#0072B2")
        ax.set_title(outcome.replace("_", " "), loc="left", fontsize=11)
        ax.set_xlabel("Morris mu* (outcome units)" if key == "mu_star" else "Sobol total index")
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        f"Sensitivity of key outcomes to the free parameters ({result['method']}, {result['runs']} runs)",
        x=0.01,
        ha="left",
    )
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)
