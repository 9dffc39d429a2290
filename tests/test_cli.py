"""The command line as a user runs it: outputs, byte-identical reruns, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

SMALL = "[run]\nworkers = 2000\nmonths = 12\nburn_in_months = 12\n"


def pathways(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "pathways", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture
def small_file(tmp_path, baseline_path):
    path = tmp_path / "small.toml"
    path.write_text(f'extends = "{baseline_path}"\n{SMALL}')
    return path


def test_run_writes_outputs_and_reruns_byte_identical(tmp_path, small_file):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        proc = pathways("run", small_file, "--seed", 5, "--out", out)
        assert proc.returncode == 0, proc.stderr
        assert "pay ratio" in proc.stdout and "white_men" in proc.stdout
    for name in ("metrics.parquet", "manifest.json", "main_series.png"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name

    table = pq.read_table(outs[0] / "metrics.parquet")
    for col in (
        "employment_rate",
        "median_wage",
        "mean_wage",
        "pay_ratio",
        "good_job_share",
        "training_share",
    ):
        assert col in table.column_names
    assert set(table.column("group").to_pylist()) >= {"white_men", "black_women", "all"}
    assert max(table.column("month").to_pylist()) == 11

    manifest = json.loads((outs[0] / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["workers"] == 2000
    assert len(manifest["scenario_hash"]) == 64
    assert manifest["scenario"]["run"]["seed"] == 5
    assert "pathways" in manifest["versions"]


def test_malformed_scenario_is_one_line_error(tmp_path, baseline_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{baseline_path}"\n[hiring]\nbias = 0.3\n')
    proc = pathways("run", bad, "--out", tmp_path / "o")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "hiring.bias" in lines[0] and str(bad) in lines[0]
    assert "Traceback" not in proc.stderr


def test_negative_workers_on_the_command_line(tmp_path, small_file):
    proc = pathways("run", small_file, "--workers", -3, "--out", tmp_path / "o")
    assert proc.returncode == 2 and "--workers" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_scenario(tmp_path):
    proc = pathways("run", tmp_path / "nope.toml")
    assert proc.returncode == 2 and "not found" in proc.stderr


def test_unwritable_output_is_reported_before_running(tmp_path, small_file):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = pathways("run", small_file, "--out", blocker / "sub")
    assert proc.returncode == 2 and "cannot create the folder" in proc.stderr
    assert "Running" not in proc.stdout


def test_numba_cache_falls_back_to_a_temporary_folder(tmp_path):
    import pathways

    blocker = tmp_path / "file"  # nothing can be created under a regular file, even by root
    blocker.write_text("x")
    fallback = pathways._numba_cache_dir(blocker / "simulation", {"HOME": str(blocker)})
    assert fallback is not None and "pathways-numba-cache" in fallback
    # Either of numba's own places, or the user's own choice, wins.
    assert pathways._numba_cache_dir(tmp_path / "simulation", {"HOME": str(blocker)}) is None
    assert pathways._numba_cache_dir(blocker / "simulation", {"HOME": str(tmp_path)}) is None
    assert pathways._numba_cache_dir(blocker / "simulation", {"NUMBA_CACHE_DIR": str(tmp_path)}) is None


def test_run_without_charts_writes_the_same_tables_and_no_chart(tmp_path, capsys):
    from pathways.cli import main

    args = ["run", "baseline.toml", "--workers", "1000", "--months", "3", "--seed", "5"]
    assert main([*args, "--no-charts", "--out", str(tmp_path / "tables")]) == 0
    assert "Brief-ready charts" not in capsys.readouterr().out
    written = {p.name for p in (tmp_path / "tables").iterdir()}
    assert "metrics.parquet" in written and "manifest.json" in written
    assert not [n for n in written if n.endswith((".png", ".svg", ".pdf"))]
