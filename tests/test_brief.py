"""The policy brief, built from small real results: what a legislator reads, checked against the numbers.

A tiny comparison is run with the command line, as a user would (``study``),
beside a tiny calibration report and a validation report; its brief and the
brief of the shared small sweep are built once. The tests read the HTML and
the PDF's text (``pdftotext``) and hold every sentence and cell to the
summary it came from: the finding, the paired differences, costs, who
enrols, the glossary's thresholds, intervals that stay within what a
quantity can take, labels for what a program's rule fixes, and reproduce
blocks that, run again, give the same summary.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from pathways.calibration.validate import AGREES, DISAGREES, INCONCLUSIVE, verdict
from pathways.experiments import credibility
from pathways.experiments.brief import make_brief
from pathways.experiments.findings import (
    Context,
    Materiality,
    compare_findings,
    difference_bounds,
    format_change,
)
from pathways.experiments.io import read_json, write_csv
from pathways.experiments.names import capital, nice
from pathways.experiments.outcomes import bounds, format_value
from pathways.simulation import load_scenario

SCRIPT = ROOT / "scripts" / "render_brief.sh"
MINUS = "\u2212"


def _have_renderers() -> bool:
    return bool(shutil.which("chromium") and shutil.which("pdftoppm") and shutil.which("pdftotext"))


needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("PATHWAYS_REQUIRE_BROWSER"),
    reason="needs poppler-utils (pdftotext); .ci/run installs it",
)


def _pathways(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pathways", *args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc


# --------------------------------------------------------------------------- real results, once per module


@pytest.fixture(scope="module")
def study(tmp_path_factory, tiny_fit) -> Path:
    """A folder as a user has it: out/compare (pathways compare), out/calibration, out/validation."""
    from pathways.calibration.report import write_report
    from pathways.calibration.validate import validate

    root = tmp_path_factory.mktemp("study")
    (root / "scenarios").symlink_to(ROOT / "scenarios")
    _pathways(
        "compare",
        "scenarios/tuition_bootcamp.toml",
        "scenarios/apprenticeship.toml",
        "--seeds",
        "2",
        "--workers",
        "1500",
        "--months",
        "60",
        "--jobs",
        "2",
        "--out",
        "out/compare",
        cwd=root,
    )
    write_report(tiny_fit[1], root / "out" / "calibration")
    two = ("sectoral_tuition_free.toml", "tuition_bootcamp.toml")
    rows, by_year = validate(workers=1500, seeds=2, years=4, scenarios=two, jobs=2)
    (root / "out" / "validation").mkdir()
    # As `pathways validate` writes them.
    write_csv([dict(vars(r), agrees=r.agrees) for r in rows], root / "out" / "validation" / "validation.csv")
    write_csv([vars(r) for r in by_year], root / "out" / "validation" / "validation_years.csv")
    return root


@pytest.fixture(scope="module")
def brief(study, tmp_path_factory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("brief")
    return folder, make_brief(study / "out" / "compare", folder)


@pytest.fixture(scope="module")
def page(brief) -> str:
    return (brief[0] / "brief.html").read_text()


@pytest.fixture(scope="module")
def pdf_text(brief) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext")
    return subprocess.run(
        ["pdftotext", "-layout", str(brief[0] / "brief.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def summary(study) -> dict:
    rows = pq.read_table(study / "out" / "compare" / "summary.parquet").to_pylist()
    return {(r["scenario"], r["group"], r["outcome"]): r for r in rows}


@pytest.fixture(scope="module")
def manifest(study) -> dict:
    return read_json(study / "out" / "compare" / "manifest.json")


@pytest.fixture(scope="module")
def sweep_brief(small_sweep, tmp_path_factory) -> tuple[Path, str]:
    _plan, out = small_sweep
    folder = tmp_path_factory.mktemp("sweep_brief")
    make_brief(out, folder)
    return folder, (folder / "brief.html").read_text()


def text_of(fragment: str) -> str:
    """HTML as a reader sees it: tags dropped, entities decoded, whitespace single."""
    inline = re.sub(r"</?span[^>]*>", "", fragment)  # spans only keep numbers whole
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def section(page: str, heading: str) -> str:
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start : end if end > 0 else len(page)]


def table_rows(fragment: str) -> list[list[str]]:
    """Each <tr> of the fragment as a list of cell texts (lines joined by spaces)."""
    return [
        [text_of(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", fragment, re.S)
    ]


def row_named(rows: list[list[str]], label: str) -> list[str]:
    found = [r for r in rows if r and r[0].startswith(label)]
    assert found, f"no row {label!r} in {[r[0] for r in rows]}"
    return found[0]


def commands(fragment: str) -> list[str]:
    """The reproduce block's shell commands, continuation lines joined."""
    code = htmllib.unescape(re.search(r"<pre>(.*?)</pre>", fragment, re.S).group(1))
    return [c.strip() for c in re.sub(r" \\\n\s*", " ", code).splitlines() if c.strip()]


