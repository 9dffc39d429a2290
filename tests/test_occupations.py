"""The occupation tables and the library's ladders agree: pay, job shares and sources come from the data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pathways.simulation.occupations import PERCENTILES, load_table
from pathways.simulation.scenario import builtin_dir, load_scenario

SCENARIOS = Path(builtin_dir())
TABLE = SCENARIOS / "occupations.csv"
FAMILIES = SCENARIOS / "occupation_families.csv"


def families() -> dict[str, dict]:
    with FAMILIES.open(newline="", encoding="utf-8") as fh:
        return {r["family"]: r for r in csv.DictReader(fh)}


def test_every_occupation_row_is_cited_and_its_percentiles_ordered():
    table = load_table(TABLE)
    assert len(table) >= 20
    assert {o.family for o in table.values()} == set(families())
    for occupation in table.values():
        assert occupation.source.strip(), occupation.soc
        values = [occupation.pay[p] for p in PERCENTILES if p in occupation.pay]
        assert values == sorted(values) and all(v > 0 for v in values), occupation.soc


def test_every_rung_of_the_baseline_names_a_table_occupation_with_its_full_spread():
    table = load_table(TABLE)
    sc = load_scenario(SCENARIOS / "baseline.toml")
    assert len(sc.sectors) == 8
    for name, sector in sc.sectors.items():
        for rung in sector.ladder:
            occupation = table[rung.soc]
            assert occupation.family == name, rung.soc
            assert (rung.wage, rung.wage_p10, rung.wage_p90) == (
                occupation.pay["p50"], occupation.pay["p10"], occupation.pay["p90"]
            )  # fmt: skip


def test_job_shares_are_the_published_employment_shares():
    """A sector's share is its major groups' OEWS employment over all eight; a rung's is its
    occupation's employment over its ladder's three."""
    table = load_table(TABLE)
    fam = families()
    total = sum(float(f["employment"]) for f in fam.values())
    sc = load_scenario(SCENARIOS / "baseline.toml")
    with TABLE.open(newline="", encoding="utf-8") as fh:
        employment = {r["soc"]: float(r["employment"]) for r in csv.DictReader(fh)}
    for name, sector in sc.sectors.items():
        assert sector.job_share == pytest.approx(float(fam[name]["employment"]) / total, abs=0.001)
        ladder = sum(employment[r.soc] for r in sector.ladder)
        for rung in sector.ladder:
            assert rung.soc in table
            assert rung.job_share == pytest.approx(employment[rung.soc] / ladder, abs=0.01), rung.soc
