"""Job search: who applies where, through which channel.

Each searcher sends a short list of applications:

* public postings in the sectors it is most drawn to (its interest plus the
  pull of experience already built there), on the rung its experience fits,
  sometimes one rung up; a posting is picked with probability proportional to
  its openings;
* referrals: it asks a few of its ties; a tie who is employed passes on an
  opening at the tie's own employer, on the rung that fits the searcher;
* internal: an employed searcher applies for the next rung at its employer;
* navigator clients send extra public applications.

Everything is computed for all searchers at once. Draws are per worker, so a
worker's choices do not depend on who else searches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .employers import N_RUNGS, EmployerTable
from .workers import Channel, State, Workers


@dataclass
class Applications:
    """Applications this month. All arrays have shape (n_apps,)."""

    searcher: np.ndarray  # int64, worker index
    posting: np.ndarray  # int64, employer * 3 + rung
    channel: np.ndarray  # int8, Channel

    def select(self, keep: np.ndarray) -> Applications:
        return Applications(self.searcher[keep], self.posting[keep], self.channel[keep])


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
    table: EmployerTable, n_sectors: int, aim_high: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Prepare sampling of open postings by occupation.

    A posting's weight is its openings times ``exp(aim_high * rung)``: job
    seekers go where the openings are, leaning towards higher rungs.
    Returns (posts, cum, bounds): ``posts`` are open postings sorted by
    occupation (sector * 3 + rung), ``cum`` the running sum of their weights,
    and ``bounds`` (n_occupations + 1,) the value of ``cum`` where each
    occupation starts, so the postings of sector ``s`` on rungs ``lo..hi``
    span ``bounds[3s + lo] .. bounds[3s + hi + 1]``.
    """
    openings = table.openings.ravel()
    posts = np.flatnonzero(openings > 0)
    rung = posts % N_RUNGS
    occ = table.sector.astype(np.int64)[posts // N_RUNGS] * N_RUNGS + rung
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
    rng: np.random.Generator,
    rng_extra: np.random.Generator,
) -> Applications:
    """Applications of ``searchers`` (worker indices, shape (m,)).

    rung_months: (n_sectors, 3) usual experience requirement per rung.
    extra_public: (m,) extra public applications (navigator clients).
    reach_up: share of public applications that may go one rung above the fitting one.
    aim_high: lean towards higher rungs (see :func:`posting_sampler`).
    rng_extra: stream for the extra applications only, so that adding a
    navigator leaves everyone's other draws unchanged.
    Returns de-duplicated applications; when a searcher reaches the same
    posting twice, the strongest channel is kept (internal > referral >
    navigator > public).
    """
    n = workers.n
    n_sectors = workers.taste.shape[1]
    m = searchers.shape[0]
    n_extra = int(extra_public.max(initial=0))
    n_public = public_applications + n_extra
    k_ties = workers.ties.shape[1]
    # Per-worker draws, taken for everyone and indexed (common random numbers).
    gumbel = -np.log(-np.log(rng.random((n, n_sectors), dtype=np.float32) + 1e-12) + 1e-12)[searchers]
    u_public = rng.random((n, 2 * public_applications), dtype=np.float32)[searchers]
    u_tie = rng.random((n, referral_contacts), dtype=np.float32)[searchers]
    if n_extra:
        u_extra = rng_extra.random((n, 2 * n_extra), dtype=np.float32)[searchers]
        u_public = np.concatenate(
            [
                u_public[:, :public_applications],
                u_extra[:, :n_extra],
                u_public[:, public_applications:],
                u_extra[:, n_extra:],
            ],
            axis=1,
        )
    u_post, u_up = u_public[:, :n_public], u_public[:, n_public:]

    exp_months = workers.experience[searchers].astype(np.float64)
    pull = sector_pull(workers.taste[searchers], exp_months, experience_pull) + gumbel
    k = min(sectors_considered, n_sectors)
    top = np.argsort(-pull, axis=1, kind="stable")[:, :k]

    parts_s, parts_p, parts_c = [], [], []
    posts, cum, bounds = posting_sampler(table, n_sectors, aim_high)
    rows = np.arange(m)

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
        post = sample_postings(
            sector * N_RUNGS + low_rung, sector * N_RUNGS + top_rung, u_post, posts, cum, bounds
        )
        allowed = slot[None, :] < (public_applications + extra_public)[:, None]
        extra = slot[None, :] >= public_applications
        ok = allowed & (post >= 0)
        ch = np.broadcast_to(np.where(extra, Channel.NAVIGATOR, Channel.PUBLIC), ok.shape)
        parts_s.append(np.broadcast_to(searchers[:, None], ok.shape)[ok])
        parts_p.append(post[ok])
        parts_c.append(ch[ok])

    # Referrals: ask random ties; employed ones pass on their employer's opening.
    if referral_contacts and k_ties:
        tie = workers.ties[searchers[:, None], (u_tie[:, :referral_contacts] * k_ties).astype(np.int64)]
        valid = tie >= 0
        tie_c = np.where(valid, tie, 0)
        employed = valid & (workers.state[tie_c] == State.EMPLOYED)
        emp = np.where(employed, workers.employer[tie_c], 0)
        sector = table.sector[emp].astype(np.int64)
        rung = fitting_rung(exp_months[rows[:, None], sector], rung_months[sector])
        post = emp * N_RUNGS + rung
        ok = employed & (table.openings.ravel()[post] > 0)
        parts_s.append(np.broadcast_to(searchers[:, None], ok.shape)[ok])
        parts_p.append(post[ok])
        parts_c.append(np.full(int(ok.sum()), Channel.REFERRAL))

    # Internal: the next rung up at one's own employer.
    emp_idx = workers.employer[searchers]
    occ = workers.occupation[searchers].astype(np.int64)
    inside = (emp_idx >= 0) & (occ % N_RUNGS < N_RUNGS - 1)
    post = np.where(inside, emp_idx.astype(np.int64) * N_RUNGS + occ % N_RUNGS + 1, 0)
    ok = inside & (table.openings.ravel()[post] > 0)
    parts_s.append(searchers[ok])
    parts_p.append(post[ok])
    parts_c.append(np.full(int(ok.sum()), Channel.INTERNAL))

    s = np.concatenate(parts_s).astype(np.int64)
    p = np.concatenate(parts_p).astype(np.int64)
    c = np.concatenate([np.asarray(x, dtype=np.int8) for x in parts_c])
    return _dedupe(Applications(s, p, c))


# Channel strength when one posting is reached twice: higher wins.
_STRENGTH = np.zeros(max(Channel) + 1, dtype=np.int8)
_STRENGTH[[Channel.PUBLIC, Channel.NAVIGATOR, Channel.REFERRAL, Channel.INTERNAL]] = [1, 2, 3, 4]


def _dedupe(apps: Applications) -> Applications:
    order = np.lexsort((-_STRENGTH[apps.channel], apps.posting, apps.searcher))
    s, p = apps.searcher[order], apps.posting[order]
    first = np.ones(s.shape[0], dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (p[1:] != p[:-1])
    return apps.select(order[first])
