"""How far to trust a brief: read from the calibration and validation reports that exist.

Nothing here is written by hand. The counts come from files:

* ``calibration/targets.csv`` (shipped): the published levels the model is
  fitted to, and the held-out trial effects it is tested against;
* the calibrated scenario's header (shipped, written by ``pathways calibrate``):
  the objective at the start and at the fit;
* a calibration report (``fit.csv``, ``fit.json`` from ``pathways calibrate``)
  and a validation report (``validation.csv`` from ``pathways validate``), when
  one is found beside the results (``<results>/../calibration``,
  ``<results>/../validation``) or named by the caller.

Where a report is missing the brief says so, and what it would show, rather
than quote figures from another run.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..calibration.targets import TARGETS_FILE, Target, load_targets
from ..calibration.validate import DISAGREES, NO_TRIAL, verdict
from ..simulation.scenario import builtin_dir
from .io import ResultsError, read_json
from .names import capital, nice

CALIBRATED = Path(builtin_dir()) / "calibrated.toml"
SHIPPED = TARGETS_FILE.parent  # calibration/: the targets, and the report of the installed fit
# What each kind of target measures, in words (by the statistic's name, before any ":").
KINDS = {
    "unemployment_rate": "unemployment by group",
    "job_finding_rate": "job flows",
    "separation_rate": "job flows",
    "job_to_job_rate": "job flows",
    "hires_rate": "job flows",
    "referral_hire_share": "hiring through referrals",
    "pay_ratio": "pay ratios to white men",
    "share_men": "who holds which jobs",
    "share_women": "who holds which jobs",
    "share_white": "who holds which jobs",
    "share_black": "who holds which jobs",
    "share_hispanic": "who holds which jobs",
    "share_black_hispanic": "who holds which jobs",
    "program": "a training program's funnel",
}
_OBJECTIVE = re.compile(r"#.*start (\d+(?:\.\d+)?), fitted (\d+(?:\.\d+)?)")


@dataclass
class Evidence:
    """The reports found for a brief, and where they were looked for."""

    targets: list[Target]  # fitted to
    held_out: list[Target]  # tested against
    objective: tuple[float, float] | None  # (start, fitted) from the calibrated scenario
    fit: list[dict] | None = None
    fit_path: Path | None = None
    fit_objective: float | None = None  # from the report's fit.json
    validation: list[dict] | None = None
    validation_path: Path | None = None
    validation_years: list[dict] | None = None  # validation_years.csv: the impact in every follow-up year
    looked_in: list[Path] = field(default_factory=list)


def _read_csv(path: Path) -> list[dict]:
    try:
        with path.open(newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultsError(f"{path}: cannot read ({exc})") from None


def _number(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else float("nan")
    except ValueError:
        return float("nan")


def gather(results: Path, calibration: Path | None = None, validation: Path | None = None) -> Evidence:
    """Find the reports for the results in ``results`` (folders may be given; else looked for beside it)."""
    objective = None
    if CALIBRATED.exists():
        for line in CALIBRATED.read_text().splitlines():
            if m := _OBJECTIVE.match(line):
                objective = (float(m.group(1)), float(m.group(2)))
    e = Evidence(load_targets(use="calibrate"), load_targets(use="validate"), objective)
    cal_dir = calibration or results.parent / "calibration"
    if calibration is None and not (cal_dir / "fit.csv").is_file() and (SHIPPED / "fit.csv").is_file():
        # No report beside the results: the one shipped with the installed calibration (calibrate --install).
        cal_dir = SHIPPED
    val_dir = validation or results.parent / "validation"
    e.looked_in = [cal_dir / "fit.csv", val_dir / "validation.csv"]
    if (cal_dir / "fit.csv").is_file():
        e.fit, e.fit_path = _read_csv(cal_dir / "fit.csv"), cal_dir / "fit.csv"
        if (cal_dir / "fit.json").is_file():
            e.fit_objective = read_json(cal_dir / "fit.json").get("fitted_objective")
    if (val_dir / "validation.csv").is_file():
        e.validation, e.validation_path = _read_csv(val_dir / "validation.csv"), val_dir / "validation.csv"
    if (val_dir / "validation_years.csv").is_file():
        e.validation_years = _read_csv(val_dir / "validation_years.csv")
    return e


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _shown(path: Path, results: Path) -> str:
    """A report's path as the reader of the results folder would type it."""
    return os.path.relpath(path, results) if path.is_absolute() == results.is_absolute() else str(path)


