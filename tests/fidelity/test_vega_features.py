"""Vega's own integration scenarios, run step by step against the embedded engine."""

from devops.fidelity.features import Scenario
from devops.fidelity.pytest_plugin import features_folder
from devops.fidelity.runner import run_scenario


def test_scenario(vega_scenario: Scenario, pytestconfig) -> None:
    folder = features_folder(pytestconfig)
    assert folder is not None
    run_scenario(vega_scenario, folder / "defaults")
