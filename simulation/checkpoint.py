"""Burn in once: the market at recorded month 0, shared by every arm whose burn-in is the same.

Arms of a comparison usually differ only in what starts at recorded month 0
(a program with a start month, a policy, a trial), and with common random
numbers their burn-ins are identical. :func:`burn_in_identity` names what
decides a burn-in: the scenario without what acts only in recorded months
(``meta``, ``run.months``, ``policies``, ``trial``, programs with a start
month and the placement teams that serve only them). Arms with
the same identity and seed can share one :class:`Checkpoint`: the state at
month 0 of one of them, laid onto a freshly built model of another
(:meth:`Checkpoint.restore`). ``tests/test_checkpoint.py`` checks that a run
from a checkpoint is identical, array for array, to a run without one.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import fields
from typing import TYPE_CHECKING

from .scenario import Scenario, scenario_dict

if TYPE_CHECKING:
    from .model import LabourMarket


def burn_in_identity(scenario: Scenario) -> str:
    """A key for the scenario prefix that decides the burn-in (see the module docstring). Within a
    process the code is one; checkpoints on disk also record the code (:mod:`..experiments.checkpoints`)."""
    data = scenario_dict(scenario)
    for key in ("meta", "policies", "trial"):
        data.pop(key, None)
    data["run"] = {k: v for k, v in data["run"].items() if k not in ("months", "seed")}
    late: set[str] = set()
    for trainer in data.get("trainers", {}).values():
        for key in [k for k, p in trainer["programs"].items() if p.get("start_month") is not None]:
            late.add(key)
            del trainer["programs"][key]
    data["trainers"] = {k: t for k, t in data.get("trainers", {}).items() if t["programs"]}
    data["intermediaries"] = {
        k: i for k, i in data.get("intermediaries", {}).items()
        if not (i["kind"] == "placement" and set(i["programs"]) <= late)
    }  # fmt: skip
    blob = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


class Checkpoint:
    """A model's state at recorded month 0, to continue other arms of the same burn-in from."""

    def __init__(self, model: LabourMarket, identity: str) -> None:
        if model.month != 0:
            raise ValueError(f"a checkpoint is taken at recorded month 0, not {model.month}")
        self.identity = identity
        self.seed = model.seed
        self.workers = {k: v.copy() for k, v in model.workers.arrays().items()}
        table = model.employers
        self.employers = {f.name: copy.deepcopy(getattr(table, f.name)) for f in fields(table)}
        self.streams = copy.deepcopy(model.streams._streams)
        self.recorders = {name: copy.deepcopy(getattr(model, name)) for name in RECORDERS}
        self.earnings_by_group = model.earnings_by_group.copy()
        self.next_person = model.module("demography").next_person
        employers = model.module("employers")
        self.employer_module = {k: copy.deepcopy(getattr(employers, k)) for k in ("sector_scale", "shock")}
        self.navigators = [nav.served for nav in model.navigators]

    def restore(self, model: LabourMarket, identity: str) -> None:
        """Lay this state onto ``model``, just built (month ``-burn_in``) for an arm of the same burn-in."""
        if identity != self.identity or model.seed != self.seed:
            raise ValueError("this checkpoint is of another burn-in (scenario prefix or seed)")
        w = model.workers
        for name, arr in self.workers.items():
            setattr(w, name, arr.copy())
        for name, value in self.employers.items():
            setattr(model.employers, name, copy.deepcopy(value))
        # Streams the arm made at build time and the burn-in never used (a program's partners) keep theirs.
        model.streams._streams.update(copy.deepcopy(self.streams))
        for name, recorder in self.recorders.items():
            setattr(model, name, copy.deepcopy(recorder))
        model.earnings_by_group = self.earnings_by_group.copy()
        model.module("demography").next_person = self.next_person
        employers = model.module("employers")
        for key, value in self.employer_module.items():
            setattr(employers, key, copy.deepcopy(value))
        for nav, served in zip(model.navigators, self.navigators, strict=True):
            nav.served = served
        model.month = 0


# The recorders that change in the burn-in (the ledger starts afresh at month 0; mobility, careers and
# the trial start at month 0, each arm with its own).
RECORDERS = ("metrics", "funnel")


def run_from(checkpoint: Checkpoint | None, model: LabourMarket, identity: str) -> Checkpoint:
    """Run ``model`` to the end, from ``checkpoint`` if given; returns the checkpoint at month 0."""
    if checkpoint is None:
        model.run(0)
        checkpoint = Checkpoint(model, identity)
    else:
        checkpoint.restore(model, identity)
    model.run()
    return checkpoint