# --------------------------------------------------------------------------- the whole brief


def test_brief_is_deterministic_and_self_contained(study, brief, page, tmp_path):
    _folder, a = brief
    b = make_brief(study / "out" / "compare", tmp_path / "b")
    for pa, pb in zip(a, b, strict=True):
        assert pa.name == pb.name and pa.read_bytes() == pb.read_bytes(), pa.name
    # Images are embedded; nothing is fetched from the network when the brief is opened.
    assert not re.search(r'(src|href)="https?://', page)
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    assert len(images) == len([p for p in a if p.suffix == ".png"])


def test_brief_says_what_a_reader_needs_in_order(page):
    order = [
        "What we found",
        "The scenarios",
        "Who takes part",
        "Results for the people who enrol",
        "Results for everyone in the metro, year 5",
        "Earnings by group, over the run",
        "Costs and who pays",
        "Glossary",
        "Assumptions and sources",
        "How far to trust this",
        "Reproduce this",
    ]
    at = [page.index(f"<h2>{h}</h2>") for h in order]
    assert at == sorted(at)


# --------------------------------------------------------------------------- what we found


def test_what_we_found_is_stated_from_the_results(page, pdf_text, summary, manifest):
    found = text_of(section(page, "What we found"))
    sentences = re.findall(r"<p class=\"found\">(.*?)</p>", section(page, "What we found"), re.S)
    assert 2 <= len(sentences) <= 4
    ref, arm = (s["label"] for s in manifest["scenarios"])
    # The earnings of both arms and their paired difference, as the summary has them.
    earn = summary[(arm, "all", "annual_earnings")]
    base = summary[(ref, "all", "annual_earnings")]
    if "For the metro as a whole there is no clear difference" in found:
        assert format_value("annual_earnings", earn["mean"]) in found
        assert format_value("annual_earnings", base["mean"]) in found
        assert format_change("annual_earnings", earn["diff"]) in found
    # Two seeds: the brief says why little is separated, and says so before anything else.
    assert "only 2 seeds were run" in found
    assert "Too few seeds" in text_of(page[: page.index("<h2>")])
    # The PDF says the same (lines wrap differently there).
    assert " ".join(text_of(sentences[0]).split()[:12]) in " ".join(pdf_text.split())


def _rows(ref_earn, arm_earn, diff, lo, hi, design_placement=False) -> list[dict]:
    """A two-arm summary, built the way compare.summarise builds it, around given differences."""
    nan = float("nan")
    out = []
    for outcome, group, a, b in (
        ("annual_earnings", "all", ref_earn, arm_earn),
        ("placement_rate_120d", "all", 0.90, 1.0),
    ):
        out.append(
            {
                "scenario": "a",
                "group": group,
                "outcome": outcome,
                "mean": a,
                "ci_low": a,
                "ci_high": a,
                "seeds": 20,
                "diff": nan,
                "diff_low": nan,
                "diff_high": nan,
            }
        )
        d = (diff, lo, hi) if outcome == "annual_earnings" else (0.10, 0.08, 0.12)
        out.append(
            {
                "scenario": "b",
                "group": group,
                "outcome": outcome,
                "mean": b,
                "ci_low": b,
                "ci_high": b,
                "seeds": 20,
                "diff": d[0],
                "diff_low": d[1],
                "diff_high": d[2],
            }
        )
    return out


def _context(materiality: Materiality, design: dict) -> Context:
    return Context(
        ["a", "b"], {"a": "a", "b": "b"}, {"all": "Everyone"}, "all", 20, "3% of people", design, materiality
    )


