"""The medians and percentiles the metrics and career measures take: the same numbers as np.median and
np.percentile, to the last bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.simulation.order_statistics import (
    cell_medians,
    cell_percentiles,
    kth_smallest,
    median,
    percentiles_in_place,
    select_in_place,
    smallest,
)

# Few distinct values, so runs of equal values (pay at the floor, whole months of tenure) are common.
VALUES = st.sampled_from([0.0, 1.0, 2.5, 12.0, 40_000.0, 40_000.5, 1e6, -3.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=80), st.sampled_from(["as drawn", "sorted", "reversed"]))
def test_median_is_numpys_median(values, order):
    a = np.array(values, np.float64)
    a = {"as drawn": a, "sorted": np.sort(a), "reversed": np.sort(a)[::-1].copy()}[order]
    before = a.copy()
    assert median(a, np.empty(a.size, np.uint64)) == np.median(before)
    assert np.array_equal(a, before)  # left as it was


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=60), st.data())
def test_select_puts_the_kth_smallest_in_place_with_smaller_before_and_larger_after(values, data):
    a = np.array(values, np.float64)
    k = data.draw(st.integers(0, a.size - 1))
    value = select_in_place(a, k)
    assert value == np.sort(np.array(values))[k] == a[k]
    assert (a[:k] <= value).all() and (a[k + 1 :] >= value).all()


def test_median_of_a_large_group_ordered_array_with_many_ties():
    rng = np.random.default_rng(3)
    # As the metrics gather full-time pay: group after group, each with its own level and a floor.
    groups = [np.maximum(rng.lognormal(10.5 + 0.1 * g, 0.5, 5_000).round(), 30_000.0) for g in range(8)]
    a = np.concatenate(groups)
    keys = np.empty(a.size, np.uint64)
    assert median(a, keys) == np.median(a)
    assert median(a[:-1], keys) == np.median(a[:-1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 4), VALUES), max_size=60))
def test_cell_medians_are_numpys_median_of_each_cell(pairs):
    # -1 is in no cell.
    cell = np.array([c for c, _ in pairs], np.int64)
    values = np.array([v for _, v in pairs], np.float64)
    medians, counts = cell_medians(values, cell, 5)
    for c in range(5):
        mine = values[cell == c]
        assert counts[c] == mine.size
        if mine.size:
            assert medians[c] == np.median(mine)  # exactly: the careers table must not move
        else:
            assert np.isnan(medians[c])


CAREER_PERCENTS = np.array([10.0, 25.0, 50.0, 75.0, 90.0])  # careers.PERCENTILES
# Percents whose virtual index lands on, near and either side of a half (the lerp switches ends there).
PERCENTS = st.lists(st.sampled_from([0.0, 1.0, 10.0, 25.0, 33.3, 50.0, 62.5, 75.0, 90.0, 99.9, 100.0]),
                    min_size=1, max_size=6).map(sorted)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES | st.floats(-1e6, 1e6), min_size=1, max_size=80), PERCENTS,
       st.sampled_from(["as drawn", "sorted", "reversed"]))  # fmt: skip
def test_percentiles_in_place_are_numpys_percentiles(values, percents, order):
    a = np.array(values, np.float64)
    a = {"as drawn": a, "sorted": np.sort(a), "reversed": np.sort(a)[::-1].copy()}[order]
    q = np.array(percents)
    expected = np.percentile(a, q)
    scratch = a.copy()
    got = percentiles_in_place(scratch, q)
    assert np.array_equal(got, expected), got - expected  # to the last bit
    assert np.array_equal(np.sort(scratch), np.sort(a))  # reordered, nothing lost


def test_percentiles_of_large_samples_with_ties_match_numpy_to_the_bit():
    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 7, 1_000, 12_345):
        a = np.maximum(rng.lognormal(10.8, 0.6, n).round(2), 31_200.0)
        got = percentiles_in_place(a.copy(), CAREER_PERCENTS)
        assert np.array_equal(got, np.percentile(a, CAREER_PERCENTS))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 4), VALUES), max_size=60))
def test_cell_percentiles_are_numpys_percentiles_of_each_cell(pairs):
    cell = np.array([c for c, _ in pairs], np.int64)
    values = np.array([v for _, v in pairs], np.float64)
    got, counts = cell_percentiles(values, cell, 5, CAREER_PERCENTS)
    for c in range(5):
        mine = values[cell == c]
        assert counts[c] == mine.size
        if mine.size:
            assert np.array_equal(got[c], np.percentile(mine, CAREER_PERCENTS))
        else:
            assert np.isnan(got[c]).all()


# Any float but NaN: signs, zeros, tiny and huge magnitudes, so every bit of the order key is exercised.
ANY_FLOAT = st.floats(allow_nan=False, allow_infinity=True, width=64)


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES | ANY_FLOAT, min_size=1, max_size=700), st.data())
def test_kth_smallest_by_radix_is_the_sorted_value_and_leaves_the_input_alone(values, data):
    # Up to 700 values: more than the 256 compared directly, so the counting passes run too.
    a = np.array(values, np.float64)
    before = a.copy()
    keys = np.empty(a.size, np.uint64)
    k = data.draw(st.integers(0, a.size - 1))
    assert kth_smallest(a, k, keys) == np.sort(before)[k]
    assert np.array_equal(a, before)
    with np.errstate(over="ignore"):  # the mean of two huge middle values is inf in both
        assert median(a, keys) == np.median(before)  # to the last bit


def test_radix_median_of_a_million_wages_is_numpys_median():
    rng = np.random.default_rng(5)
    # Pay as the metrics see it: floors, round numbers, a few very high earners; odd and even counts.
    a = np.maximum(rng.lognormal(10.8, 0.7, 1_000_001).round(), 31_200.0)
    a[::1000] = 2.5e6
    keys = np.empty(a.size, np.uint64)
    assert median(a, keys) == np.median(a)
    assert median(a[:-1], keys) == np.median(a[:-1])


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=60), st.integers(-2, 70))
def test_smallest_are_the_first_of_a_stable_sort(values, k):
    key = np.array(values, np.float64)
    assert np.array_equal(smallest(key, k), np.argsort(key, kind="stable")[: max(k, 0)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from([0.0, 0.25, 0.5, 0.999, 1 - 2**-24])),
                max_size=60))  # fmt: skip
def test_a_draw_less_a_spell_orders_as_longest_spell_then_draw(rows):
    # The navigators' queue (intermediaries.Navigator.step): draws in [0, 1), spells in whole months.
    spell = np.array([r[0] for r in rows], np.int16)
    u = np.array([r[1] for r in rows], np.float32)
    key = u.astype(np.float64) - spell
    assert np.array_equal(np.argsort(key, kind="stable"), np.lexsort((u, -spell.astype(np.int64))))
