"""Output folders: one rule for every command, so no result is lost or mixed.

A command refuses a folder that already holds results of another run, with
one line saying so, unless told ``--overwrite``. Then it replaces only its
own earlier outputs (every file it writes, and what was derived from them,
such as a brief), and only once its new results are computed: a run that
fails leaves the old results in place. It never touches another command's
results (``run --out <a sweep folder>`` is refused even with
``--overwrite``). Rewriting the outputs of exactly the same inputs and code
(rebuilding a brief of the same results) needs no flag: the files come out
identical.

Each command leaves a small record, ``.pathways-output.json``, naming the
command and what its results were computed from (the identity); folders
written before the record existed are recognised by their files.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from pathlib import Path

from .io import ResultsError, read_json, write_json

RECORD = ".pathways-output.json"

# What each command writes into its folder (names or globs), derived folders included.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "run": ("metrics.parquet", "outcomes.parquet", "programs.parquet", "enrolments.parquet",
            "mobility.parquet", "mobility_windows.parquet", "costs.parquet", "trial.parquet",
            "trial_matched.parquet", "careers.parquet", "referral_gap.parquet",
            "applications.parquet", "manifest.json",
            "careers_*",
            "main_series.*"),
    "compare": ("runs.parquet", "runs_posterior.parquet", "summary.parquet", "summary.csv", "manifest.json",
                "brief"),
    "sweep": ("sweep.json", "runs", "results.parquet", "summary.*", "points.*", "effects.*",
              "failures.csv", "brief"),
    "brief": ("brief.html", "brief.pdf", "charts", "render"),
    "calibrate": ("fit.csv", "fit.json", "fit_chart.*", "parameters.csv", "convergence.csv",
                  "convergence_chart.*", "calibrated.toml"),
    "posterior": ("posterior.parquet", "posterior.json", "identifiability.csv", "correlations.csv",
                  "pulls.csv", "predictive.csv", "design.csv"),
    "validate": ("validation.csv", "validation_chart.*", "validation_years.csv", "validation_years_chart.*"),
    "sensitivity": ("sensitivity.csv", "sensitivity_chart.*"),
    "scale": ("scale.csv", "scale_chart.*"),
    "audit": ("audit.csv", "audit_chart.*"),
}  # fmt: skip
# A file by which a command's results are recognised in a folder without a record.
SIGNATURE = {
    "run": "metrics.parquet",
    "compare": "runs.parquet",
    "sweep": "sweep.json",
    "brief": "brief.html",
    "calibrate": "fit.csv",
    "posterior": "posterior.parquet",
    "validate": "validation.csv",
    "sensitivity": "sensitivity.csv",
    "scale": "scale.csv",
    "audit": "audit.csv",
}


class OutputFolder:
    """The folder a command writes to. ``identity`` names its inputs and code (see the module doc)."""

    def __init__(self, path: Path, command: str, identity: str | None = None) -> None:
        self.path = Path(path)
        self.command = command
        self.identity = identity
        self.same_inputs = False
        self.created = False

    # ----------------------------------------------------------------- checks, before any work

    def check(self, overwrite: bool = False, flag: str = "--out") -> OutputFolder:
        """Make sure the folder can take this command's results; ResultsError (one line) if not.

        Call before computing, so nobody waits an hour to learn the folder was wrong.
        """
        path = self.path
        if path.exists() and not path.is_dir():
            raise ResultsError(f"{flag} {path}: is a file, not a folder")
        try:
            self.created = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultsError(f"{flag} {path}: cannot create the folder: {exc.strerror or exc}") from None
        try:  # os.access says yes to root on a read-only file system: try for real
            fd, probe = tempfile.mkstemp(dir=path, prefix=".pathways-probe.")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise ResultsError(f"{flag} {path}: cannot write there: {exc.strerror or exc}") from None
        held = self.holdings()
        if not held:
            return self
        record = self.record()
        if (
            self.identity is not None
            and record.get("command") == self.command
            and record.get("identity") == self.identity
            and set(held) == {self.command}
        ):
            self.same_inputs = True
            return self
        others = [c for c in held if c != self.command]
        if others:
            example = held[others[0]][0].name
            tail = f"; --overwrite replaces only `pathways {self.command}` results" if overwrite else ""
            raise ResultsError(
                f"{flag} {path}: holds `pathways {others[0]}` results ({example}){tail}; "
                f"choose another folder"
            )
        if not overwrite:
            example = held[self.command][0].name
            raise ResultsError(
                f"{flag} {path}: already holds `pathways {self.command}` results ({example}); "
                f"add --overwrite to replace them, or choose another folder"
            )
        return self

    def record(self) -> dict:
        path = self.path / RECORD
        if not path.exists():
            return {}
        try:
            data = read_json(path)
        except ResultsError:
            return {"command": "unknown"}
        return data if isinstance(data, dict) else {"command": "unknown"}

    def holdings(self) -> dict[str, list[Path]]:
        """Results present in the folder, by the command that wrote them."""
        names = {p.name: p for p in self.path.iterdir()} if self.path.is_dir() else {}
        held: dict[str, list[Path]] = {}
        recorded = self.record().get("command")
        for command, signature in SIGNATURE.items():
            if signature in names or recorded == command:
                held[command] = self._own(command, names) or [self.path / RECORD]
        return held

    @staticmethod
    def _own(command: str, names: dict[str, Path]) -> list[Path]:
        patterns = OUTPUTS[command]
        return [p for n, p in sorted(names.items()) if any(fnmatch.fnmatchcase(n, pat) for pat in patterns)]

    # ----------------------------------------------------------------- after the work is done

    def clear(self) -> None:
        """Remove this command's earlier outputs (call once the new results are ready to write)."""
        names = {p.name: p for p in self.path.iterdir()}
        for p in self._own(self.command, names):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink(missing_ok=True)
        (self.path / RECORD).unlink(missing_ok=True)

    def abandon(self) -> None:
        """The command failed before writing: remove the folder if this command made it and it is empty."""
        if self.created:
            try:
                self.path.rmdir()
            except OSError:  # not empty after all: leave it
                pass

    def finish(self) -> None:
        """Record which command wrote the folder and from what."""
        write_json({"command": self.command, "identity": self.identity}, self.path / RECORD)
