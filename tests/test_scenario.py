"""Scenario loading: every malformed input is an error naming the file and the key."""

from __future__ import annotations

import pytest

from pathways.simulation import ScenarioError, load_scenario, scenario_hash


def write(tmp_path, name, text, baseline_path):
    path = tmp_path / name
    path.write_text(f'extends = "{baseline_path}"\n' + text)
    return path


def error_of(path) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return str(exc.value)


def test_baseline_loads_with_sources(baseline_path):
    sc = load_scenario(baseline_path)
    assert len(sc.sectors) >= 4
    assert all(len(s.ladder) == 3 for s in sc.sectors.values())
    # Every wage figure carries a source.
    assert all(r.source for s in sc.sectors.values() for r in s.ladder)
    assert {"white_men", "black_women", "hispanic_women"} <= set(sc.groups)


def test_extends_overrides_only_what_it_names(tmp_path, baseline_path):
    path = write(tmp_path, "variant.toml", "[run]\nseed = 7\n[network]\nhomophily = 0.2\n", baseline_path)
    base, variant = load_scenario(baseline_path), load_scenario(path)
    assert variant.run.seed == 7 and variant.network.homophily == 0.2
    assert variant.network.ties == base.network.ties
    assert variant.sectors == base.sectors
    assert scenario_hash(variant) != scenario_hash(base)


def test_builtin_name_resolves(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text('extends = "baseline.toml"\n[run]\nseed = 3\n')
    assert load_scenario(path).run.seed == 3


def test_unknown_key_names_file_and_path(tmp_path, baseline_path):
    path = write(tmp_path, "typo.toml", "[network]\nhomophilly = 0.5\n", baseline_path)
    msg = error_of(path)
    assert str(path) in msg and "network.homophilly" in msg and "unknown key" in msg


def test_unknown_top_level_block(tmp_path, baseline_path):
    msg = error_of(write(tmp_path, "x.toml", "[polices]\nx = 1\n", baseline_path))
    assert "polices" in msg and "unknown key" in msg


def test_wrong_type(tmp_path, baseline_path):
    msg = error_of(write(tmp_path, "t.toml", '[run]\nworkers = "many"\n', baseline_path))
    assert "run.workers" in msg and "many" in msg


def test_negative_wage_names_rung(tmp_path, baseline_path):
    text = "".join(
        f'[[sectors.it.ladder]]\ntitle = "r{i}"\nwage = {w}\njob_share = {s}\n'
        for i, (w, s) in enumerate([(-5.0, 0.5), (60000.0, 0.3), (90000.0, 0.2)])
    )
    msg = error_of(write(tmp_path, "w.toml", text, baseline_path))
    assert "sectors.it.ladder.0.wage" in msg and "-5" in msg


def test_negative_size(tmp_path, baseline_path):
    msg = error_of(write(tmp_path, "n.toml", "[run]\nworkers = -10\n", baseline_path))
    assert "run.workers" in msg


def test_shares_must_sum_to_one(tmp_path, baseline_path):
    msg = error_of(write(tmp_path, "s.toml", "[groups.white_men]\nshare = 0.5\n", baseline_path))
    # Blamed on the file that set the share, with the key it set.
    assert msg.startswith(f"{tmp_path / 's.toml'}: groups.white_men.share") and "sum to 1" in msg


def test_education_shares_must_sum_to_one(tmp_path, baseline_path):
    text = "[groups.black_women.education]\nno_degree = 0.5\nsome_college = 0.5\nba_plus = 0.5\n"
    msg = error_of(write(tmp_path, "e.toml", text, baseline_path))
    assert "groups.black_women.education" in msg and "sum to 1" in msg


def test_unknown_sector_in_program(tmp_path, baseline_path):
    text = (
        '[trainers.t]\nname = "T"\n[trainers.t.programs.p]\nname = "P"\nfinancing = "tuition"\n'
        'sector = "space"\nduration_months = 3\nseats_per_10k_workers = 1.0\ncost_per_seat = 0.0\n'
        "skill_gain = 1.0\n"
    )
    msg = error_of(write(tmp_path, "p.toml", text, baseline_path))
    assert "trainers.t.programs.p.sector" in msg and "space" in msg


def test_error_in_parent_names_parent(tmp_path, baseline_path):
    parent = tmp_path / "parent.toml"
    parent.write_text(f'extends = "{baseline_path}"\n[search]\npublic_applications = -1\n')
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n[run]\nseed = 2\n')
    msg = error_of(child)
    assert str(parent.resolve()) in msg and "search.public_applications" in msg


def test_extends_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    assert "cycle" in error_of(tmp_path / "a.toml")


def test_missing_file_and_bad_toml(tmp_path):
    assert "not found" in error_of(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\nworkers = 3\n")
    msg = error_of(bad)
    assert str(bad) in msg and "not valid TOML" in msg


def test_overrides_are_validated(baseline_path):
    with pytest.raises(ScenarioError, match=r"run\.months"):
        load_scenario(baseline_path, {"run": {"months": 0}})
