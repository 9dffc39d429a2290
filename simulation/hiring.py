"""Job search and hiring: who applies where, who passes, who is hired, at what pay.

Each month the unemployed and a share of the employed search. Their
applications (public postings, referrals, internal moves, navigators' extra
applications: :mod:`.search`; placement teams' warm hand-offs:
:mod:`.intermediaries`) go through employers' screens and scoring
(:mod:`.screening`); an application is kept if its score clears the rung's
hiring bar and, for the employed, the pay offered beats their current pay by
the job-change premium. Searchers rank offers by pay (with noise), postings
rank applicants by score, and many-to-one deferred acceptance
(:mod:`.matching`) decides the hires. Policies act through their hooks
(:mod:`.policies`): a score adjustment (employer incentives) and pay floors
(wage standards); placement teams add their own floor on hand-off hires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from scipy.special import ndtri

from . import matching, screening, search, threads
from .employers import N_RUNGS, record_hires
from .hours import FULL_TIME, job_hours
from .module import Module
from .population import group_arrays
from .randomness import normal_quantile, pair_draw, pair_start, pair_uniform
from .wages import log_years_for, offer_to, typical_incumbents
from .workers import Channel

if TYPE_CHECKING:
    from .model import LabourMarket


@njit(cache=True, inline="always")
def keeps_application(
    score: float, hire_threshold: float, offered: float, current_wage: float, job_change_premium: float,
    offered_hours: int = 40, current_hours: int = 40, amenity_gain: float = 0.0,
) -> bool:  # fmt: skip
    """An application that passed the screens stays in play.

    Its ``score`` clears the rung's ``hire_threshold`` and, for someone employed
    (``current_wage`` > 0: float32 dollars a year at full-time hours, as the worker
    arrays hold it), what the job pays a year (``offered`` times ``offered_hours``),
    valued with the job's amenities over the current job's (``amenity_gain``, log
    points: :func:`amenities`), beats what they earn now by ``job_change_premium``:
    a part-timer who wants more hours moves to a full-time job that pays the same
    rate, and someone may take a pay cut for a job they like better.
    """
    if score < hire_threshold:
        return False
    current = np.float32(current_wage)
    if current > 0:
        value = offered * offered_hours * np.exp(amenity_gain)
        return value >= current * current_hours * np.float32(1.0 + job_change_premium)
    return True


def amenities(streams, person: np.ndarray, posting: np.ndarray, amenity_sd: float) -> np.ndarray:
    """What the job at each ``posting`` is worth to each ``person`` beyond its pay, log points, float64 (a,).

    A normal draw of sd ``amenity_sd`` (``search.amenity_sd``) hashed from the person and the posting
    (employer * 3 + rung), so it lasts: the same job is as liked next month, and the job one holds
    keeps its value. It enters the choice between offers and whether to leave a job, never pay.
    """
    if amenity_sd == 0:
        return np.zeros(person.shape[0])
    return amenity_sd * ndtri(pair_uniform(streams.key("amenity"), 0, person, posting))


@njit(cache=True, inline="always")
def offer_value(offered, noise, preference_noise: float):
    """How much a searcher likes an offer: log pay plus uniform noise of spread ``preference_noise``.

    offered: dollars a year; noise: a uniform draw per (searcher, posting). Scalars, or arrays (k,)
    alike (float64).
    """
    return np.log(offered) + preference_noise * (noise - 0.5)


@njit(cache=True, nogil=True)
def _utility_range(lo, hi, offered, hours, amenity, searcher, posting, key, month, preference_noise, out):
    """Offers ``lo..hi-1``: what each pays a year at its hours (:func:`offer_value`, the noise
    :func:`.randomness.pair_uniform` draws for (searcher, posting) with ``key`` and ``month``) plus the
    job's amenity, into ``out``."""
    h0 = pair_start(key, month)
    for a in range(lo, hi):
        yearly = offered[a] * (hours[a] / FULL_TIME)
        out[a] = offer_value(yearly, pair_draw(h0, searcher[a], posting[a]), preference_noise) + amenity[a]


@njit(cache=True, inline="always")
def starting_pay(offered: float, floor: float) -> float:
    """A hire's pay: the offer, at least the pay ``floor`` (dollars a year), stored as float32."""
    return np.float32(max(offered, floor))


