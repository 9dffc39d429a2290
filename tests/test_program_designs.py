"""Program designs as published: eligibility by age, education and income; stipends paid by the program.

Each rule is checked where it acts (who is admitted, what trainees receive, who
pays) on small library markets; the eligibility rule itself also on hand-made
workers, where every case is known.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import Admissions, booked, library, program_run
from pathways.simulation import Channel, LabourMarket, ScenarioError, State
from pathways.simulation.eligibility import eligible
from pathways.simulation.schema import Eligibility
from pathways.simulation.workers import Workers

SECTORAL = ("trainers", "sectoral", "programs", "sectoral_it")
POVERTY_LINE = 12_490.0


def program_block(**keys) -> dict:
    """Overrides of the sectoral program's block (trainers.sectoral.programs.sectoral_it)."""
    return {"trainers": {"sectoral": {"programs": {"sectoral_it": keys}}}}


def hand_made_workers() -> Workers:
    """Six workers: ages 17, 18, 24, 25 (and 40, 60), varied education, pay, hours and states."""
    w = Workers.empty(6, 8, 2, 0)
    w.age[:] = 12 * np.array([17, 18, 24, 25, 40, 60]) + np.array([0, 0, 11, 0, 6, 0])
    w.education[:] = [0, 0, 1, 2, 0, 1]
    w.state[:] = [State.UNEMPLOYED, State.EMPLOYED, State.EMPLOYED, State.EMPLOYED, State.TRAINING,
                  State.EMPLOYED]  # fmt: skip
    w.wage[:] = [0, 20_000, 30_000, 24_000, 0, 50_000]
    w.hours[:] = [0, 40, 20, 40, 0, 40]
    return w


def who(rule: Eligibility) -> list[int]:
    w = hand_made_workers()
    names = ["it", "health", "trades", "production", "office", "business", "retail_food", "transport"]
    ok = eligible(rule, w, np.arange(w.n), ["g"], names, [], POVERTY_LINE)
    return np.flatnonzero(ok).tolist()


def test_age_limits_are_whole_years_inclusive():
    assert who(Eligibility(min_age=18)) == [1, 2, 3, 4, 5]
    # "18-24": up to the last day of being 24 (worker 2 is 24 years and 11 months).
    assert who(Eligibility(min_age=18, max_age=24)) == [1, 2]
    assert who(Eligibility(max_age=24)) == [0, 1, 2]


def test_education_levels_and_income_against_the_poverty_line():
    assert who(Eligibility(education=["no_degree"])) == [0, 1, 4]
    assert who(Eligibility(education=["some_college", "ba_plus"])) == [2, 3, 5]
    # Income is pay at current hours: the half-time $30,000 job earns $15,000, below 200% ($24,980).
    assert who(Eligibility(max_income_poverty_ratio=2.0)) == [0, 1, 2, 3, 4]
    # Exactly at the line counts; out of work is no income.
    assert who(Eligibility(max_income_poverty_ratio=24_000 / POVERTY_LINE)) == [0, 1, 2, 3, 4]
    assert who(Eligibility(max_income_poverty_ratio=1.0)) == [0, 4]


def test_a_reversed_age_range_names_the_file_and_key(tmp_path):
    with pytest.raises(ScenarioError, match="max_age") as info:
        library("sectoral_tuition_free", **program_block(eligibility={"min_age": 25, "max_age": 18}))
    assert "eligibility" in str(info.value)


def test_only_young_adults_of_the_right_education_are_admitted(monkeypatch):
    import pathways.simulation.programs as programs_module

    rule = {"min_age": 18, "max_age": 24, "education": ["no_degree", "some_college"]}
    design = program_block(eligibility=rule)
    model = LabourMarket(library("sectoral_tuition_free", workers=12000, months=12, **design))
    seen: list[np.ndarray] = []
    admit = programs_module.admit

    def admit_reading(m, program, applicants, price, arm=-1):
        if program.key == "sectoral_it":
            seen.append(np.stack([m.workers.age[applicants], m.workers.education[applicants]], 1))
        return admit(m, program, applicants, price, arm)

    monkeypatch.setattr(programs_module, "admit", admit_reading)
    model.run()
    admitted = np.concatenate(seen)
    assert admitted.shape[0] > 0
    assert (admitted[:, 0] >= 18 * 12).all() and (admitted[:, 0] < 25 * 12).all()
    assert np.isin(admitted[:, 1], [0, 1]).all()


