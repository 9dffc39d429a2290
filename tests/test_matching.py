"""Tests for the deferred-acceptance matching kernel in ``simulation/matching.py``.

The kernel must return the searcher-optimal stable matching of the submitted
lists, which is unique. The tests check that claim four independent ways: the
plain-Python reference, a stability check written here from the definition,
brute-force enumeration of every stable matching on tiny instances, and the
``matching`` package's hospital-resident solver.
"""

from __future__ import annotations

import itertools
import warnings
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.simulation.matching import (
    blocking_pairs,
    deferred_acceptance,
    deferred_acceptance_reference,
    ranked_lists,
)

# Few distinct score values, so postings see tied applicants all the time and
# the "lower searcher index wins" rule is exercised.
TIE_SCORES = (0.0, 1.0, 2.0, 3.0)


class Instance(NamedTuple):
    ptr: np.ndarray
    post: np.ndarray
    score: np.ndarray
    capacity: np.ndarray

    @property
    def n_searchers(self) -> int:
        return len(self.ptr) - 1

    @property
    def n_postings(self) -> int:
        return len(self.capacity)

    def lists(self) -> list[list[tuple[int, float]]]:
        """Each searcher's (posting, score) applications, most preferred first."""
        return [
            [(int(self.post[k]), float(self.score[k])) for k in range(self.ptr[i], self.ptr[i + 1])]
            for i in range(self.n_searchers)
        ]


def make_instance(lists: list[list[tuple[int, float]]], capacity: list[int]) -> Instance:
    """Build the CSR arrays from per-searcher lists of (posting, score)."""
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(lst) for lst in lists], dtype=np.int64)
    post = np.array([p for lst in lists for p, _ in lst], dtype=np.int64)
    score = np.array([s for lst in lists for _, s in lst], dtype=np.float64)
    return Instance(ptr, post, score, np.array(capacity, dtype=np.int64))


@st.composite
def instances(draw, max_searchers: int = 12, max_postings: int = 8, max_capacity: int = 3) -> Instance:
    """Random small instances: distinct postings per list, tie-heavy scores, capacities from 0."""
    n_searchers = draw(st.integers(0, max_searchers))
    n_postings = draw(st.integers(1, max_postings))
    capacity = draw(st.lists(st.integers(0, max_capacity), min_size=n_postings, max_size=n_postings))
    lists = []
    for _ in range(n_searchers):
        order = draw(st.permutations(range(n_postings)))
        length = draw(st.integers(0, n_postings))
        scores = draw(st.lists(st.sampled_from(TIE_SCORES), min_size=length, max_size=length))
        lists.append(list(zip(order[:length], scores, strict=True)))
    return make_instance(lists, capacity)


def solve(inst: Instance) -> np.ndarray:
    return deferred_acceptance(inst.ptr, inst.post, inst.score, inst.capacity)


def ranks_above(a: tuple[float, int], b: tuple[float, int]) -> bool:
    """True when applicant a = (score, searcher) beats applicant b at a posting."""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


def independent_blocking_pairs(inst: Instance, match) -> list[tuple[int, int]]:
    """Blocking pairs computed from the definition, independently of the module's checker."""
    lists = inst.lists()
    holders: dict[int, list[tuple[float, int]]] = {p: [] for p in range(inst.n_postings)}
    for i, p in enumerate(match):
        if p >= 0:
            holders[int(p)].append((dict(lists[i])[int(p)], i))
    pairs = []
    for i, lst in enumerate(lists):
        for p, s in lst:
            if p == match[i]:
                break
            cap = int(inst.capacity[p])
            if cap <= 0:
                continue
            if len(holders[p]) < cap or any(ranks_above((s, i), h) for h in holders[p]):
                pairs.append((i, p))
    return pairs


def is_feasible(inst: Instance, match) -> bool:
    """Every match is on the searcher's own list and no posting exceeds its capacity."""
    lists = inst.lists()
    for i, p in enumerate(match):
        if p >= 0 and p not in {q for q, _ in lists[i]}:
            return False
    counts = np.bincount([p for p in match if p >= 0], minlength=inst.n_postings)
    return bool(np.all(counts <= np.maximum(inst.capacity, 0)))


def preference_rank(lst: list[tuple[int, float]], p: int) -> int:
    """Position of posting p on a searcher's list; being unmatched ranks last."""
    if p < 0:
        return len(lst)
    return [q for q, _ in lst].index(p)


# --------------------------------------------------------------------------- kernel vs reference