def test_a_finding_needs_separation_and_size_and_the_threshold_is_the_users():
    # +$42 on $36,307 with an interval clear of zero: separated, but 0.1%.
    rows = _rows(36_307, 36_349, 42, 27, 57)
    design = {"b": {"placement_rate_120d": "the job is guaranteed"}}
    default = " ".join(compare_findings(rows, _context(Materiality(), design)))
    assert "no clear difference" in default and "3% of people" in default
    # A reader who counts 0.1% as material gets it reported as a change for the whole metro.
    strict = " ".join(compare_findings(rows, _context(Materiality(relative=0.001), design)))
    assert "changes outcomes for the whole metro" in strict and "+$42 [+$27, +$57]" in strict
    # A guaranteed placement is reported as set by design, never as a clear difference.
    for text in (default, strict):
        assert "Set by the program's design rather than found: placement within 120 days" in text
        assert "differs clearly" not in text


# --------------------------------------------------------------------------- tables


def test_headline_tables_carry_the_paired_difference_and_its_interval(page, summary, manifest):
    ref, arm = (s["label"] for s in manifest["scenarios"])
    rows = table_rows(section(page, "Results for the people who enrol"))
    header = rows[0]
    assert header[-1] == f"{capital(nice(arm))} minus {nice(ref)}"
    completion = row_named(rows, "Completion")
    r = summary[(arm, "all", "completion_rate")]
    # A difference of shares lies within +-100 points: the brief cuts the interval there.
    low = format_change("completion_rate", max(r["diff_low"], difference_bounds("completion_rate")[0]), False)
    expected = f"{format_change('completion_rate', r['diff'])} [{low}"
    assert completion[-1].startswith(expected)
    assert completion[-1].endswith(("clear difference", "separated, but small", "not separated"))
    # Earnings by group: each group's difference, with the group's size.
    earnings = table_rows(section(page, "Earnings by group, over the run"))
    for label, group in (("Black men", "black_men"), ("Black women", "black_women")):
        row = row_named(earnings, label)
        people = summary[(ref, group, "people")]["mean"]
        assert f"({people:,.0f} people)" in row[0]
        assert row[-1].startswith(
            format_change("annual_earnings", summary[(arm, group, "annual_earnings")]["diff"])
        )


def test_each_table_states_one_horizon(page):
    captions = [text_of(c) for c in re.findall(r"<caption>(.*?)</caption>", page, re.S)]
    assert len(captions) >= 5
    year5 = [c for c in captions if c.startswith("Year 5")]
    assert year5 and "recorded months 48-59" in year5[0]
    assert any(c.startswith("Over the run") for c in captions)
    # The year-5 table's chart is labelled with the same year.
    assert "year 5" in text_of(section(page, "Results for everyone in the metro, year 5")).lower()


def test_intervals_stay_within_what_a_quantity_can_take(study, page, summary):
    for (_scenario, _group, outcome), r in summary.items():
        low, high = bounds(outcome)
        if r["ci_low"] == r["ci_low"]:
            assert low <= r["ci_low"] <= r["mean"] <= r["ci_high"] <= high, (outcome, r)
    # In the tables, only debt (which can be repaid) may show a negative level; differences may.
    for heading in (
        "Who takes part",
        "Results for the people who enrol",
        "Results for everyone in the metro, year 5",
        "Earnings by group, over the run",
        "Costs and who pays",
    ):
        rows = table_rows(section(page, heading))
        arms = sum(1 for h in rows[0] if h and "minus" not in h) - 1
        for row in rows[1:]:
            if not row[0].startswith("Debt"):
                levels = row[1 : 1 + arms]
                assert not any(re.search(rf"[-{MINUS}]\$?\d", c) for c in levels), (heading, row)
    # Two seeds are too few: every interval in the tables carries the marker, explained below them.
    assert "\u2020 fewer than 5 seeds" in page


def test_sample_sizes_are_shown_for_every_group(page, summary, manifest):
    ref = manifest["scenarios"][0]["label"]
    rows = table_rows(section(page, "Who takes part"))
    assert rows[0][:2] == ["Group", "People in the group"]
    groups = {g["label"]: k for k, g in manifest["scenarios"][0]["resolved"]["groups"].items()}
    for label, key in groups.items():
        row = row_named(rows, label)
        assert row[1] == f"{summary[(ref, key, 'people')]['mean']:,.0f}"
        assert "people a run" in row[2]


