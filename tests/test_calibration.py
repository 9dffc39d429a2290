"""Calibration: targets data, model moments, reproducible fits, nothing fitted on held-out figures."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import library
from pathways.calibration import fit
from pathways.calibration.moments import moment, moments
from pathways.calibration.targets import load_targets
from pathways.simulation import LabourMarket, State
from pathways.simulation.employers import N_RUNGS


def test_targets_have_sources_and_a_use():
    targets = load_targets()
    assert {t.use for t in targets} == {"calibrate", "validate"}
    assert all(t.citation and t.definition and t.tolerance > 0 for t in targets)
    keys = [t.key for t in targets]
    assert len(keys) == len(set(keys))
    validate = {t.id for t in load_targets(use="validate")}
    assert "per_scholas_rct_earnings_gain" in validate


def test_calibration_never_reads_validation_targets(monkeypatch):
    """The fit sees only `calibrate` rows: held-out trial results cannot leak into it."""
    seen = []
    original = fit.load_targets

    def spy(*args, use=None, **kw):
        seen.append(use)
        return original(*args, use=use, **kw)

    monkeypatch.setattr(fit, "load_targets", spy)
    monkeypatch.setattr(
        fit.Evaluator,
        "simulate",
        lambda self, thetas, seeds: [
            np.tile([t.value for t in self.targets], (len(seeds), 1)) for _ in thetas
        ],
    )
    result = fit.calibrate(budget=4)
    assert seen == ["calibrate"]
    assert all(r["target"] not in {t.id for t in load_targets(use="validate")} for r in result.fit_rows)


def test_moments_match_direct_computation():
    model = LabourMarket(library("sectoral_tuition_free", workers=4000, months=18))
    model.run()
    targets = {t.key: t for t in load_targets(use="calibrate")}
    m = moments(model, list(targets.values()), "sectoral_it")
    assert set(m) == set(targets)
    w = model.workers
    senior_it = (w.state == State.EMPLOYED) & (w.occupation == 0 * N_RUNGS + 2)
    men = np.array([model.scenario.groups[g].gender == "men" for g in model.group_names])
    assert m["occ_software_developers_share_men[all]"] == pytest.approx(men[w.group[senior_it]].mean())
    cols = model.metrics.columns()
    last = [
        v
        for mo, g, v in zip(cols["month"], cols["group"], cols["unemployment_rate"], strict=True)
        if g == "black_men" and mo >= 6
    ]
    assert m["unemp_rate[black_men]"] == pytest.approx(np.mean(last))
    for key in ("per_scholas_graduation_rate[all]", "per_scholas_placement_120_days[all]"):
        assert 0 <= m[key] <= 1
    with pytest.raises(ValueError, match="unknown statistic"):
        moment(
            model, targets["flow_UE[all]"].__class__(**{**vars(targets["flow_UE[all]"]), "statistic": "x"})
        )


def test_a_small_fit_is_reproducible_and_improves(tiny_fit, tmp_path):
    path, b = tiny_fit  # on two processes
    a = fit.calibrate(path, jobs=1)
    np.testing.assert_array_equal(a.best, b.best)
    assert a.best_objective == b.best_objective
    assert min(h["objective"] for h in a.history) <= a.history[0]["objective"]
    lo = np.array([p.bounds[0] for p in a.config.parameters])
    hi = np.array([p.bounds[1] for p in a.config.parameters])
    assert ((a.best >= lo) & (a.best <= hi)).all()
    # The fitted values are written as a scenario over the baseline that loads and validates.
    out = tmp_path / "calibrated.toml"
    fit.write_calibrated_scenario(a, out, "test")
    from pathways.simulation import load_scenario

    sc = load_scenario(out)
    assert sc.economy.jobs_per_worker == pytest.approx(a.best[0])
    assert sc.hiring.race_penalty["black"] == pytest.approx(
        a.best[[p.name for p in a.config.parameters].index("bias_black")]
    )


def test_validate_compares_synthetic_trials_with_the_published_one():
    from pathways.calibration.validate import format_rows, format_years, validate

    rows, by_year = validate(workers=2000, seeds=2, jobs=2, years=4)
    scenarios = {r.scenario for r in rows}
    assert scenarios == {
        "sectoral_tuition_free", "tuition_bootcamp", "isa_bootcamp", "apprenticeship",
        "young_adult_internship", "healthcare_part_time", "registered_apprenticeship",
    }  # fmt: skip
    published = [r for r in rows if r.published == r.published]
    # Only the sectoral program has a published trial (Per Scholas); the others are shown without one.
    assert {r.scenario for r in published} == {"sectoral_tuition_free"}
    assert all(r.seeds == 2 for r in rows)
    assert "sectoral_tuition_free" in format_rows(rows)
    # Every follow-up year of every trial; the published window (years 2-3) is their average.
    assert {(r.scenario, r.year) for r in by_year} == {(s, y) for s in scenarios for y in (1, 2, 3, 4)}
    checked = 0
    for r in rows:
        if "share" in r.measure:
            continue
        years = {y.year: y.impact for y in by_year if y.scenario == r.scenario}
        assert r.simulated == pytest.approx((years[2] + years[3]) / 2, nan_ok=True)
        checked += r.simulated == r.simulated
    assert checked >= 2  # trials too small for an estimate give NaN in both
    assert "year 4" in format_years(by_year)


def test_sensitivity_gives_an_index_per_parameter_and_outcome(tiny_sensitivity):
    from pathways.calibration.sensitivity import OUTCOMES

    result = tiny_sensitivity
    n_params = len(fit.load_config().parameters)
    assert result["runs"] == 2 * (n_params + 1)
    assert len(result["indices"]) == n_params * len(OUTCOMES)
    assert all(r["mu_star"] >= 0 for r in result["indices"])


def test_each_statistic_counts_once_in_the_objective_however_many_rows_it_has():
    from pathways.calibration.fit import statistic_weights

    w = statistic_weights(["pay", "pay", "pay", "pay", "unemployment", "tenure", "tenure"])
    assert w.sum() == pytest.approx(1.0)
    assert w[:4].sum() == pytest.approx(1 / 3) and w[4] == pytest.approx(1 / 3) and w[5] == w[6]


def test_validate_can_run_a_subset_of_the_library_and_refuses_other_files():
    from pathways.calibration.validate import validate

    rows, by_year = validate(workers=1500, seeds=2, years=3, scenarios=("apprenticeship.toml",))
    assert {r.scenario for r in rows} == {r.scenario for r in by_year} == {"apprenticeship"}
    with pytest.raises(ValueError, match="not library programs"):
        validate(workers=1500, seeds=2, years=3, scenarios=("baseline.toml",))
