"""``pathways brief RESULTS_DIR``: a brief a legislator can act on (HTML and PDF), of a comparison or sweep.

The brief opens with what the results found (:mod:`.findings`): the paired
differences that are both separated from zero and large enough to matter,
what is not separated and why. Then the scenarios in plain words with the
program's scale, who enrols, headline tables (one horizon each, every value
with its 95% interval, a paired-difference column, sample sizes), costs and
who pays, the charts, a glossary with every threshold in dollars, the
assumptions, how far to trust the model (from the calibration and validation
reports that exist, :mod:`.credibility`) and the commands that reproduce it.

The content is built here as sections of blocks (:mod:`.brief_content`); :mod:`.brief_html` and
:mod:`.brief_pdf` lay it out. The same results give byte-identical files, and
the HTML is self-contained (images embedded, nothing fetched).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import charts
from .brief_content import Block, Brief, Bullets, Code, Figure, Section, Table, Terms
from .brief_html import render_html
from .brief_pdf import render_pdf
from .credibility import calibration_lines, gather, structure_caveats, validation_lines
from .findings import (
    BY_DESIGN,
    CLEAR,
    MIN_SEEDS,
    NO_DATA,
    SMALL,
    UNCLEAR,
    Context,
    Materiality,
    change_interval,
    classify,
    compare_findings,
    design_rules,
    format_change,
    possessive,
)
from .glossary import glossary, horizon_words
from .io import ResultsError, atomic_write_bytes, read_json, read_parquet
from .names import capital, nice
from .outcomes import OUTCOMES, format_value
from .style import Provenance

FOCUS_GROUP = "black_women"
REPO = Path(__file__).resolve().parents[1]  # the source tree of an editable install
LONGEST_COMMAND_LINE = 88  # characters; longer commands continue on the next line after " \"


# --------------------------------------------------------------------------- cells


def _minus(text: str) -> str:
    """A typographic minus, as in the differences: "−$953", not "-$953"."""
    return "\u2212" + text[1:] if text.startswith("-") and text != "-" else text


VERDICT_WORDS = {CLEAR: "clear difference", SMALL: "separated, but small", UNCLEAR: "not separated"}


def value_cell(outcome: str, row: dict | None, rule: str = "", capacity: float | None = None) -> str:
    """A mean over seeds with its 95% interval below it, and why an interval has no width."""
    if row is None or row.get("mean") != row.get("mean"):
        return "-"
    lines = [_minus(format_value(outcome, row["mean"]))]
    lo, hi, seeds = row.get("ci_low", np.nan), row.get("ci_high", np.nan), row.get("seeds", 0)
    if lo != lo:
        lines.append(f"(no interval: {seeds} seed{'s' if seeds != 1 else ''} with a value)")
    elif lo == hi:
        full = capacity is not None and abs(row["mean"] - capacity) <= 1e-6 * max(capacity, 1)
        lines.append("seats full in every seed" if full else "same in every seed")
    else:
        lines.append(f"[{_minus(format_value(outcome, lo))}, {_minus(format_value(outcome, hi))}]")
        if seeds < MIN_SEEDS:
            lines[-1] += " \u2020"
    if rule:
        lines.append("by design")
    return "\n".join(lines)


def difference_cell(
    outcome: str, row: dict | None, reference: dict | None, materiality: Materiality, rule: str = ""
) -> str:
    """A paired difference from the reference arm, its interval, and the verdict in words."""
    d = classify(outcome, "", row, reference, materiality, rule)
    if d.verdict == BY_DESIGN:
        return "set by the program's rule:\nnot a finding"
    if d.verdict == NO_DATA:
        return "-" if d.diff != d.diff else format_change(outcome, d.diff)
    if d.low == d.high:
        return f"{format_change(outcome, d.diff)}\nsame in every seed\n{VERDICT_WORDS[d.verdict]}"
    low, high = format_change(outcome, d.low, False), format_change(outcome, d.high, False)
    mark = " \u2020" if (row or {}).get("seeds", MIN_SEEDS) < MIN_SEEDS else ""
    if d.has_total:
        t_low, t_high = (
            format_change(outcome, d.total_low, False),
            format_change(outcome, d.total_high, False),
        )
        return (
            f"{format_change(outcome, d.diff)}\n[{low}, {high}]{mark} chance\n[{t_low}, {t_high}] with "
            f"parameters ({d.parameter_share:.0%})\n{VERDICT_WORDS[d.verdict]}"
        )
    return f"{format_change(outcome, d.diff)}\n[{low}, {high}]{mark}\n{VERDICT_WORDS[d.verdict]}"


def outcome_tables(
    rows: list[tuple[str, str, str]],
    index: dict,
    labels: list[str],
    names: dict[str, str],
    materiality: Materiality,
    design: dict[str, dict[str, str]],
    capacity: dict[str, float],
    caption: str,
) -> list[Table]:
    """Outcomes (rows: outcome, group, words) by arm, and each arm's paired difference from the first.

    Two arms make one table with a difference column; with more, the differences get a table of
    their own, so that neither is too wide for a page.
    """
    ref = labels[0]
    levels, differences, thin = [], [], False
    for outcome, group, words in rows:
        got = [index.get((lab, group, outcome)) for lab in labels]
        if all(r is None for r in got):
            continue
        rules = [design.get(lab, {}).get(outcome, "") for lab in labels]
        cap = [
            capacity.get(lab) if outcome == "enrolment_per_10k" and group == "all" else None for lab in labels
        ]
        levels.append(
            [words, *(value_cell(outcome, r, rule, c) for r, rule, c in zip(got, rules, cap, strict=True))]
        )
        differences.append(
            [
                words,
                *(
                    difference_cell(outcome, r, got[0], materiality, rule or rules[0])
                    for r, rule in zip(got[1:], rules[1:], strict=True)
                ),
            ]
        )
        thin |= any(r is not None and 0 < r.get("seeds", MIN_SEEDS) < MIN_SEEDS for r in got)
    base = "Brackets: 95% interval over seeds. Differences are paired by seed (the same draws in every arm)."
    parameters = thin_note = design_note = None
    if any("with parameters" in c for row in differences for c in row):
        parameters = (
            "Chance: the interval over seeds with the calibrated parameters. With parameters: the total "
            "interval when each seed also runs at its own draw from the calibration's posterior (in "
            "brackets, the share of its variance the parameters bring); verdicts use the total interval."
        )
    if thin:
        thin_note = f"\u2020 fewer than {MIN_SEEDS} seeds: too few for the interval to be relied on."
    if any("by design" in c for row in levels for c in row):
        design_note = (
            "By design: the program's own rule sets this value (see the findings); it is not an effect."
        )

    def kept(*notes: str | None) -> list[str]:
        return [n for n in notes if n]

    header = ["", *(capital(names[lab]) for lab in labels)]
    minus = [f"{capital(names[lab])} minus {names[ref]}" for lab in labels[1:]]
    if len(labels) <= 2:
        rows = [a + b[1:] for a, b in zip(levels, differences, strict=True)]
        return [Table(header + minus, rows, caption, kept(base, parameters, thin_note, design_note))]
    return [
        Table(header, levels, caption, kept(base, thin_note, design_note)),
        Table(
            ["", *minus],
            differences,
            f"Paired differences from {names[ref]}. {caption}",
            kept(base, parameters, thin_note),
        ),
    ]


# --------------------------------------------------------------------------- what both briefs share


@dataclass
class Arms:
    """The arms of a comparison or sweep, with what the brief needs to know about each."""

    labels: list[str]
    names: dict[str, str]
    descriptions: dict[str, str]
    resolved: dict[str, dict]  # label -> the scenario as resolved (a manifest's "resolved")
    files: dict[str, str]

    def new_programs(self, label: str) -> list[dict]:
        return [
            p
            for trainer in self.resolved[label]["trainers"].values()
            for p in trainer["programs"].values()
            if p.get("start_month") is not None
        ]

    def design(self) -> dict[str, dict[str, str]]:
        return {lab: design_rules(self.new_programs(lab)) for lab in self.labels}

    def capacity_per_10k(self, label: str) -> float | None:
        """Seats over the recorded run per 10,000 people, as the model rounds seats per cohort."""
        run = self.resolved[label]["run"]
        seats = 0
        for p in self.new_programs(label):
            per_cohort = max(1, round(p["seats_per_10k_workers"] * run["workers"] / 10_000))
            seats += per_cohort * len(range(p["start_month"], run["months"], p["start_every_months"]))
        return seats / run["workers"] * 10_000 if seats else None

    def scale_words(self, label: str) -> str:
        """The program's scale: seats per cohort, how often, and the most it can reach over the run."""
        run = self.resolved[label]["run"]
        programs = self.new_programs(label)
        cap = self.capacity_per_10k(label)
        if not programs or cap is None:
            return ""
        per = "; ".join(
            f"{p['seats_per_10k_workers']:g} seats per 10,000 workers every {p['start_every_months']} months"
            for p in programs
        )
        return (
            f"{per}: at most {cap:,.0f} enrolments per 10,000 people over {run['months'] / 12:g} years, "
            f"{cap / 100:.1f}% of the population"
        )