@settings(max_examples=300, deadline=None, database=None)
@given(instances())
def test_kernel_equals_reference(inst):
    """The numba kernel and the plain-Python reference return the identical matching."""
    got = solve(inst)
    want = deferred_acceptance_reference(inst.ptr, inst.post, inst.score, inst.capacity)
    assert got.dtype == np.int64
    assert got.shape == (inst.n_searchers,)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=50, deadline=None, database=None)
@given(instances())
def test_kernel_accepts_int32_post_and_capacity(inst):
    """The documented int32 ``post``/``capacity`` inputs give the same answer as int64."""
    got = deferred_acceptance(
        inst.ptr, inst.post.astype(np.int32), inst.score, inst.capacity.astype(np.int32)
    )
    np.testing.assert_array_equal(got, solve(inst))


# --------------------------------------------------------------------------- stability & feasibility


@settings(max_examples=300, deadline=None, database=None)
@given(instances())
def test_kernel_matching_is_feasible_and_stable(inst):
    """Capacities hold, matches come from own lists, and no pair blocks (two independent checkers)."""
    match = solve(inst)
    lists = inst.lists()

    assert np.all(match >= -1) and np.all(match < inst.n_postings)
    for i, p in enumerate(match):
        if p >= 0:
            assert p in [q for q, _ in lists[i]], f"searcher {i} matched to unlisted posting {p}"
    counts = np.bincount(match[match >= 0], minlength=inst.n_postings)
    assert np.all(counts <= inst.capacity)
    assert np.all(counts[inst.capacity == 0] == 0)

    assert blocking_pairs(inst.ptr, inst.post, inst.score, inst.capacity, match) == []
    assert independent_blocking_pairs(inst, match) == []


@settings(max_examples=300, deadline=None, database=None)
@given(instances())
def test_passed_over_postings_are_full_with_better_applicants(inst):
    """Every posting a searcher ranks above its outcome (all of them if unmatched) is full of rivals it beats.

    A posting with capacity 0 counts as full with nobody.
    """
    match = solve(inst)
    lists = inst.lists()
    holders: dict[int, list[tuple[float, int]]] = {p: [] for p in range(inst.n_postings)}
    for j, p in enumerate(match):
        if p >= 0:
            holders[int(p)].append((dict(lists[j])[int(p)], j))
    for i, lst in enumerate(lists):
        for p, s in lst[: preference_rank(lst, int(match[i]))]:
            assert len(holders[p]) == inst.capacity[p], (i, p)
            assert all(ranks_above(h, (s, i)) for h in holders[p]), (i, p, holders[p])


# --------------------------------------------------------------------------- brute force on tiny instances


def all_feasible_matchings(inst: Instance):
    lists = inst.lists()
    options = [[-1] + [p for p, _ in lst] for lst in lists]
    for match in itertools.product(*options):
        if is_feasible(inst, match):
            yield match


@settings(max_examples=200, deadline=None, database=None)
@given(instances(max_searchers=4, max_postings=3, max_capacity=2))
def test_kernel_is_searcher_optimal_among_all_stable_matchings(inst):
    """Brute force: the kernel's matching is stable and every searcher weakly prefers it to any stable one."""
    lists = inst.lists()
    match = solve(inst)
    stable = [m for m in all_feasible_matchings(inst) if not independent_blocking_pairs(inst, m)]
    assert tuple(int(p) for p in match) in stable
    for other in stable:
        for i, lst in enumerate(lists):
            assert preference_rank(lst, int(match[i])) <= preference_rank(lst, other[i]), (i, other)


@settings(max_examples=100, deadline=None, database=None)
@given(instances(max_searchers=4, max_postings=3, max_capacity=2))
def test_blocking_pairs_agrees_with_definition_on_every_feasible_matching(inst):
    """The module's ``blocking_pairs`` flags exactly the pairs the definition does, stable or not."""
    for match in all_feasible_matchings(inst):
        m = np.array(match, dtype=np.int64)
        got = blocking_pairs(inst.ptr, inst.post, inst.score, inst.capacity, m)
        assert sorted(got) == sorted(independent_blocking_pairs(inst, match)), match


# --------------------------------------------------------------------------- the `matching` package


