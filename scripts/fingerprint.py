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


def fingerprint(seeds: int, workers: int, months: int, burn_in: int) -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in LIBRARY:
            for seed in range(1, seeds + 1):
                overrides = {"run": {"workers": workers, "months": months, "burn_in_months": burn_in,
                                     "seed": seed}}  # fmt: skip
                scenario = load_scenario(Path(builtin_dir()) / name, overrides)
                folder = Path(tmp) / f"{name}-{seed}"
                folder.mkdir()
                write_outputs(simulate(scenario), scenario, folder, name)
                for table in sorted(folder.glob("*.parquet")):
                    digest = hashlib.sha256(table.read_bytes()).hexdigest()
                    out[f"{name} seed {seed} {table.stem}"] = digest
                print(f"{name} seed {seed}", file=sys.stderr, flush=True)
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
