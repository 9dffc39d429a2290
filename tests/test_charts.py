"""The chart catalogue, drawn from small real results: what a reader relies on, not pixels.

Every chart of :mod:`pathways.experiments.charts` is made from tiny but real
runs (a comparison, a sweep, a calibration, the validation trials, a
sensitivity screen and one run), built once per module, and checked for: a
title that states a finding with a number, labelled axes with units, every
scenario named, a source line under the plots, the files written by ``save``
(PNG at 300 dpi, SVG with text kept as text, PDF with embedded TrueType fonts,
CSV holding the numbers shown, provenance in the metadata), the fixed colours,
and byte-identical files when the same chart is made twice.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cbook import is_math_text
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from PIL import Image

import pathways
from conftest import BASELINE, ROOT, small
from pathways.calibration.sensitivity import OUTCOMES
from pathways.experiments import charts
from pathways.experiments.style import RACE_COLOURS, Provenance, scenario_colour

VERSION = pathways.__version__
SCENARIOS = ROOT / "scenarios"
FOCUS = "black_women"  # the group the brief follows (brief.FOCUS_GROUP)

# --------------------------------------------------------------------------- real results, once per module


@dataclass
class Comparison:
    labels: list[str]
    summary: list[dict]
    groups: dict[str, str]
    group_labels: dict[str, str]
    provenance: Provenance


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    """Tuition bootcamp against apprenticeship: 2 seeds, 2,500 workers, five recorded years."""
    from pathways.experiments.compare import load_arms, run_all, seeds_for, summarise

    workers = 2500
    files = [SCENARIOS / "tuition_bootcamp.toml", SCENARIOS / "apprenticeship.toml"]
    run = {"run": {"workers": workers, "months": 60, "burn_in_months": 12}}
    arms = load_arms([str(f) for f in files], run)
    seeds = seeds_for(arms, 2)
    summary = summarise(run_all(arms, seeds, jobs=2), arms)
    # As the brief does it (brief._compare_brief), from the arms instead of the manifest.
    groups = {k: g.label for k, g in arms[0].scenario.groups.items()}
    provenance = Provenance(
        tuple(Path(a.path).name for a in arms), f"{seeds[0]}-{seeds[-1]}", VERSION, f"{workers:,} workers"
    )
    return Comparison([a.label for a in arms], summary, groups, {"all": "Everyone", **groups}, provenance)


@dataclass
class SweepResult:
    arms: list[str]
    points: list[dict]
    groups: dict[str, str]
    provenance: Provenance


@pytest.fixture(scope="module")
def sweep_result(small_sweep) -> SweepResult:
    """conftest.small_sweep, summarised as ``pathways summarize`` does."""
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarise_sweep

    plan, out = small_sweep
    table, failures = sw.combine(plan, out)
    assert not failures
    points = summarise_sweep(plan, table)["points"]
    spec = plan.spec
    first = next(iter(plan.scenarios.values()))
    # As brief._sweep_brief makes it.
    provenance = Provenance(
        tuple(Path(a.scenario).name for a in spec.arms.values()),
        f"{spec.sweep.seeds} per point from sweep seed {spec.sweep.seed}",
        VERSION,
        f"{spec.sweep.workers:,} workers; {len(plan.points)} design points",
    )
    return SweepResult(list(spec.arms), points, {k: g.label for k, g in first.groups.items()}, provenance)


@dataclass
class Fit:
    fit_rows: list[dict]
    history: list[dict]
    provenance: Provenance


@pytest.fixture(scope="module")
def calibration_result(tiny_fit) -> Fit:
    """The tiny fit (conftest.tiny_fit: 4 screened points, 3 local evaluations)."""
    _, result = tiny_fit
    s = result.config.calibration
    # As calibration.report.write_report makes it.
    provenance = Provenance(
        (Path(s.scenario).name, "calibration/targets.csv"),
        f"{s.replicates} per point, from {s.seed}",
        VERSION,
        f"{s.workers:,} workers",
    )
    return Fit(result.fit_rows, result.history, provenance)


@pytest.fixture(scope="module")
def validation_result():
    from pathways.calibration.validate import validate

    seeds = 2
    three = ("sectoral_tuition_free.toml", "tuition_bootcamp.toml", "apprenticeship.toml")
    rows, by_year = validate(workers=1500, seeds=seeds, years=4, scenarios=three, jobs=2)
    # As `pathways validate` makes it, but naming the scenario files the trials ran on.
    provenance = Provenance(
        three, f"1-{seeds}", VERSION, "1,500 workers; published: calibration/targets.csv"
    )
    return rows, provenance, by_year


@pytest.fixture(scope="module")
def sensitivity_result(tiny_sensitivity):
    result = tiny_sensitivity
    # As `pathways sensitivity` makes it.
    provenance = Provenance(
        ("sectoral_tuition_free.toml", "calibration/calibration.toml"),
        "1 per point",
        VERSION,
        "1,500 workers",
    )
    return result, provenance


@pytest.fixture(scope="module")
def one_run():
    from pathways.experiments.run import simulate

    scenario = small(workers=2000, months=36, burn_in=12)
    result = simulate(scenario)
    # As experiments.run.write_outputs makes it.
    provenance = Provenance(
        (BASELINE.name,),
        str(result.model.seed),
        VERSION,
        f"{scenario.run.workers:,} workers; colour = race/ethnicity, dashed = women",
    )
    return result.table, scenario, provenance


# ----------------------------------------------------------------------- the catalogue, as the brief calls it


def _by_group(outcome: str, words: str, fmt: str):
    def build(get) -> charts.Chart:
        c = get("comparison")
        return charts.comparison_by_group(
            c.summary, c.labels, outcome, words, fmt, c.group_labels, c.provenance
        )

    return build


def _gaps(get) -> charts.Chart:
    c = get("comparison")
    return charts.gaps_over_time(c.summary, c.labels, FOCUS, c.groups[FOCUS], c.provenance)


def _funnel(get) -> charts.Chart:
    c = get("comparison")
    return charts.program_funnel(c.summary, c.labels, c.group_labels, c.provenance)


def _mobility(get) -> charts.Chart:
    c = get("comparison")
    return charts.mobility_heatmap(c.summary, c.labels, c.provenance)


def _enrolment(get) -> charts.Chart:
    c = get("comparison")
    return charts.enrolment_by_group(c.summary, c.labels, c.group_labels, c.provenance)


def _earnings_difference(get) -> charts.Chart:
    c = get("comparison")
    return charts.difference_by_group(
        c.summary, c.labels, "annual_earnings", "Yearly earnings per person ($)", c.group_labels, c.provenance
    )


def _frontier(get) -> charts.Chart:
    s = get("sweep_result")
    return charts.cost_equity_frontier(s.points, s.arms, s.provenance, FOCUS, s.groups[FOCUS])


def _tornado(get) -> charts.Chart:
    result, provenance = get("sensitivity_result")
    return charts.sensitivity_tornado(result, provenance)


def _fit(get) -> charts.Chart:
    f = get("calibration_result")
    return charts.calibration_fit(f.fit_rows, f.provenance)


def _convergence(get) -> charts.Chart:
    f = get("calibration_result")
    return charts.convergence(f.history, f.provenance)


def _validation(get) -> charts.Chart:
    rows, provenance, _ = get("validation_result")
    return charts.validation(rows, provenance)


def _validation_years(get) -> charts.Chart:
    rows, provenance, by_year = get("validation_result")
    return charts.validation_years(by_year, rows, provenance)


def _main_series(get) -> charts.Chart:
    table, scenario, provenance = get("one_run")
    return charts.main_series(table, scenario, provenance)


Units = tuple[str, ...]  # any one of these (case-insensitive) must be in the label; () = just non-empty


@dataclass(frozen=True)
class Case:
    build: Callable
    # (index in fig.axes, "x" or "y", units): the axis labels a reader needs.
    labels: tuple[tuple[int, str, Units], ...]
    # Where the chart names what it shows: "legend", "annotations", "axes titles", "y ticks", "title".
    places: tuple[str, ...] = ()
    names: Callable | None = None  # get -> the names that must appear in those places
    colours: bool = False  # dots, lines or bars coloured by scenario_colour


def _scenario_names(get) -> list[str]:
    return [charts.nice(lab) for lab in get("comparison").labels]


CASES: dict[str, Case] = {
    "main_series": Case(
        _main_series,
        (
            (0, "y", ("%",)),
            (1, "y", ("/", "ratio")),
            (2, "y", ("%",)),
            (3, "y", ("%",)),
            (2, "x", ("year",)),
            (3, "x", ("year",)),
        ),
        ("legend",),
        lambda get: [g.label for g in get("one_run")[1].groups.values()],
    ),
    "comparison_by_group": Case(
        _by_group("completion_rate", "Share of enrolees who complete (%)", "{:.0%}"),
        ((0, "x", ("%",)),),
        ("legend", "annotations"),
        _scenario_names,
        colours=True,
    ),
    "comparison_by_group_earnings": Case(
        _by_group("annual_earnings", "Mean annual earnings per person ($)", "${:,.0f}"),
        ((0, "x", ("$",)),),
        ("legend", "annotations"),
        _scenario_names,
        colours=True,
    ),
    "gaps_over_time": Case(
        _gaps,
        # 0: each scenario's level, 1: the paired difference, under it (it carries the x label).
        ((1, "x", ("year",)), (0, "y", ("/", "ratio")), (1, "y", ("ratio",))),
        ("legend", "annotations"),
        _scenario_names,
        colours=True,
    ),
    "program_funnel": Case(
        _funnel,
        ((0, "x", ("per 100",)), (1, "x", ("per 100",))),
        ("axes titles",),
        _scenario_names,
        colours=True,
    ),
    "mobility_heatmap": Case(
        _mobility,
        # 0: the reference arm's shares, 1: the difference, 2 and 3: their colour bars.
        (
            (0, "x", ("fifth",)),
            (0, "y", ("fifth",)),
            (1, "x", ("fifth",)),
            (2, "y", ("%",)),
            (3, "y", ("points",)),
        ),
        ("axes titles text",),
        _scenario_names,
    ),
    "enrolment_by_group": Case(
        _enrolment,
        ((0, "x", ("per 10,000",)),),
        ("legend",),
        _scenario_names,
        colours=True,
    ),
    "difference_by_group": Case(
        _earnings_difference,
        ((0, "x", ("$", "difference")),),
        ("legend",),
        lambda get: [f"{n} minus {_scenario_names(get)[0]}" for n in _scenario_names(get)[1:]],
        colours=True,
    ),
    "cost_equity_frontier": Case(
        _frontier,
        ((0, "x", ("$",)), (0, "y", ("ratio",))),
        ("legend",),
        lambda get: [charts.nice(a) for a in get("sweep_result").arms],
        colours=True,
    ),
    "sensitivity_tornado": Case(
        _tornado,
        tuple((i, "x", ("units", "index")) for i in range(3)),
        ("axes titles",),
        lambda get: [charts.nice(o) for o in OUTCOMES],
    ),
    "calibration_fit": Case(
        _fit,
        ((0, "x", ("tolerance",)),),
        ("legend",),
        lambda get: ["within tolerance", "starting guess", "fitted (95% interval)"],
    ),
    "convergence": Case(
        _convergence,
        ((0, "x", ()), (0, "y", ("tolerance",))),
        ("legend",),
        lambda get: ["start", "screen", "local", "best so far"],
    ),
    "validation": Case(
        _validation,
        ((0, "x", ("$",)),),
        ("y ticks",),
        lambda get: sorted({charts.nice(r.scenario) for r in get("validation_result")[0]}),
        colours=True,
    ),
    "validation_years": Case(
        _validation_years,
        ((0, "x", ("year",)), (0, "y", ("$",))),
        ("legend",),
        lambda get: sorted({charts.nice(r.scenario) for r in get("validation_result")[2]}),
        colours=True,
    ),
}
NAMES = list(CASES)


def cases(only=None) -> list:
    """Chart names as test parameters."""
    return list(only or NAMES)


@dataclass
class Made:
    name: str
    chart: charts.Chart
    files: dict[str, Path]  # suffix -> path, as saved
    again: dict[str, Path]  # the same chart made again from the same data and saved under the same stem


@pytest.fixture(scope="module")
def gallery(request, tmp_path_factory) -> Callable[[str], Made]:
    """Each chart made (and saved) once per module, on first use; made twice for the determinism check."""
    made: dict[str, Made] = {}
    root = tmp_path_factory.mktemp("charts")

    def get(name: str) -> Made:
        if name not in made:
            case = CASES[name]
            chart = case.build(request.getfixturevalue)
            files = chart.save(root / "a" / name)
            again = case.build(request.getfixturevalue).save(root / "b" / name)
            made[name] = Made(name, chart, {p.suffix: p for p in files}, {p.suffix: p for p in again})
        return made[name]

    return get


# --------------------------------------------------------------------------- helpers


def squash(text: str) -> str:
    """Text without whitespace: titles and source lines are wrapped with newlines."""
    return "".join(text.split())


def words(text: str) -> str:
    return " ".join(text.split())


def figure_text(made: Made, start: str = ""):
    return [t for t in made.chart.fig.texts if t.get_text().startswith(start)]


def title_text(made: Made):
    found = [t for t in made.chart.fig.texts if squash(t.get_text()) == squash(made.chart.title)]
    assert len(found) == 1, f"title not drawn once: {[t.get_text() for t in made.chart.fig.texts]}"
    return found[0]


def source_text(made: Made):
    found = figure_text(made, "Source: Pathways")
    assert len(found) == 1, f"no source line: {[t.get_text() for t in made.chart.fig.texts]}"
    return found[0]


def renderer_of(made: Made):
    """A renderer for text extents: ``save`` closed the figure, which took its Agg canvas away."""
    return FigureCanvasAgg(made.chart.fig).get_renderer()


def hexcolour(c) -> str:
    return mcolors.to_hex(c, keep_alpha=False).lower()


def pdf_string(data: bytes, key: str) -> str:
    """The last ``/key (...)`` or ``/key <...>`` string of a PDF (the document info), decoded."""
    found = list(re.finditer(rb"/" + key.encode() + rb"\s*([(<])", data))
    assert found, f"no /{key} in the PDF"
    i = found[-1].end()
    if found[-1].group(1) == b"<":
        raw = bytes.fromhex(data[i : data.index(b">", i)].decode())
    else:
        out, depth = bytearray(), 1
        escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
        while True:
            c = data[i]
            i += 1
            if c == ord("\\"):
                c = data[i]
                i += 1
                if c in escapes:
                    out.append(escapes[c])
                elif ord("0") <= c <= ord("7"):
                    digits = bytes([c])
                    while len(digits) < 3 and ord("0") <= data[i] <= ord("7"):
                        digits += bytes([data[i]])
                        i += 1
                    out.append(int(digits, 8))
                else:
                    out.append(c)
                continue
            if c == ord("("):
                depth += 1
            elif c == ord(")"):
                depth -= 1
                if depth == 0:
                    break
            out.append(c)
        raw = bytes(out)
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def same_value(cell: str, value) -> bool:
    if isinstance(value, bool | np.bool_):
        return cell == str(bool(value))
    if isinstance(value, int | np.integer):
        return cell == str(int(value))
    if isinstance(value, float | np.floating):
        if value != value:
            return cell == ""
        try:
            return float(cell) == float(value)
        except ValueError:
            return False
    return cell == str(value)


# --------------------------------------------------------------------------- titles and source line


@pytest.mark.parametrize("name", cases())
def test_title_states_a_finding_with_a_number(gallery, name):
    title = gallery(name).chart.title
    assert title.strip() == title and title[:1].isupper() and len(title.split()) >= 5, title
    assert re.search(r"\d", title), f"no number in the title: {title!r}"
    assert not re.search(r"\bnan\b|\binf\b", title, re.IGNORECASE), title


@pytest.mark.parametrize("name", cases())
def test_title_is_drawn_above_the_plots(gallery, name):
    made = gallery(name)
    text = title_text(made)
    first = made.chart.title.split()[:3]
    assert text.get_text().split()[:3] == first
    renderer = renderer_of(made)
    top_of_plots = max(ax.get_window_extent(renderer).y1 for ax in made.chart.fig.axes)
    assert text.get_window_extent(renderer).y0 >= top_of_plots - 1


@pytest.mark.parametrize("name", cases())
def test_source_line_under_the_plots_names_scenarios_and_seeds(gallery, name):
    made = gallery(name)
    text = source_text(made)
    provenance = made.chart.provenance
    line = words(text.get_text())
    assert line.startswith("Source: Pathways")
    assert squash(text.get_text()) == squash(provenance.line())
    for scenario in provenance.scenarios:
        assert scenario in line
    assert f"seeds {provenance.seeds}" in line
    assert VERSION in line
    renderer = renderer_of(made)
    bottom_of_plots = min(ax.get_window_extent(renderer).y0 for ax in made.chart.fig.axes)
    assert text.get_window_extent(renderer).y1 <= bottom_of_plots + 1


@pytest.mark.parametrize("name", cases())
def test_no_text_is_typeset_as_mathematics(gallery, name):
    """Money in words: a line with two '$' signs is parsed as mathtext unless escaped."""
    fig = gallery(name).chart.fig
    texts = list(fig.texts)
    titles = []  # axes titles (left, centre, right), drawn with mathtext on
    for ax in fig.axes:
        texts += [ax.xaxis.label, ax.yaxis.label, *ax.texts]
        titles += [ax.get_title(loc) for loc in ("left", "center", "right")]
        if ax.get_legend():
            texts += ax.get_legend().get_texts()
    strings = titles + [t.get_text() for t in texts if t.get_parse_math()]
    math = [line for text in strings for line in text.split("\n") if is_math_text(line)]
    assert not math, f"typeset as mathematics: {math}"


# --------------------------------------------------------------------------- axes and names


@pytest.mark.parametrize("name", cases())
def test_axis_labels_are_set_with_units(gallery, name):
    fig = gallery(name).chart.fig
    for index, axis, units in CASES[name].labels:
        ax = fig.axes[index]
        label = ax.get_xlabel() if axis == "x" else ax.get_ylabel()
        assert label.strip(), f"axes {index}: no {axis} label"
        if units:
            assert any(u.lower() in label.lower() for u in units), f"axes {index} {axis}: {label!r} ({units})"


def _places(fig) -> dict[str, set[str]]:
    places = ("legend", "annotations", "axes titles", "y ticks", "title", "axes titles text")
    found: dict[str, set[str]] = {p: set() for p in places}
    for ax in fig.axes:
        if ax.get_legend():
            found["legend"] |= {t.get_text() for t in ax.get_legend().get_texts()}
        found["annotations"] |= {t.get_text() for t in ax.texts}
        found["axes titles"] |= {ax.get_title(loc) for loc in ("left", "center", "right")}
        found["y ticks"] |= {t.get_text() for t in ax.get_yticklabels()}
    for legend in fig.legends:
        found["legend"] |= {t.get_text() for t in legend.get_texts()}
    found["title"] = {word for t in fig.texts for word in words(t.get_text()).split(": ")}
    return found


def _named_in_text(fig, name: str) -> bool:
    """Whether ``name`` is part of an axes title (titles that say more than the name alone)."""
    titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    return any(re.search(rf"\b{re.escape(name)}\b", t, re.IGNORECASE) for t in titles)


@pytest.mark.parametrize("name", cases())
def test_every_scenario_or_series_is_named(gallery, request, name):
    case = CASES[name]
    found = _places(gallery(name).chart.fig)
    shown = set().union(*(found[p] for p in case.places))
    fig = gallery(name).chart.fig
    missing = [
        n
        for n in case.names(request.getfixturevalue)
        if n not in shown and not ("axes titles text" in case.places and _named_in_text(fig, n))
    ]
    assert not missing, f"not named in {case.places}: {missing}; found {shown}"


def _scenario_marks(name: str, fig) -> list[tuple[str, str]]:
    """(scenario as shown, colour) of each scenario's dots, lines or bars."""
    ax = fig.axes[0]
    if name.startswith("comparison_by_group"):
        return [
            (c.get_label(), hexcolour(c.lines[0].get_color()))
            for c in ax.containers
            if isinstance(c, ErrorbarContainer)
        ]
    if name == "gaps_over_time":
        return [(ln.get_label(), hexcolour(ln.get_color())) for ln in ax.get_lines()]
    if name == "validation_years":  # the programs' lines (not the zero line or the published marker)
        lines = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
        return [(ln.get_label(), hexcolour(ln.get_color())) for ln in lines]
    if name == "program_funnel":
        return [(a.get_title(loc="left"), hexcolour(p.get_facecolor())) for a in fig.axes for p in a.patches]
    if name == "cost_equity_frontier":
        dots = [c for c in ax.collections if isinstance(c, PathCollection)]
        return [(c.get_label(), hexcolour(fc)) for c in dots for fc in c.get_facecolors()]
    if name == "enrolment_by_group":
        bars = [c for c in ax.containers if isinstance(c, BarContainer) and not c.get_label().startswith("_")]
        return [(c.get_label().split(": ")[0], hexcolour(p.get_facecolor())) for c in bars for p in c.patches]
    if name == "difference_by_group":
        return [
            (c.get_label().split(" minus ")[0], hexcolour(c.lines[0].get_color()))
            for c in ax.containers
            if isinstance(c, ErrorbarContainer)
        ]
    if name == "validation":
        ticks = {
            round(t, 6): lab.get_text() for t, lab in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
        }
        out = []
        for c in ax.containers:
            line = c.lines[0]
            if isinstance(c, ErrorbarContainer) and line.get_marker() == "o":  # the model's dots
                out.append((ticks[round(float(line.get_ydata()[0]), 6)], hexcolour(line.get_color())))
        return out
    raise AssertionError(name)