def test_costs_and_who_pays(page, summary, manifest):
    rows = table_rows(section(page, "Costs and who pays"))
    ref, arm = (s["label"] for s in manifest["scenarios"])
    total = row_named(rows, "Program cost, all payers")
    assert total[1].startswith(
        format_value("program_dollars", summary[(ref, "all", "program_dollars")]["mean"])
    )
    assert row_named(rows, "Of which paid by trainees")[1].startswith(
        format_value("program_dollars", summary[(ref, "all", "program_dollars_worker")]["mean"])
    )
    assert row_named(rows, "Of which paid by employers")
    # Every seat costs what the scenario file says it costs, whoever pays.
    per_enrolee = row_named(rows, "Program cost per enrolee")
    for column, s in zip(per_enrolee[1:3], manifest["scenarios"], strict=True):
        seat = next(
            p
            for t in s["resolved"]["trainers"].values()
            for p in t["programs"].values()
            if p.get("start_month") is not None
        )["cost_per_seat"]
        assert column.startswith(f"${seat:,.0f}")
    for label in ("Program cost per completer", "Program cost per placement", "Public dollars"):
        assert row_named(rows, label)
    # Earnings per extra public dollar: a row where a scenario spends clearly more, else a sentence saying so.
    extra = summary.get((arm, "all", "public_dollars"), {})
    shown = any(r[0].startswith("Earnings gained per extra public dollar") for r in rows)
    said = "Earnings gained per extra public dollar is not shown" in text_of(
        section(page, "Costs and who pays")
    )
    assert shown != said
    if said:
        assert format_change("public_dollars", extra["diff"]) in text_of(section(page, "Costs and who pays"))


def test_who_enrols_is_charted_by_group(brief, summary, manifest):
    folder, _paths = brief
    chart = (folder / "charts" / "enrolment_by_group.csv").read_text().splitlines()
    header = chart[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in chart[1:]]
    groups = ["all", *manifest["scenarios"][0]["resolved"]["groups"]]
    for s in manifest["scenarios"]:
        mine = {r["group"]: r for r in rows if r["scenario"] == s["label"]}
        assert set(mine) == set(groups)
        for g in groups:
            assert float(mine[g]["enrolled_per_10k"]) == pytest.approx(
                summary[(s["label"], g, "enrolment_per_10k")]["mean"]
            )
            assert float(mine[g]["completed_per_10k"]) <= float(mine[g]["enrolled_per_10k"])


def test_outcomes_a_program_rule_fixes_are_labelled_by_design(page, manifest):
    arm = manifest["scenarios"][1]["label"]  # the apprenticeship: its job is guaranteed
    rows = table_rows(section(page, "Results for the people who enrol"))
    placement = row_named(rows, "Placement within 120 days")
    assert placement[2].endswith("by design") and "not a finding" in placement[-1]
    assert row_named(rows, "Starting pay")[2].endswith("by design")
    # No chart title claims the guaranteed outcome as a lead.
    titles = [text_of(t) for t in re.findall(r'<img alt="([^"]*)"', page)]
    assert not any("higher under" in t and "lacement" in t for t in titles)
    assert f"within 120 days under {nice(arm)} (100.0%, because apprentices are hired on day one" in text_of(
        section(page, "What we found")
    )


def test_glossary_defines_each_term_with_its_threshold_in_dollars(page, summary, manifest):
    resolved = manifest["scenarios"][0]["resolved"]
    ref = manifest["scenarios"][0]["label"]
    terms = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section(page, "Glossary")))
    good, low = resolved["economy"]["good_job_wage"], resolved["outcomes"]["low_wage_threshold"]
    assert f"${good:,.0f} a year" in htmllib.unescape(terms["Good job"])
    assert f"${low:,.0f} a year" in htmllib.unescape(terms["Low-wage line"])
    cuts = [summary[(ref, "all", f"pay_fifth_cut_{k}")]["mean"] for k in range(1, 5)]
    assert ", ".join(f"${c:,.0f}" for c in cuts) in htmllib.unescape(terms["Pay fifth"])
    # Terms the tables and charts use are all defined.
    for term in (
        "Year 5",
        "Starting pay",
        "Placement within 120 days",
        "Program cost",
        "Public dollars",
        "Paired difference",
        "Clear difference",
        "By design",
        "95% interval",
        "Seed",
    ):
        assert term in terms, term


