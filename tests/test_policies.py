"""Policy levers: each changes its rule from its start month on, and nothing before it.

Every rule test runs the same seed with and without the policy (common random
numbers), checks that the two runs are identical up to the end of the month
before the start, then checks the rule the policy changes. Directional tests
compare the two arms over several seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import (
    HireLog,
    assert_same_state,
    booked,
    group_codes,
    library,
    low_savings_enrolments,
    program_run,
    small,
)
from pathways.simulation import Channel, LabourMarket, ScenarioError, State
from pathways.simulation.employers import N_RUNGS

START = 4  # recorded month the policies of the rule tests switch on
BLACK = ["black_men", "black_women"]
HISPANIC = ["hispanic_men", "hispanic_women"]
WHITE = ["white_men", "white_women"]


# --------------------------------------------------------------------------- helpers


def pair(off_scenario, on_scenario, start: int = START) -> tuple[LabourMarket, LabourMarket]:
    """Both arms stepped to the end of recorded month ``start - 1``, checked identical."""
    off, on = LabourMarket(off_scenario), LabourMarket(on_scenario)
    while on.month < start:
        off.step()
        on.step()
    assert_same_state(off, on)
    return off, on


def count_hires(model: LabourMarket, log: HireLog, groups: list[str], since: int = 0, **equal) -> int:
    """Hires of workers in ``groups`` from recorded month ``since`` on, with fields equal to ``equal``."""
    h = log.table()
    keep = np.isin(h["group"], group_codes(model, groups)) & (h["month"] >= since)
    for field, value in equal.items():
        keep &= h[field] == value
    return int(keep.sum())


def dropout_rate(model: LabourMarket, key: str, since_month: int = 0) -> float:
    """Program dropout rate from the funnel: exited and not completed / exited (enrolled since then)."""
    d = model.funnel.data
    since = since_month + model.scenario.run.burn_in_months
    mine = (d["program"] == program_run(model, key).index) & (d["arm"] != 0) & (d["enrolled_month"] >= since)
    exited = mine & (d["exit_month"] >= 0)
    assert exited.sum() >= 20, "too few trainees to measure dropout"
    return float((exited & ~d["completed"]).sum() / exited.sum())


# --------------------------------------------------------------------------- tuition_free


def test_tuition_free_waives_the_price_of_eligible_trainees_from_the_start_month():
    policy = {
        "programs": ["it_bootcamp"],
        "payer": "philanthropy",
        "start_month": START,
        "eligibility": {"groups": BLACK + HISPANIC},
    }
    _, on = pair(library("tuition_bootcamp"), library("tuition_bootcamp", policies={"tuition_free": policy}))
    price = on.scenario.programs()["it_bootcamp"].price
    assert booked(on, "philanthropy", "tuition_waiver") == 0
    tuition_before = booked(on, "worker", "tuition", "it_bootcamp")
    assert tuition_before > 0  # the program ran and charged its price before the start
    on.run()

    d = on.funnel.data
    since = START + on.scenario.run.burn_in_months
    new = (d["program"] == program_run(on, "it_bootcamp").index) & (d["enrolled_month"] >= since)
    covered = new & np.isin(d["group"], group_codes(on, BLACK + HISPANIC))
    assert covered.sum() > 0 and (new & ~covered).sum() > 0
    # Covered trainees pay nothing; the others pay the price; the policy's payer books the waiver.
    assert booked(on, "worker", "tuition", "it_bootcamp") - tuition_before == pytest.approx(
        price * (new & ~covered).sum()
    )
    assert booked(on, "philanthropy", "tuition_waiver", "it_bootcamp") == pytest.approx(price * covered.sum())
    assert booked(on, "public", "tuition_waiver") == 0


def test_tuition_free_covers_isa_graduates_who_then_owe_nothing():
    policy = {"programs": ["it_bootcamp"], "start_month": 0, "eligibility": {"groups": BLACK}}
    model = LabourMarket(library("isa_bootcamp", workers=8000, months=12, policies={"tuition_free": policy}))
    model.run()
    w = model.workers
    spec = model.scenario.programs()["it_bootcamp"]
    grads = np.flatnonzero(w.graduated == program_run(model, "it_bootcamp").index)
    black = np.isin(w.group[grads], group_codes(model, BLACK))
    assert black.sum() > 0 and (~black).sum() > 0
    assert (w.isa_share[grads[black]] == 0).all() and (w.isa_left[grads[black]] == 0).all()
    assert (w.isa_left[grads[~black]] > 0).any()
    # The policy's payer books the value of each waived ISA (its cap) when a covered trainee enrols
    # (the terms are agreed at enrolment; the ledger covers recorded months).
    d = model.funnel.data
    covered = d["program"] == program_run(model, "it_bootcamp").index
    covered &= (d["enrolled_month"] >= model.scenario.run.burn_in_months) & (d["arm"] != 0)
    covered &= np.isin(d["group"], group_codes(model, BLACK))
    assert booked(model, "public", "isa_waiver", "it_bootcamp") == pytest.approx(spec.isa_cap * covered.sum())


def test_tuition_free_raises_enrolment_from_low_savings_workers(monkeypatch):
    """With a credit limit below the price, tuition keeps out low-savings workers; the policy lets them in.
    (With the scenario's own $15,000 limit, everyone can borrow the $13,500 price and the seats fill
    with the same people either way.)"""
    policy = {"tuition_free": {"programs": ["it_bootcamp"], "start_month": 0}}
    for seed in (1, 2, 3):
        kw = dict(workers=8000, months=16, seed=seed, enrolment={"borrowing_limit": 5000.0})
        off = low_savings_enrolments(monkeypatch, library("tuition_bootcamp", **kw), "it_bootcamp")
        on = low_savings_enrolments(
            monkeypatch, library("tuition_bootcamp", policies=policy, **kw), "it_bootcamp"
        )
        assert on > off + 10, (seed, off, on)


# --------------------------------------------------------------------------- hire_on_day_one


def test_hire_on_day_one_hires_and_pays_trainees_from_the_start_month():
    policy = {
        "programs": ["it_bootcamp"],
        "training_wage_hourly": 20.0,
        "public_wage_share": 0.25,
        "partner_share": 0.5,
        "start_month": START,
    }
    _, on = pair(
        library("tuition_bootcamp"), library("tuition_bootcamp", policies={"hire_on_day_one": policy})
    )
    program = program_run(on, "it_bootcamp")
    assert program.financing == "tuition" and program.partners.size == 0
    assert booked(on, "employer", "apprentice_wages") == 0
    on.step()  # the start month
    assert program.financing == "apprenticeship" and program.paid
    assert program.partners.size > 0
    assert (on.employers.sector[program.partners] == program.sector).all()
    floor = 20.0 * on.scenario.economy.hours_per_year
    w = on.workers
    checked = 0
    while on.month < on.scenario.run.months:
        # Trainees admitted at or after the start (program_month counts months since admission).
        mine = np.flatnonzero((w.program == program.index) & (w.program_month <= on.month - 1 - START))
        assert (w.state[mine] == State.EMPLOYED).all()
        assert np.isin(w.employer[mine], program.partners).all()
        assert (w.occupation[mine] == program.sector * N_RUNGS + program.target_rung).all()
        assert (w.channel[mine] == Channel.APPRENTICESHIP).all()
        assert (w.wage[mine] >= floor - 1e-3).all()
        checked += mine.size
        on.step()
    assert checked > 0
    public, employer = booked(on, "public", "apprentice_wages"), booked(on, "employer", "apprentice_wages")
    assert employer > 0 and public == pytest.approx(employer * 0.25 / 0.75)


def test_hire_on_day_one_lowers_dropout_under_financial_stress():
    """The same (unpaid, tuition-free) sectoral program with and without hire on day one."""
    policy = {
        "hire_on_day_one": {"programs": ["sectoral_it"], "training_wage_hourly": 18.0, "start_month": 0}
    }
    # More seats and partners (IT is 5% of jobs) so that each arm has trainees enough to measure dropout.
    seats = {"sectoral": {"programs": {"sectoral_it": {"seats_per_10k_workers": 20.0, "partner_share": 0.6}}}}
    for seed in (1, 2, 3):
        kw = dict(workers=12000, months=24, seed=seed, trial=None, trainers=seats)
        unpaid = LabourMarket(library("sectoral_tuition_free", **kw))
        paid = LabourMarket(library("sectoral_tuition_free", policies=policy, **kw))
        unpaid.run()
        paid.run()
        assert dropout_rate(paid, "sectoral_it") < dropout_rate(unpaid, "sectoral_it"), seed


def test_hire_on_day_one_starting_with_trainees_in_flight_keeps_the_invariants():
    policy = {"programs": ["it_bootcamp"], "training_wage_hourly": 18.0, "start_month": 6}
    scenario = library("tuition_bootcamp", workers=10000, months=12, policies={"hire_on_day_one": policy})
    model = LabourMarket(scenario)
    while model.month < model.scenario.run.months:
        model.step()
        model.check_invariants()


def test_hire_on_day_one_apprentices_pay_no_tuition():
    policy = {"programs": ["it_bootcamp"], "training_wage_hourly": 18.0, "start_month": 0}
    model = LabourMarket(library("tuition_bootcamp", months=8, policies={"hire_on_day_one": policy}))
    model.run()
    assert booked(model, "employer", "apprentice_wages", "it_bootcamp") > 0
    assert booked(model, "worker", "tuition", "it_bootcamp") == 0


# --------------------------------------------------------------------------- wage_standards


def hires_with_pay(model: LabourMarket, log: HireLog, months: int) -> dict[str, np.ndarray]:
    """Step ``months`` months; every hire of those months with the worker's pay right after its step."""
    parts = []
    for _ in range(months):
        first = len(log.parts)
        model.step()
        for part in log.parts[first:]:
            parts.append({**part, "wage": model.workers.wage[part["worker"]].astype(np.float64)})
    keys = ("month", "worker", "rung", "employer", "channel", "wage")
    if not parts:
        return {k: np.zeros(0) for k in keys}
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}


