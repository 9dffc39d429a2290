"""Shared fixtures: small scenarios built on the baseline so tests stay fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.simulation import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def small(workers: int = 3000, months: int = 24, burn_in: int = 24, seed: int = 1, **blocks):
    """The baseline at test size, with optional overrides by block: small(hiring={...})."""
    overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in, "seed": seed}}
    overrides.update(blocks)
    return load_scenario(BASELINE, overrides)


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE
