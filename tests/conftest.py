"""Shared fixtures: small scenarios built on the baseline so tests stay fast."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

import pathways.simulation.programs as programs_module
from pathways.simulation import LabourMarket, load_scenario
from pathways.simulation.employers import N_RUNGS, EmployerTable

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def small(workers: int = 3000, months: int = 24, burn_in: int = 24, seed: int = 1, **blocks):
    """The baseline at test size, with optional overrides by block: small(hiring={...})."""
    overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in, "seed": seed}}
    overrides.update(blocks)
    return load_scenario(BASELINE, overrides)


def calibrated(workers: int = 3000, months: int = 24, burn_in: int = 24, seed: int = 1, **blocks):
    """The calibrated market (the library's reference arm) at test size."""
    overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in, "seed": seed}}
    overrides.update(blocks)
    return load_scenario(ROOT / "scenarios" / "calibrated.toml", overrides)


def tiny_calibration(folder: Path) -> Path:
    """calibration/calibration.toml at test size (4 screened points, 3 local evaluations), in ``folder``."""
    config = (ROOT / "calibration" / "calibration.toml").read_text()
    config = config.replace('scenario = "../scenarios/', f'scenario = "{ROOT}/scenarios/')
    sizes = {"workers": 1500, "months": 18, "burn_in_months": 24, "replicates": 2, "final_replicates": 2,
             "screening_points": 4, "local_evaluations": 3}  # fmt: skip
    lines = []
    for line in config.splitlines():
        key = line.split("=")[0].strip()
        lines.append(f"{key} = {sizes[key]}" if key in sizes else line)
    path = folder / "calibration.toml"
    path.write_text("\n".join(lines))
    return path


SMALL_SWEEP = """
[sweep]
name = "small_sweep"
seed = 11
seeds = 2
workers = 1200
months = 24
burn_in_months = 12

[arms.tuition_bootcamp]
scenario = "{root}/scenarios/tuition_bootcamp.toml"

[arms.apprenticeship]
scenario = "{root}/scenarios/apprenticeship.toml"

[design]
kind = "grid"

[[parameters]]
name = "homophily"
keys = ["network.homophily"]
values = [0.5, 0.8]
"""


@pytest.fixture(scope="session")
def tiny_fit(tmp_path_factory):
    """:func:`tiny_calibration` fitted once on two processes, shared by the tests that read a fit:
    ``(path of the calibration file, the fit)``."""
    from pathways.calibration import fit

    path = tiny_calibration(tmp_path_factory.mktemp("tiny_fit"))
    return path, fit.calibrate(path, jobs=2)


@pytest.fixture(scope="session")
def tiny_sensitivity() -> dict:
    """A Morris screening at test size (2 trajectories, 1 replicate, 1,500 workers), run once."""
    from pathways.calibration.sensitivity import sensitivity

    return sensitivity(samples=2, replicates=1, workers=1500, jobs=2)


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """Bootcamp and apprenticeship x two homophily points x two seeds, run and summarised once.

    Returns ``(plan, folder)``: the loaded sweep and the folder holding its results and summary.
    """
    from pathways.experiments import sweep as sw
    from pathways.experiments.summarize import summarize_folder

    folder = tmp_path_factory.mktemp("small_sweep")
    path = folder / "small_sweep.toml"
    path.write_text(SMALL_SWEEP.format(root=ROOT))
    plan = sw.load_sweep(path)
    sw.run_sweep(plan, folder / "out", jobs=2)
    summarize_folder(plan, folder / "out")
    return plan, folder / "out"


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE


def library(name: str, *, workers=5000, months=16, burn_in=12, seed=1, **blocks):
    """A scenario of the library at test size, with overrides by block."""
    overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in, "seed": seed}}
    overrides.update(blocks)
    return load_scenario(ROOT / "scenarios" / f"{name}.toml", overrides)


def program_run(model: LabourMarket, key: str):
    return next(p for p in model.programs if p.key == key)


def group_codes(model: LabourMarket, names: list[str]) -> list[int]:
    return [model.group_names.index(g) for g in names]


def booked(model: LabourMarket, payer: str, item: str, program: str | None = None) -> float:
    return sum(
        r["dollars"]
        for r in model.ledger.rows()
        if r["payer"] == payer and r["item"] == item and (program is None or r["program"] == program)
    )


