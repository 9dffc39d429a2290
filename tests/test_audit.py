"""``pathways audit``: identical applications by group, read by the model's own employers."""

from __future__ import annotations

import csv

import numpy as np

from conftest import ROOT, small
from pathways.experiments import audit
from pathways.simulation import LabourMarket

SECTORS = ("it", "health", "trades", "production", "office", "business", "retail_food", "transport")
NO_BIAS = {
    "race_penalty": {"white": 0.0, "black": 0.0, "hispanic": 0.0, "asian": 0.0},
    "women_penalty": dict.fromkeys(SECTORS, 0.0),
}


def audited(hiring: dict | None = None, postings: int = 600):
    model = LabourMarket(small(workers=8000, months=6, burn_in=24, hiring=hiring or {}))
    model.run()
    apps = audit.audit_sets(model, postings, np.random.default_rng(5))
    return model, apps


def test_the_applications_at_a_posting_differ_only_in_group():
    model, apps = audited()
    n_groups = len(model.group_names)
    # Up to 600 postings, each once: all the open ones with a holder of the job in a small market.
    k = np.unique(apps["posting"]).size
    assert 0 < k <= 600 and apps["posting"].size == k * n_groups
    for key, values in apps.items():
        per_post = values.reshape(-1, n_groups)
        if key == "group":
            assert (per_post == np.arange(n_groups)).all()
        else:  # the same posting and the same qualifications for every group
            assert (per_post == per_post[:, :1]).all(), key
    # Real open postings, qualifications of a real holder of the job.
    assert (model.employers.openings.ravel()[apps["posting"]] > 0).all()


def test_without_bias_or_noise_every_group_gets_the_same_callbacks():
    model, apps = audited({**NO_BIAS, "noise_sd": 0.0})
    called = audit.callbacks(model, apps).reshape(-1, len(model.group_names))
    assert (called == called[:, :1]).all()
    assert 0 < called.mean() < 1  # screens and the bar still turn some away


def test_a_race_penalty_lowers_callbacks_of_that_race_at_every_posting():
    races = {"white": 0.0, "black": 1.0, "hispanic": 0.0, "asian": 0.0}
    penalty = {**NO_BIAS, "noise_sd": 0.0, "race_penalty": races}
    model, apps = audited(penalty)
    names = model.group_names
    called = audit.callbacks(model, apps).reshape(-1, len(names))
    white, black = called[:, names.index("white_men")], called[:, names.index("black_men")]
    assert (black <= white).all() and black.sum() < white.sum()
    assert (called[:, names.index("hispanic_men")] == white).all()


def test_the_study_reports_rates_ratios_and_gaps_with_intervals():
    rows = audit.audit(str(ROOT / "scenarios" / "calibrated.toml"), seeds=2, workers=5000, months=6,
                       postings=400)  # fmt: skip
    by = {(r.group, r.measure): r for r in rows}
    assert by[("white_men", "ratio")].mean == 1.0 and by[("white_men", "gap")].mean == 0.0
    for g in ("black_men", "hispanic_women", "asian_men"):
        rate = by[(g, "callback_rate")]
        assert 0 <= rate.ci_low <= rate.mean <= rate.ci_high <= 1
        assert (g, "employers_favouring_reference") in by and (g, "employer_gap_sd") in by
    assert "black_men" in audit.format_rows(rows)


def test_the_command_writes_a_table_and_a_chart_and_checks_its_flags(tmp_path, capsys):
    from pathways.cli import main

    out = tmp_path / "audit"
    cmd = ["audit", str(ROOT / "scenarios" / "calibrated.toml"), "--workers", "2500", "--months", "6",
           "--postings", "300", "--out", str(out)]  # fmt: skip
    assert main([*cmd, "--seeds", "2"]) == 0, capsys.readouterr().err
    with (out / "audit.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {"callback_rate", "ratio", "gap"} <= {r["measure"] for r in rows}
    assert (out / "audit_chart.png").stat().st_size > 0
    capsys.readouterr()
    assert main([*cmd, "--seeds", "1"]) == 2 and "seeds" in capsys.readouterr().err


def test_a_study_of_no_postings_is_refused(tmp_path, capsys):
    from pathways.cli import main

    assert main(["audit", "calibrated.toml", "--postings", "0", "--out", str(tmp_path / "a")]) == 2
    assert "postings" in capsys.readouterr().err


def test_the_application_log_follows_every_application_to_its_end():
    from pathways.experiments.run import simulate
    from pathways.simulation.workers import Channel

    result = simulate(small(workers=4000, months=6, burn_in=12), application_log_months=2)
    model = result.model
    log = model.application_log.table()
    assert set(np.unique(log["month"])) == {4, 5}  # the last two recorded months
    # Stages nest: hired => in play => callback => passed the screens.
    assert (log["in_play"] <= log["callback"]).all() and (log["callback"] <= log["passed_screens"]).all()
    assert (log["hired"] <= log["in_play"]).all() and log["hired"].any()
    assert np.isnan(log["score"][~log["passed_screens"]]).all()
    # The log's hires are the month's search hires: one per posting hire, no vacancy filled twice per person.
    last = log["month"] == 5
    hired = log["hired"] & last
    assert np.unique(log["person"][hired]).size == hired.sum()
    assert hired.sum() == model.month_log.hires_channel.size  # every hire the job search made that month
    assert set(np.unique(log["channel"])) <= {int(c) for c in Channel}