@njit(cache=True)
def _starting_pay_all(offered, floor):
    out = np.empty(offered.shape[0], dtype=np.float32)
    for a in range(offered.shape[0]):
        out[a] = starting_pay(offered[a], floor)
    return out


@njit(cache=True, nogil=True)
def _searcher_draws(lo, hi, searchers, person, employer, occupation, keys, share_preferring, amenity_sd, own,
                    prefers, current):  # fmt: skip
    """A searcher's own draws (pay position, wanting part-time) and the amenity of the job they hold,
    for searchers ``lo..hi-1`` (:func:`.wages.person_draws`, :func:`.hours.prefers_part_time`,
    :func:`amenities`), written into own, prefers, current (s,)."""
    h_person, h_prefers, h_amenity = pair_start(keys[0], 0), pair_start(keys[2], 0), pair_start(keys[4], 0)
    for k in range(lo, hi):
        i = searchers[k]
        p = person[i]
        own[k] = normal_quantile(pair_draw(h_person, p, 0))
        prefers[k] = pair_draw(h_prefers, p, 0) < share_preferring
        if amenity_sd != 0 and employer[i] >= 0:
            held = np.int64(employer[i]) * N_RUNGS + occupation[i] % N_RUNGS
            current[k] = amenity_sd * normal_quantile(pair_draw(h_amenity, p, held))


