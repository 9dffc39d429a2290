"""Job search: the numba kernel agrees exactly with the readable numpy reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import small
from pathways.simulation import LabourMarket, State, search
from pathways.simulation.workers import Channel


def inputs(model: LabourMarket, extra: int):
    w = model.workers
    searchers = np.flatnonzero((w.state == State.UNEMPLOYED) | (np.arange(w.n) % 17 == 0))
    extra_public = np.where(np.arange(searchers.size) % 3 == 0, extra, 0)
    job_search = model.module("job_search")
    kwargs = job_search.settings(model)
    return (searchers, w, model.employers, job_search.rung_months, extra_public), kwargs


@pytest.mark.parametrize("seed,extra", [(1, 0), (2, 2), (3, 5)])
def test_kernel_equals_reference(seed, extra):
    model = LabourMarket(small(workers=5000, burn_in=0, seed=seed))
    for _ in range(6):
        model.step()
        args, kwargs = inputs(model, extra)
        fast = search.build_applications(*args, **kwargs)
        slow = search.build_applications_reference(*args, **kwargs)
        for name in ("searcher", "posting", "channel", "row"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)


def test_applications_are_to_open_postings_once_each():
    model = LabourMarket(small(workers=5000, burn_in=0))
    model.run(3)
    args, kwargs = inputs(model, 2)
    apps = search.build_applications(*args, **kwargs)
    assert (model.employers.openings.ravel()[apps.posting] > 0).all()
    pairs = apps.searcher * model.employers.openings.size + apps.posting
    assert np.unique(pairs).size == pairs.size
    assert (np.diff(apps.row) >= 0).all()  # grouped by searcher
    # Internal applications go to the next rung at one's own employer.
    w = model.workers
    internal = apps.channel == Channel.INTERNAL
    s = apps.searcher[internal]
    assert (apps.posting[internal] // 3 == w.employer[s]).all()
    assert (apps.posting[internal] % 3 == w.occupation[s] % 3 + 1).all()
    # Referrals only come through a tie employed at that employer.
    referral = np.flatnonzero(apps.channel == Channel.REFERRAL)
    for a in referral[:200]:
        ties = w.ties[apps.searcher[a]]
        assert (w.employer[ties] == apps.posting[a] // 3).any()


def test_draws_do_not_depend_on_who_else_searches():
    model = LabourMarket(small(workers=3000, burn_in=0))
    model.run(2)
    args, kwargs = inputs(model, 0)
    searchers = args[0]
    full = search.build_applications(*args, **kwargs)
    half = searchers[::2]
    args_half = (half, *args[1:4], args[4][::2])
    part = search.build_applications(*args_half, **kwargs)
    keep = np.isin(full.searcher, half)
    np.testing.assert_array_equal(full.posting[keep], part.posting)


def test_a_searchers_draw_columns_are_the_pair_draws_of_worker_and_column():
    # The applications kernel hashes each column as it goes (pair_row, row_draw), the reference a table.
    from pathways.simulation.randomness import pair_uniform, worker_uniform

    workers = np.array([0, 5, 77, 123_456_789], np.int64)
    table = worker_uniform(99, 7, workers, 9)
    for j in range(9):
        assert np.array_equal(table[:, j], pair_uniform(99, 7, workers, np.full(workers.size, j)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5), st.sampled_from(list(Channel))), max_size=40),
       st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5), st.sampled_from(list(Channel))), max_size=15),
       st.booleans())  # fmt: skip
def test_merge_in_one_pass_equals_the_sort_and_sweep(a, b, in_order):
    # Rows in order take the one-pass merge; the reference is the stable sort by row, then one
    # application per (row, posting), the strongest channel, the first on a tie.
    def apps(items):
        items = sorted(items, key=lambda x: x[0]) if in_order else items
        row = np.array([r for r, _, _ in items], np.int64)
        return search.Applications(row + 100, np.array([p for _, p, _ in items], np.int64),
                                   np.array([c for _, _, c in items], np.int8), row)  # fmt: skip

    first, second = apps(a), apps(b)
    fields = ("searcher", "posting", "channel", "row")
    joined = [np.concatenate([getattr(first, f), getattr(second, f)]) for f in fields]
    order = np.argsort(joined[3], kind="stable")
    joined = [x[order] for x in joined]
    keep = search._keep_strongest_grouped(joined[3], joined[1], joined[2], search.STRENGTH)
    merged = search.merge(first, second)
    expected = first if second.row.size == 0 else search.Applications(*(x[keep] for x in joined))
    for f in fields:
        assert np.array_equal(getattr(merged, f), getattr(expected, f)), f


def test_merge_keeps_one_application_per_searcher_and_posting_the_strongest():
    public, referral, handoff = Channel.PUBLIC, Channel.REFERRAL, Channel.HANDOFF

    def apps(searcher, posting, channel, row):
        return search.Applications(
            np.array(searcher), np.array(posting), np.array(channel, np.int8), np.array(row)
        )

    a = apps([5, 5, 9], [30, 31, 30], [public, referral, public], [0, 0, 1])
    b = apps([5, 9], [31, 40], [handoff, handoff], [0, 1])
    m = search.merge(a, b)
    pairs = sorted(zip(m.searcher.tolist(), m.posting.tolist(), m.channel.tolist(), strict=True))
    strongest = max(Channel.REFERRAL, Channel.HANDOFF, key=lambda c: search.STRENGTH[c])
    assert pairs == sorted([(5, 30, Channel.PUBLIC), (5, 31, strongest), (9, 30, Channel.PUBLIC),
                            (9, 40, Channel.HANDOFF)])  # fmt: skip
    assert (np.diff(m.row) >= 0).all()  # grouped by searcher