def _groups(resolved: dict) -> dict[str, str]:
    return {k: g["label"] for k, g in resolved["groups"].items()}


def _mean(index: dict, key: tuple) -> float:
    return (index.get(key) or {}).get("mean", np.nan)


def _sections(
    summary: list[dict],
    arms: Arms,
    seeds: int,
    provenance: Provenance,
    materiality: Materiality,
    design_note: str,
    points: list[dict] | None = None,
) -> tuple[list[str], list[Section]]:
    """The findings and the sections from the scenarios to the glossary (shared by both briefs)."""
    labels, names = arms.labels, arms.names
    ref = labels[0]
    resolved = arms.resolved[ref]
    groups = _groups(resolved)
    group_labels = {"all": "Everyone", **groups}
    index = {(r["scenario"], r["group"], r["outcome"]): r for r in summary}
    design = arms.design()
    capacity = {lab: c for lab in labels if (c := arms.capacity_per_10k(lab)) is not None}
    run = resolved["run"]
    months, years = run["months"], run["months"] / 12
    mobility_months = min(12 * resolved["outcomes"]["mobility_years"], months - 1)
    focus = FOCUS_GROUP if FOCUS_GROUP in groups else next(iter(groups))
    scale = next((arms.scale_words(lab) for lab in labels[1:] + labels[:1] if arms.scale_words(lab)), "")
    ctx = Context(labels, names, group_labels, focus, seeds, scale, design, materiality)
    found = compare_findings(summary, ctx) if len(labels) > 1 else []

    sections = []
    # The scenarios, each from its own file, with its program's scale.
    blocks: list[Block] = [Terms([(capital(names[lab]), arms.descriptions[lab]) for lab in labels])]
    by_scale: dict[str, list[str]] = {}
    for lab in labels:
        if words := arms.scale_words(lab):
            by_scale.setdefault(words, []).append(names[lab])
    if len(by_scale) == 1 and len(next(iter(by_scale.values()))) == len(labels) > 1:
        scales = [f"Every scenario's program: {next(iter(by_scale))}."]
    else:
        scales = [f"{capital(' and '.join(who))}: {words}." for words, who in by_scale.items()]
    if scales:
        blocks.append(
            "Program scale. "
            + " ".join(scales)
            + " Each cohort's seats are per 10,000 workers in the metro; "
            "the figures below count every enrolment over the run."
        )
    blocks.append(design_note)
    sections.append(Section("The scenarios", blocks))

    # Who takes part.
    people = {g: _mean(index, (ref, g, "people")) for g in group_labels}
    if any((lab, "all", "enrolment_per_10k") in index for lab in labels):
        rows = []
        for g, label in group_labels.items():
            n = people[g]
            cells = [label, "-" if n != n else f"{n:,.0f}"]
            for lab in labels:
                r = index.get((lab, g, "enrolment_per_10k"))
                cell = value_cell("enrolment_per_10k", r, capacity=capacity.get(lab) if g == "all" else None)
                enrolled = _mean(index, (lab, g, "enrolled"))
                if enrolled == enrolled:
                    cell += f"\n{enrolled:,.1f} people a run"
                cells.append(cell)
            rows.append(cells)
        reach = Table(
            [
                "Group",
                "People in the group",
                *(f"{capital(names[lab])}: enrolled per 10,000" for lab in labels),
            ],
            rows,
            f"Every enrolment over the {years:g} recorded years, per 10,000 people in each group "
            f"(the group's size is its sample: rates for small groups rest on few people).",
            ["Brackets: 95% interval over seeds. 'People a run': the group's enrolees in one run."],
        )
        blocks = [reach]
        blocks.append(
            Figure(
                "enrolment_by_group",
                charts.enrolment_by_group(summary, labels, group_labels, provenance),
                f"Enrolments and completions per 10,000 people in each group, {years:g} recorded years.",
            )
        )
        sections.append(Section("Who takes part", blocks))

        # Results for the people who enrol.
        enrolee_rows = [
            ("enrolled", "all", "Enrolees per run (people)"),
            ("enrolment_per_10k", "all", OUTCOMES["enrolment_per_10k"][0]),
            ("completion_rate", "all", "Completion"),
            ("placement_rate_120d", "all", "Placement within 120 days of completing"),
            ("retention_rate_1y", "all", "Still employed a year after placement"),
            ("starting_wage", "all", "Starting pay (a year)"),
            ("debt_added", "all", "Debt added while in the program"),
        ]
        tables = outcome_tables(
            enrolee_rows,
            index,
            labels,
            names,
            materiality,
            design,
            capacity,
            f"Everyone who enrolled over the {years:g} recorded years; placement within 120 days of "
            f"completing; retention a year after placement.",
        )
        funnel_note = "; ".join(
            f"placement under {names[lab]} is guaranteed by design"
            for lab in labels
            if "placement_rate_120d" in design.get(lab, {})
        )
        sections.append(
            Section(
                "Results for the people who enrol",
                [
                    *tables,
                    Figure(
                        "funnel",
                        charts.program_funnel(
                            summary, labels, group_labels, provenance, capital(funnel_note)
                        ),
                        f"Of every 100 enrolees over the {years:g} recorded years, by group.",
                    ),
                ],
            )
        )

    # Results for everyone, year 5.
    everyone_rows = [
        ("pay_ratio", focus, f"Pay ratio to white men ({groups[focus]})"),
        ("good_job_share", "all", "Share in good jobs (everyone employed)"),
        ("good_job_share", focus, f"Share in good jobs ({groups[focus]})"),
        ("unemployment_rate", "all", "Unemployment rate"),
        ("mobility_rate", "all", "Low-wage workers above the low-wage line five years on"),
        ("mobility_rate", focus, f"Low-wage workers above the low-wage line five years on ({groups[focus]})"),
    ]
    tables = outcome_tables(
        everyone_rows,
        index,
        labels,
        names,
        materiality,
        design,
        capacity,
        f"Year 5: {horizon_words(months)}; mobility follows the same people from recorded month 0 to "
        f"month {mobility_months}."
        + (
            f" People in the metro: {people['all']:,.0f}; {groups[focus]}: {people[focus]:,.0f}."
            if people[focus] == people[focus]
            else ""
        ),
    )
    blocks: list[Block] = [*tables]
    if any(r["outcome"].startswith("pay_ratio_year_") for r in summary):
        blocks.append(
            Figure(
                "gap_over_time",
                charts.gaps_over_time(
                    summary, labels, focus, groups[focus], provenance, materiality=materiality
                ),
                f"{possessive(groups[focus])} pay ratio to white men in each recorded year (year 5 is the "
                f"table's).",
            )
        )
    if any(r["outcome"].startswith("transition_") for r in summary):
        blocks.append(
            Figure(
                "mobility_transitions",
                charts.mobility_heatmap(summary, labels, provenance, materiality),
                f"Moves between pay fifths from recorded month 0 to month {mobility_months}, everyone.",
            )
        )
    sections.append(Section("Results for everyone in the metro, year 5", blocks))

    # Earnings by group over the run, with each group's size.
    earn = [(g, label) for g, label in group_labels.items() if (ref, g, "annual_earnings") in index]
    if earn:
        rows = [
            ("annual_earnings", g, f"{label} ({people[g]:,.0f} people)" if people[g] == people[g] else label)
            for g, label in earn
        ]
        tables = outcome_tables(
            rows,
            index,
            labels,
            names,
            materiality,
            design,
            capacity,
            f"Over the run: yearly earnings per person, averaged over the {months} recorded months "
            f"(zero in months without a job).",
        )
        blocks = [*tables]
        if len(labels) > 1:
            blocks.append(
                Figure(
                    "earnings_difference_by_group",
                    charts.difference_by_group(
                        summary,
                        labels,
                        "annual_earnings",
                        "Yearly earnings per person ($)",
                        group_labels,
                        provenance,
                        materiality,
                    ),
                    f"Paired differences in yearly earnings over the {months} recorded months, by group.",
                )
            )
        sections.append(Section("Earnings by group, over the run", blocks))

    # Costs and who pays.
    cost_rows = [("program_dollars", "all", "Program cost, all payers")]
    payer_words = {
        "worker": "trainees (tuition)",
        "employer": "employers",
        "public": "public funds",
        "philanthropy": "philanthropy",
        "trainer": "the training provider",
    }
    for payer, words in payer_words.items():
        key = f"program_dollars_{payer}"
        if any(_mean(index, (lab, "all", key)) > 0 for lab in labels):
            cost_rows.append((key, "all", f"Of which paid by {words}"))
    if any(_mean(index, (lab, "all", "apprentice_wages")) > 0 for lab in labels):
        cost_rows.append(("apprentice_wages", "all", "Wages paid to apprentices in training (employers)"))
    cost_rows += [
        ("public_dollars", "all", "Public dollars, all programs and policies"),
        ("cost_per_enrolee", "all", "Program cost per enrolee"),
        ("cost_per_completer", "all", "Program cost per completer"),
        ("cost_per_placement", "all", "Program cost per placement"),
        ("earnings_gain_per_public_dollar", "all", "Earnings gained per extra public dollar"),
    ]
    if any((lab, "all", "program_dollars") in index for lab in labels):
        tables = outcome_tables(
            cost_rows,
            index,
            labels,
            names,
            materiality,
            design,
            capacity,
            f"Over the run ({months} recorded months) for a metro of {run['workers']:,} workers, in "
            f"{resolved['meta']['dollar_year']} dollars (nominal).",
        )
        blocks = [*tables]
        if len(labels) > 1 and not any(r["outcome"] == "earnings_gain_per_public_dollar" for r in summary):
            extra = [
                f"{names[lab]} {change_interval('public_dollars', index[key])}"
                for lab in labels[1:]
                if (key := (lab, "all", "public_dollars")) in index
            ]
            blocks.append(
                "Earnings gained per extra public dollar is not shown: no scenario spends clearly more "
                f"public money than {names[ref]} (difference in public dollars: "
                f"{', '.join(extra) or 'not recorded'})."
            )
        sections.append(Section("Costs and who pays", blocks))

    if points:
        sections.append(
            Section(
                "Cost against equity, design point by design point",
                [
                    Figure(
                        "cost_equity_frontier",
                        charts.cost_equity_frontier(points, labels, provenance, focus, groups[focus]),
                        f"Program cost over the run against {possessive(groups[focus])} pay ratio in year 5; "
                        "each dot is one design point, with 95% intervals both ways.",
                    )
                ],
            )
        )

    fifths = [_mean(index, (ref, "all", f"pay_fifth_cut_{k}")) for k in range(1, 5)]
    terms = glossary(resolved, fifths if all(v == v for v in fifths) else None, materiality, seeds)
    sections.append(Section("Glossary", [Terms(terms)]))
    return found, sections