@njit(cache=True, nogil=True)
def _offer_range(
    lo, hi, kept, row, posting, emp_sector, score, hire_threshold, floor, searchers, person, rate, log_sd,
    part_time_only, wage, hours_now, experience, skill, typical_x, typical_s, keys, person_weight,
    match_weight_draw, match_weight, transfer, experience_return, skill_return, amenity_sd,
    job_change_premium, table, own, prefers, current, offered, hours, amenity, keep,
):  # fmt: skip
    """Callbacks ``lo..hi-1`` of :func:`offer_stage` (application ``kept[a]`` each), written into
    offered, hours, amenity, keep; table: :func:`.wages.log_years_for` the callbacks and ``transfer``."""
    h_offer, h_schedule, h_amenity = pair_start(keys[1], 0), pair_start(keys[3], 0), pair_start(keys[4], 0)
    for a in range(lo, hi):
        x = kept[a]
        k, post = row[x], posting[x]
        r = post % N_RUNGS
        s = emp_sector[post // N_RUNGS]
        i = searchers[k]
        p = person[i]
        draw = person_weight * own[k] + match_weight_draw * normal_quantile(pair_draw(h_offer, p, post))
        pay = offer_to(
            float(rate[post]), float(log_sd[post]), s, s * N_RUNGS + r, experience[i], skill[i, s],
            draw, typical_x, typical_s, match_weight, transfer, experience_return, skill_return, table,
        )  # fmt: skip
        offered[a] = max(pay, floor[a])
        only = pair_draw(h_schedule, p, post) < part_time_only[s]
        hours[a] = job_hours(prefers[k], only)
        amenity[a] = amenity_sd * normal_quantile(pair_draw(h_amenity, p, post)) if amenity_sd != 0 else 0.0
        keep[a] = keeps_application(score[x], hire_threshold[s, r], offered[a], wage[i], job_change_premium,
                                    hours[a], hours_now[i], amenity[a] - current[k])  # fmt: skip


# The streams of the offer stage's draws, in the order its kernels take their keys.
_OFFER_STREAMS = ("pay_person", "pay_offer", "prefers_part_time", "schedule", "amenity")


def offer_stage(model: LabourMarket, apps: search.Applications, kept: np.ndarray, score: np.ndarray,
                floor: np.ndarray, searchers: np.ndarray, typical: tuple[np.ndarray, np.ndarray],
                hire_threshold: np.ndarray, part_time_only: np.ndarray):  # fmt: skip
    """The offer, hours and amenities of each callback, and whether it stays in play, in one pass.

    The rules are the scalar ones the plain model calls on arrays (:func:`.wages.person_draws`,
    :func:`.wages.pay_draws`, :func:`.wages.offer_to`, :func:`.hours.hours_of`, :func:`amenities`,
    :func:`keeps_application`), with the same draws, so the results are the same to the last bit.
    apps, score: (a,) the month's applications (``apps.row`` indexes ``searchers``, (s,) worker rows)
    and their scores; kept: (c,) indices of those above the hiring bar, read in place rather than
    copied out; floor: (c,) their pay floor (dollars a year); typical: :func:`.wages.typical_incumbents`;
    hire_threshold: (n_sectors, N_RUNGS) the bar; part_time_only: (n_sectors,) share of jobs offered
    only part-time. Returns offered (float64 dollars a year at full-time hours), hours (int8 a week),
    amenity (float64 log points), keep (bool), all (c,).
    """
    w, t, sc = model.workers, model.employers, model.scenario
    keys = np.array([model.streams.key(k) for k in _OFFER_STREAMS], np.int64)
    amenity_sd = float(sc.search.amenity_sd)
    n_searchers, n_kept = searchers.shape[0], kept.shape[0]
    own, prefers, current = np.empty(n_searchers), np.empty(n_searchers, np.bool_), np.zeros(n_searchers)
    threads.split(_searcher_draws, n_searchers, searchers, w.person, w.employer, w.occupation, keys,
                  float(sc.labour_force.prefers_part_time), amenity_sd, own, prefers, current)  # fmt: skip
    offered, hours = np.empty(n_kept), np.empty(n_kept, np.int8)
    amenity, keep = np.empty(n_kept), np.empty(n_kept, np.bool_)
    threads.split(
        _offer_range, n_kept, kept, apps.row, apps.posting, t.sector, score, hire_threshold, floor, searchers,
        w.person, t.wage.ravel(), t.log_sd.ravel(), part_time_only, w.wage, w.hours, w.experience, w.skill,
        typical[0], typical[1], keys, *sc.pay.draw_weights(), float(np.sqrt(1.0 - sc.pay.firm_share)),
        float(sc.pay.experience_transfer), float(sc.pay.experience_return), float(sc.pay.skill_return),
        amenity_sd, float(sc.search.job_change_premium), log_years_for(n_kept, sc.pay.experience_transfer),
        own, prefers, current, offered, hours, amenity, keep,
    )  # fmt: skip
    return offered, hours, amenity, keep


def in_play(apps: search.Applications, kept: np.ndarray, keep: np.ndarray, score: np.ndarray,
            bonus: np.ndarray, offered: np.ndarray, hours: np.ndarray, amenity: np.ndarray):  # fmt: skip
    """The applications still in play after the offers: (apps, score, offered, bonus, hours, amenity) of each.

    apps, score, bonus: (a,) the month's applications; kept: (c,) the callbacks' indices among them;
    keep, offered, hours, amenity: (c,) per callback (:func:`offer_stage`). One pass gathers all nine
    arrays (on :func:`.threads.split`'s threads), in place of a gather each.
    """
    callback = np.flatnonzero(keep)
    app = kept[callback]
    arrays = (apps.searcher, apps.posting, apps.channel, apps.row, score, offered, bonus, hours, amenity)
    out = tuple(np.empty(callback.shape[0], a.dtype) for a in arrays)
    threads.split(_gather_in_play, callback.shape[0], app, callback, *arrays, *out)
    return search.Applications(*out[:4]), *out[4:]


@njit(cache=True, nogil=True)
def _gather_in_play(lo, hi, app, callback, searcher, posting, channel, row, score, offered, bonus, hours,
                    amenity, searcher_out, posting_out, channel_out, row_out, score_out, offered_out,
                    bonus_out, hours_out, amenity_out):  # fmt: skip
    """:func:`in_play` for those in play ``lo..hi-1``: application ``app[j]``, callback ``callback[j]``."""
    for j in range(lo, hi):
        a, c = app[j], callback[j]
        searcher_out[j], posting_out[j], channel_out[j] = searcher[a], posting[a], channel[a]
        row_out[j] = row[a]
        score_out[j], bonus_out[j] = score[a], bonus[a]
        offered_out[j], hours_out[j], amenity_out[j] = offered[c], hours[c], amenity[c]


class JobSearch(Module):
    name = "job_search"
    reads = (
        "state", "program", "employer", "occupation", "wage", "experience", "taste", "ties", "n_ties",
        "navigator", "group", "education", "credentials", "skill", "soft_skill", "graduated",
        "graduated_month", "age", "savings", "last_wage", "person", "hours", "tenure",
    )  # fmt: skip
    writes = (
        "state", "employer", "occupation", "wage", "hours", "tenure", "channel", "months_unemployed",
        "ui_months_left", "coached_left", "coach_factor",
    )  # fmt: skip
    employer_reads = (
        "sector", "openings", "wage", "degree_required", "experience_required", "credential_required",
        "months_open", "bias", "log_sd",
    )  # fmt: skip
    employer_writes = ("unfilled",)
    log_writes = ("hires_channel", "hired_postings")
    streams = (
        "on_the_job_search", "search", "search_extra", "handoffs", "hiring_noise", "preference_noise",
        "pay_offer", "pay_person", "schedule", "prefers_part_time", "amenity",
    )  # fmt: skip

    def init(self, model: LabourMarket) -> None:
        sc = model.scenario
        sectors = list(sc.sectors.values())
        self.rung_months = np.array([[r.experience_months for r in s.ladder] for s in sectors])
        self.hire_threshold = np.array([[r.hire_threshold for r in s.ladder] for s in sectors])
        race_pen = np.array([sc.hiring.race_penalty.get(g.race, 0.0) for g in sc.groups.values()])
        women_pen = np.array([sc.hiring.women_penalty.get(s, 0.0) for s in model.sector_names])
        # Score penalty by (group, sector): the scenario's documented bias parameters, nothing else.
        self.group_penalty = race_pen[:, None] + group_arrays(sc)["is_woman"][:, None] * women_pen[None, :]
        self.part_time_only = np.array([s.part_time_only_share for s in sectors])
        self.handoff_bonus = max((team.spec.handoff_bonus for team in model.placement_teams), default=0.0)

    def settings(self, model: LabourMarket) -> dict:
        """Keyword arguments of :func:`search.build_applications` for this month."""
        sc = model.scenario
        return dict(
            public_applications=sc.search.public_applications,
            referral_contacts=sc.search.referral_contacts,
            sectors_considered=sc.search.sectors_considered,
            experience_pull=sc.sorting.experience_pull,
            reach_up=sc.search.reach_up,
            aim_high=sc.search.aim_high,
            month=model.elapsed,
            key=model.streams.key("search"),
            key_extra=model.streams.key("search_extra"),
        )

    def step(self, model: LabourMarket) -> None:
        w, sc = model.workers, model.scenario
        u = model.draws("on_the_job_search")
        lf = sc.labour_force
        searchers = np.flatnonzero(search.searching_all(
            w.state, w.program, u, sc.search.on_the_job_search, w.tenure, w.age, lf.new_job_multiplier,
            lf.new_job_months, lf.young_separation_extra,
        ))  # fmt: skip
        # Placement teams' clients this month, fixed before anyone is hired (coaching follows them).
        clients = [team.clients(model) for team in model.placement_teams]
        apps = self.applications(model, searchers, clients)
        # The job's typical incumbent, before anyone moves: what offers are measured against.
        typical = typical_incumbents(
            w.state, w.occupation, w.experience, w.skill, float(sc.pay.experience_transfer),
            len(model.sector_names) * N_RUNGS,
        )  # fmt: skip
        apps, score, offered, bonus, hours, amenity = self.screen_and_score(model, apps, typical, searchers)
        self.match_and_hire(model, searchers, apps, score, offered, bonus, hours, amenity, clients)

    def applications(self, model: LabourMarket, searchers: np.ndarray, clients: list) -> search.Applications:
        """Public, referral, internal and navigator applications, plus placement teams' hand-offs."""
        w = model.workers
        extra = np.zeros(searchers.shape[0], dtype=np.int64)
        client = w.navigator[searchers]
        for nav in model.navigators:
            extra[client == nav.index] = nav.spec.extra_applications
        apps = search.build_applications(searchers, w, model.employers, self.rung_months, extra,
                                         **self.settings(model))  # fmt: skip
        for team, mine in zip(model.placement_teams, clients, strict=True):
            rows, posts = team.applications(searchers, mine, model.elapsed, model.streams.key("handoffs"))
            handoffs = np.full(rows.size, Channel.HANDOFF, np.int8)
            apps = search.merge(apps, search.Applications(searchers[rows], posts, handoffs, rows))
        return apps

    def screen_and_score(
        self, model: LabourMarket, apps: search.Applications, typical, searchers: np.ndarray
    ):
        """Applications passing the screens and hiring bar: (apps, score, pay offered, incentive bonus,
        weekly hours, the job's amenities to the candidate).

        typical: the jobs' typical incumbents (:func:`.wages.typical_incumbents`), for the offers;
        searchers: (s,) this month's searchers (``apps.row`` indexes them).
        """
        w, t, h = model.workers, model.employers, model.scenario.hiring
        policy = model.policy
        if policy.uses("score_adjustment"):
            bonus = policy.score_adjustment(model, apps.searcher, t.sector[apps.posting // N_RUNGS])
        else:
            bonus = np.zeros(apps.posting.size)
        score, kept = screening.screen_and_score(
            apps, w, t, self.group_penalty, bonus, self.hire_threshold, model.streams.key("hiring_noise"),
            model.elapsed, h.screen_waiver_months, skill_weight=h.skill_weight,
            soft_skill_weight=h.soft_skill_weight, experience_weight=h.experience_weight,
            referral_bonus=h.referral_bonus, internal_bonus=h.internal_bonus,
            handoff_bonus=self.handoff_bonus, noise_sd=h.noise_sd,
        )  # fmt: skip
        log = model.logged_applications()
        if log:
            log.screened(model, apps, score, kept)
        # Only those through the screens and above the hiring bar go on to offers and hours, read where
        # they are: a callback's posting and channel are gathered only for pay floors (a policy's or a
        # placement team's), nothing else is copied.
        kept = np.flatnonzero(kept)
        floor = np.zeros(kept.size)
        if policy.uses("pay_floor") or model.placement_teams:
            posting, channel = apps.posting[kept], apps.channel[kept]
            e, r = posting // N_RUNGS, posting % N_RUNGS
            floor = policy.pay_floor(model, e, r, channel)
            for team in model.placement_teams:
                floor = np.maximum(floor, team.pay_floor(e, channel))
        # Match quality is a lasting property of the person and the job (month 0 in the hash): asking
        # the same employer again brings the same offer, not a fresh draw to fish for.
        offered, hours, amenity, keep = offer_stage(
            model, apps, kept, score, np.asarray(floor, np.float64), searchers, typical, self.hire_threshold,
            self.part_time_only,
        )  # fmt: skip
        if log:
            log.offers(keep)
        return in_play(apps, kept, keep, score, bonus, offered, hours, amenity)

    def match_and_hire(
        self, model: LabourMarket, searchers, apps: search.Applications, score, offered, bonus, hours,
        amenity, clients,
    ) -> None:  # fmt: skip
        """Searchers rank by what a job pays a year (with noise), postings by score; deferred
        acceptance; hires."""
        w, t, sc = model.workers, model.employers, model.scenario
        utility = np.empty(offered.shape[0])
        threads.split(_utility_range, offered.shape[0], offered, hours, amenity, apps.searcher, apps.posting,
                      model.streams.key("preference_noise"), model.elapsed, float(sc.search.preference_noise),
                      utility)  # fmt: skip
        ptr, order = matching.ranking_order(apps.row, apps.posting, utility, searchers.shape[0])
        post = apps.posting[order]
        capacity = t.openings.ravel()
        match = matching.deferred_acceptance(ptr, post, score[order], capacity)
        if model.keep_matching_problem:
            model.matching_problem = (ptr, post, score[order], capacity.copy())
        app = order[matching.matched_application(ptr, post, match)[match >= 0]]
        if log := model.logged_applications():
            log.hires(app)

        hired = searchers[np.flatnonzero(match >= 0)]
        chosen = apps.posting[app]
        channel = apps.channel[app]
        he, hr = chosen // N_RUNGS, chosen % N_RUNGS
        wage = _starting_pay_all(offered[app], float(model.wage_floor))
        occupation = (t.sector[he] * N_RUNGS + hr).astype(np.int16)
        w.start_jobs(hired, he.astype(np.int32), occupation, wage, channel, hours[app])
        for team, mine in zip(model.placement_teams, clients, strict=True):
            team.coach(hired, mine)
        if model.policy.uses("hires_made"):
            model.policy.hires_made(model, int((bonus[app] > 0).sum()))
        model.month_log.hires_channel = channel
        model.month_log.hired_postings = chosen
        record_hires(t, np.bincount(chosen, minlength=capacity.size).reshape(t.openings.shape))