def test_trust_section_comes_from_the_reports_that_exist(study, page, manifest, tmp_path):
    trust = text_of(section(page, "How far to trust this"))
    fit = (study / "out" / "calibration" / "fit.csv").read_text().splitlines()
    inside = sum(1 for line in fit[1:] if ",True," in line)
    assert f"has {inside} of {len(fit) - 1} targets within tolerance" in trust
    validation = read_csv(study / "out" / "validation" / "validation.csv")
    def number(text: str) -> float:  # an empty cell is a missing interval (too few enrolled at test size)
        return float(text) if text else float("nan")

    said = [
        verdict(number(r["ci_low"]), number(r["ci_high"]), float(r["published"]), float(r["tolerance"]))
        for r in validation
        if r["published"]
    ]
    assert said and all(f": {v}." in trust for v in said)
    # The year-by-year follow-up is quoted beside the published window.
    assert "Followed for 4 years, the model's effect goes from" in trust
    # With no report beside the results, the report shipped with the installed fit is quoted ...
    bare = credibility.gather(Path("/nonexistent/compare"))
    shipped = read_csv(credibility.SHIPPED / "fit.csv")
    inside = sum(r["within_tolerance"] == "True" for r in shipped)
    lines = " ".join(credibility.calibration_lines(bare, Path("/nonexistent/compare"), {}))
    assert bare.fit_path == credibility.SHIPPED / "fit.csv"
    assert f"has {inside} of {len(shipped)} targets within tolerance" in lines
    # ... and where no report exists at all, the brief says so instead of quoting figures.
    empty = tmp_path / "empty"
    empty.mkdir()
    none = credibility.gather(Path("/nonexistent/compare"), calibration=empty, validation=empty)
    lines = " ".join(
        credibility.calibration_lines(none, Path("/nonexistent/compare"), {})
        + credibility.validation_lines(none, Path("/nonexistent/compare"))
    )
    assert "No calibration report was found" in lines and "No validation report was found" in lines
    assert not re.search(r"\d+ of \d+ targets within", lines)


def read_csv(path: Path) -> list[dict]:
    import csv

    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_validation_verdicts_say_inconclusive_when_the_interval_is_too_wide():
    from pathways.calibration.targets import load_targets

    gain = next(t for t in load_targets(use="validate") if t.units.startswith("dollars"))
    p, tol = gain.value, gain.tolerance
    assert verdict(p - tol / 2, p + tol / 2, p, tol) == AGREES
    assert verdict(4 * p, 6 * p, p, tol) == DISAGREES  # misses the published range altogether
    # An interval of +-$80,000 contains the published value but cannot tell it from zero.
    assert (
        verdict(p - 80_000, p + 80_000, p, tol)
        == INCONCLUSIVE
        == "inconclusive (interval wider than the published value)"
    )


# --------------------------------------------------------------------------- the PDF


def test_pdf_pages_are_portrait_and_embed_their_fonts(brief):
    pdf = (brief[0] / "brief.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes and all(float(h) > float(w) for w, h in boxes)  # every page portrait
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf
    assert b"DejaVuSansMono" in pdf  # the reproduce block is monospace


@needs_poppler
def test_pdf_is_numbered_and_its_commands_copy_whole(page, pdf_text):
    pages = pdf_text.split("\f")
    pages = [p for p in pages if p.strip()]
    for i, text in enumerate(pages, start=1):
        assert f"page {i} of {len(pages)}" in text
    # The title wraps onto the page rather than running off it: all its words are on page 1.
    title = text_of(re.search(r"<h1>(.*?)</h1>", page).group(1))
    assert " ".join(title.split()) in " ".join(pages[0].split()[: len(title.split()) + 5])
    # Each command of the reproduce block, continuation lines joined, is the HTML's command.
    code = pdf_text[pdf_text.index("python3 -m venv") :]
    joined = re.sub(r" \\\n\s*", " ", code)
    for command in commands(section(page, "Reproduce this")):
        assert command in joined, command


# --------------------------------------------------------------------------- reproduce


def test_the_reproduce_block_rebuilds_the_same_summary(study, page):
    lines = commands(section(page, "Reproduce this"))
    assert lines[0].startswith("python3 -m venv")
    compare_line = next(c for c in lines if " compare " in c)
    brief_line = next(c for c in lines if c.startswith(".venv/bin/pathways brief "))
    out = compare_line.split("--out ")[1].split()[0]
    assert brief_line.endswith(out)
    args = compare_line.split()[1:]  # without .venv/bin/pathways
    _pathways(*args, cwd=study)
    again = pq.read_table(study / out / "summary.parquet").to_pylist()
    first = pq.read_table(study / "out" / "compare" / "summary.parquet").to_pylist()
    assert len(again) == len(first)
    for a, b in zip(again, first, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]), (k, a, b)