def _assumptions(arms: Arms) -> list[str]:
    base = arms.resolved[arms.labels[0]]
    out = [
        f"Labour market: {base['run']['workers']:,} workers, {base['run']['burn_in_months']} months of "
        f"burn-in then {base['run']['months']} recorded months; wages in {base['meta']['dollar_year']} "
        f"dollars (nominal, as published)."
    ]
    for sector in base["sectors"].values():
        out.append(
            f"{sector['label']}: "
            + "; ".join(f"{r['title']} ${r['wage']:,.0f}" for r in sector["ladder"])
            + f" (sources: {sector['source']})"
        )
    seen = set()
    for lab in arms.labels:
        for p in arms.new_programs(lab):
            if p["name"] not in seen and p.get("source"):
                seen.add(p["name"])
                out.append(f"{p['name']}: {p['source']}")
    out.append(
        "Free behavioural parameters are fitted to published levels (scenarios/calibrated.toml, "
        "calibration/targets.csv); everything else carries its source in the scenario files."
    )
    return out


def _credibility(results: Path, arms: Arms, seeds: int, calibration: Path | None, validation: Path | None):
    evidence = gather(results, calibration, validation)
    groups = _groups(arms.resolved[arms.labels[0]])
    lines = calibration_lines(evidence, results, groups) + validation_lines(evidence, results)
    caveats = structure_caveats(arms.resolved[arms.labels[0]], seeds)
    return Section("How far to trust this", [Bullets(lines), Bullets(caveats)])