@pytest.mark.parametrize("name", cases(only=[n for n in NAMES if CASES[n].colours]))
def test_each_scenario_keeps_its_colour(gallery, request, name):
    marks = _scenario_marks(name, gallery(name).chart.fig)
    if name == "validation":
        raw = [r.scenario for r in request.getfixturevalue("validation_result")[0]]
    elif name == "validation_years":
        raw = [r.scenario for r in request.getfixturevalue("validation_result")[2]]
    elif name == "difference_by_group":
        raw = request.getfixturevalue("comparison").labels[1:]
    elif name == "cost_equity_frontier":
        raw = request.getfixturevalue("sweep_result").arms
    else:
        raw = request.getfixturevalue("comparison").labels
    by_shown = {charts.nice(r): r for r in raw}
    assert {shown for shown, _ in marks} == set(by_shown), marks
    for shown, colour in marks:
        assert colour == scenario_colour(by_shown[shown]).lower(), f"{shown}: {colour}"


PINKS = ("#cc79a7", "#e377c2", "#ff69b4", "#ffc0cb", "#ff1493")
DEFAULT_BLUES = ("#1f77b4", "#0000ff")


def _near(colour: str, others: tuple[str, ...], tol: float = 0.12) -> bool:
    rgb = np.array(mcolors.to_rgb(colour))
    return any(np.abs(rgb - np.array(mcolors.to_rgb(o))).max() < tol for o in others)


