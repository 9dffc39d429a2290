"""Many-to-one deferred acceptance between job searchers and postings.

Searchers propose to postings in the order of their own ranked application
lists; each posting holds the best applicants by score up to its capacity and
rejects the rest. The result is the searcher-optimal stable matching with
respect to the submitted lists (Gale and Shapley 1962; Roth 1984), which is
unique, so any correct implementation returns exactly the same matching.

Inputs are flat CSR arrays so the kernel never touches Python objects:

``ptr``      int64, shape (n_searchers + 1,): searcher ``i``'s list is
             ``post[ptr[i]:ptr[i + 1]]``, most preferred first.
``post``     int32/int64, shape (n_apps,): posting index of each application.
``score``    float64, shape (n_apps,): the posting's score of that applicant
             (higher is better). A posting ranks applicants by score, ties
             broken in favour of the lower searcher index, so its ranking is
             strict.
``capacity`` int32/int64, shape (n_postings,): openings per posting.

Output: ``match`` int64, shape (n_searchers,): the posting each searcher is
hired into, or -1.

:func:`deferred_acceptance` is the numba kernel used by the model;
:func:`deferred_acceptance_reference` is a plain-Python version kept for tests
and the benchmark. :func:`blocking_pairs` checks stability.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _worse(score_a: float, id_a: int, score_b: float, id_b: int) -> bool:
    """True when applicant a ranks below applicant b at the same posting."""
    if score_a != score_b:
        return score_a < score_b
    return id_a > id_b


@njit(cache=True, inline="always")
def _swap(h_score, h_id, i, j):
    h_score[i], h_score[j] = h_score[j], h_score[i]
    h_id[i], h_id[j] = h_id[j], h_id[i]


@njit(cache=True)
def _sift_down(h_score, h_id, base, size, pos):
    # Min-heap on (score, -id): the root is the posting's worst held applicant.
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        child = left
        right = left + 1
        if right < size and _worse(
            h_score[base + right], h_id[base + right], h_score[base + left], h_id[base + left]
        ):
            child = right
        if _worse(h_score[base + child], h_id[base + child], h_score[base + pos], h_id[base + pos]):
            _swap(h_score, h_id, base + child, base + pos)
            pos = child
        else:
            return


@njit(cache=True)
def _sift_up(h_score, h_id, base, pos):
    while pos > 0:
        parent = (pos - 1) // 2
        if _worse(h_score[base + pos], h_id[base + pos], h_score[base + parent], h_id[base + parent]):
            _swap(h_score, h_id, base + pos, base + parent)
            pos = parent
        else:
            return


@njit(cache=True)
def deferred_acceptance(ptr, post, score, capacity):
    """Searcher-proposing deferred acceptance over CSR application lists.

    See the module docstring for the array layout. Runs in
    O(n_apps * log(max capacity)) time and O(n_searchers + sum(capacity))
    memory.
    """
    n_searchers = ptr.shape[0] - 1
    n_posts = capacity.shape[0]
    # Each posting owns a slice of one flat heap store, sized by its capacity. A posting's heap start,
    # capacity and number held share one row: a proposal reads one cache line of them, not three.
    BASE, CAP, HELD = 0, 1, 2
    state = np.zeros((n_posts, 3), dtype=np.int64)
    total = 0
    for p in range(n_posts):
        cap = max(capacity[p], 0)
        state[p, BASE], state[p, CAP] = total, cap
        total += cap
    h_score = np.empty(total, dtype=np.float64)
    h_id = np.empty(total, dtype=np.int64)

    next_choice = ptr[:-1].copy()
    match = np.full(n_searchers, -1, dtype=np.int64)
    # Stack of searchers who are free and still have postings to propose to.
    stack = np.empty(n_searchers, dtype=np.int64)
    top = 0
    for i in range(n_searchers - 1, -1, -1):
        if ptr[i + 1] > ptr[i]:
            stack[top] = i
            top += 1

    while top > 0:
        top -= 1
        i = stack[top]
        while next_choice[i] < ptr[i + 1]:
            k = next_choice[i]
            next_choice[i] += 1
            p = post[k]
            cap = state[p, CAP]
            if cap <= 0:
                continue
            base = state[p, BASE]
            s = score[k]
            held = state[p, HELD]
            if held < cap:
                h_score[base + held] = s
                h_id[base + held] = i
                state[p, HELD] = held + 1
                _sift_up(h_score, h_id, base, held)
                match[i] = p
                break
            # Full: the newcomer displaces the worst held applicant if better.
            if _worse(h_score[base], h_id[base], s, i):
                loser = h_id[base]
                h_score[base] = s
                h_id[base] = i
                _sift_down(h_score, h_id, base, cap, 0)
                match[i] = p
                match[loser] = -1
                if next_choice[loser] < ptr[loser + 1]:
                    stack[top] = loser
                    top += 1
                break
    return match


def deferred_acceptance_reference(
    ptr: np.ndarray, post: np.ndarray, score: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Plain-Python deferred acceptance; same contract as the numba kernel.

    Written for clarity, not speed: round by round, every free searcher
    proposes to the next posting on its list, and each posting keeps its best
    ``capacity`` applicants among those it holds and the new proposals.
    """
    n_searchers = len(ptr) - 1
    lists = [[(int(post[k]), float(score[k])) for k in range(ptr[i], ptr[i + 1])] for i in range(n_searchers)]
    next_choice = [0] * n_searchers
    held: dict[int, list[tuple[float, int]]] = {}
    match = [-1] * n_searchers
    free = [i for i in range(n_searchers) if lists[i]]
    while free:
        proposals: dict[int, list[tuple[float, int]]] = {}
        for i in free:
            if next_choice[i] < len(lists[i]):
                p, s = lists[i][next_choice[i]]
                next_choice[i] += 1
                proposals.setdefault(p, []).append((s, i))
        if not proposals:
            break
        free = []
        for p, new in proposals.items():
            pool = held.get(p, []) + new
            # Best first: higher score, then lower searcher index.
            pool.sort(key=lambda item: (-item[0], item[1]))
            cap = max(int(capacity[p]), 0)
            keep, drop = pool[:cap], pool[cap:]
            held[p] = keep
            for _, i in keep:
                match[i] = p
            for _, i in drop:
                match[i] = -1
                if next_choice[i] < len(lists[i]):
                    free.append(i)
        free.sort()
    return np.asarray(match, dtype=np.int64)


