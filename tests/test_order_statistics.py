"""The medians the metrics and career measures take: the same numbers as np.median, to the last bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.simulation.order_statistics import cell_medians, median_in_place, select_in_place

# Few distinct values, so runs of equal values (pay at the floor, whole months of tenure) are common.
VALUES = st.sampled_from([0.0, 1.0, 2.5, 12.0, 40_000.0, 40_000.5, 1e6, -3.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=80), st.sampled_from(["as drawn", "sorted", "reversed"]))
def test_median_in_place_is_numpys_median(values, order):
    a = np.array(values, np.float64)
    a = {"as drawn": a, "sorted": np.sort(a), "reversed": np.sort(a)[::-1].copy()}[order]
    expected = np.median(a)
    scratch = a.copy()
    assert median_in_place(scratch) == expected
    assert np.array_equal(np.sort(scratch), np.sort(a))  # reordered, nothing lost


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
    assert median_in_place(a.copy()) == np.median(a)
    assert median_in_place(a[:-1].copy()) == np.median(a[:-1])


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
