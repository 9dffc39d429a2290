"""What produced a result: library versions and the identity of the code itself.

``code_identity()`` is a hash of the package's Python source. It goes into
every manifest and into every sweep run's id, so results made by different
code are never mixed without saying so: the version string alone ("0.1.0")
does not change when the code does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import platform
from functools import cache
from pathlib import Path

import pathways

# The installed subpackages (each a top-level folder of the source tree).
PACKAGES = (
    "pathways",
    "pathways.simulation",
    "pathways.calibration",
    "pathways.experiments",
    "pathways.benchmarks",
)


@cache
def code_identity() -> str:
    """SHA-256 (first 16 hex digits) of every ``.py`` file of the package, by relative name and content."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations or []:
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{package}/{path.name}\0".encode())
                digest.update(path.read_bytes())
                digest.update(b"\0")
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions of the package, its code identity, Python and the libraries that shape results."""
    import matplotlib
    import mesa
    import numba
    import numpy
    import pyarrow

    return {
        "pathways": pathways.__version__,
        "code": code_identity(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "pyarrow": pyarrow.__version__,
        "matplotlib": matplotlib.__version__,
    }