# --------------------------------------------------------------------------- a sweep's brief


def test_sweep_brief_describes_each_arm_from_its_own_scenario(small_sweep, sweep_brief):
    plan, _out = small_sweep
    _folder, page = sweep_brief
    scenarios = text_of(section(page, "The scenarios"))
    descriptions = []
    for arm, spec in plan.spec.arms.items():
        scenario = load_scenario(Path(spec.scenario))
        assert capital(nice(scenario.meta.name)) in scenarios, arm
        descriptions.append(" ".join(scenario.meta.description.split()))
        assert descriptions[-1] in scenarios, arm
    assert len(set(descriptions)) == len(descriptions)


def test_sweep_brief_names_a_frontier_winner_only_where_separated(small_sweep, sweep_brief):
    folder, page = sweep_brief
    lines = (folder / "charts" / "cost_equity_frontier.csv").read_text().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    rows = [r for r in rows if r["pay_ratio"]]
    top = max(rows, key=lambda r: float(r["pay_ratio"]))
    best = {}
    for r in rows:
        if r["arm"] != top["arm"] and float(r["pay_ratio"]) > float(
            best.get(r["arm"], {"pay_ratio": -1})["pay_ratio"]
        ):
            best[r["arm"]] = r
    separated = all(float(top["pay_ratio_low"]) > float(r["pay_ratio_high"]) for r in best.values())
    titles = [text_of(t) for t in re.findall(r'<img alt="([^"]*)"', page)]
    frontier = next(t for t in titles if "pay ratio" in t and ("No scenario clearly" in t or "highest" in t))
    assert ("No scenario clearly" in frontier) != separated


def test_sweep_reproduce_block_has_every_flag_and_rebuilds_the_summary(small_sweep, sweep_brief, tmp_path):
    plan, out = small_sweep
    _folder, page = sweep_brief
    s = plan.spec.sweep
    sweep_line = next(c for c in commands(section(page, "Reproduce this")) if " sweep " in c)
    for flag, value in (("--seeds", s.seeds), ("--workers", s.workers), ("--months", s.months)):
        assert f"{flag} {value}" in sweep_line
    _pathways(*sweep_line.split()[1:], cwd=tmp_path)
    where = tmp_path / sweep_line.split("--out ")[1].split()[0]
    again = pq.read_table(where / "summary.parquet").to_pylist()
    first = pq.read_table(out / "summary.parquet").to_pylist()
    assert [(r["arm"], r["group"], r["outcome"]) for r in again] == [
        (r["arm"], r["group"], r["outcome"]) for r in first
    ]
    for a, b in zip(again, first, strict=True):
        assert a["mean"] == b["mean"] or (a["mean"] != a["mean"] and b["mean"] != b["mean"])


def test_names_keep_their_acronyms():
    assert capital(nice("isa_bootcamp")) == "ISA bootcamp"
    assert nice("sectoral_tuition_free") == "sectoral tuition-free"


# --------------------------------------------------------------------------- errors and rendering


def test_brief_of_a_folder_that_is_not_results_is_a_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pathways", "brief", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "neither a comparison" in proc.stderr


@pytest.mark.skipif(
    not _have_renderers() and not os.environ.get("PATHWAYS_REQUIRE_BROWSER"),
    reason="needs Debian's chromium and poppler-utils (.ci/run installs them)",
)
@pytest.mark.parametrize("which", ["compare", "sweep"])
def test_brief_renders_in_headless_chromium_and_its_pdf_turns_to_pages(which, brief, sweep_brief, tmp_path):
    from PIL import Image

    source = brief[0] if which == "compare" else sweep_brief[0]
    shutil.copytree(source, tmp_path / "brief")
    proc = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path / "brief")], capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    render = tmp_path / "brief" / "render"
    shot = Image.open(render / "brief_html.png").convert("L")
    assert shot.size[0] == 1280
    pixels = np.asarray(shot, dtype=float)
    # Not a blank page: text and charts make the picture vary, and the top holds the title (dark text).
    assert pixels.std() > 20 and pixels[:200].min() < 80
    pages = sorted(render.glob("brief_pdf_page-*.png"))
    assert len(pages) >= 4
    for p in pages:
        img = np.asarray(Image.open(p).convert("L"), dtype=float)
        assert img.shape[0] > img.shape[1]  # portrait
        assert img.std() > 5
