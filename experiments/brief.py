"""``pathways brief RESULTS_DIR``: a short HTML report and a PDF of it, for a comparison or a sweep.

The brief states the question in one sentence, describes the scenarios in
plain words (their ``meta.description``), gives the headline numbers with 95%
intervals, shows the charts, lists assumptions and sources, states the
caveats, and ends with a "reproduce this" block of the exact commands and
versions. It is deterministic (the same results give byte-identical files)
and self-contained: images are embedded, nothing is fetched when it is read.

The PDF is laid out with matplotlib (no browser needed); the HTML can be
checked in a browser with ``scripts/render_brief.sh``.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from . import charts
from .io import atomic_write_bytes
from .outcomes import HEADLINE_OUTCOMES, OUTCOMES, format_interval
from .style import Provenance, chart_style, plt

FOCUS_GROUP = "black_women"
# Outcomes drawn by group in a brief: (outcome, axis label with unit, tick format).
BY_GROUP = (
    ("completion_rate", "Share of enrolees who complete (%)", "{:.0%}"),
    ("placement_rate_120d", "Share of completers employed within 120 days (%)", "{:.0%}"),
    ("mobility_rate", "Low-wage workers above the low-wage line five years on (%)", "{:.0%}"),
    ("annual_earnings", "Mean annual earnings per person ($)", "${:,.0f}"),
)

CAVEATS = [
    "The labour market is a synthetic metro of four occupational families (IT, health care support, "
    "retail and food service, office work). Pay gaps come only from mechanisms (education, networks, "
    "screens, hiring bias, occupational sorting); the calibrated model reproduces about two thirds of the "
    "published race and gender pay gaps and 8 of 29 published targets within tolerance (see README, "
    "'How credible is it?').",
    "Held-out check: the model's synthetic trial of tuition-free sectoral training gives an earnings gain "
    "about four times the published Per Scholas trials ($4,000-5,000 a year). Treat program effects here "
    "as upper bounds, and equity effects as directions rather than magnitudes.",
    "Intervals are 95% intervals of the mean over seeds: they measure simulation noise, not uncertainty "
    "in the model's structure or parameters (run pathways sensitivity for that).",
    "Arms share seeds (common random numbers), so differences between arms are paired by seed.",
]


@dataclass
class Brief:
    title: str
    question: str
    scenarios: list[tuple[str, str]]  # (name, plain-words description)
    headline_rows: list[list[str]]  # table of headline numbers; first row is the header
    charts: list[tuple[str, charts.Chart]] = field(default_factory=list)  # (file stem, chart)
    assumptions: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    reproduce: list[str] = field(default_factory=list)
    versions: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- building


def build(results: Path) -> Brief:
    if (results / "sweep.json").exists():
        return _sweep_brief(results)
    if (results / "manifest.json").exists() and (results / "summary.parquet").exists():
        return _compare_brief(results)
    raise ValueError(
        f"{results}: neither a comparison (manifest.json, summary.parquet) nor a sweep (sweep.json)"
    )


def _compare_brief(results: Path) -> Brief:
    manifest = json.loads((results / "manifest.json").read_text())
    summary = pq.read_table(results / "summary.parquet").to_pylist()
    scen = manifest["scenarios"]
    labels = [s["label"] for s in scen]
    seeds = manifest["seeds"]
    resolved = scen[0]["resolved"]
    groups = {k: g["label"] for k, g in resolved["groups"].items()}
    group_labels = {"all": "Everyone", **groups}
    provenance = Provenance(
        tuple(Path(s["file"]).name for s in scen),
        f"{seeds[0]}-{seeds[-1]}",
        manifest["versions"]["pathways"],
        f"{resolved['run']['workers']:,} workers",
    )
    names = [charts.nice(lab) for lab in labels]
    question = (
        f"If a metro funds {' or '.join(names)}, who enrols, completes and lands a job, and do race and "
        f"gender gaps in pay and good jobs shrink or grow?"
    )
    index = {(r["scenario"], r["group"], r["outcome"]): r for r in summary}
    rows = [["Outcome (everyone)", *names]]
    for outcome in HEADLINE_OUTCOMES:
        group = FOCUS_GROUP if outcome == "pay_ratio" else "all"
        if not any((lab, group, outcome) in index for lab in labels):
            continue
        words = OUTCOMES[outcome][0] + (f" ({groups.get(group, group)})" if group != "all" else "")
        cells = []
        for lab in labels:
            cells.append(format_interval(outcome, index.get((lab, group, outcome))))
        rows.append([words, *cells])

    made = _by_group(summary, labels, BY_GROUP, group_labels, provenance)
    if any(r["outcome"] == "completion_rate" for r in summary):
        made.append(("funnel", charts.program_funnel(summary, labels, group_labels, provenance)))
    if any(r["outcome"].startswith("pay_ratio_year_") for r in summary):
        made.append(
            (
                "gap_over_time",
                charts.gaps_over_time(summary, labels, FOCUS_GROUP, groups[FOCUS_GROUP], provenance),
            )
        )
    if any(r["outcome"].startswith("transition_") for r in summary):
        made.append(("mobility_transitions", charts.mobility_heatmap(summary, labels[-1], provenance)))

    files = " ".join(s["file"] for s in scen)
    r = resolved["run"]
    return Brief(
        title=f"{' vs '.join(n.capitalize() for n in names)}: who moves into better jobs?",
        question=question,
        scenarios=[(charts.nice(s["label"]), s["resolved"]["meta"]["description"]) for s in scen],
        headline_rows=rows,
        charts=made,
        assumptions=_assumptions(scen),
        caveats=CAVEATS,
        reproduce=[
            "python3 -m venv .venv && .venv/bin/pip install -e .",
            f".venv/bin/pathways compare {files} --seeds {len(seeds)} --workers {r['workers']} "
            f"--months {r['months']} --out {results}",
            f".venv/bin/pathways brief {results}",
        ],
        versions=manifest["versions"],
    )


def _sweep_brief(results: Path) -> Brief:
    from .sweep import load_folder

    sweep = load_folder(results)
    summary = pq.read_table(results / "summary.parquet").to_pylist()
    points = (
        pq.read_table(results / "points.parquet").to_pylist() if (results / "points.parquet").exists() else []
    )
    spec = sweep.spec
    arms = list(spec.arms)
    compare_like = [dict(r, scenario=r["arm"]) for r in summary]
    provenance = Provenance(
        tuple(Path(a.scenario).name for a in spec.arms.values()),
        f"{spec.sweep.seeds} per point from sweep seed {spec.sweep.seed}",
        json.loads((results / "sweep.json").read_text())["versions"]["pathways"],
        f"{spec.sweep.workers:,} workers; {len(sweep.points)} design points",
    )
    first = next(iter(sweep.scenarios.values()))
    groups = {k: g.label for k, g in first.groups.items()} if not isinstance(first, str) else {}
    group_labels = {"all": "Everyone", **groups}
    names = [charts.nice(a) for a in arms]
    index = {(r["arm"], r["group"], r["outcome"]): r for r in summary}
    rows = [["Outcome (everyone, over design points)", *names]]
    for outcome in HEADLINE_OUTCOMES:
        if any((a, "all", outcome) in index for a in arms):
            rows.append(
                [
                    OUTCOMES[outcome][0],
                    *(format_interval(outcome, index.get((a, "all", outcome))) for a in arms),
                ]
            )
    made = _by_group(compare_like, arms, BY_GROUP[::2], group_labels, provenance)
    if points and FOCUS_GROUP in groups:
        made.append(
            (
                "cost_equity_frontier",
                charts.cost_equity_frontier(points, arms, provenance, FOCUS_GROUP, groups[FOCUS_GROUP]),
            )
        )
    params = ", ".join(p.name.replace("_", " ") for p in spec.parameters) or "none"
    return Brief(
        title=f"Sweep {spec.sweep.name.replace('_', ' ')}: training models across policy settings",
        question=(
            f"Across {len(sweep.points)} settings of {params}, which of {', '.join(names)} moves more people "
            f"into better jobs, at what cost, and for whom?"
        ),
        scenarios=[(charts.nice(a), spec.sweep.description or a) for a in arms],
        headline_rows=rows,
        charts=made,
        assumptions=[
            f"Varied: {p.name} ({', '.join(p.keys)}) over {p.range if p.range is not None else p.values}"
            for p in spec.parameters
        ],
        caveats=CAVEATS,
        reproduce=[
            "python3 -m venv .venv && .venv/bin/pip install -e .",
            f".venv/bin/pathways sweep {sweep.path} --out {results}",
            f".venv/bin/pathways brief {results}",
        ],
        versions=json.loads((results / "sweep.json").read_text())["versions"],
    )


def _by_group(summary, labels, specs, group_labels, provenance) -> list[tuple[str, charts.Chart]]:
    """One comparison-by-group chart per outcome in ``specs`` that the summary holds."""
    present = {r["outcome"] for r in summary}
    return [
        (
            f"by_group_{outcome}",
            charts.comparison_by_group(summary, labels, outcome, words, fmt, group_labels, provenance),
        )
        for outcome, words, fmt in specs
        if outcome in present
    ]


def _assumptions(scen: list[dict]) -> list[str]:
    out = []
    base = scen[0]["resolved"]
    out.append(
        f"Labour market: {base['run']['workers']:,} workers, {base['run']['burn_in_months']} months of "
        f"burn-in then {base['run']['months']} recorded months; wages in {base['meta']['dollar_year']} "
        f"dollars (nominal, as published)."
    )
    for sector in base["sectors"].values():
        out.append(
            f"{sector['label']}: "
            + "; ".join(f"{r['title']} ${r['wage']:,.0f}" for r in sector["ladder"])
            + f" (sources: {sector['source']})"
        )
    seen = set()
    for s in scen:
        for trainer in s["resolved"]["trainers"].values():
            for key, p in trainer["programs"].items():
                if p.get("start_month") is not None and key not in seen and p.get("source"):
                    seen.add(key)
                    out.append(f"{p['name']}: {p['source']}")
    out.append(
        "Free behavioural parameters are fitted to published levels (scenarios/calibrated.toml, "
        "calibration/targets.csv); everything else carries its source in the scenario files."
    )
    return out


# --------------------------------------------------------------------------- writing


CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1.2rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.3rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
.question { font-size: 1.15rem; color: #333; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
td:not(:first-child) { white-space: nowrap; }
figure { margin: 1.5rem 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
pre { background: #f5f5f5; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; white-space: pre-wrap; }
.small { font-size: 0.85rem; color: #555; }
"""