def test_main_series_colours_race_and_dashes_women(gallery, one_run):
    fig = gallery("main_series").chart.fig
    _table, scenario, _ = one_run
    by_label = {g.label: g for g in scenario.groups.values()}
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if ln.get_label() in by_label]
        assert {ln.get_label() for ln in lines} == set(by_label)
        for ln in lines:
            g = by_label[ln.get_label()]
            assert hexcolour(ln.get_color()) == RACE_COLOURS[g.race].lower(), g.label
            assert ln.get_linestyle() == ("--" if g.gender == "women" else "-"), g.label
        # Gender is never coded by colour: men and women of a race share one, and no pink or default blue.
        for race in {g.race for g in by_label.values()}:
            same_race = {hexcolour(ln.get_color()) for ln in lines if by_label[ln.get_label()].race == race}
            assert len(same_race) == 1, race
        for ln in ax.get_lines():
            colour = hexcolour(ln.get_color())
            assert not _near(colour, PINKS + DEFAULT_BLUES), f"{ln.get_label()}: {colour}"
    legend = fig.axes[1].get_legend()
    handles = zip(legend.get_texts(), legend.legend_handles, strict=True)
    dashed = {t.get_text() for t, h in handles if h.get_linestyle() == "--"}
    assert dashed == {g.label for g in by_label.values() if g.gender == "women"}


