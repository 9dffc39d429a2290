"""Pathways: an agent-based labour-market simulator for workforce-equity policy research."""

import importlib.util
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("pathways-sim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

# The design card keeps the model's parts in top-level folders (simulation/, experiments/, ...)
# installed as pathways.simulation and so on. In a source checkout that was not installed, they
# sit beside this package: let `import pathways.simulation` find them there too, so tests,
# `python -m pathways` and coverage work from the checkout.
_checkout = Path(__file__).resolve().parent.parent
if (_checkout / "simulation" / "__init__.py").is_file() and str(_checkout) not in __path__:
    __path__.append(str(_checkout))


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
        return True
    except OSError:
        return False


def _numba_cache_dir(kernels: Path, env: dict[str, str] = os.environ) -> str | None:
    """Where numba should cache compiled kernels, if neither of its own places is writable.

    numba caches beside the source (``__pycache__``) or in the user's cache folder, and
    refuses to compile a cached kernel at all when neither can be written (a read-only
    install with no writable HOME, as on some clusters). Then a private temporary folder
    does: kernels compile once per machine instead of failing.
    """
    if env.get("NUMBA_CACHE_DIR"):
        return None
    user_cache = Path(env.get("XDG_CACHE_HOME") or Path(env.get("HOME", "/nonexistent")) / ".cache")
    if _writable(kernels / "__pycache__") or _writable(user_cache / "numba"):
        return None
    return str(Path(tempfile.gettempdir()) / f"pathways-numba-cache-{os.getuid()}")


def _kernels_folder() -> Path:
    # The simulation folder is installed as pathways.simulation wherever the install put it.
    spec = importlib.util.find_spec("pathways.simulation")
    return Path(next(iter(spec.submodule_search_locations)))


# Before any module imports numba.
_cache = _numba_cache_dir(_kernels_folder())
if _cache is not None:
    os.environ["NUMBA_CACHE_DIR"] = _cache