def _target_words(target: str, group: str, group_labels: dict[str, str]) -> str:
    words = target.replace("_", " ").replace(" vs ", " to ")
    return words if group == "all" else f"{words} ({group_labels.get(group, group)})"


def _value(v: float, units: str) -> str:
    sign = "\u2212" if v < 0 else ""
    if units.startswith("share"):
        return sign + (f"{abs(v):.0%}" if abs(v) >= 0.1 else f"{abs(v):.1%}")
    if units.startswith("dollars"):
        return f"{sign}${abs(v):,.0f}"
    return f"{v:.3g}"


def calibration_lines(e: Evidence, results: Path, group_labels: dict[str, str]) -> list[str]:
    """What the model is fitted to and how close it comes."""
    n = len(e.targets)
    kinds = _listing(sorted({KINDS.get(t.statistic.split(":")[0], t.statistic) for t in e.targets}))
    lines = [
        f"Fitted to {n} published levels (calibration/targets.csv: {kinds}); the free behavioural "
        f"parameters were chosen to come close to them."
    ]
    objective = (
        " The calibrated scenario records an objective (squared distance in tolerances, each statistic"
        f" weighted equally) of "
        f"{e.objective[0]:.3f} at the start and {e.objective[1]:.3f} fitted."
        if e.objective
        else " The calibrated scenario records no objective."
    )
    if e.fit is None:
        lines.append(
            f"No calibration report was found ({_shown(e.looked_in[0], results)}), so how many of the {n} "
            f"targets the fit meets is not stated here.{objective} The report (fit.csv) is written by "
            f"pathways calibrate (which also refits scenarios/calibrated.toml)."
        )
        return lines
    inside = [r for r in e.fit if r.get("within_tolerance") == "True"]
    misses = sorted(
        (r for r in e.fit if r.get("within_tolerance") != "True"),
        key=lambda r: -abs(_number(r["simulated"]) - _number(r["published"])) / _number(r["tolerance"]),
    )
    worst = "; ".join(
        f"{_target_words(r['target'], r['group'], group_labels)} "
        f"{_value(_number(r['simulated']), r['units'])} against {_value(_number(r['published']), r['units'])}"
        for r in misses[:3]
    )
    text = (
        f"The calibration report ({_shown(e.fit_path, results)}) has {len(inside)} of {len(e.fit)} "
        f"targets within tolerance.{objective}"
    )
    if worst:
        text += f" Furthest off: {worst}."
    if e.fit_objective is not None and e.objective and abs(e.fit_objective - e.objective[1]) > 5e-4:
        text += (
            f" This report is from another fit (objective {e.fit_objective:.3f}) than the shipped "
            f"calibrated scenario: its counts may not describe these results."
        )
    lines.append(text)
    lines += posterior_lines()
    return lines


def posterior_lines(path: Path | None = None) -> list[str]:
    """What the calibration's posterior says the targets pin down (its identifiability table)."""
    from ..calibration.fit import CONFIG_FILE

    path = path or CONFIG_FILE.with_name("identifiability.csv")
    if not path.is_file():
        return []
    import csv

    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    ratios = [(r["parameter"], _number(r.get("width_ratio"))) for r in rows]
    pinned = [n for n, w in ratios if w < 0.5]
    loose = [n.replace("_", " ") for n, w in ratios if w >= 0.8]
    text = (
        f"The calibration's posterior (pathways posterior) pins {len(pinned)} of the {len(rows)} free "
        f"parameters to under half their prior range (90% intervals)"
    )
    text += f"; the targets barely constrain {_listing(loose)}." if loose else "."
    text += (
        " Where a table gives an interval 'with parameters', each seed was also run at its own draw "
        "from that posterior, so the interval carries what the calibration does not know as well as chance."
    )
    return [text]


