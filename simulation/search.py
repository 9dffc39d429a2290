"""Job search: who applies where, through which channel.

Each searcher sends a short list of applications:

* public postings in the sectors it is most drawn to (its interest plus the
  pull of experience already built there), on the rung its experience fits,
  sometimes one rung up; a posting is picked with probability proportional to
  its openings;
* referrals: it asks a few of its ties; a tie who is employed passes on the
  best opening at the tie's own employer at or below the rung that fits the
  searcher;
* internal: an employed searcher applies for the next rung at its employer;
* navigator clients send extra public applications.

Everything is computed for all searchers at once. Draws are per worker, so a
worker's choices do not depend on who else searches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from . import threads
from .employers import N_RUNGS, EmployerTable
from .randomness import pair_row, pair_start, row_draw, worker_uniform
from .separations import new_job_factor, new_job_peak, youth_factor
from .wages import log_months
from .workers import Channel, State, Workers

_EMPLOYED, _UNEMPLOYED = int(State.EMPLOYED), int(State.UNEMPLOYED)


@dataclass
class Applications:
    """Applications this month. All arrays have shape (n_apps,)."""

    searcher: np.ndarray  # int64, worker index
    posting: np.ndarray  # int64, employer * 3 + rung
    channel: np.ndarray  # int8, Channel
    row: np.ndarray  # int64, position of the searcher in this month's searcher list

    def select(self, keep: np.ndarray) -> Applications:
        """The applications ``keep`` picks: a bool mask (n_apps,) or indices, in the order given."""
        if keep.dtype == np.bool_:
            # Masking four arrays walks the mask four times; its indices once, then four gathers.
            keep = np.flatnonzero(keep)
        return Applications(self.searcher[keep], self.posting[keep], self.channel[keep], self.row[keep])


@njit(cache=True, inline="always")
def searching(state: int, in_program: bool, u: float, on_the_job_search: float, factor: float = 1.0) -> bool:
    """Whether a worker looks for a job this month: every unemployed worker, and an
    employed one not training with probability ``on_the_job_search`` times ``factor``
    (:func:`search_factor`; uniform draw ``u``)."""
    if state == _UNEMPLOYED:
        return True
    return state == _EMPLOYED and not in_program and u < on_the_job_search * factor


@njit(cache=True, inline="always")
def search_factor(
    tenure: int, age_months: int, new_job_multiplier: float, new_job_months: float, young_extra: float
) -> float:
    """How much more than a settled prime-age worker an employed worker looks for another job:
    more early in a job and more when young, as they are more likely to leave
    (:func:`.separations.new_job_factor`, :func:`.separations.youth_factor`)."""
    return new_job_factor(tenure, new_job_multiplier, new_job_months) * youth_factor(age_months, young_extra)


def searching_all(
    state: np.ndarray, program: np.ndarray, u: np.ndarray, on_the_job_search: float, tenure: np.ndarray,
    age: np.ndarray, new_job_multiplier: float, new_job_months: float, young_extra: float,
) -> np.ndarray:  # fmt: skip
    """:func:`searching` for every worker: bool (n,). tenure, age: (n,) months."""
    out = np.empty(state.shape[0], dtype=np.bool_)
    threads.split(_searching_range, state.shape[0], out, state, program, u, on_the_job_search, tenure, age,
                  new_job_multiplier, new_job_months, young_extra)  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _searching_range(lo, hi, out, state, program, u, on_the_job_search, tenure, age, new_job_multiplier,
                     new_job_months, young_extra):  # fmt: skip
    # As with separations, the new-job factor is highest at tenure 0 (:func:`.separations.new_job_peak`):
    # a draw at or above the chance of looking at that tenure means not looking, found without the
    # exponential (the same outcome).
    shortcut = new_job_multiplier >= 1.0 and new_job_months > 0
    peak = new_job_peak(new_job_multiplier)
    for i in range(lo, hi):
        factor = 1.0
        if state[i] == _EMPLOYED:
            youth = youth_factor(age[i], young_extra)
            if shortcut and tenure[i] >= 0 and youth >= 0.0 and u[i] >= on_the_job_search * (peak * youth):
                out[i] = False
                continue
            factor = search_factor(tenure[i], age[i], new_job_multiplier, new_job_months, young_extra)
        out[i] = searching(state[i], program[i] >= 0, u[i], on_the_job_search, factor)


def sector_pull(taste: np.ndarray, experience_months: np.ndarray, experience_pull: float) -> np.ndarray:
    """How strongly each worker is drawn to each sector: interest plus experience built there.

    taste, experience_months: (m, n_sectors). Returns float (m, n_sectors).
    """
    return taste + experience_pull * np.log1p(experience_months / 12.0)


def fitting_rung(experience_months: np.ndarray, rung_months: np.ndarray) -> np.ndarray:
    """Highest rung whose usual experience requirement the worker meets.

    experience_months: (...,) months in the sector. rung_months: (..., 3)
    requirement of each rung (entry first). Returns int (...,) in 0..2.
    """
    return (experience_months[..., None] >= rung_months[..., 1:]).sum(axis=-1)


def posting_sampler(
    openings: np.ndarray, sector: np.ndarray, n_sectors: int, aim_high: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Prepare sampling of open postings by occupation.

    openings: int (E * 3,) openings per posting (employer * 3 + rung); sector:
    int (E,) each employer's sector. A posting's weight is its openings times
    ``exp(aim_high * rung)``: job seekers go where the openings are, leaning
    towards higher rungs.
    Returns (posts, cum, bounds): ``posts`` are open postings sorted by
    occupation (sector * 3 + rung), ``cum`` the running sum of their weights,
    and ``bounds`` (n_occupations + 1,) the value of ``cum`` where each
    occupation starts, so the postings of sector ``s`` on rungs ``lo..hi``
    span ``bounds[3s + lo] .. bounds[3s + hi + 1]``.
    """
    posts = np.flatnonzero(openings > 0)
    rung = posts % N_RUNGS
    occ = sector.astype(np.int64)[posts // N_RUNGS] * N_RUNGS + rung
    order = np.argsort(occ, kind="stable")
    posts, occ, rung = posts[order], occ[order], rung[order]
    cum = np.cumsum(openings[posts] * np.exp(aim_high * rung))
    starts = np.searchsorted(occ, np.arange(n_sectors * N_RUNGS + 1))
    bounds = np.concatenate(([0.0], cum))[starts]
    return posts, cum, bounds


def sample_postings(
    first: np.ndarray, last: np.ndarray, u: np.ndarray, posts: np.ndarray, cum: np.ndarray, bounds: np.ndarray
) -> np.ndarray:
    """Pick an open posting among occupations ``first..last`` (inclusive), or -1 if none.

    first, last, u: same shape; occupations must be of one sector, so the
    range is contiguous in the sampler's order.
    """
    lo, hi = bounds[first], bounds[last + 1]
    target = lo + u * (hi - lo)
    pos = np.searchsorted(cum, target, side="right")
    found = hi > lo
    return np.where(found, posts[np.minimum(pos, posts.shape[0] - 1)], -1)


def build_applications_reference(
    searchers: np.ndarray,
    workers: Workers,
    table: EmployerTable,
    rung_months: np.ndarray,
    extra_public: np.ndarray,
    *,
    public_applications: int,
    referral_contacts: int,
    sectors_considered: int,
    experience_pull: float,
    reach_up: float,
    aim_high: float,
    month: int,
    key: int,
    key_extra: int,
) -> Applications:
    """Applications of ``searchers`` (worker indices, shape (m,)).

    rung_months: (n_sectors, 3) usual experience requirement per rung.
    extra_public: (m,) extra public applications (navigator clients).
    reach_up: share of public applications that may go one rung above the fitting one.
    aim_high: lean towards higher rungs (see :func:`posting_sampler`).
    month, key, key_extra: fix the random draws (see
    :func:`~.randomness.worker_uniform`); ``key_extra`` is for the extra
    applications only, so that adding a navigator leaves everyone's other
    draws unchanged.
    Returns de-duplicated applications grouped by searcher; when a searcher
    reaches the same posting twice, the strongest channel is kept (internal >
    referral > navigator > public).

    This is the readable numpy version of the rule, kept to test the numba
    kernel behind :func:`build_applications` against.
    """
    n_sectors = workers.taste.shape[1]
    m = searchers.shape[0]
    n_extra = int(extra_public.max(initial=0))
    n_public = public_applications + n_extra
    k_ties = workers.ties.shape[1]
    u_sector, u_post, u_up, u_tie = searcher_draws(
        searchers,
        n_sectors,
        public_applications,
        n_extra,
        max_contacts(workers, referral_contacts) + 1,
        month,
        key,
        key_extra,
    )

    exp_months = workers.experience[searchers].astype(np.float64)
    gumbel = -np.log(-np.log(u_sector + 1e-12) + 1e-12)
    pull = sector_pull(workers.taste[searchers], exp_months, experience_pull) + gumbel
    k = min(sectors_considered, n_sectors)
    top = np.argsort(-pull, axis=1, kind="stable")[:, :k]

    # One row per searcher: public | referral | internal columns; -1 = none.
    width = n_public + u_tie.shape[1] - 1 + 1
    post = np.full((m, width), -1, dtype=np.int64)
    channel = np.zeros((m, width), dtype=np.int8)
    posts, cum, bounds = posting_sampler(table.openings.ravel(), table.sector, n_sectors, aim_high)
    rows = np.arange(m)
    open_post = table.openings.ravel() > 0

    # Public postings: application j goes to the (j mod k)-th favourite sector.
    if n_public and posts.size:
        slot = np.arange(n_public)
        sector = top[:, slot % k]
        # Any rung from one's current one (0 outside one's sector) up to the
        # fitting one, sometimes one above.
        top_rung = fitting_rung(exp_months[rows[:, None], sector], rung_months[sector])
        top_rung = np.minimum(top_rung + (u_up < reach_up), N_RUNGS - 1)
        own = workers.occupation[searchers].astype(np.int64)
        low_rung = np.where(own[:, None] // N_RUNGS == sector, own[:, None] % N_RUNGS, 0)
        low_rung = np.minimum(low_rung, top_rung)
        allowed = slot[None, :] < (public_applications + extra_public)[:, None]
        first, last = sector * N_RUNGS + low_rung, sector * N_RUNGS + top_rung
        chosen = np.full((m, n_public), -1, dtype=np.int64)
        chosen[allowed] = sample_postings(first[allowed], last[allowed], u_post[allowed], posts, cum, bounds)
        post[:, :n_public] = chosen
        channel[:, :n_public] = np.where(slot >= public_applications, Channel.NAVIGATOR, Channel.PUBLIC)

    # Referrals: ask random ties; employed ones pass on their employer's opening.
    if referral_contacts and k_ties:
        filled = workers.n_ties[searchers].astype(np.int64)[:, None]
        asked = contacts_asked(workers.n_ties[searchers], workers.base_ties, referral_contacts, u_tie[:, -1])
        u_ask = u_tie[:, :-1]
        tie = workers.ties[searchers[:, None], (u_ask * filled).astype(np.int64)]
        valid = (tie >= 0) & (np.arange(u_ask.shape[1])[None, :] < asked[:, None])
        tie_c = np.where(valid, tie, 0)
        employed = valid & (workers.state[tie_c] == State.EMPLOYED)
        emp = np.where(employed, workers.employer[tie_c], 0).astype(np.int64)
        sector = table.sector[emp].astype(np.int64)
        fit = fitting_rung(exp_months[rows[:, None], sector], rung_months[sector])
        # The tie passes on the best opening at or below the rung that fits the searcher.
        referred = np.full(tie.shape, -1, dtype=np.int64)
        for rung in range(N_RUNGS):
            candidate = emp * N_RUNGS + rung
            referred = np.where((rung <= fit) & open_post[candidate], candidate, referred)
        cols = slice(n_public, n_public + u_ask.shape[1])
        post[:, cols] = np.where(employed, referred, -1)
        channel[:, cols] = Channel.REFERRAL

    # Internal: the next rung up at one's own employer.
    emp_idx = workers.employer[searchers].astype(np.int64)
    rung = workers.occupation[searchers].astype(np.int64) % N_RUNGS
    inside = (emp_idx >= 0) & (rung < N_RUNGS - 1)
    up = np.where(inside, emp_idx * N_RUNGS + rung + 1, 0)
    post[:, -1] = np.where(inside & open_post[up], up, -1)
    channel[:, -1] = Channel.INTERNAL

    _drop_duplicates(post, channel, STRENGTH)
    r, c = np.nonzero(post >= 0)  # row-major: grouped by searcher
    return Applications(searchers[r], post[r, c], channel[r, c], r)


@njit(cache=True, inline="always")
def contacts_to_ask(n_ties: int, base_ties: int, referral_contacts: int, u: float) -> int:
    """How many ties one searcher asks this month: ``referral_contacts`` for a
    base network, proportionally more for someone with added ties (mentors,
    partner staff), the fraction settled by the uniform draw ``u``."""
    if base_ties == 0:
        return 0
    expected = referral_contacts * np.float64(n_ties) / base_ties
    whole = np.floor(expected)
    return np.int64(whole) + (1 if u < expected - whole else 0)


@njit(cache=True)
def contacts_asked(n_ties: np.ndarray, base_ties: int, referral_contacts: int, u: np.ndarray) -> np.ndarray:
    """:func:`contacts_to_ask` for each searcher: n_ties, u (m,). Int array (m,)."""
    out = np.empty(n_ties.shape[0], dtype=np.int64)
    for i in range(n_ties.shape[0]):
        out[i] = contacts_to_ask(n_ties[i], base_ties, referral_contacts, u[i])
    return out


def max_contacts(workers: Workers, referral_contacts: int) -> int:
    """Most ties anyone can ask in a month (all tie slots filled)."""
    if workers.base_ties == 0 or referral_contacts == 0:
        return 0
    return int(np.ceil(referral_contacts * workers.ties.shape[1] / workers.base_ties))


def searcher_draws(searchers, n_sectors, public_applications, n_extra, tie_draws, month, key, key_extra):
    """Per-worker uniforms for search (common random numbers across scenarios).

    Returns (u_sector (m, n_sectors), u_post (m, n_public), u_up (m, n_public),
    u_tie (m, tie_draws)) with n_public = public_applications + n_extra. The
    tie draws come last, so their number never moves the others.
    """
    u = worker_uniform(key, month, searchers, n_sectors + 2 * public_applications + tie_draws)
    u_sector = u[:, :n_sectors]
    u_public = u[:, n_sectors : n_sectors + 2 * public_applications]
    u_tie = u[:, n_sectors + 2 * public_applications :]
    pa = public_applications
    if n_extra:
        u_extra = worker_uniform(key_extra, month, searchers, 2 * n_extra)
        u_post = np.concatenate([u_public[:, :pa], u_extra[:, :n_extra]], 1)
        u_up = np.concatenate([u_public[:, pa:], u_extra[:, n_extra:]], 1)
    else:
        u_post, u_up = u_public[:, :pa], u_public[:, pa:]
    return u_sector, u_post, u_up, u_tie


def build_applications(
    searchers: np.ndarray,
    workers: Workers,
    table: EmployerTable,
    rung_months: np.ndarray,
    extra_public: np.ndarray,
    *,
    public_applications: int,
    referral_contacts: int,
    sectors_considered: int,
    experience_pull: float,
    reach_up: float,
    aim_high: float,
    month: int,
    key: int,
    key_extra: int,
) -> Applications:
    """Applications of ``searchers``: the rule of :func:`build_applications_reference`, in one numba pass.

    Same arguments and result; tested to agree exactly with the reference. Each
    choice is one of the scalar rules below (:func:`favourite_sectors`,
    :func:`public_posting`, :func:`tie_asked`, :func:`referred_posting`,
    :func:`internal_posting`), which the plain-Mesa benchmark model's agents call too.
    """
    n_sectors = workers.taste.shape[1]
    n_public = public_applications + int(extra_public.max(initial=0))
    n_contacts = max_contacts(workers, referral_contacts)
    posts, cum, bounds = posting_sampler(table.openings.ravel(), table.sector, n_sectors, aim_high)
    guide, scale = posting_guide(cum)
    m = searchers.shape[0]
    # Each searcher's uniforms are hashed inside the kernels, column by column as :func:`searcher_draws`
    # lays them out, rather than written to an (m, columns) table first.
    first_tie = n_sectors + 2 * public_applications
    width = n_public + n_contacts + 1
    post, channel = np.empty((m, width), dtype=np.int64), np.empty((m, width), dtype=np.int8)
    tie_employer = np.empty((m, n_contacts), np.int32)
    threads.split(_ties_employers, m, tie_employer, searchers, workers.ties, workers.n_ties, workers.employer,
                  workers.base_ties, referral_contacts, key, month, first_tie)  # fmt: skip
    threads.split(
        _applications_kernel, m, post, channel, searchers, workers.taste, workers.experience,
        workers.occupation, workers.employer, tie_employer, table.sector, table.openings.ravel() > 0,
        np.asarray(rung_months, np.float64), extra_public.astype(np.int64), public_applications,
        min(sectors_considered, n_sectors), experience_pull, reach_up, key, key_extra, month,
        n_public - public_applications, posts, cum, bounds, guide, scale, STRENGTH,
    )  # fmt: skip
    return Applications(*_collect(post, channel, searchers))


def _collect(post: np.ndarray, channel: np.ndarray, searchers: np.ndarray) -> tuple[np.ndarray, ...]:
    """The applications in a table of postings (m, width; -1: none) and their channels, row by row (so
    grouped by searcher, as ``np.nonzero`` orders them): (searcher, posting, channel, row), each (a,).

    Each row's applications are counted and then written on :func:`.threads.split`'s threads, each
    row at its own offset, so the order is the same however the rows are split.
    """
    m = post.shape[0]
    if threads.n_parts(m) == 1:
        return _collect_on_one_thread(post, channel, searchers)  # one call for a small market
    start = np.zeros(m + 1, np.int64)
    threads.split(_count_rows, m, start[1:], post)
    out = _collect_outputs(start)
    threads.split(_collect_rows, m, post, channel, searchers, start, *out)
    return out


@njit(cache=True)
def _collect_outputs(start):
    """Running totals of the rows' counts in ``start`` (in place) and the collected arrays to fill."""
    for i in range(1, start.shape[0]):
        start[i] += start[i - 1]
    n = start[-1]
    return np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int8), np.empty(n, np.int64)


@njit(cache=True)
def _collect_on_one_thread(post, channel, searchers):
    start = np.zeros(post.shape[0] + 1, np.int64)
    _count_rows(0, post.shape[0], start[1:], post)
    searcher, posting, chan, row = _collect_outputs(start)
    _collect_rows(0, post.shape[0], post, channel, searchers, start, searcher, posting, chan, row)
    return searcher, posting, chan, row


@njit(cache=True, nogil=True)
def _count_rows(lo, hi, count, post):
    for i in range(lo, hi):
        c = 0
        for j in range(post.shape[1]):
            c += post[i, j] >= 0
        count[i] = c


@njit(cache=True, nogil=True)
def _collect_rows(lo, hi, post, channel, searchers, start, searcher, posting, chan, row):
    for i in range(lo, hi):
        a = start[i]
        for j in range(post.shape[1]):
            if post[i, j] >= 0:
                searcher[a], posting[a], chan[a], row[a] = searchers[i], post[i, j], channel[i, j], i
                a += 1


@njit(cache=True, inline="always")
def _fitting_rung(months, rung_months_row):
    rung = 0
    for r in range(1, rung_months_row.shape[0]):
        if months >= rung_months_row[r]:
            rung += 1
    return rung


@njit(cache=True)
def posting_guide(cum: np.ndarray) -> tuple[np.ndarray, float]:
    """A guide table into ``cum`` (the running weights of :func:`posting_sampler`).

    ``guide[b]`` is the first position whose running weight exceeds ``b / scale``,
    so :func:`public_posting` jumps near its answer and scans a few steps (the
    same result as ``searchsorted(cum, target, "right")``, far fewer cache misses).
    Returns (guide int64 (max(len(cum), 1),), scale).
    """
    n_guide = max(cum.shape[0], 1)
    scale = n_guide / cum[-1] if cum.shape[0] > 0 else 0.0
    guide = np.searchsorted(cum, np.arange(n_guide) / scale if scale > 0 else np.zeros(1), side="right")
    return guide, scale


@njit(cache=True, inline="always")
def favourite_sectors(
    taste: np.ndarray, experience: np.ndarray, experience_pull: float, u_sector: np.ndarray, pull: np.ndarray,
    top: np.ndarray,
) -> None:  # fmt: skip
    """A searcher's ``len(top)`` favourite sectors, most drawn to first, written into ``top``.

    taste, experience, u_sector: (n_sectors,) the searcher's interest, months of
    experience and uniform draws; the pull of a sector is interest plus
    ``experience_pull * log(1 + years there)`` plus Gumbel noise, the top ones
    kept in order (ties: the lower sector). pull: (n_sectors,) scratch space.
    """
    n_sectors = pull.shape[0]
    for s in range(n_sectors):
        gumbel = -np.log(-np.log(u_sector[s] + 1e-12) + 1e-12)
        interest = taste[s]
        if experience[s] > 0:  # most people have worked in one or two sectors: skip the log of the rest
            interest += experience_pull * log_months(experience[s])
        pull[s] = interest + gumbel
    for j in range(top.shape[0]):
        best = -1
        for s in range(n_sectors):
            taken = False
            for jj in range(j):
                if top[jj] == s:
                    taken = True
            if not taken and (best < 0 or pull[s] > pull[best]):
                best = s
        top[j] = best


@njit(cache=True, inline="always")
def public_posting(
    sector: int, months_in_sector: int, rung_months_row: np.ndarray, own_occupation: int, u_up: float,
    u_post: float, reach_up: float, posts: np.ndarray, cum: np.ndarray, bounds: np.ndarray, guide: np.ndarray,
    scale: float,
) -> int:  # fmt: skip
    """One public application to ``sector``: the posting, or -1 if it has no opening in reach.

    Any rung from one's current one (0 outside one's sector) up to the one that
    fits one's ``months_in_sector`` (:func:`fitting_rung`), one higher when
    ``u_up < reach_up``; a posting is picked with the uniform ``u_post`` by its
    weight (posts, cum, bounds from :func:`posting_sampler`; guide, scale from
    :func:`posting_guide`).
    """
    hi_rung = _fitting_rung(months_in_sector, rung_months_row)
    if u_up < reach_up:
        hi_rung += 1
    hi_rung = min(hi_rung, N_RUNGS - 1)
    own = own_occupation
    lo_rung = own % N_RUNGS if (own >= 0 and own // N_RUNGS == sector) else 0
    lo_rung = min(lo_rung, hi_rung)
    lo, hi = bounds[sector * N_RUNGS + lo_rung], bounds[sector * N_RUNGS + hi_rung + 1]
    if hi <= lo:
        return -1
    target = lo + u_post * (hi - lo)
    pos = guide[min(int(target * scale), guide.shape[0] - 1)]
    while pos < cum.shape[0] and cum[pos] <= target:
        pos += 1
    return posts[min(pos, posts.shape[0] - 1)]


@njit(cache=True, inline="always")
def tie_asked(u: float, n_ties: int) -> int:
    """Which of a searcher's ``n_ties`` filled tie slots a contact draw ``u`` asks."""
    return int(u * n_ties)


@njit(cache=True, inline="always")
def referred_posting(
    employer: int, months_in_sector: int, rung_months_row: np.ndarray, open_post: np.ndarray
) -> int:
    """The opening an employed tie at ``employer`` passes on, or -1.

    The best open rung at the tie's employer at or below the rung that fits the
    searcher's ``months_in_sector`` of the employer's sector. open_post: bool (E * 3,).
    """
    fit = _fitting_rung(months_in_sector, rung_months_row)
    best = -1
    for rung in range(fit + 1):
        if open_post[employer * N_RUNGS + rung]:
            best = employer * N_RUNGS + rung
    return best


@njit(cache=True, inline="always")
def internal_posting(own_occupation: int, own_employer: int, open_post: np.ndarray) -> int:
    """The next rung up at one's own employer if it is open, else -1 (also -1 for the non-employed)."""
    if own_occupation < 0 or own_occupation % N_RUNGS >= N_RUNGS - 1:
        return -1
    up = own_employer * N_RUNGS + own_occupation % N_RUNGS + 1
    return up if open_post[up] else -1


@njit(cache=True, nogil=True)
def _applications_kernel(
    lo, hi, post, channel, searchers, taste, experience, occupation, employer, tie_employer, emp_sector,
    open_post, rung_months, extra_public, public_applications, k, experience_pull, reach_up, key, key_extra,
    month, n_extra, posts, cum, bounds, guide, scale, strength,
):  # fmt: skip
    """Applications of searchers ``lo..hi-1`` into rows of post, channel (m, width): -1 and 0 where none
    (each row is cleared here, on the threads, rather than the whole table beforehand).

    The draws are :func:`searcher_draws`' columns for (key, month) and (key_extra, month), n_extra
    extra public applications at most, hashed here one searcher at a time.
    """
    n_sectors = taste.shape[1]
    n_public = post.shape[1] - tie_employer.shape[1] - 1
    n_contacts = tie_employer.shape[1]
    width = n_public + n_contacts + 1
    pa = public_applications
    pull = np.empty(n_sectors)
    u_sector = np.empty(n_sectors)
    top = np.empty(k, dtype=np.int64)
    h0, h0_extra = pair_start(key, month), pair_start(key_extra, month)
    for i in range(lo, hi):
        post[i, :] = -1
        channel[i, :] = 0
        w = searchers[i]
        hw = pair_row(h0, w)
        for s in range(n_sectors):
            u_sector[s] = row_draw(hw, s)
        favourite_sectors(taste[w], experience[w], experience_pull, u_sector, pull, top)
        own = occupation[w]
        # Public postings (navigator clients' extra ones last).
        if posts.shape[0] > 0:
            n_mine = min(n_public, pa + extra_public[i])
            hx = pair_row(h0_extra, w) if n_mine > pa else hw
            for j in range(n_mine):
                s = top[j % k]
                if j < pa:
                    u_post, u_up = row_draw(hw, n_sectors + j), row_draw(hw, n_sectors + pa + j)
                else:
                    u_post, u_up = row_draw(hx, j - pa), row_draw(hx, n_extra + j - pa)
                post[i, j] = public_posting(
                    s, experience[w, s], rung_months[s], own, u_up, u_post, reach_up,
                    posts, cum, bounds, guide, scale,
                )  # fmt: skip
                channel[i, j] = NAVIGATOR if j >= pa else PUBLIC
        # Referrals from the ties asked (their employers found beforehand: :func:`_ties_employers`).
        for c in range(n_contacts):
            col = n_public + c
            channel[i, col] = REFERRAL
            e = tie_employer[i, c]
            if e < 0:
                continue
            s = emp_sector[e]
            post[i, col] = referred_posting(e, experience[w, s], rung_months[s], open_post)
        # Internal promotion.
        channel[i, width - 1] = INTERNAL
        post[i, width - 1] = internal_posting(own, employer[w], open_post)
        # One application per posting: the strongest channel, the first on a tie.
        keep_strongest(post[i], channel[i], strength)


@njit(cache=True, nogil=True)
def _ties_employers(lo, hi, out, searchers, ties, n_ties, employer, base_ties, referral_contacts, key, month,
                    first_tie):  # fmt: skip
    """The employer of each tie searchers ``lo..hi-1`` ask, into ``out`` (m, contacts); -1 where the
    contact is not asked, the slot holds no tie, or the tie is not employed (:func:`contacts_to_ask`,
    :func:`tie_asked`, with :func:`searcher_draws`' tie columns from ``first_tie`` on: one per
    contact, then the one settling how many are asked).

    A pass of its own because these are the search's scattered reads (a tie's row, then its
    employer): alone in a short loop the processor overlaps them; inside the big loop they stalled it.
    """
    n_contacts = out.shape[1]
    h0 = pair_start(key, month)
    for i in range(lo, hi):
        w = searchers[i]
        hw = pair_row(h0, w)
        asked = contacts_to_ask(n_ties[w], base_ties, referral_contacts, row_draw(hw, first_tie + n_contacts))
        for c in range(n_contacts):
            e = -1
            if c < asked:
                tie = ties[w, tie_asked(row_draw(hw, first_tie + c), n_ties[w])]
                if tie >= 0:
                    e = employer[tie]
            out[i, c] = e


PUBLIC, NAVIGATOR, REFERRAL, INTERNAL = (
    int(c) for c in (Channel.PUBLIC, Channel.NAVIGATOR, Channel.REFERRAL, Channel.INTERNAL)
)

# Channel strength when one posting is reached twice: higher wins.
STRENGTH = np.zeros(max(Channel) + 1, dtype=np.int8)
STRENGTH[[Channel.PUBLIC, Channel.NAVIGATOR, Channel.REFERRAL, Channel.HANDOFF, Channel.INTERNAL]] = [
    1,
    2,
    3,
    4,
    5,
]


def merge(a: Applications, b: Applications) -> Applications:
    """Both sets of applications, grouped by searcher, one per (searcher, posting), strongest channel kept."""
    if b.row.size == 0:
        return a
    if _in_order(a.row) and _in_order(b.row):
        # The usual case (the month's applications and a team's hand-offs both come searcher by
        # searcher): one pass, the same result as the sort and the sweep below. A team serving
        # several programs hands off program by program, out of order, and takes the sort.
        return Applications(*_merge_runs(a.searcher, a.posting, a.channel, a.row, b.searcher, b.posting,
                                         b.channel, b.row, STRENGTH))  # fmt: skip
    joined = Applications(
        *(np.concatenate([getattr(a, f), getattr(b, f)]) for f in ("searcher", "posting", "channel", "row"))
    )
    joined = joined.select(np.argsort(joined.row, kind="stable"))
    return joined.select(_keep_strongest_grouped(joined.row, joined.posting, joined.channel, STRENGTH))


@njit(cache=True)
def _in_order(row):
    for i in range(1, row.shape[0]):
        if row[i] < row[i - 1]:
            return False
    return True


@njit(cache=True)
def _merge_runs(searcher_a, posting_a, channel_a, row_a, searcher_b, posting_b, channel_b, row_b, strength):
    """:func:`merge` of two sets of applications each in order of ``row``: row by row, ``a``'s then
    ``b``'s, one per posting (:func:`keep_strongest`). Returns (searcher, posting, channel, row)."""
    na, nb = row_a.shape[0], row_b.shape[0]
    searcher, posting = np.empty(na + nb, searcher_a.dtype), np.empty(na + nb, posting_a.dtype)
    channel, row = np.empty(na + nb, np.int8), np.empty(na + nb, row_a.dtype)
    post, chan = np.empty(na + nb, np.int64), np.empty(na + nb, np.int8)  # one row's applications
    i = j = n = 0
    while i < na or j < nb:
        r = row_a[i] if j == nb or (i < na and row_a[i] <= row_b[j]) else row_b[j]
        who = searcher_a[i] if i < na and row_a[i] == r else searcher_b[j]
        k = 0
        while i < na and row_a[i] == r:
            post[k], chan[k] = posting_a[i], channel_a[i]
            i += 1
            k += 1
        while j < nb and row_b[j] == r:
            post[k], chan[k] = posting_b[j], channel_b[j]
            j += 1
            k += 1
        keep_strongest(post[:k], chan[:k], strength)
        for c in range(k):
            if post[c] >= 0:
                searcher[n], posting[n], channel[n], row[n] = who, post[c], chan[c], r
                n += 1
    return searcher[:n].copy(), posting[:n].copy(), channel[:n].copy(), row[:n].copy()


@njit(cache=True, inline="always")
def keep_strongest(post: np.ndarray, channel: np.ndarray, strength: np.ndarray) -> None:
    """One searcher's applications, one per posting: the strongest channel, the first on a tie.

    post, channel: (k,) postings (-1: none) and their channels; strength: by channel.
    Drops the others in place (post = -1). Lists are short, so pairwise is fine.
    """
    for a in range(post.shape[0]):
        if post[a] < 0:
            continue
        for b in range(a + 1, post.shape[0]):
            if post[b] == post[a]:
                if strength[channel[b]] > strength[channel[a]]:
                    post[a] = -1
                    break
                post[b] = -1


@njit(cache=True)
def _keep_strongest_grouped(row, posting, channel, strength):
    """:func:`keep_strongest` for each run of equal ``row`` (applications grouped by searcher); a mask."""
    post = posting.copy()
    start = 0
    while start < row.shape[0]:
        end = start
        while end < row.shape[0] and row[end] == row[start]:
            end += 1
        keep_strongest(post[start:end], channel[start:end], strength)
        start = end
    return post >= 0


@njit(cache=True)
def _drop_duplicates(post, channel, strength):
    """:func:`keep_strongest` for each row of ``post`` and ``channel`` (m, k)."""
    for i in range(post.shape[0]):
        keep_strongest(post[i], channel[i], strength)