def test_wage_standards_no_handoff_hire_below_the_floor_after_the_start():
    start, entry, advanced = 8, 30.0, 36.0  # the placement team's own floor is $18
    kw = dict(
        workers=20000,
        months=20,
        # IT is 5% of jobs: more partners, so hand-offs happen before the standard starts.
        trainers={
            "sectoral": {"programs": {"sectoral_it": {"seats_per_10k_workers": 20.0, "partner_share": 0.6}}}
        },
    )
    policy = {"entry_hourly": entry, "advanced_hourly": advanced, "start_month": start}
    off = LabourMarket(library("sectoral_tuition_free", **kw))
    on = LabourMarket(library("sectoral_tuition_free", policies={"wage_standards": policy}, **kw))
    log_off, log_on = HireLog(off), HireLog(on)
    burn_in = on.scenario.run.burn_in_months
    before_off = hires_with_pay(off, log_off, burn_in + start)
    before = hires_with_pay(on, log_on, burn_in + start)
    for k in before:
        np.testing.assert_array_equal(before[k], before_off[k])
    assert_same_state(off, on)
    hours = on.scenario.economy.hours_per_year
    # Before the start the standard has bite: some hand-off hires are paid below it.
    handoff = before["channel"] == Channel.HANDOFF
    assert (before["wage"][handoff] < entry * hours).any(), before["wage"][handoff]
    after = hires_with_pay(on, log_on, on.scenario.run.months - start)
    handoff = after["channel"] == Channel.HANDOFF
    assert handoff.sum() >= 5
    assert (after["month"] >= start).all()
    floor = np.where(after["rung"] == 0, entry, advanced) * hours
    low = handoff & (after["wage"] < floor - 1e-3)
    assert not low.any(), (after["month"][low], after["rung"][low], after["wage"][low])
    # Other hires are not covered by the handoffs scope.
    assert (after["wage"][~handoff] < entry * hours).any()


