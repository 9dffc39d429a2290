"""Every term a brief uses, defined in plain words with its threshold in dollars.

Thresholds come from the scenario the results were computed with (the good-job
line, the low-wage line, the hours in a working year) and from the results
themselves (the pay cut points between fifths of workers), never from here.
"""

from __future__ import annotations

from .findings import Materiality
from .outcomes import year_five_window


def _hourly(annual: float, hours: float) -> str:
    return f"${annual:,.0f} a year (${annual / hours:,.2f} an hour over {hours:,.0f} hours)"


def horizon_words(months: int) -> str:
    """What "year 5" means for a run of ``months`` recorded months."""
    lo, hi = year_five_window(months)
    if hi - lo == 12 and lo == 48:
        return "recorded months 48-59 (the fifth year after the programs open)"
    return f"recorded months {lo}-{hi - 1} (the last year of a run shorter than five years)"


def glossary(
    resolved: dict, fifth_cuts: list[float] | None, materiality: Materiality, seeds: int
) -> list[tuple[str, str]]:
    """(term, definition) pairs, alphabetical, for the scenario ``resolved`` (a manifest's resolved dict).

    fifth_cuts: the four pay cut points between fifths of workers at the start (mean over seeds), or
    None when the results do not record them.
    """
    economy, outcomes, run = resolved["economy"], resolved["outcomes"], resolved["run"]
    hours = economy["hours_per_year"]
    months = run["months"]
    years = months / 12
    mobility_months = min(12 * outcomes["mobility_years"], months - 1)
    reference = resolved["groups"].get(resolved["meta"]["reference_group"], {}).get("label", "white men")
    if fifth_cuts:
        cuts = ", ".join(f"${c:,.0f}" for c in fifth_cuts)
        fifths = (
            f"Fifths of everyone employed at the start of recording, ranked by pay. The cut points between "
            f"them were {cuts} a year (mean over seeds). Five years on, people are placed in the fifths "
            f"of pay at that time; 'not employed' is a sixth category."
        )
    else:
        fifths = (
            "Fifths of everyone employed at the start of recording, ranked by pay (the cut points in "
            "dollars are not recorded in these results; rerun with this version to see them)."
        )
    terms = {
        "Good job": f"A job paying at least {_hourly(economy['good_job_wage'], hours)}: the median usual "
        f"weekly earnings of full-time workers. The share in good jobs is among people employed.",
        "Low-wage line": f"Pay below {_hourly(outcomes['low_wage_threshold'], hours)}: two thirds of the "
        f"median full-time wage.",
        "Moving above the low-wage line (mobility)": f"Of the people in a low-wage job at the start of "
        f"recording, the share who are employed at or above the low-wage line {mobility_months} months "
        f"later. The same people are followed; those who retire leave the count.",
        "Pay fifth": fifths,
        "Pay ratio to white men": f"A group's median yearly pay divided by the median pay of "
        f"{reference.lower()}, among people employed, averaged over year 5.",
        "Year 5": f"{horizon_words(months)[0].upper()}{horizon_words(months)[1:]}. Levels 'in year 5' "
        f"average these months.",
        "Over the run": f"All {months} recorded months ({years:g} years) after the burn-in.",
        "Enrolments per 10,000 people": "People starting one of the new programs during the recorded "
        "months, per 10,000 people in the group (a person enrolling twice counts twice).",
        "Completion": "Of the enrolees who have left the program, the share who finished it.",
        "Placement within 120 days": "Of the people who completed, the share employed within four "
        "monthly hiring rounds (about 120 days) of completing.",
        "One-year retention": "Of the graduates placed, the share still employed twelve months later.",
        "Starting pay": "Yearly pay in the first job held after completing (within 120 days). For an "
        "apprenticeship this is the host employer's regular pay for the job, not the training wage.",
        "Debt added": "Debt at the end of the program minus debt at enrolment, per enrolee (negative when "
        "paid training lets people pay debt down).",
        "Earnings": "Pay from jobs per person per year over the run, counting zero for months without a "
        "job, in the dollars of the scenario's wage data (nominal).",
        "Program cost": "Seats taken times what a seat costs to deliver, whoever pays it: trainees "
        "(tuition), employers, public funds, philanthropy or the provider. Wages paid to apprentices "
        "are pay for work and are shown apart.",
        "Public dollars": "All public spending on programs and policies over the run, including "
        "programs present in every scenario (such as the community college and navigators).",
        "Cost per enrolee, completer, placement": "Program cost divided by the number of enrolments, "
        "of completers, or of graduates placed within 120 days.",
        "Earnings gained per extra public dollar": "Extra earnings of everyone over the run, divided by "
        "the extra public spending, against the first scenario. Shown only where a scenario spends "
        "clearly more public money.",
        "Seed": f"One run of the simulated metro with its own random draws. This brief uses {seeds}; "
        f"every scenario uses the same seeds, so they differ only in the policy.",
        "95% interval": "A range built so that, repeated with new seeds, 95 in 100 such ranges hold "
        "the value the model would give with unlimited seeds (a t interval over seeds, cut at values "
        "an outcome cannot take, such as below 0%). It measures simulation noise, not whether the "
        "model is right.",
        "Paired difference": "A scenario minus the reference scenario, seed by seed, then averaged: "
        "the same people and draws in both, so only the policy differs.",
        "Clear difference": f"A paired difference whose 95% interval excludes zero and that is at "
        f"least {materiality.words()}.",
        "By design": "An outcome fixed by a program's own rule (a guaranteed job, a wage step); it is "
        "reported, not counted as a finding.",
    }
    return sorted(terms.items(), key=lambda kv: kv[0].lower())
