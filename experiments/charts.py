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