# --------------------------------------------------------------------------- the saved files


@pytest.mark.parametrize("name", cases())
def test_save_writes_png_svg_pdf_and_csv(gallery, name):
    made = gallery(name)
    assert set(made.files) == {".png", ".svg", ".pdf", ".csv"}
    for path in made.files.values():
        assert path.exists() and path.stat().st_size > 0, path


@pytest.mark.parametrize("name", cases())
def test_png_is_300_dpi_with_title_and_provenance(gallery, name):
    made = gallery(name)
    with Image.open(made.files[".png"]) as img:
        assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert img.text["Title"] == made.chart.title
        assert img.text["Description"] == made.chart.provenance.line()
        width, height = made.chart.fig.get_size_inches()
        assert img.size == pytest.approx((width * 300, height * 300), abs=2)


def _svg(path: Path):
    return ET.parse(path).getroot()


@pytest.mark.parametrize("name", cases())
def test_svg_has_title_and_provenance_in_metadata(gallery, name):
    made = gallery(name)
    root = _svg(made.files[".svg"])
    titles = [e.text for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "title"]
    assert made.chart.title in titles  # <title> and <dc:title>
    descriptions = [e.text for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "description"]
    assert made.chart.provenance.line() in descriptions


@pytest.mark.parametrize("name", cases())
def test_svg_keeps_text_as_text(gallery, name):
    made = gallery(name)
    root = _svg(made.files[".svg"])
    texts = [words("".join(e.itertext())) for e in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts, "no <text> element: the text was drawn as paths"
    for line in title_text(made).get_text().split("\n"):
        assert words(line) in texts, f"title line {line!r} not kept as one text element"
    source = words(source_text(made).get_text().split("\n")[0])
    assert source in texts


@pytest.mark.parametrize("name", cases())
def test_pdf_has_title_and_provenance_in_metadata(gallery, name):
    made = gallery(name)
    data = made.files[".pdf"].read_bytes()
    assert data.startswith(b"%PDF")
    assert pdf_string(data, "Title") == made.chart.title
    assert pdf_string(data, "Subject") == made.chart.provenance.line()


@pytest.mark.parametrize("name", cases())
def test_pdf_embeds_truetype_fonts(gallery, name):
    data = gallery(name).files[".pdf"].read_bytes()
    assert b"/FontFile2" in data, "no embedded TrueType font"
    assert b"/Type3" not in data, "Type 3 fonts"


@pytest.mark.parametrize("name", cases())
def test_csv_holds_the_numbers_shown(gallery, name):
    made = gallery(name)
    rows = made.chart.rows
    assert rows, "the chart has no data rows"
    with made.files[".csv"].open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        body = list(reader)
    assert header == list(rows[0])
    assert len(body) == len(rows) >= 1
    bad = [
        (i, key, cell, value)
        for i, (cells, row) in enumerate(zip(body, rows, strict=True))
        for key, cell, value in zip(header, cells, (row[k] for k in header), strict=True)
        if not same_value(cell, value)
    ]
    assert not bad, f"{len(bad)} cells differ from the chart's rows, e.g. {bad[:3]}"
    assert any(isinstance(v, float | np.floating) and v == v for row in rows for v in row.values())


@pytest.mark.parametrize("fmt", [".png", ".svg", ".pdf"])
@pytest.mark.parametrize("name", cases())
def test_the_same_chart_saves_byte_identical_files(gallery, name, fmt):
    made = gallery(name)
    assert made.files[fmt].name == made.again[fmt].name
    assert made.files[fmt].read_bytes() == made.again[fmt].read_bytes()


# --------------------------------------------------------------------------- what a title may claim


def _two_arms(diff_low: float, diff_high: float) -> list[dict]:
    """A summary of two scenarios on one outcome; the second's paired difference from the first."""
    nan = float("nan")
    return [
        {"scenario": "a", "group": "all", "outcome": "completion_rate", "mean": 0.35, "ci_low": 0.34,
         "ci_high": 0.36, "diff": nan, "diff_low": nan, "diff_high": nan},
        {"scenario": "b", "group": "all", "outcome": "completion_rate", "mean": 0.36, "ci_low": 0.35,
         "ci_high": 0.37, "diff": 0.01, "diff_low": diff_low, "diff_high": diff_high},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("diff_low", "diff_high", "claim"),
    [(-0.002, 0.022, "no clear difference"), (0.004, 0.016, "is higher under b")],
)
def test_a_title_claims_a_lead_only_when_the_paired_interval_excludes_zero(diff_low, diff_high, claim):
    prov = Provenance(("a.toml", "b.toml"), "1-2", VERSION)
    chart = charts.comparison_by_group(
        _two_arms(diff_low, diff_high), ["a", "b"], "completion_rate", "Completion (%)", "{:.0%}", {}, prov
    )
    assert claim in chart.title
    plt.close(chart.fig)


def test_a_separated_difference_below_the_threshold_is_not_a_lead():
    """0.5 points with an interval clear of zero is real in the model, but under the 1-point threshold."""
    prov = Provenance(("a.toml", "b.toml"), "1-2", VERSION)
    rows = _two_arms(0.002, 0.008)
    rows[1].update(mean=0.355, diff=0.005)
    chart = charts.comparison_by_group(
        rows, ["a", "b"], "completion_rate", "Completion (%)", "{:.0%}", {}, prov
    )
    assert "no clear difference" in chart.title and "higher" not in chart.title
    plt.close(chart.fig)


def test_an_outcome_set_by_a_program_rule_never_headlines_a_lead():
    prov = Provenance(("a.toml", "b.toml"), "1-2", VERSION)
    design = {"b": "the job is guaranteed"}
    chart = charts.comparison_by_group(
        _two_arms(0.05, 0.08),
        ["a", "b"],
        "completion_rate",
        "Completion (%)",
        "{:.0%}",
        {},
        prov,
        design=design,
    )
    assert "set by design" in chart.title and "the job is guaranteed" in chart.title
    assert "higher" not in chart.title
    plt.close(chart.fig)


def test_the_gap_chart_stays_within_its_data_and_shows_the_paired_difference(gallery):
    made = gallery("gaps_over_time")
    levels, difference = made.chart.fig.axes[:2]
    years = [r["year"] for r in made.chart.rows]
    low, high = levels.get_xlim()
    # The x axis ends where the data end (no room left for labels past the last year).
    assert min(years) - 1 < low < min(years) and max(years) < high < max(years) + 1
    # A wiggle of 0.01 is a tenth of the axis or less.
    assert np.diff(levels.get_ylim())[0] >= 0.1 - 1e-9
    # The lower panel plots each other scenario's paired difference, whose rows the CSV keeps.
    lines = [ln for ln in difference.get_lines() if not ln.get_label().startswith("_")]
    assert len(lines) == len(made.chart.provenance.scenarios) - 1
    assert all("diff_low" in r for r in made.chart.rows)


def test_the_frontier_names_a_best_point_only_when_its_interval_clears_the_others(gallery, sweep_result):
    made = gallery("cost_equity_frontier")
    rows = [r for r in made.chart.rows if np.isfinite(r["pay_ratio"])]
    top = max(rows, key=lambda r: r["pay_ratio"])
    rivals = [max((r for r in rows if r["arm"] == a), key=lambda r: r["pay_ratio"])
              for a in sweep_result.arms if a != top["arm"]]  # fmt: skip
    separated = all(top["pay_ratio_low"] > r["pay_ratio_high"] for r in rivals)
    assert ("No scenario clearly" in made.chart.title) != separated
    # The frontier line is drawn solid enough to see, and named in the legend.
    legend = [t.get_text() for t in made.chart.fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("frontier") for t in legend)
