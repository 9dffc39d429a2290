"""``pathways scale``: a program at larger seat counts against the same market without it."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from conftest import ROOT, library, program_run
from pathways.cli import main
from pathways.experiments import scale
from pathways.simulation import LabourMarket
from pathways.simulation.trial import window_impact

SECTORAL = str(ROOT / "scenarios" / "sectoral_tuition_free.toml")


def sectoral(workers: int = 4000, months: int = 48):
    return library("sectoral_tuition_free", workers=workers, months=months, burn_in=24)


def test_scale_at_multiplier_one_is_the_trial_of_the_scenario_as_written():
    scenario = sectoral()
    as_written = LabourMarket(scenario, seed=3)
    as_written.run()
    trial = window_impact(as_written.trial.estimates(as_written.group_names), (2, 3))
    result = scale.scale_task((scenario, "sectoral_it", (1.0,), 3))
    assert trial == trial  # estimated: both arms had enough people
    assert result[1.0]["itt"] == trial


def test_the_market_without_the_program_enrols_no_one_in_it_and_keeps_everything_else():
    scenario = sectoral(months=24)
    off = LabourMarket(scale.with_overrides(scenario, scale.arm_overrides(scenario, "sectoral_it", None)))
    on = LabourMarket(scenario)
    off.run()
    on.run()
    index = program_run(off, "sectoral_it").index
    assert not (off.funnel.data["program"] == index).any()
    assert (on.funnel.data["program"] == index).any()
    # The same employers and partners: the program's partner draw is made whether it runs or not.
    partners = [program_run(m, "sectoral_it").partners for m in (off, on)]
    np.testing.assert_array_equal(*partners)
    np.testing.assert_array_equal(off.employers.bias, on.employers.bias)


def test_more_seats_enrol_more_people_and_every_measure_has_an_interval():
    rows = scale.scale(SECTORAL, "sectoral_it", [1, 5], seeds=2, workers=4000, months=48, jobs=2)
    by = {(r.multiplier, r.measure): r for r in rows}
    assert by[(5, "enrolled")].mean > by[(1, "enrolled")].mean
    for measure in ("itt", "displacement", "annual_earnings", "employment_rate"):
        for m in (1, 5):
            r = by[(m, measure)]
            assert r.seeds == 2 and r.ci_low <= r.mean <= r.ci_high, (m, measure)
    assert "x5" in scale.format_rows(rows)


def test_serial_and_parallel_give_the_same_numbers():
    kw = dict(seeds=2, workers=2500, months=30)
    one = scale.scale(SECTORAL, "sectoral_it", [1, 3], jobs=1, **kw)
    two = scale.scale(SECTORAL, "sectoral_it", [1, 3], jobs=2, **kw)
    np.testing.assert_equal([vars(r) for r in one], [vars(r) for r in two])


@pytest.mark.parametrize(
    "args, words",
    [
        (["--program", "no_such_program"], "no program 'no_such_program'"),
        (["--program", "sectoral_it", "--multipliers", "1,0"], "multipliers"),
        (["--program", "sectoral_it", "--multipliers", "1,1"], "repeated"),
        (["--program", "sectoral_it", "--seeds", "1"], "seeds"),
    ],
)
def test_bad_input_is_one_line_naming_what_is_wrong(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    code = main(["scale", SECTORAL, *args, "--workers", "1500", "--months", "36", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_the_command_writes_a_table_and_a_chart(tmp_path, capsys):
    out = tmp_path / "scale"
    args = ["scale", SECTORAL, "--program", "sectoral_it", "--workers", "2000", "--months", "24",
            "--out", str(out)]  # fmt: skip
    assert main([*args, "--multipliers", "1,4", "--seeds", "2"]) == 0, capsys.readouterr().err
    with (out / "scale.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["multiplier"] for r in rows} == {"1.0", "4.0"}
    assert {"itt", "displacement", "enrolled", "annual_earnings"} <= {r["measure"] for r in rows}
    assert (out / "scale_chart.png").stat().st_size > 0
    # Run again with other settings and without --overwrite: refused before any run, nothing lost.
    capsys.readouterr()
    assert main([*args, "--seeds", "3"]) == 2
    assert "overwrite" in capsys.readouterr().err
    assert (out / "scale.csv").is_file()