def test_an_income_test_admits_only_those_below_the_line(monkeypatch):
    admissions = Admissions(monkeypatch, "sectoral_it")
    model = LabourMarket(library("sectoral_tuition_free", workers=12000, months=12,
                                 **program_block(eligibility={"max_income_poverty_ratio": 2.0})))  # fmt: skip
    model.run()
    a = admissions.table()
    employed = a["state"] == State.EMPLOYED
    line = 2.0 * model.scenario.economy.poverty_line
    earnings = a["wage"] * a["hours"] / 40  # what they earned a year at their pay and hours
    assert a["worker"].size > 0 and employed.any() and (~employed).any()
    assert (earnings[employed] <= line).all()
    # The test binds: the same program without it admits people above the line.
    monkeypatch.undo()
    unrestricted = Admissions(monkeypatch, "sectoral_it")
    LabourMarket(library("sectoral_tuition_free", workers=12000, months=12)).run()
    b = unrestricted.table()
    assert (b["wage"] * b["hours"] / 40 > line)[b["state"] == State.EMPLOYED].any()


def test_a_program_stipend_is_booked_to_its_payer_for_every_trainee_every_month():
    kw = dict(workers=12000, months=12, burn_in=12)
    design = program_block(stipend_monthly=800.0, stipend_payer="philanthropy")
    model = LabourMarket(library("sectoral_tuition_free", **kw, **design))
    program = program_run(model, "sectoral_it")
    assert program.stipend_payer == "philanthropy"
    while model.month < 0:
        model.step()
    before = 0.0
    while model.month < model.scenario.run.months:
        model.step()  # the money step comes after training and enrolment: it pays those training now
        total = booked(model, "philanthropy", "training_stipends", "sectoral_it")
        assert total - before == pytest.approx(800.0 * program.trainees(model.workers).size)
        before = total
    assert before > 0
    assert booked(model, "public", "training_stipends") == 0


def test_the_stipend_is_income_the_enrolment_decision_counts(monkeypatch):
    # The bootcamp's first cohort in each arm: the same market, the same people looking (common random
    # numbers). Unpaid full-time training with tuition costs the pay given up; a stipend offsets it.
    from pathways.simulation.enrolment import Enrolment

    original = Enrolment.applicants
    calls: list[tuple[int, int]] = []

    def applicants(self, model, program, candidates):
        keen, price = original(self, model, program, candidates)
        if program.key == "it_bootcamp":
            calls.append((candidates.size, keen.size))
        return keen, price

    monkeypatch.setattr(Enrolment, "applicants", applicants)
    stipend = {"stipend_monthly": 2000.0, "stipend_payer": "philanthropy"}
    first = []
    for design in ({}, {"trainers": {"bootcamp": {"programs": {"it_bootcamp": stipend}}}}):
        calls.clear()
        model = LabourMarket(library("tuition_bootcamp", workers=12000, months=1, burn_in=0, **design))
        model.step()
        first.append(calls[0])
    (looked, base), (looked_again, paid) = first
    assert looked == looked_again > 0, first
    assert paid > base, first


def test_a_stipend_lowers_dropout_under_financial_stress():
    for seed in (1, 2):
        kw = dict(workers=12000, months=24, seed=seed)
        base = LabourMarket(library("sectoral_tuition_free", **kw))
        paid = LabourMarket(library("sectoral_tuition_free", **kw, **program_block(stipend_monthly=2000.0)))
        base.run()
        paid.run()
        assert dropouts(paid) < dropouts(base), seed


def dropouts(model: LabourMarket) -> float:
    d = model.funnel.data
    mine = (
        (d["program"] == program_run(model, "sectoral_it").index) & (d["arm"] != 0) & (d["exit_month"] >= 0)
    )
    return float((mine & ~d["completed"]).sum() / max(mine.sum(), 1))


def test_a_stipend_from_the_worker_is_refused():
    with pytest.raises(ScenarioError, match="stipend_payer"):
        library(
            "tuition_bootcamp",
            trainers={"bootcamp": {"programs": {"it_bootcamp": {"stipend_monthly": 100.0}}}},
        )


@pytest.mark.parametrize(
    "key, words",
    [("high_school_diploma", "diploma"), ("household_size", "no households"), ("not_in_school", "school")],
)
def test_a_design_detail_the_model_cannot_express_is_refused_with_the_reason(key, words):
    with pytest.raises(ScenarioError, match="cannot express") as info:
        library("sectoral_tuition_free", **program_block(eligibility={key: True}))
    text = str(info.value)
    assert words in text and f"eligibility.{key}" in text


# --------------------------------------------------------------------------- admission screens