def write(brief: Brief, out: Path) -> list[Path]:
    """Charts (PNG, SVG, PDF, CSV) under ``out/charts``, then ``brief.html`` and ``brief.pdf``."""
    chart_dir = out / "charts"
    written = []
    images = []
    for stem, chart in brief.charts:
        paths = chart.save(chart_dir / stem)
        written += paths
        images.append((chart.title, f"charts/{stem}", paths[0]))
    html_path = out / "brief.html"
    atomic_write_bytes(html_path, render_html(brief, images).encode())
    pdf_path = out / "brief.pdf"
    render_pdf(brief, images, pdf_path)
    return [html_path, pdf_path, *written]


def render_html(brief: Brief, images: list[tuple[str, str, Path]]) -> str:
    e = html.escape
    parts = [
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{e(brief.title)}</title>',
        f"<style>{CSS}</style>\n</head>\n<body>",
        f"<h1>{e(brief.title)}</h1>",
        f'<p class="question">{e(brief.question)}</p>',
        "<h2>The scenarios</h2>",
        "<dl>",
    ]
    for name, desc in brief.scenarios:
        parts.append(f"<dt><strong>{e(name.capitalize())}</strong></dt><dd>{e(desc)}</dd>")
    parts += [
        "</dl>",
        "<h2>Headline numbers</h2>",
        '<p class="small">Mean over seeds, with the 95% interval in brackets.</p>',
        "<table>",
    ]
    header, *body = brief.headline_rows
    parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
    for row in body:
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    parts += ["</table>", "<h2>Charts</h2>"]
    for title, stem, png in images:
        data = base64.b64encode(png.read_bytes()).decode()
        links = " · ".join(f'<a href="{e(stem)}.{ext}">{ext.upper()}</a>' for ext in ("svg", "pdf", "csv"))
        parts.append(
            f'<figure><img alt="{e(title)}" src="data:image/png;base64,{data}">'
            f"<figcaption>Also as {links} (the CSV holds the numbers shown).</figcaption></figure>"
        )
    parts += ["<h2>Assumptions and sources</h2>", "<ul>"]
    parts += [f"<li>{e(a)}</li>" for a in brief.assumptions]
    parts += ["</ul>", "<h2>Caveats</h2>", "<ul>"]
    parts += [f"<li>{e(c)}</li>" for c in brief.caveats]
    parts += [
        "</ul>",
        "<h2>Reproduce this</h2>",
        "<pre>" + e("\n".join(brief.reproduce)) + "</pre>",
        '<p class="small">Versions: '
        + e(", ".join(f"{k} {v}" for k, v in sorted(brief.versions.items())))
        + "</p>",
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)