def solve_with_matching_package(inst: Instance) -> np.ndarray:
    """Resident-optimal solution from ``matching.games.HospitalResident``.

    The package requires capacity >= 1 (capacity 0 crashes its solver),
    non-empty preference lists (an empty resident list crashes it) and hospital
    lists that rank exactly the residents who applied, so unusable postings are
    dropped beforehand; dropping a posting nobody can be hired into does not
    change the stable matching.
    """
    from matching.games import HospitalResident

    lists = inst.lists()
    applicants: dict[int, list[tuple[float, int]]] = {}
    for i, lst in enumerate(lists):
        for p, s in lst:
            if inst.capacity[p] > 0:
                applicants.setdefault(p, []).append((s, i))
    resident_prefs = {}
    for i, lst in enumerate(lists):
        prefs = [f"h{p}" for p, _ in lst if p in applicants]
        if prefs:
            resident_prefs[f"r{i}"] = prefs
    hospital_prefs = {
        f"h{p}": [f"r{i}" for _, i in sorted(apps, key=lambda a: (-a[0], a[1]))]
        for p, apps in applicants.items()
    }
    capacities = {f"h{p}": int(inst.capacity[p]) for p in applicants}

    match = np.full(inst.n_searchers, -1, dtype=np.int64)
    if not resident_prefs:
        return match
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        result = game.solve(optimal="resident")
    for hospital, residents in result.items():
        for resident in residents:
            match[int(resident.name[1:])] = int(hospital.name[1:])
    return match


@settings(max_examples=100, deadline=None, database=None)
@given(instances())
def test_kernel_matches_matching_package(inst):
    """The kernel reproduces the ``matching`` package's resident-optimal hospital-resident solution."""
    np.testing.assert_array_equal(solve(inst), solve_with_matching_package(inst))


# --------------------------------------------------------------------------- hand-written cases


@pytest.mark.parametrize("impl", [deferred_acceptance, deferred_acceptance_reference])
class TestKnownAnswers:
    """Small cases worked out by hand; both implementations must give the stated answer."""

    def run(self, impl, lists, capacity):
        inst = make_instance(lists, capacity)
        return impl(inst.ptr, inst.post, inst.score, inst.capacity).tolist()

    def test_higher_score_wins_single_opening(self, impl):
        assert self.run(impl, [[(0, 1.0)], [(0, 2.0)]], [1]) == [-1, 0]

    def test_equal_scores_lower_index_wins(self, impl):
        assert self.run(impl, [[(0, 1.0)], [(0, 1.0)], [(0, 1.0)]], [1]) == [0, -1, -1]

    def test_tie_break_displaces_earlier_higher_index_holder(self, impl):
        # Searcher 1 holds posting 1 first; searcher 0 reaches it only after searcher 2
        # outscores it at posting 0, then wins the tie at posting 1 on its lower index.
        lists = [[(0, 0.0), (1, 0.0)], [(1, 0.0)], [(0, 1.0)]]
        assert self.run(impl, lists, [1, 1]) == [1, -1, 0]

    def test_capacity_keeps_best_applicants(self, impl):
        lists = [[(0, 1.0)], [(0, 3.0)], [(0, 2.0)], [(0, 3.0)], [(0, 2.0)]]
        assert self.run(impl, lists, [3]) == [-1, 0, 0, 0, -1]

    def test_displacement_chain(self, impl):
        # 0 loses posting 0 to 1 and falls back to posting 1, where it outscores 2; 2
        # falls back to posting 2, where it outscores 3, who has nowhere left to go.
        lists = [
            [(0, 1.0), (1, 5.0)],
            [(0, 2.0)],
            [(1, 1.0), (2, 5.0)],
            [(2, 1.0)],
        ]
        assert self.run(impl, lists, [1, 1, 1]) == [1, 0, 2, -1]

    def test_searcher_gets_first_choice_when_unopposed(self, impl):
        lists = [[(2, 0.0), (1, 0.0), (0, 0.0)], [(1, 0.0), (0, 0.0)]]
        assert self.run(impl, lists, [1, 1, 1]) == [2, 1]

    def test_zero_capacity_posting_hires_nobody(self, impl):
        lists = [[(0, 3.0), (1, 0.0)], [(0, 3.0)]]
        assert self.run(impl, lists, [0, 1]) == [1, -1]

    def test_zero_searchers(self, impl):
        assert self.run(impl, [], [2, 1]) == []

    def test_empty_lists(self, impl):
        assert self.run(impl, [[], [], []], [1, 1]) == [-1, -1, -1]

    def test_mixed_empty_and_nonempty_lists(self, impl):
        assert self.run(impl, [[], [(0, 1.0)], []], [1]) == [-1, 0, -1]

    def test_no_postings(self, impl):
        assert self.run(impl, [[], []], []) == [-1, -1]