def blocking_pairs(
    ptr: np.ndarray, post: np.ndarray, score: np.ndarray, capacity: np.ndarray, match: np.ndarray
) -> list[tuple[int, int]]:
    """List the (searcher, posting) pairs that block ``match``.

    A pair blocks when the searcher listed the posting above its match (or is
    unmatched), and the posting has a free opening or holds someone it ranks
    below the searcher. An empty list means the matching is stable.
    """
    held: dict[int, list[tuple[float, int]]] = {}
    for i in range(len(ptr) - 1):
        p = int(match[i])
        if p < 0:
            continue
        for k in range(ptr[i], ptr[i + 1]):
            if post[k] == p:
                held.setdefault(p, []).append((float(score[k]), i))
                break
    pairs = []
    for i in range(len(ptr) - 1):
        for k in range(ptr[i], ptr[i + 1]):
            p = int(post[k])
            if p == match[i]:
                break
            if capacity[p] <= 0:
                continue
            mine = held.get(p, [])
            if len(mine) < capacity[p]:
                pairs.append((i, p))
            elif any((s < score[k]) or (s == score[k] and j > i) for s, j in mine):
                pairs.append((i, p))
    return pairs


@njit(cache=True, inline="always")
def rank_segment(order: np.ndarray, start: int, end: int, utility: np.ndarray, posting: np.ndarray) -> None:
    """Sort ``order[start:end]`` (indices into utility and posting) best first, in place.

    One searcher's list: higher ``utility`` first, equal utility to the lower
    ``posting``. Insertion sort: lists are short (< 20).
    """
    for a in range(start + 1, end):
        k = order[a]
        b = a - 1
        while b >= start:
            j = order[b]
            if utility[j] > utility[k] or (utility[j] == utility[k] and posting[j] < posting[k]):
                break
            order[b + 1] = j
            b -= 1
        order[b + 1] = k


@njit(cache=True)
def _sort_segments(ptr, order, utility, posting):
    for i in range(ptr.shape[0] - 1):
        rank_segment(order, ptr[i], ptr[i + 1], utility, posting)


@njit(cache=True)
def ranked(utility: np.ndarray, posting: np.ndarray) -> np.ndarray:
    """One searcher's applications best first (:func:`rank_segment`): the order, int64 (k,).

    utility: float64 (k,) the searcher's value of each posting; posting: int64 (k,).
    """
    order = np.arange(utility.shape[0])
    rank_segment(order, 0, utility.shape[0], utility, posting)
    return order


def ranking_order(
    searcher: np.ndarray, posting: np.ndarray, utility: np.ndarray, n_searchers: int
) -> tuple[np.ndarray, np.ndarray]:
    """CSR pointer and the permutation that lists each searcher's applications best first.

    searcher: (n_apps,) position of each application's searcher in 0..n_searchers-1.
    utility: (n_apps,) the searcher's value of the posting (higher first); ties
    are broken by lower posting index so the order is reproducible.
    Returns (ptr (n_searchers + 1,), order (n_apps,)). Linear time when the
    applications already come grouped by searcher, as the model's do.
    """
    order = np.argsort(searcher, kind="stable")
    counts = np.bincount(searcher, minlength=n_searchers)
    ptr = np.zeros(n_searchers + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    _sort_segments(ptr, order, np.asarray(utility, np.float64), np.asarray(posting, np.int64))
    return ptr, order


def ranked_lists(
    searcher: np.ndarray, posting: np.ndarray, utility: np.ndarray, score: np.ndarray, n_searchers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrange applications into the CSR lists :func:`deferred_acceptance` takes.

    Same inputs as :func:`ranking_order` plus ``score`` (n_apps,). Returns
    (ptr, post, score) with each searcher's applications best first.
    """
    ptr, order = ranking_order(searcher, posting, utility, n_searchers)
    return ptr, posting[order].astype(np.int64), score[order].astype(np.float64)


@njit(cache=True)
def matched_application(ptr, post, match):
    """Index in ``post`` of each searcher's matched application, or -1 (shape (n_searchers,))."""
    out = np.full(ptr.shape[0] - 1, -1, dtype=np.int64)
    for i in range(ptr.shape[0] - 1):
        if match[i] >= 0:
            for k in range(ptr[i], ptr[i + 1]):
                if post[k] == match[i]:
                    out[i] = k
                    break
    return out
