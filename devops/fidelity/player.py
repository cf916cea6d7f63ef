"""Running one Vega scenario against the embedded engine, step by step."""

from __future__ import annotations

from pathlib import Path

# Importing the step modules registers their steps.
from devops.fidelity import (  # noqa: F401
    steps_banking,
    steps_checks,
    steps_delegation,
    steps_order_checks,
    steps_setup,
    steps_succession,
    steps_trading,
)
from devops.fidelity.features import Scenario
from devops.fidelity.named_defaults import NamedDefaults
from devops.fidelity.step_patterns import run_step
from devops.fidelity.table import StepError
from devops.fidelity.world import World

_DEFAULTS_CACHE: dict[Path, NamedDefaults] = {}


def _defaults(folder: Path) -> NamedDefaults:
    if folder not in _DEFAULTS_CACHE:
        _DEFAULTS_CACHE[folder] = NamedDefaults.load(folder)
    cached = _DEFAULTS_CACHE[folder]
    # each scenario may add its own named entries: give it fresh dictionaries
    return NamedDefaults(
        dict(cached.risk_models),
        dict(cached.margin_calculators),
        dict(cached.price_monitoring),
        dict(cached.fees),
        dict(cached.oracles),
        dict(cached.liquidity_monitoring),
    )


class ScenarioFailure(StepError):
    """A scenario's first failing step: where it failed (`line N` or `at scenario end`) and why."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location


def run_scenario(scenario: Scenario, defaults_folder: Path) -> None:
    """Run every step; the first failing one raises a ScenarioFailure with its line and text."""
    world = World(_defaults(defaults_folder))
    for current in scenario.steps:
        world.begin_step()
        try:
            run_step(world, current)
            world.reconcile()
        except StepError as error:
            raise ScenarioFailure(f"line {current.line}", f"{current.text}\n  {error}") from None
    try:
        world.check_net_deposits()
    except StepError as error:
        raise ScenarioFailure("at scenario end", str(error)) from None