def validation_lines(e: Evidence, results: Path) -> list[str]:
    """The held-out check: the model's synthetic trials against published trials."""
    published = [t for t in e.held_out if t.units.startswith("dollars")]
    described = "; ".join(
        f"{t.definition.split(':')[0].lower()}: ${t.value - t.tolerance:,.0f} to "
        f"${t.value + t.tolerance:,.0f} a year ({t.population}, {t.citation})"
        for t in published
    )
    if e.validation is None:
        return [
            f"Held out, never fitted: {described}. No validation report was found "
            f"({_shown(e.looked_in[1], results)}), so whether the model's program effects match this "
            f"is not shown here; the command pathways validate runs that check."
        ]
    lines = []
    for r in e.validation:
        pub, tol = _number(r.get("published")), _number(r.get("tolerance"))
        t_lo, t_hi = _number(r.get("total_low")), _number(r.get("total_high"))
        total = t_lo == t_lo and t_hi == t_hi  # validate --parameter-uncertainty: judged on the total
        said = verdict(*((t_lo, t_hi) if total else (_number(r["ci_low"]), _number(r["ci_high"]))), pub, tol)
        if said == NO_TRIAL:
            continue
        units = "share" if "share" in r["measure"] else "dollars"
        sim, lo, hi = (_value(_number(r[k]), units) for k in ("simulated", "ci_low", "ci_high"))
        spread = f"[{lo}, {hi}] over {r['seeds']} seeds"
        if total:
            spread += (
                f", [{_value(t_lo, units)}, {_value(t_hi, units)}] with the calibrated parameters' "
                f"uncertainty ({_number(r.get('parameter_share')):.0%} of its variance)"
            )
        name = capital(nice(r["scenario"]))
        # The measure in the held-out target's own words (its definition, up to the figures).
        target = next((t for t in e.held_out if t.statistic == r["measure"]), None)
        measure = target.definition.split(":")[0].lower() if target else r["measure"].replace("_", " ")
        published_range = f"range {_value(pub - tol, units)} to {_value(pub + tol, units)}"
        text = (
            f"{name}, {measure}: the model gives {sim} {spread} against the "
            f"published {_value(pub, units)} ({published_range}; {r['citation']}): {said}."
        )
        if said == DISAGREES and pub:
            times = _number(r["simulated"]) / pub
            text += (
                f" That is {times:.1f} times the published effect: treat program effects from this "
                f"version as {'upper bounds' if times > 1 else 'lower bounds'}."
            )
        if units == "dollars":
            text += _trajectory(e.validation_years, r["scenario"])
        lines.append(text)
    if lines:
        lines[0] = f"Held out, never fitted ({_shown(e.validation_path, results)}). {lines[0]}"
    return lines


def _trajectory(by_year: list[dict] | None, scenario: str) -> str:
    """A sentence on how the model's effect moves over the follow-up years (validation_years.csv)."""
    mine = {int(r["year"]): _number(r["impact"]) for r in by_year or [] if r["scenario"] == scenario}
    mine = {y: v for y, v in mine.items() if v == v}
    if len(mine) < 4 or 2 not in mine:
        return ""
    last = max(mine)
    return (
        f" Followed for {last} years, the model's effect goes from {_value(mine[2], 'dollars')} in year 2 to "
        f"{_value(mine[last], 'dollars')} in year {last}."
    )


def structure_caveats(resolved: dict, seeds: int) -> list[str]:
    """What the model is and what its intervals measure, from the scenario the results used."""
    sectors = [s["label"] for s in resolved["sectors"].values()]
    return [
        f"The labour market is a synthetic metro of {len(sectors)} occupational families "
        f"({', '.join(sectors)}). Group differences come only from mechanisms (education, savings, "
        f"networks, screens, hiring bias, occupational sorting), not from any group term in pay.",
        f"Intervals are 95% intervals over {seeds} seeds: they measure simulation noise, not uncertainty "
        f"in the model's structure or parameters (the command pathways sensitivity explores those).",
        "Scenarios share seeds (common random numbers), so differences between them are paired by seed.",
    ]
