"""Append-only record tables (simulation/records.py): the same columns as concatenating every batch."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.simulation.records import Records

FIELDS = {"who": np.int64, "flag": np.bool_, "pay": np.float32, "months": (np.float64, (3,))}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=12))
def test_batches_give_the_columns_concatenation_gives(sizes):
    records = Records(FIELDS)
    expected = {k: [] for k in FIELDS}
    start = 0
    for m in sizes:
        who = np.arange(start, start + m)
        pay = (who * 1.5).astype(np.float32)
        months = np.outer(who, [1.0, 2.0, 3.0])
        records.append(m, who=who, flag=m % 2 == 0, pay=pay, months=months)
        for k, v in (("who", who), ("flag", np.full(m, m % 2 == 0)), ("pay", pay), ("months", months)):
            expected[k].append(v)
        start += m
    assert len(records) == start
    for k, (dtype, shape) in ((k, v if isinstance(v, tuple) else (v, ())) for k, v in FIELDS.items()):
        want = np.concatenate(expected[k]) if expected[k] else np.zeros((0, *shape), dtype)
        got = records.column(k)
        assert got.dtype == dtype and got.shape == (start, *shape)
        np.testing.assert_array_equal(got, want.astype(dtype))
    assert list(records.columns) == list(FIELDS)


def test_columns_are_views_that_write_the_records_and_survive_growth():
    records = Records({"x": np.int64})
    records.append(3, x=[1, 2, 3])
    records.column("x")[1] = 20
    records.columns["x"][2] = 30
    for _ in range(10):  # grow well past the first capacity
        records.append(5, x=7)
    x = records.column("x")
    assert x.shape == (53,)
    assert x[:3].tolist() == [1, 20, 30] and (x[3:] == 7).all()


def test_a_record_with_a_missing_or_unknown_field_is_refused_and_nothing_is_written():
    records = Records({"x": np.int64, "y": np.float64})
    with pytest.raises(KeyError, match=r"missing \['y'\]"):
        records.append(2, x=[1, 2])
    with pytest.raises(KeyError, match=r"unknown \['z'\]"):
        records.append(2, x=[1, 2], z=[0, 0])
    assert len(records) == 0


def test_a_copy_or_pickle_writes_its_own_records():
    records = Records({"x": np.int64})
    records.append(3, x=[1, 2, 3])
    records.columns["x"][0] = 10  # the views are made (and kept) before copying
    for twin in (copy.deepcopy(records), pickle.loads(pickle.dumps(records))):
        twin.columns["x"][1] = 20
        assert twin.column("x").tolist() == [10, 20, 3]
    assert records.column("x").tolist() == [10, 2, 3]


def test_the_columns_dict_held_across_appends_shows_the_records_added_since():
    # Callers keep funnel.data while the model runs on (experiments/scale.py does).
    records = Records({"x": np.int64})
    held = records.columns
    records.append(2, x=[1, 2])
    records.append(40, x=3)
    assert held["x"].tolist() == [1, 2] + [3] * 40
