"""Pathways: an agent-based labour-market simulator for workforce-equity policy research."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pathways-sim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
