"""Parameter uncertainty carried into comparisons: posterior draws per seed, paired across arms,
total intervals that add the parameters to chance, and the brief showing both."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pathways.calibration.draws import write_draws
from pathways.cli import main
from pathways.experiments.io import read_json
from pathways.experiments.uncertainty import Draws, inherited, total_interval
from pathways.simulation import load_scenario

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"jobs_per_worker": "economy.jobs_per_worker", "on_the_job_search": "search.on_the_job_search"}


def posterior_file(folder: Path, spread: float = 1.0) -> Path:
    """A posterior of two parameters around the calibrated values (a wide one: differences show)."""
    rng = np.random.default_rng(4)
    draws = np.column_stack([rng.uniform(0.86, 0.96, 50), rng.uniform(0.005, 0.05, 50)])
    centre = draws.mean(axis=0)
    draws = centre + spread * (draws - centre)
    path = folder / "posterior.parquet"
    write_draws(path, KEYS, draws, {"method": "test"})
    return path


def test_total_interval_adds_the_parameters_to_chance():
    rng = np.random.default_rng(0)
    seed_luck = rng.normal(size=40)
    reference = 10 + seed_luck
    # No parameter effect: the posterior runs repeat the reference runs; the interval is chance only.
    mean, lo, hi, share = total_interval(reference, reference.copy())
    seed_half = (hi - lo) / 2
    assert share == 0 and mean == pytest.approx(reference.mean())
    # Parameters that move the outcome by sd 3 on top of the luck: the parameters dominate.
    shift = 3 * rng.normal(size=40)
    mean, lo, hi, share = total_interval(reference, 10 + rng.normal(size=40) + shift)
    assert share > 0.9
    assert (hi - lo) / 2 == pytest.approx(1.96 * 3, rel=0.25)
    assert (hi - lo) / 2 > seed_half
    # Posterior runs that vary no more than luck alone: no parameter variance, and an interval of
    # the chance error (never narrower than the seed-only one).
    mean, lo, hi, share = total_interval(reference, 10 + 0.5 * rng.normal(size=40))
    assert share == 0 and (hi - lo) / 2 == pytest.approx(seed_half)
    # Too few seeds with both: no interval.
    assert np.isnan(total_interval(np.array([1.0, np.nan]), np.array([1.0, 2.0]))[1])


def test_draws_are_fixed_by_the_seeds_and_cover_the_posterior(tmp_path):
    draws = Draws(posterior_file(tmp_path))
    a, b = draws.for_seeds([5, 6, 7]), draws.for_seeds([5, 6, 7])
    assert all(np.array_equal(a[s], b[s]) for s in a)
    assert len({tuple(v) for v in a.values()}) == 3  # distinct draws while the posterior has enough
    many = draws.for_seeds(list(range(200)))  # more seeds than draws: draws repeat, all from the file
    assert all(any(np.array_equal(v, row) for row in draws.values) for v in many.values())


def test_only_parameters_taken_from_the_calibration_get_draws(tmp_path):
    draws = Draws(posterior_file(tmp_path))
    boot = load_scenario(ROOT / "scenarios" / "tuition_bootcamp.toml")
    assert inherited(boot, draws.keys) == ["jobs_per_worker", "on_the_job_search"]
    own = load_scenario(ROOT / "scenarios" / "tuition_bootcamp.toml", {"search": {"on_the_job_search": 0.11}})
    assert inherited(own, draws.keys) == ["jobs_per_worker"]
    at = draws.scenario_at(own, np.array([0.9, 0.02]), inherited(own, draws.keys))
    assert at.economy.jobs_per_worker == 0.9 and at.search.on_the_job_search == 0.11


def test_a_missing_or_damaged_posterior_is_refused_before_any_run(tmp_path, capsys):
    boot, app = ROOT / "scenarios" / "tuition_bootcamp.toml", ROOT / "scenarios" / "apprenticeship.toml"
    bad = tmp_path / "bad.parquet"
    bad.write_text("not a posterior")
    for path in (tmp_path / "none.parquet", bad):
        out = tmp_path / f"out_{path.stem}"
        argv = ["compare", str(boot), str(app), "--seeds", "2", "--posterior", str(path), "--out", str(out)]
        assert main(argv) == 2
        assert str(path) in capsys.readouterr().err
        assert not out.exists()


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uncertainty")
    posterior = posterior_file(folder)
    out = folder / "out"
    argv = [
        "compare", str(ROOT / "scenarios" / "tuition_bootcamp.toml"),
        str(ROOT / "scenarios" / "apprenticeship.toml"),
        "--seeds", "3", "--workers", "1200", "--months", "12", "--jobs", "2", "--posterior", str(posterior),
        "--out", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    return out


def test_a_comparison_with_parameter_uncertainty_runs_every_seed_at_its_draw_in_every_arm(compared):
    runs = pq.read_table(compared / "runs.parquet").to_pylist()
    drawn = pq.read_table(compared / "runs_posterior.parquet").to_pylist()
    assert len(drawn) == len(runs)
    manifest = read_json(compared / "manifest.json")["parameter_uncertainty"]
    assert set(manifest["draw_per_seed"]) == {str(r["seed"]) for r in runs}
    assert manifest["parameters_drawn"]["tuition_bootcamp"] == ["jobs_per_worker", "on_the_job_search"]
    # The draws change the market: unemployment differs from the calibrated point's, seed by seed.
    def unemployment(rows):
        return {(r["scenario"], r["seed"]): r["value"] for r in rows
                if r["outcome"] == "unemployment_rate" and r["group"] == "all"}  # fmt: skip

    a, b = unemployment(runs), unemployment(drawn)
    assert a.keys() == b.keys() and any(a[k] != b[k] for k in a)


def test_total_intervals_are_never_narrower_than_chance_alone(compared):
    rows = pq.read_table(compared / "summary.parquet").to_pylist()
    checked = 0
    for r in rows:
        if np.isfinite(r["diff_total_low"]) and np.isfinite(r["diff_low"]):
            assert r["diff_total_high"] - r["diff_total_low"] >= (r["diff_high"] - r["diff_low"]) * (1 - 1e-9)
            assert 0 <= r["diff_parameter_share"] <= 1
            checked += 1
    assert checked > 10


def test_the_brief_shows_chance_and_total_intervals_side_by_side_and_judges_on_the_total(compared):
    from pathways.experiments.brief import difference_cell
    from pathways.experiments.findings import Materiality

    rows = pq.read_table(compared / "summary.parquet").to_pylist()
    index = {(r["scenario"], r["group"], r["outcome"]): r for r in rows}
    arm = index[("apprenticeship", "all", "annual_earnings")]
    ref = index[("tuition_bootcamp", "all", "annual_earnings")]
    cell = difference_cell("annual_earnings", arm, ref, Materiality())
    assert "chance" in cell and "with parameters" in cell
    # Separated by chance alone, not once the parameters are counted: the verdict follows the total.
    made = {**arm, "diff": 500.0, "diff_low": 400.0, "diff_high": 600.0, "diff_total_low": -100.0,
            "diff_total_high": 1100.0, "diff_parameter_share": 0.9}  # fmt: skip
    assert difference_cell("annual_earnings", made, ref, Materiality()).endswith("not separated")
    seed_only = {k: v for k, v in made.items() if not k.startswith(("diff_total", "diff_parameter"))}
    assert "not separated" not in difference_cell("annual_earnings", seed_only, ref, Materiality())


def test_validate_reports_the_total_interval_and_judges_on_it(tmp_path):
    from pathways.calibration.validate import validate

    draws = Draws(posterior_file(tmp_path))
    rows, _ = validate(workers=1000, seeds=2, years=3, jobs=2, scenarios=("sectoral_tuition_free.toml",),
                       draws=draws)  # fmt: skip
    for r in rows:
        assert np.isfinite(r.total_low) and np.isfinite(r.total_high) and 0 <= r.parameter_share <= 1
        assert r.total_high - r.total_low >= (r.ci_high - r.ci_low) * (1 - 1e-9)
    # Judged on the total interval: one that covers the published range but whose seed interval misses it.
    r = replace(rows[0], published=100.0, tolerance=1.0, ci_low=500.0, ci_high=600.0)
    r = replace(r, total_low=0.0, total_high=150.0)
    assert r.verdict != "disagrees" and replace(r, total_low=np.nan, total_high=np.nan).verdict == "disagrees"


def test_scale_gives_every_measure_a_total_interval(tmp_path):
    from pathways.experiments.scale import scale

    draws = Draws(posterior_file(tmp_path))
    args = dict(seeds=2, workers=800, months=24, jobs=2)
    path = str(ROOT / "scenarios" / "sectoral_tuition_free.toml")
    rows = scale(path, "sectoral_it", [1.0], draws=draws, **args)
    with_interval = [r for r in rows if np.isfinite(r.ci_low) and r.ci_high > r.ci_low]
    assert with_interval and all(np.isfinite(r.total_low) for r in with_interval)
    assert all(r.total_high - r.total_low >= (r.ci_high - r.ci_low) * (1 - 1e-9) for r in with_interval)


def test_the_brief_says_what_the_posterior_pins_down(tmp_path):
    from pathways.experiments.credibility import posterior_lines

    table = tmp_path / "identifiability.csv"
    table.write_text("parameter,width_ratio\njobs_per_worker,0.2\nhomophily,0.95\namenity_sd,0.6\n")
    (line,) = posterior_lines(table)
    assert "pins 1 of the 3 free parameters" in line and "barely constrain homophily" in line
    assert posterior_lines(tmp_path / "none.csv") == []


def test_a_sweep_with_parameter_uncertainty_runs_each_replicate_at_its_draw_and_summarises_totals(tmp_path):
    from conftest import SMALL_SWEEP
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    posterior = posterior_file(tmp_path)
    text = SMALL_SWEEP.format(root=ROOT).replace(
        "burn_in_months = 12", f'burn_in_months = 12\nparameter_uncertainty = true\nposterior = "{posterior}"'
    )
    path = tmp_path / "sweep.toml"
    text = text.replace("values = [0.5, 0.8]", "values = [0.6]").replace("workers = 1200", "workers = 800")
    path.write_text(text)
    plan = sw.load_sweep(path)
    drawn = [r for r in plan.runs if r.drawn]
    assert len(drawn) == len(plan.runs) // 2 == sw.planned_runs(plan.spec) // 2
    # The same draw for every arm of a replicate: the drawn scenarios agree on the drawn parameters.
    for rep in {r.replicate for r in drawn}:
        values = {plan.scenarios[r.run_id].economy.jobs_per_worker for r in drawn if r.replicate == rep}
        assert len(values) == 1
    sw.run_sweep(plan, tmp_path / "out", jobs=2)
    summarize_folder(plan, tmp_path / "out")
    results = pq.read_table(tmp_path / "out" / "results.parquet").to_pydict()
    assert sum(results["drawn"]) == len(results["drawn"]) // 2
    summary = pq.read_table(tmp_path / "out" / "summary.parquet").to_pylist()
    totals = [r for r in summary if np.isfinite(r["diff_total_low"]) and np.isfinite(r["diff_low"])]
    assert totals
    assert all(r["diff_total_high"] - r["diff_total_low"] >= (r["diff_high"] - r["diff_low"]) * (1 - 1e-9)
               for r in totals)  # fmt: skip
    # Levels' total intervals stay within what the outcome can take, as the seed-only ones do.
    from pathways.experiments.outcomes import bounds

    levels = [r for r in summary if np.isfinite(r["total_low"])]
    assert levels
    for r in levels:
        low, high = bounds(r["outcome"])
        assert low <= r["total_low"] <= r["total_high"] <= high, r