def test_blocking_pairs_detects_instability():
    """``blocking_pairs`` reports an open seat and a seat held by a worse applicant."""
    inst = make_instance([[(0, 2.0)], [(0, 1.0)], [(1, 0.0)]], [1, 1])
    match = np.array([-1, 0, -1], dtype=np.int64)
    assert sorted(blocking_pairs(inst.ptr, inst.post, inst.score, inst.capacity, match)) == [(0, 0), (2, 1)]


# --------------------------------------------------------------------------- ranked_lists


@st.composite
def flat_applications(draw):
    """Shuffled flat applications with tie-heavy utilities; some searchers apply nowhere."""
    n_searchers = draw(st.integers(0, 8))
    n_postings = draw(st.integers(1, 8))
    rows = []
    for i in range(n_searchers):
        postings = draw(st.lists(st.integers(0, n_postings - 1), unique=True, max_size=n_postings))
        for p in postings:
            rows.append((i, p, draw(st.sampled_from(TIE_SCORES)), draw(st.floats(-5, 5))))
    rows = draw(st.permutations(rows))
    return n_searchers, n_postings, rows


@settings(max_examples=200, deadline=None, database=None)
@given(flat_applications())
def test_ranked_lists_orders_by_utility_then_posting(data):
    """CSR lists hold each searcher's own applications, utility descending, lower posting first on ties."""
    n_searchers, n_postings, rows = data
    searcher = np.array([r[0] for r in rows], dtype=np.int64)
    posting = np.array([r[1] for r in rows], dtype=np.int64)
    utility = np.array([r[2] for r in rows], dtype=np.float64)
    score = np.array([r[3] for r in rows], dtype=np.float64)

    ptr, post, sc = ranked_lists(searcher, posting, utility, score, n_searchers)

    assert ptr.dtype == np.int64 and post.dtype == np.int64 and sc.dtype == np.float64
    assert ptr.shape == (n_searchers + 1,)
    assert ptr[0] == 0 and ptr[-1] == len(rows) == len(post) == len(sc)
    counts = np.bincount(searcher, minlength=n_searchers)
    np.testing.assert_array_equal(np.diff(ptr), counts)
    for i in range(n_searchers):
        mine = [r for r in rows if r[0] == i]
        expected = sorted(mine, key=lambda r: (-r[2], r[1]))
        assert post[ptr[i] : ptr[i + 1]].tolist() == [r[1] for r in expected]
        assert sc[ptr[i] : ptr[i + 1]].tolist() == [r[3] for r in expected]

    # The output feeds straight into the kernel.
    capacity = np.ones(n_postings, dtype=np.int64)
    match = deferred_acceptance(ptr, post, sc, capacity)
    assert blocking_pairs(ptr, post, sc, capacity, match) == []


def test_ranked_lists_casts_narrow_dtypes():
    """int32 postings and float32 scores come back as the int64/float64 the kernel expects."""
    ptr, post, sc = ranked_lists(
        np.array([1, 0, 1], dtype=np.int64),
        np.array([4, 2, 3], dtype=np.int32),
        np.array([1.0, 0.0, 2.0]),
        np.array([0.5, 1.5, 2.5], dtype=np.float32),
        3,
    )
    assert ptr.tolist() == [0, 1, 3, 3]
    assert post.tolist() == [2, 3, 4] and post.dtype == np.int64
    assert sc.tolist() == [1.5, 2.5, 0.5] and sc.dtype == np.float64


# --------------------------------------------------------------------------- large instance


def test_large_random_instance_matches_reference_and_is_stable():
    """5,000 searchers, 500 postings: kernel == reference, no blocking pairs, capacities respected."""
    rng = np.random.default_rng(20240611)
    n_searchers, n_postings = 5_000, 500
    lengths = rng.integers(1, 9, size=n_searchers)
    ptr = np.zeros(n_searchers + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    post = np.concatenate([rng.choice(n_postings, size=k, replace=False) for k in lengths]).astype(np.int64)
    # Coarse scores so ties are common even at this size.
    score = rng.integers(0, 20, size=len(post)).astype(np.float64)
    capacity = rng.integers(0, 6, size=n_postings).astype(np.int64)

    match = deferred_acceptance(ptr, post, score, capacity)
    np.testing.assert_array_equal(match, deferred_acceptance_reference(ptr, post, score, capacity))
    assert blocking_pairs(ptr, post, score, capacity, match) == []
    counts = np.bincount(match[match >= 0], minlength=n_postings)
    assert np.all(counts <= capacity)
    # Sanity: the instance is contested, not trivially all-matched or all-empty.
    assert 0 < np.count_nonzero(match >= 0) < n_searchers
