"""The one chart style of the project, and how every chart is saved.

* ``pathways.mplstyle`` (shipped in the package) sets fonts, sizes and grids
  readable at slide and print size; text stays text in SVG and fonts are
  embedded as TrueType in PDF.
* Colours are colour-blind safe (Okabe and Ito 2008) and fixed: each
  race/ethnicity has one colour in every chart, men and women differ by line
  and marker style (never blue and pink), and each scenario of the library
  has one colour in every chart.
* :func:`save` writes PNG (300 dpi), SVG and PDF with provenance in the file
  metadata, and the chart's data beside it as CSV.
* :func:`finish` gives a chart its title (a finding in words) and the source
  line under it (scenario files, seeds, version).
"""

from __future__ import annotations

import textwrap
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .io import write_csv

STYLE_FILE = Path(__file__).with_name("pathways.mplstyle")

# Okabe-Ito colours.
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)  # fmt: skip
GREY = "#666666"
RACE_COLOURS = {"white": "#444444", "black": ORANGE, "hispanic": BLUE, "asian": GREEN}
GENDER_LINES = {"men": "-", "women": "--"}
GENDER_MARKERS = {"men": "o", "women": "s"}
EVERYONE = BLACK
# Library scenarios keep their colour in every chart; others take the next free one by name.
SCENARIO_COLOURS = {
    "baseline": GREY,
    "calibrated": "#888888",
    "tuition_bootcamp": VERMILLION,
    "isa_bootcamp": PURPLE,
    "sectoral_tuition_free": GREEN,
    "apprenticeship": BLUE,
    "labor_management_homecare": ORANGE,
}
_SPARE = [SKY, YELLOW, "#882255", "#44AA99", "#999933", "#AA4499"]


def scenario_colour(name: str) -> str:
    if name in SCENARIO_COLOURS:
        return SCENARIO_COLOURS[name]
    return _SPARE[zlib.crc32(name.encode()) % len(_SPARE)]


def group_style(race: str, gender: str) -> dict:
    """Line and marker style of a group: colour by race/ethnicity, dashes and squares for women."""
    return {"color": RACE_COLOURS.get(race, GREY), "linestyle": GENDER_LINES.get(gender, "-"),
            "marker": GENDER_MARKERS.get(gender, "o")}  # fmt: skip


@dataclass(frozen=True)
class Provenance:
    """Where a chart's numbers come from: printed under it and stored in its files."""

    scenarios: tuple[str, ...]  # scenario files
    seeds: str  # e.g. "1-20"
    version: str
    note: str = ""

    def line(self) -> str:
        parts = [f"Source: Pathways {self.version} simulation", "scenarios " + ", ".join(self.scenarios),
                 f"seeds {self.seeds}"]  # fmt: skip
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


@contextmanager
def chart_style():
    with plt.style.context(str(STYLE_FILE)):
        yield


def finish(fig, title: str, provenance: Provenance, subtitle: str = "") -> None:
    """Title (the finding, in words, wrapped to the width) at the top left, an optional subtitle, and the
    source line at the bottom left; the plots keep the space between."""
    width, height = fig.get_size_inches()
    title_lines = textwrap.wrap(title, int(width * 7.0)) or [""]
    source_lines = textwrap.wrap(provenance.line(), int(width * 13.5))
    top = 0.12 + 0.27 * len(title_lines)  # inches used above the plots
    fig.text(0.01, 1 - 0.1 / height, "\n".join(title_lines), ha="left", va="top", fontsize=14,
             fontweight="bold", linespacing=1.25)  # fmt: skip
    if subtitle:
        fig.text(0.01, 1 - top / height, subtitle, ha="left", va="top", fontsize=10.5, color="#333333")
        top += 0.36
    fig.text(
        0.01, 0.08 / height, "\n".join(source_lines), ha="left", va="bottom", fontsize=8, color="#555555"
    )
    bottom = 0.12 + 0.16 * len(source_lines)
    # The layout rect is (left, bottom, width, height) in figure fractions.
    fig.get_layout_engine().set(rect=(0, bottom / height, 1, 1 - (top + 0.08 + bottom) / height))


def save(fig, stem: Path, rows: list[dict], provenance: Provenance, title: str) -> list[Path]:
    """Write ``stem``.png (300 dpi), .svg, .pdf and .csv (the data shown); returns the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    description = provenance.line()
    png, svg, pdf, csv = (stem.with_suffix(s) for s in (".png", ".svg", ".pdf", ".csv"))
    # The writers read the font settings (text as text in SVG, TrueType in PDF) and the SVG id salt
    # when saving, so the house style must be in force here, not only while drawing.
    with chart_style():
        fig.savefig(png, dpi=300, metadata={"Title": title, "Description": description, "Software": None})
        fig.savefig(svg, metadata={"Title": title, "Description": description, "Date": None, "Creator": None})
        fig.savefig(pdf, metadata={"Title": title, "Subject": description, "Creator": None, "Producer": None,
                                   "CreationDate": None})  # fmt: skip
    plt.close(fig)
    if rows:
        write_csv(rows, csv)
    return [png, svg, pdf, csv]
