"""The policy brief: deterministic, self-contained, complete, and readable in a browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from pathways.experiments import compare
from pathways.experiments.brief import make_brief

SCRIPT = ROOT / "scripts" / "render_brief.sh"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    overrides = {"run": {"workers": 1500, "months": 60, "burn_in_months": 12}}
    files = [str(ROOT / "scenarios" / f) for f in ("tuition_bootcamp.toml", "apprenticeship.toml")]
    arms = compare.load_arms(files, overrides)
    seeds = compare.seeds_for(arms, 2)
    rows = compare.run_all(arms, seeds, jobs=2)
    compare.write_outputs(rows, compare.summarise(rows, arms), arms, seeds, out)
    return out


@pytest.fixture(scope="module")
def brief(comparison, tmp_path_factory) -> tuple[Path, list[Path]]:
    """One brief built from the comparison, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("brief")
    return folder, make_brief(comparison, folder)


def test_brief_is_deterministic_and_self_contained(comparison, brief, tmp_path):
    folder, a = brief
    b = make_brief(comparison, tmp_path / "b")
    for pa, pb in zip(a, b, strict=True):
        assert pa.name == pb.name and pa.read_bytes() == pb.read_bytes(), pa.name
    page = (folder / "brief.html").read_text()
    # Images are embedded; nothing is fetched from the network when the brief is opened.
    assert not re.search(r'(src|href)="https?://', page)
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_brief_says_what_a_reader_needs(brief):
    folder, paths = brief
    page = (folder / "brief.html").read_text()
    for heading in ("The scenarios", "Headline numbers", "Charts", "Assumptions and sources", "Caveats",
                    "Reproduce this"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    assert "who enrols, completes and lands a job" in page  # the question, in one sentence
    assert "A private IT-support bootcamp" in page and "hire-on-day-one" in page  # scenarios in plain words
    assert re.search(r"\d+\.\d%\s*\[\d+\.\d%, \d+\.\d%\]", page)  # headline numbers with intervals
    assert "pathways compare" in page and "pathways brief" in page and "numpy" in page  # commands, versions
    assert "four times the published Per Scholas" in page  # the validation caveat
    charts = [p for p in paths if p.suffix == ".png"]
    assert len(charts) >= 6 and len(re.findall("<figure>", page)) == len(charts)
    pdf = (folder / "brief.pdf").read_bytes()
    # A page per chart plus the text pages before and after them.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= len(charts) + 2
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf


def test_brief_of_a_sweep_has_the_cost_equity_frontier(small_sweep, tmp_path):
    _plan, out = small_sweep
    paths = make_brief(out, tmp_path / "brief")
    assert any(p.name == "cost_equity_frontier.png" for p in paths)
    assert "homophily" in (tmp_path / "brief" / "brief.html").read_text()


def test_brief_of_a_folder_that_is_not_results_is_a_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pathways", "brief", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "neither a comparison" in proc.stderr


def _have_renderers() -> bool:
    return bool(shutil.which("chromium") and shutil.which("pdftoppm"))


@pytest.mark.skipif(not _have_renderers() and not os.environ.get("PATHWAYS_REQUIRE_BROWSER"),
                    reason="needs Debian's chromium and poppler-utils (.ci/run installs them)")  # fmt: skip
def test_brief_renders_in_headless_chromium_and_its_pdf_turns_to_pages(brief, tmp_path):
    from PIL import Image

    shutil.copytree(brief[0], tmp_path / "brief")
    proc = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "brief")], capture_output=True, text=True,
                          timeout=180)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    render = tmp_path / "brief" / "render"
    shot = Image.open(render / "brief_html.png").convert("L")
    assert shot.size[0] == 1280
    pixels = np.asarray(shot, dtype=float)
    # Not a blank page: text and charts make the picture vary, and the top holds the title (dark text).
    assert pixels.std() > 20 and pixels[:200].min() < 80
    pages = sorted(render.glob("brief_pdf_page-*.png"))
    assert len(pages) >= 4
    assert all(np.asarray(Image.open(p).convert("L"), dtype=float).std() > 5 for p in pages)