def _text_page(pdf, title: str, blocks: list[tuple[str, list[str]]]) -> None:
    """One A4 page of wrapped text blocks (heading, paragraphs)."""
    import textwrap

    with chart_style():
        fig = plt.figure(figsize=(8.27, 11.69), layout="none")
        y = 0.95
        if title:
            for line in textwrap.wrap(title, 60):
                fig.text(0.07, y, line, fontsize=16, fontweight="bold", va="top")
                y -= 0.03
            y -= 0.01
        for heading, paragraphs in blocks:
            if heading:
                fig.text(0.07, y, heading, fontsize=12.5, fontweight="bold", va="top")
                y -= 0.028
            for para in paragraphs:
                for line in textwrap.wrap(para, 100) or [""]:
                    fig.text(0.07, y, line, fontsize=9, va="top", family="DejaVu Sans")
                    y -= 0.0165
                y -= 0.006
            y -= 0.012
        pdf.savefig(fig)
        plt.close(fig)


def _table_page(pdf, title: str, rows: list[list[str]]) -> None:
    """A landscape page with the headline table."""
    import textwrap

    fig = plt.figure(figsize=(11.69, 8.27), layout="none")
    fig.text(0.05, 0.94, title, fontsize=15, fontweight="bold", va="top")
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.8))
    ax.axis("off")
    cells = [["\n".join(textwrap.wrap(c, 48 if j == 0 else 30)) for j, c in enumerate(r)] for r in rows[1:]]
    first = 0.42
    widths = [first] + [(1 - first) / (len(rows[0]) - 1)] * (len(rows[0]) - 1)
    table = ax.table(cellText=cells, colLabels=rows[0], colWidths=widths, loc="upper left", cellLoc="right")
    table.auto_set_font_size(False)
    table.set_fontsize(9.5)
    table.scale(1, 2.1)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#dddddd")
        if c == 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.02
        if r == 0:
            cell.set_text_props(fontweight="bold")
    pdf.savefig(fig)
    plt.close(fig)


