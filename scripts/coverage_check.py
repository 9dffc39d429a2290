"""Simulation-based calibration check of ``pathways posterior`` at full size.

    python scripts/coverage_check.py OUT.csv [--truths 20] [--jobs 2] [--steps 600]

Draws ``--truths`` true parameter points from the prior of the shipped
``calibration/calibration.toml`` (all its free parameters, at its market size
and replicate seeds), makes synthetic targets with the model at each on
seeds the design never used, and runs the posterior method on them (one
prior-wide design wave: :mod:`pathways.calibration.coverage`). Writes each
parameter's coverage of its central 90% interval, and all parameters
together, with the band a method with exact 90% intervals would show over
that many checks. The tests run the same check at a small size.

Cost: ``design_points x replicates`` runs for the design, ``truths x
replicates`` for the synthetic targets, and one sampler run per truth.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pathways.calibration.coverage import coverage_check
from pathways.calibration.fit import CONFIG_FILE, load_config
from pathways.experiments.io import write_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="CSV of coverage by parameter")
    parser.add_argument("--truths", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=600, help="sampler steps per walker and truth")
    args = parser.parse_args()
    config = load_config(CONFIG_FILE)
    settings = config.posterior.model_copy(update={"steps": args.steps, "burn": args.steps // 3})
    start = time.perf_counter()
    result = coverage_check(CONFIG_FILE, truths=args.truths, jobs=args.jobs, settings=settings)
    minutes = (time.perf_counter() - start) / 60
    rows = result.rows()
    for r in rows:
        r.update(design_runs=result.design_runs, truth_runs=result.truth_runs, minutes=round(minutes, 1))
    write_csv(rows, args.out)
    print(f"{'parameter':<28}{'covered':>10}{'coverage':>10}   expected band")
    for r in rows:
        print(f"{r['parameter']:<28}{r['covered']:>6}/{r['checks']:<3}{r['coverage']:>10.0%}"
              f"   [{r['expected_low']:.0%}, {r['expected_high']:.0%}]")  # fmt: skip
    print(f"\n{args.truths} truths, {result.design_runs} design runs + {result.truth_runs} truth runs, "
          f"{minutes:.1f} minutes. Wrote {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
