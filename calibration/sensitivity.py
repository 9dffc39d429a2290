"""``pathways sensitivity``: how much each free parameter moves the key outcomes.

Global sensitivity over the calibration's free parameters and bounds
(``calibration/calibration.toml``), with SALib: Morris elementary effects
(default; ``mu_star`` ranks influence, ``sigma`` flags interactions and
non-linearity) or Sobol indices (``S1`` first order, ``ST`` total). Each
sample point is run on the same replicate seeds (common random numbers) and
averaged. Outcomes, from the tuition-free sectoral scenario:

``pay_ratio_change``   change in Black women's median pay ratio to white men
                       from month 0 to year 5 (recorded months 48-59)
``mobility_rate``      share in a low-wage job at month 0 above the line 5 years on
``placement_rate``     the program's graduates placed within 120 days
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..experiments.executor import Executor, all_succeeded
from ..simulation import LabourMarket, load_scenario
from ..simulation.funnel import summarise
from ..simulation.scenario import merge_tables
from .fit import CONFIG_FILE, load_config, overrides_for, replicate_seeds, scenario_path

OUTCOMES = ("pay_ratio_change", "mobility_rate", "placement_rate")
GROUP = "black_women"


def _outcomes(task: tuple) -> list[float]:
    scenario, seed, program = task
    model = LabourMarket(scenario, seed=seed)
    model.run()
    cols = model.metrics.columns()
    ratio = {(m, g): v for m, g, v in zip(cols["month"], cols["group"], cols["pay_ratio"], strict=True)}
    start = ratio.get((0, GROUP), np.nan)
    year5 = np.nanmean([ratio.get((m, GROUP), np.nan) for m in range(48, 60)])
    mobility = next((r["mobility_rate"] for r in model.mobility.result or [] if r["group"] == "all"), np.nan)
    run = next(p for p in model.programs if p.key == program)
    placement = summarise(model.funnel, run.index, None, model.elapsed, model.scenario.run.burn_in_months)
    return [float(year5 - start), float(mobility), float(placement["placement_rate_120d"])]


def sensitivity(
    method: str = "morris",
    samples: int = 8,
    replicates: int = 2,
    workers: int = 10_000,
    jobs: int = 1,
    dask: str | None = None,
    config_path: Path = CONFIG_FILE,
    on_result=None,
) -> dict:
    """Sensitivity indices per outcome and parameter.

    samples: Morris trajectories, or Sobol base samples (a power of two), at least 2.
    """
    if samples < 2 or replicates < 1:
        raise ValueError(f"need samples >= 2 and replicates >= 1 (got {samples} and {replicates})")
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    config = load_config(config_path)
    problem = {
        "num_vars": len(config.parameters),
        "names": [p.name for p in config.parameters],
        "bounds": [p.bounds for p in config.parameters],
    }
    seed = config.calibration.seed
    if method == "morris":
        x = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    elif method == "sobol":
        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r} (morris or sobol)")

    path = scenario_path(config, config_path)
    run_block = {
        "run": {"workers": workers, "months": 60, "burn_in_months": config.calibration.burn_in_months}
    }
    seeds = replicate_seeds(config, replicates)
    program = config.calibration.program
    tasks = []
    for row in x:
        scenario = load_scenario(path, merge_tables(overrides_for(config, row), run_block), str(config_path))
        tasks += [(scenario, s, program) for s in seeds]
    with Executor(jobs, dask) as executor:
        results = all_succeeded(executor.map(_outcomes, tasks, on_result), "sensitivity")
    y = np.nanmean(np.array(results, dtype=float).reshape(len(x), replicates, len(OUTCOMES)), axis=1)

    out: dict = {"method": method, "runs": len(tasks), "parameters": problem["names"], "indices": []}
    for k, outcome in enumerate(OUTCOMES):
        yk = np.where(np.isfinite(y[:, k]), y[:, k], np.nanmean(y[:, k]))
        if method == "morris":
            res = morris_analyze.analyze(problem, x, yk, num_levels=4, seed=seed)
            fields = ("mu_star", "mu_star_conf", "sigma")
        else:
            res = sobol_analyze.analyze(problem, yk, calc_second_order=False, seed=seed)
            fields = ("S1", "ST", "ST_conf")
        for i, name in enumerate(problem["names"]):
            row = {"outcome": outcome, "parameter": name}
            out["indices"].append(row | {f: float(res[f][i]) for f in fields})
    return out


def format_indices(result: dict) -> str:
    key = "mu_star" if result["method"] == "morris" else "ST"
    lines = []
    for outcome in OUTCOMES:
        rows = sorted((r for r in result["indices"] if r["outcome"] == outcome), key=lambda r: -r[key])
        lines.append(f"{outcome} ({key}, largest first):")
        for r in rows[:6]:
            extra = f"  sigma {r['sigma']:.3g}" if key == "mu_star" else f"  S1 {r['S1']:.3g}"
            lines.append(f"  {r['parameter']:<24}{r[key]:>10.3g}{extra}")
    return "\n".join(lines)