def test_wage_standards_partner_scope_covers_every_hire_by_partner_employers():
    start, entry, advanced = 4, 30.0, 40.0
    policy = {"entry_hourly": entry, "advanced_hourly": advanced, "start_month": start, "scope": "partners"}
    model = LabourMarket(library("sectoral_tuition_free", workers=10000, policies={"wage_standards": policy}))
    log = HireLog(model)
    hires = hires_with_pay(model, log, model.scenario.run.burn_in_months + model.scenario.run.months)
    hours = model.scenario.economy.hours_per_year
    floor = np.where(hires["rung"] == 0, entry, advanced) * hours
    partner = model.partner_mask[hires["employer"]]
    before, after = partner & (hires["month"] < start), partner & (hires["month"] >= start)
    assert (hires["wage"][before] < floor[before]).any()  # the floor has bite
    assert after.sum() >= 10
    assert (hires["wage"][after] >= floor[after] - 1e-3).all()
    others = ~partner & (hires["month"] >= start)
    assert (hires["wage"][others] < floor[others]).any()


# --------------------------------------------------------------------------- network_access


def test_network_access_adds_ties_to_professionals_in_the_named_sectors_at_the_start():
    policy = {
        "ties_added": 4,
        "sectors": ["it", "health"],
        "min_rung": 1,
        "start_month": START,
        "eligibility": {"groups": BLACK},
    }
    _, on = pair(
        small(workers=5000, burn_in=12, months=12),
        small(workers=5000, burn_in=12, months=12, policies={"network_access": policy}),
    )
    w = on.workers
    seen = {}
    policy_in_force = on.policy.interventions["network_access"]
    original = policy_in_force.start

    def start(model):
        ties_before, n_before = w.ties.copy(), w.n_ties.copy()
        original(model)
        seen["ran"] = True
        who = np.isin(w.group, group_codes(model, BLACK)) & np.isin(
            w.state, [State.EMPLOYED, State.UNEMPLOYED, State.TRAINING]
        )
        # Nobody else changes.
        np.testing.assert_array_equal(w.ties[~who], ties_before[~who])
        np.testing.assert_array_equal(w.n_ties[~who], n_before[~who])
        gained = w.n_ties[who].astype(int) - n_before[who]
        room = w.ties.shape[1] - n_before[who]
        assert (gained <= np.minimum(4, room)).all()
        assert np.mean(gained == np.minimum(4, room)) > 0.99  # short only when one drew oneself
        # The new ties (appended where there is room) hold jobs in the named sectors, rung 1 or above.
        rows = np.flatnonzero(who & (w.ties.shape[1] - n_before >= 4))
        contacts = np.concatenate([w.ties[i, n_before[i] : w.n_ties[i]] for i in rows])
        assert rows.size > 100 and contacts.size > 3.9 * rows.size
        assert (w.state[contacts] == State.EMPLOYED).all()
        sectors = [model.sector_names.index(s) for s in ("it", "health")]
        assert np.isin(w.occupation[contacts] // N_RUNGS, sectors).all()
        assert (w.occupation[contacts] % N_RUNGS >= 1).all()

    policy_in_force.start = start
    on.step()
    assert seen.get("ran")


def test_network_access_raises_referral_hires_of_the_targeted_group_into_the_named_sectors():
    """Mentoring ties to people in health care (mid rung and up) for Black workers: more of their
    referral hires land in health care. (Their referral hires over all sectors do not rise: see
    test_programs.test_must_show_network_access_raises_referral_hires_of_the_targeted_group.)"""
    policy = {
        "network_access": {
            "ties_added": 4,
            "sectors": ["health"],
            "min_rung": 1,
            "start_month": 0,
            "eligibility": {"groups": BLACK},
        }
    }
    for seed in (1, 2, 3):
        counts = []
        for blocks in ({}, {"policies": policy}):
            model = LabourMarket(small(workers=10000, burn_in=24, months=24, seed=seed, **blocks))
            log = HireLog(model)
            model.run()
            health = model.sector_names.index("health")
            counts.append(count_hires(model, log, BLACK, channel=Channel.REFERRAL, sector=health))
        assert counts[1] > 1.5 * counts[0], (seed, counts)


# --------------------------------------------------------------------------- skills_based_hiring


def test_skills_based_hiring_drops_degree_screens_at_the_start_month():
    base = small(workers=5000, burn_in=12, months=12)
    assert base.policies.skills_based_hiring is None
    on_sc = small(
        workers=5000,
        burn_in=12,
        months=12,
        policies={"skills_based_hiring": {"employer_share": 1.0, "start_month": START}},
    )
    off, on = pair(base, on_sc)
    assert on.employers.degree_required.any()  # untouched before the start
    experience = on.employers.experience_required.copy()
    on.step()
    off.step()
    assert not on.employers.degree_required.any()
    assert off.employers.degree_required.any()
    np.testing.assert_array_equal(on.employers.experience_required, experience)


def test_skills_based_hiring_partial_adoption_with_experience_screens():
    policy = {"employer_share": 0.5, "drop_experience_screens": True, "start_month": START}
    off, on = pair(
        small(workers=5000, burn_in=12, months=12),
        small(workers=5000, burn_in=12, months=12, policies={"skills_based_hiring": policy}),
    )
    on.step()
    off.step()
    t_on, t_off = on.employers, off.employers
    same = (t_on.degree_required == t_off.degree_required).all(axis=1) & (
        t_on.experience_required == t_off.experience_required
    ).all(axis=1)
    dropped = ~t_on.degree_required.any(axis=1) & (t_on.experience_required == 0).all(axis=1)
    assert (same | dropped).all()
    changed = ~same
    assert (
        0.2
        < changed.sum()
        / (t_off.degree_required.any(axis=1) | (t_off.experience_required > 0).any(axis=1)).sum()
        < 0.8
    )


# --------------------------------------------------------------------------- career_navigation


def test_career_navigation_adds_a_public_navigator_for_eligible_job_seekers():
    policy = {
        "caseload_per_10k_workers": 30.0,
        "cost_per_client": 1000.0,
        "start_month": START,
        "eligibility": {"groups": BLACK + HISPANIC, "states": ["unemployed"]},
    }
    # The baseline's own navigators are paid by philanthropy here, so public navigation is the policy's.
    kw = dict(workers=8000, burn_in=12, months=12, intermediaries={"navigators": {"payer": "philanthropy"}})
    _, on = pair(small(**kw), small(**kw, policies={"career_navigation": policy}))
    assert len(on.navigators) == 1
    assert booked(on, "public", "navigation") == 0
    on.step()
    assert len(on.navigators) == 2
    nav = on.navigators[1]
    assert nav in on.agents and nav.spec.payer == "public"
    w = on.workers
    codes = group_codes(on, BLACK + HISPANIC)
    while True:
        clients = np.flatnonzero(w.navigator == nav.index)
        assert clients.size <= nav.caseload
        assert np.isin(w.group[clients], codes).all()
        assert booked(on, "public", "navigation") == pytest.approx(nav.served * 1000.0)
        if on.month == on.scenario.run.months:
            break
        on.step()
    assert nav.served > nav.caseload // 2


# --------------------------------------------------------------------------- benefits_bridge


def test_benefits_bridge_pays_a_stipend_to_trainees_from_the_start_month():
    policy = {"monthly_stipend": 1000.0, "programs": ["it_bootcamp"], "start_month": START}
    off, on = pair(
        library("tuition_bootcamp", workers=12000),
        library("tuition_bootcamp", workers=12000, policies={"benefits_bridge": policy}),
    )
    assert booked(on, "public", "training_stipends") == 0
    program = program_run(on, "it_bootcamp")
    assert program.trainees(on.workers).size > 0
    paid_before = 0.0
    net_gap = []
    while on.month < on.scenario.run.months:
        on.step()
        off.step()
        trainees = program.trainees(on.workers)
        paid = booked(on, "public", "training_stipends")
        assert paid - paid_before == pytest.approx(1000.0 * trainees.size)
        paid_before = paid
        both = trainees[off.workers.program[trainees] == program.index]
        net = [m.workers.savings[both] - m.workers.debt[both] for m in (on, off)]
        net_gap.append(net[0] - net[1])
    assert paid_before > 0
    # The stipend is income: in the start month, trainees in both arms are better off with it, by the
    # $1,000 unless both arms are at the credit limit (beyond it shortfalls are hardship, not debt).
    gap = net_gap[0]
    assert gap.size > 0 and (gap >= -0.01).all() and (gap <= 1000.01).all()
    assert np.isclose(gap, 1000.0, atol=0.5).any()


def test_benefits_bridge_lowers_dropout_under_financial_stress():
    policy = {"benefits_bridge": {"monthly_stipend": 2500.0, "programs": ["it_bootcamp"], "start_month": 0}}
    for seed in (1, 2, 3):
        kw = dict(workers=12000, months=24, seed=seed)
        without = LabourMarket(library("tuition_bootcamp", **kw))
        bridged = LabourMarket(library("tuition_bootcamp", policies=policy, **kw))
        without.run()
        bridged.run()
        assert dropout_rate(bridged, "it_bootcamp") < dropout_rate(without, "it_bootcamp"), seed


# --------------------------------------------------------------------------- bias_reduction


def test_bias_reduction_scales_adopting_employers_bias_at_the_start_month():
    policy = {"reduction": 0.6, "employer_share": 0.5, "start_month": START}
    off, on = pair(
        small(workers=5000, burn_in=12, months=12),
        small(workers=5000, burn_in=12, months=12, policies={"bias_reduction": policy}),
    )
    on.step()
    off.step()
    ratio = on.employers.bias / off.employers.bias
    adopted = np.isclose(ratio, 0.4)
    assert (adopted | np.isclose(ratio, 1.0)).all()
    assert 0.3 < adopted.mean() < 0.7


def unemployment_gap(model: LabourMarket, since: int) -> float:
    cols = model.metrics.columns()
    month, group = np.asarray(cols["month"]), np.asarray(cols["group"])
    u = np.asarray(cols["unemployment_rate"], dtype=float)
    late = month >= since
    return float(u[late & np.isin(group, BLACK)].mean() - u[late & np.isin(group, WHITE)].mean())


def test_bias_reduction_narrows_the_black_white_unemployment_gap():
    policy = {"bias_reduction": {"reduction": 1.0, "start_month": 0}}
    for seed in (1, 2, 3):
        kw = dict(workers=10000, burn_in=24, months=24, seed=seed)
        before, after = LabourMarket(small(**kw)), LabourMarket(small(**kw, policies=policy))
        log_before, log_after = HireLog(before), HireLog(after)
        before.run()
        after.run()
        assert unemployment_gap(after, 12) < unemployment_gap(before, 12), seed
        found = [
            count_hires(model, log, BLACK, state=State.UNEMPLOYED)
            for model, log in ((before, log_before), (after, log_after))
        ]
        assert found[1] > found[0], (seed, found)


# --------------------------------------------------------------------------- employer_incentive


def test_employer_incentive_books_a_public_subsidy_per_eligible_hire():
    policy = {
        "score_bonus": 0.8,
        "subsidy_per_hire": 3000.0,
        "sectors": ["health", "office"],
        "start_month": START,
        "eligibility": {"groups": BLACK, "states": ["unemployed"]},
    }
    off_sc = small(workers=8000, burn_in=12, months=16)
    on_sc = small(workers=8000, burn_in=12, months=16, policies={"employer_incentive": policy})
    off, on = LabourMarket(off_sc), LabourMarket(on_sc)
    log = HireLog(on)
    while on.month < START:
        on.step()
        off.step()
    assert_same_state(off, on)
    assert booked(on, "public", "hiring_subsidies") == 0
    on.run()
    h = log.table()
    sectors = [on.sector_names.index(s) for s in ("health", "office")]
    eligible_hires = (
        (h["month"] >= START)
        & np.isin(h["group"], group_codes(on, BLACK))
        & (h["state"] == State.UNEMPLOYED)
        & np.isin(h["sector"], sectors)
        & (h["channel"] != Channel.APPRENTICESHIP)
    )
    assert eligible_hires.sum() > 10
    assert booked(on, "public", "hiring_subsidies") == pytest.approx(3000.0 * eligible_hires.sum())


def test_employer_incentive_gets_eligible_applicants_hired_more():
    rule = {"groups": BLACK, "states": ["unemployed"]}
    policy = {
        "employer_incentive": {
            "score_bonus": 1.0,
            "subsidy_per_hire": 2000.0,
            "start_month": 0,
            "eligibility": rule,
        }
    }
    for seed in (1, 2, 3):
        counts = []
        for blocks in ({}, {"policies": policy}):
            model = LabourMarket(small(workers=8000, burn_in=24, months=18, seed=seed, **blocks))
            log = HireLog(model)
            model.run()
            counts.append(count_hires(model, log, BLACK, state=State.UNEMPLOYED))
        assert counts[1] > 1.05 * counts[0], (seed, counts)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("name", "block", "key"),
    [
        ("tuition_free", {"programs": ["no_such_program"]}, "policies.tuition_free.programs"),
        (
            "hire_on_day_one",
            {"programs": ["no_such_program"], "training_wage_hourly": 18.0},
            "policies.hire_on_day_one.programs",
        ),
        (
            "benefits_bridge",
            {"programs": ["no_such_program"], "monthly_stipend": 500.0},
            "policies.benefits_bridge.programs",
        ),
        (
            "network_access",
            {"ties_added": 2, "sectors": ["no_such_sector"]},
            "policies.network_access.sectors",
        ),
        (
            "employer_incentive",
            {"score_bonus": 0.5, "subsidy_per_hire": 1.0, "sectors": ["no_such_sector"]},
            "policies.employer_incentive.sectors",
        ),
        (
            "employer_incentive",
            {"score_bonus": 0.5, "subsidy_per_hire": 1.0, "eligibility": {"groups": ["no_such_group"]}},
            "policies.employer_incentive.eligibility.groups",
        ),
        (
            "career_navigation",
            {"caseload_per_10k_workers": 5.0, "eligibility": {"sectors": ["no_such_sector"]}},
            "policies.career_navigation.eligibility.sectors",
        ),
    ],
)
def test_policy_naming_an_unknown_key_is_an_error_naming_it(name, block, key):
    with pytest.raises(ScenarioError) as exc:
        small(policies={name: block})
    message = str(exc.value)
    assert key in message and "no_such_" in message


