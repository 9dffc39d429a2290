"""The labour market model: invariants every month, determinism, agents, and no written-in gaps."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small
from pathways.simulation import LabourMarket, State, load_scenario
from pathways.simulation.employers import N_RUNGS, filled_jobs


def run_checked(scenario, months: int) -> LabourMarket:
    """Step a model month by month, checking invariants after every step."""
    # Debug mode: every module touches only the arrays, log entries and streams it declares.
    model = LabourMarket(scenario, debug=True)
    n = model.workers.n
    for _ in range(months):
        model.step()
        model.check_invariants()
        w, t = model.workers, model.employers
        # Every worker is in exactly one state, and the population is stationary.
        counts = np.bincount(w.state, minlength=len(State))
        assert counts.sum() == n
        # No posting hires more than its openings; nobody is hired twice.
        log = model.month_log
        hires = np.bincount(log.hired_postings, minlength=t.openings.size)
        assert (hires <= t.openings.ravel()).all()
        # Filled jobs never exceed what an employer can hold after hiring.
        assert (filled_jobs(w, t.n) >= 0).all()
        assert log.hired_postings.size == log.hires_channel.size
    return model


def test_invariants_hold_every_month():
    model = run_checked(small(workers=3000, burn_in=0, months=36), 36)
    w = model.workers
    employed = w.state == State.EMPLOYED
    # Jobs are on the employer's own ladder and pay the posted wage or more.
    rung = w.occupation[employed] % N_RUNGS
    posted = model.employers.wage[w.employer[employed], rung]
    assert (w.wage[employed] >= np.minimum(posted, model.wage_floor) - 1e-3).all()


def test_invariants_with_programs_and_navigators_busy():
    sc = small(workers=3000, burn_in=0, enrolment={"consider_rate": 0.3})
    model = run_checked(sc, 24)
    records = model.funnel.data
    assert len(model.funnel) > 0
    assert records["completed"].sum() > 0 and (records["exit_month"] >= 0).sum() > records["completed"].sum()
    assert model.navigators[0].served > 0


def test_the_worker_table_lists_every_per_worker_array():
    # arrays() drives entry (every column of a retiree's row is replaced), checkpoints and the
    # digests: a new column missing from it would keep a dead person's values.
    from pathways.simulation.workers import Workers

    w = Workers.empty(7, 3, 4, 2)
    held = {name for name, value in vars(w).items() if isinstance(value, np.ndarray)}
    assert set(w.arrays()) == held
    assert all(a.shape[0] == 7 for a in w.arrays().values())


def test_same_seed_same_results_different_seed_different():
    sc = small(workers=2000, burn_in=12, months=12)
    a, b, c = LabourMarket(sc), LabourMarket(sc), LabourMarket(sc, seed=2)
    for m in (a, b, c):
        m.run()
    np.testing.assert_equal(a.metrics.columns(), b.metrics.columns())  # NaN equals NaN here
    for name in ("state", "wage", "employer", "skill", "savings", "ties"):
        np.testing.assert_array_equal(getattr(a.workers, name), getattr(b.workers, name))
    assert a.metrics.columns()["median_wage"] != c.metrics.columns()["median_wage"]


def test_employer_agents_stepping_one_by_one_equals_vectorised():
    sc = small(workers=2000, burn_in=0, months=6)
    fast = LabourMarket(sc)
    slow = LabourMarket(sc)
    slow.step_agents_one_by_one = True
    fast.run()
    slow.run()
    for name in ("target", "openings", "months_open", "demand"):
        np.testing.assert_array_equal(getattr(fast.employers, name), getattr(slow.employers, name))
    np.testing.assert_equal(fast.metrics.columns(), slow.metrics.columns())


def test_agents_are_mesa_agents():
    import mesa

    from pathways.simulation.employers import Employer
    from pathways.simulation.intermediaries import Navigator
    from pathways.simulation.programs import Trainer

    model = LabourMarket(small(workers=1000, burn_in=0))
    types = set(model.agents_by_type)
    assert {Employer, Trainer, Navigator} <= types
    assert all(isinstance(a, mesa.Agent) for a in model.agents)
    assert len(model.agents_by_type[Employer]) == model.employers.n
    person = model.workers.describe(0)
    assert person["state"] in {"employed", "unemployed", "training", "out"}


def horizon(model: LabourMarket, column: str, months: int = 24) -> dict[str, float]:
    cols = model.metrics.columns()
    last = max(cols["month"])
    out: dict[str, list[float]] = {}
    for month, group, value in zip(cols["month"], cols["group"], cols[column], strict=True):
        if month > last - months and value is not None:
            out.setdefault(group, []).append(value)
    return {g: float(np.mean(v)) for g, v in out.items()}


NEUTRAL_EDUCATION = {"no_degree": 0.4, "some_college": 0.3, "ba_plus": 0.3}


def neutral_blocks(scenario) -> dict:
    """Overrides that remove every group difference: same education, savings and
    interests, no bias, a network without homophily."""
    groups = {k: {"education": NEUTRAL_EDUCATION, "median_savings": 3000.0} for k in scenario.groups}
    men = dict(scenario.sorting.men)
    return {
        "groups": groups,
        "sorting": {"women": men},
        "hiring": {
            "race_penalty": {r: 0.0 for r in scenario.hiring.race_penalty},
            "women_penalty": {s: 0.0 for s in scenario.hiring.women_penalty},
        },
        "network": {"homophily": 0.0},
    }


NEUTRAL_WORKERS = 100_000  # every group, Asian women (3%) included, has thousands of workers
GAP_TOLERANCE = 0.015  # log points; a written-in 3% cut must stand out from the noise


def log_pay_gaps(model: LabourMarket) -> dict[str, float]:
    """Each group's mean log pay among the employed, minus everyone's (log points)."""
    w = model.workers
    employed = w.state == State.EMPLOYED
    log_pay = np.log(w.wage[employed].astype(np.float64))
    everyone = log_pay.mean()
    return {
        name: float(log_pay[w.group[employed] == g].mean() - everyone)
        for g, name in enumerate(model.group_names)
    }


def neutral_gaps(seeds=(1, 2)) -> dict[str, float]:
    """Pay gaps with every group difference removed, averaged over ``seeds``."""
    gaps: dict[str, list[float]] = {}
    for seed in seeds:
        base = small(workers=NEUTRAL_WORKERS, burn_in=60, months=12, seed=seed)
        model = LabourMarket(small(workers=NEUTRAL_WORKERS, burn_in=60, months=12, seed=seed,
                                   **neutral_blocks(base)))  # fmt: skip
        model.run()
        for g, v in log_pay_gaps(model).items():
            gaps.setdefault(g, []).append(v)
        unemp = horizon(model, "unemployment_rate")
        for g in model.group_names:
            assert abs(unemp[g] - unemp["all"]) < 0.015, (g, unemp[g])
    return {g: float(np.mean(v)) for g, v in gaps.items()}


def test_no_gap_is_written_in():
    """With every group difference removed, every group's pay is everyone's: no rule has a group term."""
    gaps = neutral_gaps()
    assert all(abs(v) < GAP_TOLERANCE for v in gaps.values()), gaps


def test_the_no_gap_check_catches_a_written_in_three_percent_cut(monkeypatch):
    """The guard above is strong enough: a 3% pay cut written into offers for one group (Asian women,
    the smallest) makes it fail."""
    from pathways.simulation import hiring

    def screen_and_score(self, model, apps, *args):
        out = original_screen(self, model, apps, *args)
        asian_women = model.group_names.index("asian_women")
        hit = model.workers.group[out[0].searcher] == asian_women
        offered = np.where(hit, out[2] * 0.97, out[2])
        return out[0], out[1], offered, *out[3:]

    original_screen = hiring.JobSearch.screen_and_score
    monkeypatch.setattr(hiring.JobSearch, "screen_and_score", screen_and_score)
    gaps = neutral_gaps(seeds=(1,))
    assert gaps["asian_women"] < -GAP_TOLERANCE, gaps


def test_bias_penalty_lowers_hiring_of_the_penalised_group():
    """Raising the hiring penalty on Black applicants raises Black unemployment (same seeds)."""
    diffs = []
    for seed in (1, 2, 3):
        kw = dict(workers=6000, burn_in=36, months=24, seed=seed)
        fair = LabourMarket(small(**kw, hiring={"race_penalty": {"black": 0.0}}))
        biased = LabourMarket(small(**kw, hiring={"race_penalty": {"black": 1.0}}))
        fair.run()
        biased.run()
        u_fair = horizon(fair, "unemployment_rate")
        u_biased = horizon(biased, "unemployment_rate")
        diffs.append(
            (u_biased["black_men"] + u_biased["black_women"]) - (u_fair["black_men"] + u_fair["black_women"])
        )
    assert min(diffs) > 0, diffs


def test_degree_screens_widen_the_gap_by_education():
    """Employers demanding degrees everywhere (never waived) shut out the groups with fewer degrees:
    the white-Hispanic gap in employment widens, in every seed (paired: common random numbers).

    (Good-job shares among the employed need not widen: those still hired are the degree holders.)"""
    for seed in (1, 2, 3):
        gaps = {}
        for label, share in (("none", 0.0), ("all", 1.0)):
            sectors = {
                key: {"ladder": [{**r.model_dump(), "degree_screen": share} for r in spec.ladder]}
                for key, spec in small().sectors.items()
            }
            sc = small(workers=8000, burn_in=36, months=12, seed=seed, sectors=sectors,
                       hiring={"screen_waiver_months": 10_000})  # fmt: skip
            model = LabourMarket(sc)
            model.run()
            e = horizon(model, "employment_rate", 12)
            gaps[label] = e["white_men"] + e["white_women"] - e["hispanic_men"] - e["hispanic_women"]
        assert gaps["all"] > gaps["none"] + 0.05, (seed, gaps)


def test_separation_kernel_matches_the_formula():
    """The one-pass kernel decides exactly as the hazard formula says, worker by worker."""
    from pathways.simulation import separations

    model = LabourMarket(small(workers=3000, burn_in=12))
    model.run(0)
    w, t, lf = model.workers, model.employers, model.scenario.labour_force
    rng = np.random.default_rng(3)
    u_sep, u_leave = rng.random(w.n), rng.random(w.n)
    surplus = rng.random(t.headcount.shape) * 0.05
    w.coach_factor[::7] = 0.5
    rate = model.module("separations").separation_rate
    code = separations.separations(
        w.state == State.EMPLOYED, w.employer, w.occupation, w.tenure, w.coach_factor, w.program, t.sector,
        surplus, rate, lf.new_job_multiplier, lf.new_job_months, 0.01, u_sep, u_leave, w.age, 0.8,
    )  # fmt: skip
    emp = np.flatnonzero((w.state == State.EMPLOYED) & (w.program < 0))
    e, r = w.employer[emp], w.occupation[emp] % N_RUNGS
    early = 1 + (lf.new_job_multiplier - 1) * np.exp(-w.tenure[emp] / lf.new_job_months)
    # The young's extra hazard: 0.8 more at 18, none from 35.
    young = 1 + 0.8 * np.clip((35 * 12 - w.age[emp]) / (17 * 12), 0, None)
    p = np.clip(rate[t.sector[e]] * w.coach_factor[emp] * young * early + surplus[e, r], 0, 1)
    expected = np.where(u_leave[emp] < 0.01, separations.TO_OUT,
                        np.where(u_sep[emp] < p, separations.TO_UNEMPLOYMENT, separations.STAY))  # fmt: skip
    np.testing.assert_array_equal(code[emp], expected)
    assert (code[w.state != State.EMPLOYED] == separations.STAY).all()
    assert (code[w.program >= 0] == separations.STAY).all()


def test_the_separation_and_search_shortcuts_decide_as_the_full_formulas_do():
    """A draw at or above the tenure-0 chance settles the month without the exponential; at the edge
    (draws exactly at the full hazard, at the tenure-0 one, a bit either side) nothing changes."""
    from pathways.simulation import search, separations
    from pathways.simulation.separations import _hazard

    rng = np.random.default_rng(11)
    for _ in range(3000):
        sector_rate, coach, age_factor = rng.random() * 0.1, rng.choice([0.5, 1.0]), 1 + rng.random()
        tenure, surplus = int(rng.integers(0, 200)), rng.choice([0.0, rng.random() * 0.05])
        multiplier, months = 1 + 3 * rng.random(), rng.choice([0.5, 6.0, 24.0])
        rate = sector_rate * float(np.float32(coach)) * age_factor  # in float64, as the kernel has it
        full = _hazard(rate, tenure, surplus, multiplier, months)
        at_zero = _hazard(rate, 0, surplus, multiplier, months)
        edge = (full, at_zero, np.nextafter(full, 0), np.nextafter(at_zero, 0), np.nextafter(at_zero, 1))
        for u in (*edge, rng.random()):
            got = separations.separation_outcome(sector_rate, np.float32(coach), tenure, surplus, False,
                                                 multiplier, months, 0.0, u, 1.0, age_factor)  # fmt: skip
            assert got == (separations.TO_UNEMPLOYMENT if u < full else separations.STAY)
    n = 20_000
    state = rng.choice([int(State.EMPLOYED), int(State.UNEMPLOYED), int(State.OUT)], n).astype(np.int8)
    program = np.where(rng.random(n) < 0.05, 0, -1).astype(np.int16)
    tenure, age = rng.integers(0, 120, n).astype(np.int16), rng.integers(216, 780, n).astype(np.int16)
    factor = np.array([search.search_factor(t, a, 2.5, 6.0, 0.8) for t, a in zip(tenure, age, strict=True)])
    u = (0.3 * factor).astype(np.float32)  # at the edge: half just at each worker's chance of looking
    u[::2] = rng.random(n // 2).astype(np.float32)
    got = search.searching_all(state, program, u, 0.3, tenure, age, 2.5, 6.0, 0.8)
    expected = [search.searching(s, p >= 0, x, 0.3, f if s == State.EMPLOYED else 1.0)
                for s, p, x, f in zip(state, program, u, factor, strict=True)]  # fmt: skip
    np.testing.assert_array_equal(got, expected)


def test_screens_are_waived_only_after_months_of_unfilled_openings():
    from pathways.simulation.employers import update_openings

    model = LabourMarket(small(workers=2000, burn_in=0))
    t = model.employers
    t.headcount[:] = 0
    t.demand[:] = 0.0
    no_shock = np.zeros(t.n)
    flat = np.ones(int(t.sector.max()) + 1)  # every sector at its starting size
    after = model.scenario.hiring.screen_waiver_months
    # Openings refilled every month (nothing left unfilled) never count towards a waiver.
    for _ in range(after + 2):
        t.unfilled[:] = 0
        update_openings(t, slice(None), flat, no_shock, 0.9)
    assert not t.waived(after).any()
    # Openings left unfilled month after month do, and the count restarts once they are filled.
    for _ in range(after):
        assert not t.waived(after).any()
        t.unfilled[:] = t.openings
        update_openings(t, slice(None), flat, no_shock, 0.9)
    open_ = t.openings > 0
    assert t.waived(after)[open_].all()
    t.unfilled[:] = 0
    update_openings(t, slice(None), flat, no_shock, 0.9)
    assert not t.waived(after).any()


@pytest.mark.parametrize(
    "name", ["sectoral_tuition_free", "isa_bootcamp", "apprenticeship", "labor_management_homecare"]
)
def test_every_library_scenario_keeps_its_modules_declarations(name):
    """Debug mode over each library program: every module touches only what it declares (programs,
    ISAs, apprentices, placement teams and incumbents' training all run in these months)."""
    from conftest import ROOT

    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml",
                             {"run": {"workers": 1200, "months": 14, "burn_in_months": 6}})  # fmt: skip
    model = LabourMarket(scenario, debug=True)
    model.run()
    model.check_invariants()
