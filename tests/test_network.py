"""The referral network: group sizes and homophily, and the pay gap referrals make by themselves."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import calibrated
from pathways.experiments.referral_gap import equal_footing, referral_gap
from pathways.simulation.network import draw_ties


@pytest.mark.parametrize("homophily", [0.0, 0.4, 0.8])
def test_the_homophily_parameter_is_colemans_inbreeding_index(homophily):
    """Own-group share of ties = h + (1 - h) * group share, so (share - w) / (1 - w) = h for every group."""
    rng = np.random.default_rng(3)
    shares = np.array([0.6, 0.25, 0.1, 0.05])
    group = rng.choice(4, size=40_000, p=shares)
    ties = draw_ties(group, 10, homophily, rng)
    own = (group[ties] == group[:, None]).mean(axis=1)
    for g, w in enumerate(np.bincount(group) / group.size):
        share = own[group == g].mean()
        assert share == pytest.approx(homophily + (1 - homophily) * w, abs=0.01)
        assert (share - w) / (1 - w) == pytest.approx(homophily, abs=0.02)
    assert not (ties == np.arange(group.size)[:, None]).any()  # nobody is their own tie


def test_equal_footing_gives_every_group_the_same_education_and_savings_and_no_penalty():
    scenario = calibrated()
    over = equal_footing(scenario)
    levels = {tuple(g["education"].values()) for g in over["groups"].values()}
    savings = {g["median_savings"] for g in over["groups"].values()}
    assert len(levels) == 1 and len(savings) == 1
    assert sum(next(iter(levels))) == pytest.approx(1.0)
    assert set(over["hiring"]["race_penalty"].values()) == {0.0}
    assert set(over["hiring"]["women_penalty"].values()) == {0.0}


def test_without_referrals_in_the_scenario_the_gap_from_referrals_is_zero():
    rows = referral_gap(calibrated(workers=3000, months=12, search={"referral_contacts": 0}))
    assert {r["group"] for r in rows} >= {"all", "black_men", "asian_women"}
    assert all(r["from_referrals"] == 0.0 for r in rows)


def test_the_gap_from_referrals_is_measured_for_every_group():
    rows = referral_gap(calibrated(workers=4000, months=12))
    for r in rows:
        assert r["from_referrals"] == pytest.approx(r["pay_ratio_with_referrals"] - r["pay_ratio_without"])
        assert 0.5 < r["pay_ratio_with_referrals"] < 1.5
    assert any(r["from_referrals"] != 0 for r in rows)


def test_pathways_run_reports_the_gap_from_referrals(tmp_path, capsys):
    import pyarrow.parquet as pq

    from pathways.cli import main

    out = tmp_path / "run"
    args = ["run", "calibrated.toml", "--workers", "1500", "--months", "6", "--referral-gap", "--no-charts",
            "--out"]  # fmt: skip
    args.append(str(out))
    assert main(args) == 0, capsys.readouterr().err
    assert "from referrals" in capsys.readouterr().out
    table = pq.read_table(out / "referral_gap.parquet").to_pylist()
    assert {r["group"] for r in table} >= {"all", "hispanic_women"}