def _command_path(path: str) -> str:
    """A scenario or sweep file as a reader types it: relative to the repository root if inside it."""
    p = Path(path).resolve()
    if p.is_relative_to(REPO):
        return str(p.relative_to(REPO))
    return str(path)


def _command(words: list[str]) -> list[str]:
    """One shell command as lines of at most LONGEST_COMMAND_LINE characters, continued with " \\"."""
    lines, line = [], ""
    for w in words:
        if line and len(line) + 1 + len(w) + 2 > LONGEST_COMMAND_LINE:
            lines.append(line + " \\")
            line = "    " + w
        else:
            line = f"{line} {w}" if line else w
    return [*lines, line]


def _reproduce(commands: list[list[str]], notes: list[str], versions: dict, where: str) -> Section:
    code = ["python3 -m venv .venv && .venv/bin/pip install -e ."]
    for c in commands:
        code += _command(c)
    blocks: list[Block] = [
        f"From {where}, these commands rerun every simulation with the same seeds and rebuild this brief "
        f"(the results and the brief come out identical with the same versions).",
        Code(code),
    ]
    blocks += notes
    blocks.append("Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    return Section("Reproduce this", blocks)


def _where(paths: list[str]) -> str:
    inside = all(not Path(p).is_absolute() for p in paths)
    return "the repository root" if inside else "any folder"


# --------------------------------------------------------------------------- a comparison


def _compare_brief(
    results: Path, materiality: Materiality, calibration: Path | None, validation: Path | None
) -> Brief:
    from ..simulation import ScenarioError, load_scenario, scenario_hash
    from ..simulation.scenario import builtin_dir

    manifest = read_json(results / "manifest.json")
    summary = read_parquet(results / "summary.parquet").to_pylist()
    scen = manifest["scenarios"]
    labels = [s["label"] for s in scen]
    seeds = manifest["seeds"]
    arms = Arms(
        labels,
        {s["label"]: nice(s["label"]) for s in scen},
        {
            s["label"]: s["resolved"]["meta"]["description"] or "(no description in the scenario file)"
            for s in scen
        },
        {s["label"]: s["resolved"] for s in scen},
        {s["label"]: s["file"] for s in scen},
    )
    resolved = scen[0]["resolved"]
    run = resolved["run"]
    provenance = Provenance(
        tuple(Path(s["file"]).name for s in scen),
        f"{seeds[0]}-{seeds[-1]}",
        manifest["versions"]["pathways"],
        f"{run['workers']:,} workers",
    )
    names = [arms.names[lab] for lab in labels]
    note = (
        f"Every scenario ran on the same {len(seeds)} seeds ({seeds[0]}-{seeds[-1]}) with {run['workers']:,} "
        f"workers, {run['burn_in_months']} months of burn-in, then {run['months']} recorded months; "
        f"{names[0]} is the reference the others are compared with."
    )
    found, sections = _sections(summary, arms, len(seeds), provenance, materiality, note)
    sections.append(Section("Assumptions and sources", [Bullets(_assumptions(arms))]))
    sections.append(_credibility(results, arms, len(seeds), calibration, validation))

    files = [_command_path(s["file"]) for s in scen]
    again = f"reproduced/{results.resolve().name}"
    command = [
        "pathways",
        "compare",
        *files,
        "--seeds",
        str(len(seeds)),
        "--workers",
        str(run["workers"]),
        "--months",
        str(run["months"]),
        "--out",
        again,
    ]
    notes = []
    for s in scen:
        # The command reloads each file: say so if it no longer gives the scenario these results used.
        over = {"run": {"workers": run["workers"], "months": run["months"]}}
        # A relative path was typed where compare ran; from elsewhere, the library's file of that name.
        path = s["file"] if Path(s["file"]).exists() else Path(builtin_dir()) / Path(s["file"]).name
        try:
            same = scenario_hash(load_scenario(path, over)) == s["hash"]
        except (ScenarioError, OSError):
            same = False
        if not same:
            notes.append(
                f"Warning: {s['file']} no longer resolves to the scenario these results used (hash "
                f"{s['hash'][:12]}): the commands will not give the same numbers. The scenario as run is in "
                f"manifest.json."
            )
    reproduce = _reproduce(
        [[".venv/bin/" + command[0], *command[1:]], [".venv/bin/pathways", "brief", again]],
        notes,
        manifest["versions"],
        _where(files),
    )
    sections.append(reproduce)
    title = f"{capital(' or '.join(names))}: who enrols, who gets a job, and do pay gaps change?"
    return Brief(
        title=title,
        subtitle=(
            f"Pathways {manifest['versions']['pathways']} simulation, a metro of {run['workers']:,} workers "
            f"over {run['months'] / 12:g} years; {len(seeds)} seeds; 95% intervals throughout."
        ),
        question=(
            f"If a metro funds {' or '.join(names)}, who enrols, completes and lands a job, and do race and "
            f"gender gaps in pay and good jobs shrink or grow?"
        ),
        warning=_thin(len(seeds)),
        sections=[Section("What we found", list(found)), *sections],
        versions=manifest["versions"],
    )


def _thin(seeds: int) -> str:
    if seeds >= MIN_SEEDS:
        return ""
    return (
        f"Too few seeds: these results use {seeds}. With fewer than {MIN_SEEDS} the 95% intervals are "
        f"too wide to separate most differences, so the findings below are provisional; rerun with "
        f"--seeds 10 or more before relying on them."
    )


# --------------------------------------------------------------------------- a sweep


def _sweep_arms(sweep, manifest: dict) -> Arms:
    """Each arm's own scenario: from sweep.json if it records them, else from the arm's first run."""
    from ..simulation import ScenarioError, load_scenario
    from ..simulation.scenario import scenario_dict

    recorded = manifest.get("arm_scenarios", {})
    labels = list(dict.fromkeys(r.arm for r in sweep.runs))  # the sweep file's order, as planned
    resolved, descriptions, files = {}, {}, {}
    for arm in labels:
        first = next(r for r in sweep.runs if r.arm == arm)
        files[arm] = first.scenario_path
        if arm in recorded:
            resolved[arm] = recorded[arm]
        else:
            try:
                resolved[arm] = scenario_dict(load_scenario(first.scenario_path, first.overrides))
            except (ScenarioError, OSError) as exc:
                raise ResultsError(
                    f"{first.scenario_path}: cannot read arm {arm}'s scenario ({exc})"
                ) from None
        descriptions[arm] = resolved[arm]["meta"]["description"] or "(no description in the scenario file)"
    names = {arm: nice(resolved[arm]["meta"]["name"]) for arm in labels}
    return Arms(labels, names, descriptions, resolved, files)


def _sweep_brief(
    results: Path, materiality: Materiality, calibration: Path | None, validation: Path | None
) -> Brief:
    from .summarize import summarise_sweep
    from .sweep import load_folder

    sweep = load_folder(results)
    manifest = read_json(results / "sweep.json")
    result = summarise_sweep(sweep, read_parquet(results / "results.parquet"))
    summary = [dict(r, scenario=r["arm"]) for r in result["summary"]]
    spec, s = sweep.spec, sweep.spec.sweep
    arms = _sweep_arms(sweep, manifest)
    provenance = Provenance(
        tuple(Path(arms.files[a]).name for a in arms.labels),
        f"{s.seeds} per point from sweep seed {s.seed}",
        manifest["versions"]["pathways"],
        f"{s.workers:,} workers; {len(sweep.points)} design points",
    )
    varied = []
    for p in spec.parameters:
        where = ", ".join(arms.names[a] for a in p.arms) if p.arms else "every arm"
        span = (
            f"{p.range[0]:g} to {p.range[1]:g}"
            if p.range is not None
            else ", ".join(f"{v:g}" for v in p.values)
        )
        varied.append(f"{nice(p.name)} ({where}): {span}")
    note = (
        f"Each arm ran at {len(sweep.points)} design points ({spec.design.kind}) x {s.seeds} seeds, "
        f"{s.workers:,} workers, {s.months} recorded months; the same seeds in every arm and point. Varied: "
        + ("; ".join(varied) if varied else "nothing")
        + f". Values are averaged over the design points; {arms.names[arms.labels[0]]} is the reference."
    )
    points = [dict(r) for r in result["points"]]
    found, sections = _sections(summary, arms, s.seeds, provenance, materiality, note, points)
    sections.append(Section("Assumptions and sources", [Bullets(_assumptions(arms))]))
    sections.append(_credibility(results, arms, s.seeds, calibration, validation))
    sweep_file = _command_path(manifest["sweep_file"])
    again = f"reproduced/{results.resolve().name}"
    command = [
        ".venv/bin/pathways",
        "sweep",
        sweep_file,
        "--seeds",
        str(s.seeds),
        "--workers",
        str(s.workers),
        "--months",
        str(s.months),
        "--jobs",
        "2",
        "--out",
        again,
    ]
    sections.append(
        _reproduce(
            [command, [".venv/bin/pathways", "brief", again]],
            ["--jobs only sets how many processes run at once; the results do not depend on it."],
            manifest["versions"],
            _where([sweep_file]),
        )
    )
    names = [arms.names[a] for a in arms.labels]
    return Brief(
        title=f"{len(names)} training models, {len(sweep.points)} policy settings: who gains, at what cost?",
        subtitle=(
            f"Pathways {manifest['versions']['pathways']} sweep '{nice(s.name)}': {s.workers:,} workers, "
            f"{s.months / 12:g} years, {s.seeds} seeds per design point; 95% intervals throughout."
        ),
        question=(
            f"Across {len(sweep.points)} settings of "
            f"{', '.join(nice(p.name) for p in spec.parameters) or 'no parameter'}, which of "
            f"{', '.join(names)} moves more people into better jobs, at what cost, and for whom?"
        ),
        warning=_thin(s.seeds),
        sections=[Section("What we found", list(found)), *sections],
        versions=manifest["versions"],
    )


# --------------------------------------------------------------------------- entry points


def build(
    results: Path,
    materiality: Materiality | None = None,
    calibration: Path | None = None,
    validation: Path | None = None,
) -> Brief:
    """The brief of a comparison or sweep folder (``calibration``, ``validation``: report folders)."""
    materiality = materiality or Materiality()
    if (results / "sweep.json").exists():
        return _sweep_brief(results, materiality, calibration, validation)
    if (results / "manifest.json").exists() and (results / "summary.parquet").exists():
        return _compare_brief(results, materiality, calibration, validation)
    raise ValueError(
        f"{results}: neither a comparison (manifest.json, summary.parquet) nor a sweep (sweep.json)"
    )


def write(brief: Brief, out: Path) -> list[Path]:
    """Charts (PNG, SVG, PDF, CSV) under ``out/charts``, then ``brief.html`` and ``brief.pdf``."""
    written, images = [], {}
    for figure in brief.figures():
        paths = figure.chart.save(out / "charts" / figure.stem)
        written += paths
        images[figure.stem] = paths[0]
    html_path, pdf_path = out / "brief.html", out / "brief.pdf"
    atomic_write_bytes(html_path, render_html(brief, images).encode())
    render_pdf(brief, images, pdf_path)
    return [html_path, pdf_path, *written]


def make_brief(
    results: Path,
    out: Path | None = None,
    *,
    materiality: Materiality | None = None,
    calibration: Path | None = None,
    validation: Path | None = None,
) -> list[Path]:
    """Build the brief of ``results`` and write it to ``out`` (default ``results/brief``)."""
    out = out or results / "brief"
    return write(build(Path(results), materiality, calibration, validation), Path(out))