def test_a_noiseless_skills_test_and_interview_admit_only_those_above_the_cutoffs(monkeypatch):
    import pathways.simulation.programs as programs_module

    design = program_block(skills_test_cutoff=0.3, interview_cutoff=0.0, screen_noise_sd=0.0)
    model = LabourMarket(library("sectoral_tuition_free", workers=12000, months=12, **design))
    # Skills and soft skills at admission (read before training adds to them).
    at_admission: list[np.ndarray] = []
    admit = programs_module.admit

    def admit_reading(m, program, applicants, price, arm=-1):
        if program.key == "sectoral_it":
            w = m.workers
            at_admission.append(np.stack([w.skill[applicants, program.sector], w.soft_skill[applicants]], 1))
        return admit(m, program, applicants, price, arm)

    monkeypatch.setattr(programs_module, "admit", admit_reading)
    model.run()
    skills = np.concatenate(at_admission)
    assert skills.shape[0] > 0
    assert (skills[:, 0] >= 0.3).all() and (skills[:, 1] >= 0.0).all()
    s = program_run(model, "sectoral_it").screened
    assert s["applied"].sum() > s["passed_test"].sum() >= s["passed_interview"].sum() > 0


def test_screen_pass_rates_are_reported_by_group_in_the_program_table():
    from pathways.experiments.run import program_table

    design = program_block(skills_test_cutoff=0.5, interview_cutoff=0.0)
    model = LabourMarket(library("sectoral_tuition_free", workers=12000, months=12, **design))
    model.run()
    rows = [r for r in program_table(model) if r["program"] == "sectoral_it"]
    everyone = next(r for r in rows if r["group"] == "all")
    assert 0 < everyone["test_pass_rate"] < 1 and 0 < everyone["interview_pass_rate"] < 1
    assert everyone["applied"] == sum(r["applied"] for r in rows if r["group"] != "all")
    # No screen: everyone who applied passed.
    plain = LabourMarket(library("sectoral_tuition_free", workers=12000, months=12))
    plain.run()
    row = next(r for r in program_table(plain) if r["program"] == "sectoral_it" and r["group"] == "all")
    assert row["applied"] > 0 and row["test_pass_rate"] == row["interview_pass_rate"] == 1.0


# --------------------------------------------------------------------------- recruitment outreach


def test_outreach_through_community_partners_brings_more_of_the_groups_reached():
    black_hispanic = ["black_men", "black_women", "hispanic_men", "hispanic_women"]
    design = program_block(outreach_groups=black_hispanic, outreach_boost=3.0)
    for seed in (1, 2):
        shares = []
        for blocks in ({}, design):
            model = LabourMarket(
                library("sectoral_tuition_free", workers=12000, months=24, seed=seed, **blocks)
            )
            model.run()
            d = model.funnel.data
            mine = (d["program"] == program_run(model, "sectoral_it").index) & (d["arm"] != 0)
            reached = np.isin(d["group"][mine], [model.group_names.index(g) for g in black_hispanic])
            shares.append(reached.mean())
        assert shares[1] > shares[0], (seed, shares)


def test_outreach_names_only_groups_of_the_scenario():
    with pytest.raises(ScenarioError, match="outreach_groups"):
        library("sectoral_tuition_free", **program_block(outreach_groups=["martians"], outreach_boost=1.0))


# --------------------------------------------------------------------------- control substitution


def test_the_trial_reports_controls_who_trained_in_another_program():
    from pathways.simulation.scenario import Trial
    from pathways.simulation.trial import SyntheticTrial

    w = Workers.empty(8, 8, 2, 0)
    w.person[:] = np.arange(8)
    w.state[:] = State.EMPLOYED
    w.wage[:] = 30_000
    w.hours[:] = 40
    w.program[:] = -1
    trial = SyntheticTrial(Trial(program="p", follow_up_months=24), program=0)
    # Everyone applies; half treated (the lowest draws), half controls.
    offered = trial.assign(w, np.arange(8), seats=4, u=np.linspace(0.05, 0.95, 8), month=0)
    controls = np.setdiff1d(np.arange(8), offered)
    for month in range(24):
        if month == 14:  # one control starts another program in the second year
            w.program[controls[0]] = 1
        if month == 3:  # a treated member's own program is not training elsewhere
            w.program[offered[0]] = 0
        trial.record(w, month)
    by_year = {r["year"]: r for r in trial.estimates(["g"]) if r["group"] == "all"}
    assert by_year[1]["control_trained_share"] == 0.0
    assert by_year[2]["control_trained_share"] == pytest.approx(1 / controls.size)


# --------------------------------------------------------------------------- apprenticeship wage schedules


def apprenticeship_block(**keys) -> dict:
    return {"trainers": {"apprenticeship": {"programs": {"it_apprenticeship": keys}}}}