def assert_same_state(a: LabourMarket, b: LabourMarket) -> None:
    """Two models hold identical workers, employers, ledger and funnel."""
    assert a.month == b.month
    other = b.workers.arrays()
    for name, arr in a.workers.arrays().items():
        np.testing.assert_array_equal(arr, other[name], err_msg=f"workers.{name}")
    for f in fields(EmployerTable):
        np.testing.assert_array_equal(
            getattr(a.employers, f.name), getattr(b.employers, f.name), err_msg=f"employers.{f.name}"
        )
    assert a.ledger.rows() == b.ledger.rows()
    for name, arr in a.funnel.data.items():
        np.testing.assert_array_equal(arr, b.funnel.data[name], err_msg=f"funnel.{name}")


class HireLog:
    """Every hire of a model (calls of ``workers.start_jobs``), with the worker's state before it."""

    def __init__(self, model: LabourMarket) -> None:
        self.parts: list[dict[str, np.ndarray]] = []
        w = model.workers
        original = w.start_jobs

        def start_jobs(idx, employer, occupation, wage, channel, hours=40):
            idx = np.asarray(idx)
            self.parts.append(
                {
                    "month": np.full(idx.size, model.month),
                    "worker": idx.copy(),
                    "group": w.group[idx].astype(np.int64),
                    "state": w.state[idx].copy(),
                    "sector": np.asarray(occupation).astype(np.int64) // N_RUNGS,
                    "rung": np.asarray(occupation).astype(np.int64) % N_RUNGS,
                    "employer": np.asarray(employer).astype(np.int64),
                    "channel": np.asarray(channel).astype(np.int8),
                }
            )
            original(idx, employer, occupation, wage, channel, hours)

        w.start_jobs = start_jobs

    def table(self) -> dict[str, np.ndarray]:
        keys = ("month", "worker", "group", "state", "sector", "rung", "employer", "channel")
        if not self.parts:
            return {k: np.zeros(0, np.int64) for k in keys}
        return {k: np.concatenate([p[k] for p in self.parts]) for k in keys}


class Admissions:
    """Records each admission to program ``key``: worker, person, savings and debt just before and after."""

    def __init__(self, monkeypatch, key: str) -> None:
        self.rows: list[dict[str, np.ndarray]] = []
        original = programs_module.admit

        def admit(model, program, applicants, price, arm=-1):
            if program.key != key:
                return original(model, program, applicants, price, arm)
            w = model.workers
            row = {
                "month": np.full(applicants.size, model.month),
                "worker": applicants.copy(),
                "person": w.person[applicants].copy(),
                "state": w.state[applicants].copy(),
                "employer": w.employer[applicants].copy(),
                "wage": w.wage[applicants].astype(np.float64),
                "hours": w.hours[applicants].astype(np.float64),
                "savings": w.savings[applicants].astype(np.float64),
                "debt": w.debt[applicants].astype(np.float64),
                "price": np.asarray(price, dtype=np.float64).copy(),
                "median_savings": np.full(applicants.size, float(np.median(w.savings))),
            }
            admitted = original(model, program, applicants, price, arm)
            # Apprenticeships may admit fewer than offered (host openings): keep the admitted.
            keep = np.isin(applicants, admitted)
            row = {k: v[keep] for k, v in row.items()}
            row["employer_after"] = w.employer[admitted].copy()
            row["savings_after"] = w.savings[admitted].astype(np.float64)
            row["debt_after"] = w.debt[admitted].astype(np.float64)
            row["state_after"] = w.state[admitted].copy()
            self.rows.append(row)
            return admitted

        monkeypatch.setattr(programs_module, "admit", admit)

    def table(self) -> dict[str, np.ndarray]:
        assert self.rows, "nobody was admitted"
        return {k: np.concatenate([r[k] for r in self.rows]) for k in self.rows[0]}


def low_savings_enrolments(monkeypatch, scenario, key: str) -> int:
    with monkeypatch.context() as m:
        admissions = Admissions(m, key)
        LabourMarket(scenario).run()
    a = admissions.table()
    return int(((a["month"] >= 0) & (a["savings"] < a["median_savings"])).sum())
