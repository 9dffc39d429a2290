"""Burned-in markets on disk: saved once, reused by ``run``, ``compare`` and ``sweep``.

A run's burn-in (the months before recording) depends only on the scenario's
burn-in prefix (:func:`~..simulation.checkpoint.burn_in_identity`), the code
and the seed. This module keeps the state at recorded month 0
(:class:`~..simulation.checkpoint.Checkpoint`) in a file, so that another
arm, design point or later command with the same prefix, code and seed
starts from it instead of burning in again. The results are identical, array
for array, to a run that burns in (``tests/test_checkpoint.py``).

A checkpoint file is a zip archive with two members:

* ``header.json``: the format, the scenario prefix key, the code identity,
  the seed, and for people reading it the scenario name, workers and burn-in
  months;
* ``state.pickle``: the checkpoint itself.

The header is read and checked first: a checkpoint of another scenario
prefix, other code or another seed is refused with the reason, before any of
its state is loaded. The state is a Python pickle, so load only checkpoints
you (or your own runs) made, as with any pickle.

A :class:`Store` is a folder of checkpoints named by their key, shared by
every run of a command (``--checkpoints DIR``); files are written
atomically, so processes writing the same checkpoint at once are harmless.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

from ..simulation import LabourMarket, Scenario
from ..simulation.checkpoint import Checkpoint, burn_in_identity, run_from
from .io import ResultsError, atomic_write_bytes
from .provenance import code_identity

FORMAT = 1
SUFFIX = ".ckpt"


class CheckpointError(ResultsError):
    """A checkpoint file that cannot be used for this run; the message names the file and why."""


def header_for(scenario: Scenario, seed: int, code: str | None = None) -> dict:
    """What decides a burn-in, as a checkpoint file records it (``code``: default this code's identity)."""
    return {
        "format": FORMAT,
        "prefix": burn_in_identity(scenario),
        "code": code or code_identity(),
        "seed": int(seed),
        "scenario": scenario.meta.name,
        "workers": scenario.run.workers,
        "burn_in_months": scenario.run.burn_in_months,
    }


def key(header: dict) -> str:
    """A file name stem for the burn-in a header describes."""
    blob = json.dumps([header["prefix"], header["code"], header["seed"]])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def read_header(path: Path) -> dict:
    """The header of checkpoint file ``path``; :class:`CheckpointError` if it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("header.json"))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such checkpoint file") from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{path}: not a pathways checkpoint ({type(exc).__name__}: {exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a pathways checkpoint of format {FORMAT}")
    return header


def _mismatch(found: dict, wanted: dict) -> str | None:
    if found.get("code") != wanted["code"]:
        return f"it was made by other code ({found.get('code')}; this code is {wanted['code']})"
    if found.get("prefix") != wanted["prefix"]:
        return (
            f"it is the burn-in of another scenario (scenario '{found.get('scenario')}', "
            f"{found.get('workers')} workers, {found.get('burn_in_months')} burn-in months; "
            "everything but meta, run.months, run.seed, policies, trial and programs with a start "
            "month must match)"
        )
    if found.get("seed") != wanted["seed"]:
        return f"it was burned in with seed {found.get('seed')}, not {wanted['seed']}"
    return None


def load(path: Path, scenario: Scenario, seed: int) -> Checkpoint:
    """The checkpoint in ``path``; refused unless it is this code's burn-in of ``scenario`` and ``seed``."""
    path = Path(path)
    wanted = header_for(scenario, seed)
    why = _mismatch(read_header(path), wanted)
    if why:
        raise CheckpointError(f"{path}: this checkpoint cannot start this run: {why}")
    try:
        with zipfile.ZipFile(path) as archive:
            checkpoint = pickle.loads(archive.read("state.pickle"))
    except Exception as exc:
        why = type(exc).__name__
        raise CheckpointError(f"{path}: the checkpoint's state cannot be read ({why})") from None
    if not isinstance(checkpoint, Checkpoint):
        raise CheckpointError(f"{path}: the checkpoint's state is not a checkpoint")
    return checkpoint


def save(checkpoint: Checkpoint, path: Path, scenario: Scenario) -> None:
    """Write ``checkpoint`` (of ``scenario``) to ``path`` atomically."""
    if checkpoint.identity != burn_in_identity(scenario):
        raise ValueError("the checkpoint is not of this scenario's burn-in")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("header.json", json.dumps(header_for(scenario, checkpoint.seed), indent=1))
        archive.writestr("state.pickle", pickle.dumps(checkpoint, protocol=pickle.HIGHEST_PROTOCOL))
    atomic_write_bytes(Path(path), buffer.getvalue())


def check_target(path: Path, scenario: Scenario, seed: int, overwrite: bool) -> None:
    """Before a run that will save its checkpoint to ``path``: refuse to replace a file that is not
    the same burn-in's checkpoint unless ``overwrite`` (the same burn-in's is the same bytes' worth)."""
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path}: is a folder; give a file name for the checkpoint")
    if not path.parent.is_dir():
        raise CheckpointError(f"{path}: the folder {path.parent} does not exist")
    if not path.exists() or overwrite:
        return
    try:
        why = _mismatch(read_header(path), header_for(scenario, seed))
    except CheckpointError:
        why = "it is not a pathways checkpoint"
    if why:
        raise CheckpointError(f"{path}: already exists and {why}; pass --overwrite to replace it")


class Store:
    """A folder of checkpoints named by their key (made on first use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise CheckpointError(f"{self.folder}: not a folder (--checkpoints names a folder)")

    def path(self, scenario: Scenario, seed: int) -> Path:
        return self.folder / f"{key(header_for(scenario, seed))}{SUFFIX}"

    def get(self, scenario: Scenario, seed: int) -> Checkpoint | None:
        """The store's checkpoint for this burn-in, or None. A damaged one is set aside (``.damaged``,
        as a sweep does with a damaged run file) and the run burns in again, to the same state."""
        path = self.path(scenario, seed)
        if not path.is_file():
            return None
        try:
            return load(path, scenario, seed)
        except CheckpointError:
            path.replace(path.with_name(path.name + ".damaged"))
            return None

    def put(self, checkpoint: Checkpoint, scenario: Scenario) -> None:
        """Save ``checkpoint`` unless the store has it. A store that cannot be written (a full disk) is
        passed over: it only saves time, and the run's results do not depend on it."""
        path = self.path(scenario, checkpoint.seed)
        if path.exists():
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            save(checkpoint, path, scenario)
        except OSError:
            pass


class BurnIns:
    """Runs models to the end one after another, reusing burn-ins. With ``share`` (models of one seed
    whose burn-ins are the same), each after the first starts from the first's month-0 state; with a
    store folder, a model starts from the store's checkpoint if it has one and saves the one it makes.
    With neither, each model simply runs."""

    def __init__(self, share: bool, store_folder: str | None) -> None:
        self.share = share
        self.store = Store(Path(store_folder)) if store_folder else None
        self._checkpoint: Checkpoint | None = None

    def run(self, model: LabourMarket, scenario: Scenario) -> None:
        """Run ``model``, just built from ``scenario``, to the end."""
        if not self.share and self.store is None:
            model.run()
            return
        checkpoint = self._checkpoint if self.share else None
        if checkpoint is None and self.store is not None:
            checkpoint = self.store.get(scenario, model.seed)
        made = checkpoint is None
        self._checkpoint = run_from(checkpoint, model, burn_in_identity(scenario))
        if made and self.store is not None:
            self.store.put(self._checkpoint, scenario)
