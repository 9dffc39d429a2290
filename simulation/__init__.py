"""The model: Mesa model and agents, worker arrays, kernels, metrics."""

from .model import LabourMarket
from .scenario import Scenario, ScenarioError, load_scenario, scenario_hash
from .workers import Channel, State, Workers

__all__ = [
    "Channel",
    "LabourMarket",
    "Scenario",
    "ScenarioError",
    "State",
    "Workers",
    "load_scenario",
    "scenario_hash",
]
