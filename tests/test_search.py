"""Job search: the numba kernel agrees exactly with the readable numpy reference."""

from __future__ import annotations

import numpy as np
import pytest

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
