"""Fingerprint the model's behaviour: a hash of every results table of the library scenarios.

    python scripts/fingerprint.py OUT.json [--seeds 3] [--workers 3000] [--months 60]

Runs each library scenario for a few seeds and records the SHA-256 of every
Parquet table ``pathways run`` writes (metrics, outcomes, programs,
enrolments, mobility, costs, trial). Two fingerprints made before and after a
refactoring that should not change behaviour must be equal; where they are
not, the differing (scenario, seed, table) entries say where to look.
Manifests and charts are left out: they carry the code's identity and
versions, which a refactoring changes by design.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from pathways.experiments.run import simulate, write_outputs
from pathways.simulation import load_scenario
from pathways.simulation.scenario import builtin_dir

LIBRARY = (
    "baseline.toml", "calibrated.toml", "tuition_bootcamp.toml", "isa_bootcamp.toml",
    "sectoral_tuition_free.toml", "apprenticeship.toml", "labor_management_homecare.toml",
)  # fmt: skip
# Every policy at once, on the sectoral program (it has a placement team and partners), from month 6.
ALL_POLICIES = {
    "tuition_free": {"start_month": 6, "eligibility": {"max_savings": 5000.0}},
    "hire_on_day_one": {"start_month": 30, "programs": ["sectoral_it"], "training_wage_hourly": 18.0},
    "wage_standards": {"start_month": 6, "entry_hourly": 19.0, "advanced_hourly": 24.0, "scope": "partners"},
    "network_access": {"start_month": 6, "ties_added": 3, "sectors": ["it", "health"],
                       "eligibility": {"groups": ["black_men", "black_women"]}},
    "skills_based_hiring": {"start_month": 6, "employer_share": 0.5, "drop_experience_screens": True},
    "career_navigation": {"start_month": 6, "caseload_per_10k_workers": 60.0, "cost_per_client": 900.0},
    "benefits_bridge": {"start_month": 6, "monthly_stipend": 800.0},
    "bias_reduction": {"start_month": 6, "reduction": 0.5, "employer_share": 0.6},
    "employer_incentive": {"start_month": 6, "score_bonus": 0.3, "subsidy_per_hire": 2500.0,
                           "eligibility": {"groups": ["hispanic_men", "hispanic_women"]}},
}  # fmt: skip
CASES = [(name, {}) for name in LIBRARY] + [("sectoral_tuition_free.toml", {"policies": ALL_POLICIES})]


def fingerprint(seeds: int, workers: int, months: int, burn_in: int) -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in CASES:
            label = f"{name}{' + every policy' if extra else ''}"
            for seed in range(1, seeds + 1):
                overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in,
                                     "seed": seed}, **extra}  # fmt: skip
                scenario = load_scenario(Path(builtin_dir()) / name, overrides)
                folder = Path(tmp) / f"{len(out)}"
                folder.mkdir()
                write_outputs(simulate(scenario), scenario, folder, name)
                for table in sorted(folder.glob("*.parquet")):
                    digest = hashlib.sha256(table.read_bytes()).hexdigest()
                    out[f"{label} seed {seed} {table.stem}"] = digest
                print(f"{label} seed {seed}", file=sys.stderr, flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="JSON file to write")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--burn-in", type=int, default=36)
    parser.add_argument("--compare", help="an earlier fingerprint: list what differs, exit 1 if any")
    args = parser.parse_args()
    now = fingerprint(args.seeds, args.workers, args.months, args.burn_in)
    Path(args.out).write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
        print(f"{len(now)} tables; {len(differ)} differ from {args.compare}")
        for k in differ:
            print(f"  {k}")
        return 1 if differ else 0
    print(f"{len(now)} tables fingerprinted into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