def test_apprentices_are_paid_the_step_of_their_schedule_and_at_least_the_journey_wage_at_the_end():
    steps = [16.0, 19.0, 22.0]
    design = apprenticeship_block(duration_months=12, wage_steps_hourly=steps, step_months=4,
                                  journey_wage_hourly=26.0)  # fmt: skip
    model = LabourMarket(library("apprenticeship", workers=12000, months=24, **design))
    program = program_run(model, "it_apprenticeship")
    hours = model.scenario.economy.hours_per_year
    seen_steps, finished = set(), 0
    while model.month < model.scenario.run.months:
        graduated_before = model.workers.graduated_month.copy()
        model.step()
        w = model.workers
        paid = np.flatnonzero((w.program == program.index) & (w.channel == Channel.APPRENTICESHIP))
        step = np.minimum(w.program_month[paid] // 4, len(steps) - 1)
        due = np.maximum(np.asarray(steps)[step] * hours, model.wage_floor)
        # Pay is the step for the months done (a raise beyond it, e.g. a general raise, may add to it).
        assert (w.wage[paid] >= due.astype(np.float32) - 1).all()
        seen_steps |= set(step.tolist())
        new = np.flatnonzero((w.graduated_month != graduated_before) & (w.graduated == program.index))
        kept = new[(w.state[new] == State.EMPLOYED) & (w.channel[new] == Channel.APPRENTICESHIP)]
        assert (w.wage[kept] >= np.float32(26.0 * hours) - 1).all()
        finished += kept.size
    assert seen_steps == {0, 1, 2} and finished > 0


def test_a_wage_schedule_belongs_to_apprenticeships_only():
    with pytest.raises(ScenarioError, match="wage_steps_hourly"):
        library("sectoral_tuition_free", **program_block(wage_steps_hourly=[15.0, 17.0]))


def test_a_final_assessment_makes_completion_depend_on_skill():
    kw = dict(workers=12000, months=24)
    easy = LabourMarket(library("sectoral_tuition_free", **kw))
    hard = LabourMarket(library("sectoral_tuition_free", **kw, **program_block(final_assessment_cutoff=1.5)))
    easy.run()
    hard.run()

    def finished(model):
        d = model.funnel.data
        mine = (d["program"] == program_run(model, "sectoral_it").index) & (d["arm"] != 0)
        return mine & (d["exit_month"] >= 0)

    done_easy, done_hard = finished(easy), finished(hard)
    rate = [float((d["completed"] & m).sum() / m.sum()) for d, m in ((easy.funnel.data, done_easy),
                                                                  (hard.funnel.data, done_hard))]  # fmt: skip
    assert rate[1] < rate[0]
    # Only those who passed hold the credential from the program.
    w = hard.workers
    program = program_run(hard, "sectoral_it")
    assert ((w.credentials[w.graduated == program.index] & np.uint16(program.credential_bit)) > 0).all()


# --------------------------------------------------------------------------- internships


def test_interns_gain_experience_at_a_host_are_paid_by_it_and_some_are_offered_the_job():
    design = program_block(duration_months=6, internship_months=2, internship_wage_hourly=15.0,
                           internship_offer_rate=0.6)  # fmt: skip
    model = LabourMarket(library("sectoral_tuition_free", workers=12000, months=24, **design))
    program = program_run(model, "sectoral_it")
    gained = 0
    while model.month < model.scenario.run.months:
        w = model.workers
        before = w.experience[:, program.sector].copy()
        interning = (w.program == program.index) & program.interning(w.program_month)
        model.step()
        # Interns still in the program a month later worked it at their host.
        still = interning & (w.program == program.index)
        assert (w.experience[still, program.sector] == before[still] + 1).all()
        gained += int(still.sum())
        # Nobody outside an internship gains experience without a job.
        idle = (w.program == program.index) & ~interning & (w.program_month > 1)
        assert (w.experience[idle, program.sector] == before[idle]).all()
    assert gained > 0
    assert booked(model, "employer", "internship_wages", "sectoral_it") > 0
    hired = (model.workers.channel == Channel.INTERNSHIP) & (model.workers.state == State.EMPLOYED)
    assert hired.any()
    assert np.isin(model.workers.employer[hired], program.partners).all()


def test_an_internship_needs_hosts_and_fits_in_the_program():
    with pytest.raises(ScenarioError, match="longer than the program"):
        library("sectoral_tuition_free", **program_block(internship_months=9))
    with pytest.raises(ScenarioError, match="internship_months"):
        library("sectoral_tuition_free", **program_block(internship_offer_rate=0.5))


def test_one_of_is_isin_for_small_codes_negative_and_out_of_range_values_included():
    from pathways.simulation.eligibility import one_of

    rng = np.random.default_rng(1)
    for dtype in (np.int8, np.int16, np.int64):
        for _ in range(200):
            values = rng.integers(-3, 12, size=40).astype(dtype)
            codes = sorted(set(rng.integers(0, 10, size=rng.integers(0, 5)).tolist()))
            np.testing.assert_array_equal(one_of(values, codes), np.isin(values, codes))
            # As an array too, unsorted and repeated (a placement team's clients, a program's partners).
            as_array = rng.integers(0, 10, size=rng.integers(0, 6))
            np.testing.assert_array_equal(one_of(values, as_array), np.isin(values, as_array))