@pytest.mark.parametrize(
    "name", ["hire_on_day_one", "wage_standards", "skills_based_hiring", "bias_reduction"]
)
def test_employer_side_policies_take_no_worker_eligibility(name):
    """These act on employers or programs as a whole; a worker eligibility block would be silently
    ignored, so it is an unknown key instead."""
    with pytest.raises(ScenarioError, match=rf"policies\.{name}\.eligibility: unknown key"):
        small(policies={name: {"eligibility": {"groups": ["black_men"]}}})


def test_policy_starting_after_the_last_month_is_an_error():
    with pytest.raises(ScenarioError, match=r"policies\.skills_based_hiring\.start_month"):
        small(months=12, policies={"skills_based_hiring": {"start_month": 12}})


def test_an_incomplete_policy_is_refused_when_it_is_registered():
    from pathways.simulation.policies.base import Intervention, InterventionError, PolicyBlock, register

    class NoHook(Intervention):
        name = "no_hook"
        Schema = PolicyBlock

    class NoSchema(Intervention):
        name = "no_schema"

        def start(self, model) -> None:
            pass

    class Taken(NoSchema):
        name = "tuition_free"
        Schema = PolicyBlock

    for cls, expected in ((NoHook, "implements none of the hooks"), (NoSchema, "needs a Schema"),
                          (Taken, "is taken")):  # fmt: skip
        with pytest.raises(InterventionError, match=expected) as info:
            register(cls)
        assert "\n" not in str(info.value) and cls.__name__ in str(info.value)


def test_every_policy_is_one_file_with_its_schema_and_hooks():
    from pathways.simulation.policies import Policies
    from pathways.simulation.policies.base import REGISTRY

    assert set(Policies.model_fields) == set(REGISTRY)
    for name, cls in REGISTRY.items():
        assert cls.__module__.endswith(f"policies.{name}"), "a policy lives in the file named for it"
        assert cls.hooks() and Policies.model_fields[name].annotation == (cls.Schema | None)