def render_pdf(brief: Brief, images: list[tuple[str, str, Path]], path: Path) -> None:
    from matplotlib.backends.backend_pdf import PdfPages

    metadata = {"Title": brief.title, "Creator": None, "Producer": None, "CreationDate": None}
    # Fonts are written when the file closes: keep the house style (TrueType embedding) in force until then.
    with chart_style(), PdfPages(path, metadata=metadata) as pdf:
        _text_page(
            pdf,
            brief.title,
            [
                ("The question", [brief.question]),
                ("The scenarios", [f"{n.capitalize()}: {d}" for n, d in brief.scenarios]),
            ],
        )
        _table_page(pdf, "Headline numbers: mean over seeds [95% interval]", brief.headline_rows)
        for _title, _source, png in images:
            img = plt.imread(png)
            with chart_style():
                fig = plt.figure(figsize=(11.69, 8.27), layout="none")
                ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
                ax.imshow(img)
                ax.axis("off")
                pdf.savefig(fig)
                plt.close(fig)
        _text_page(
            pdf,
            "",
            [
                ("Assumptions and sources", brief.assumptions),
                ("Caveats", brief.caveats),
                (
                    "Reproduce this",
                    [
                        *brief.reproduce,
                        "Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(brief.versions.items())),
                    ],
                ),
            ],
        )


def make_brief(results: Path, out: Path | None = None) -> list[Path]:
    out = out or results / "brief"
    return write(build(results), out)
