"""Vega's own integration scenarios, run step by step against the embedded engine.

A scenario listed in tests/fidelity/expectations.txt must fail at the step its
line names; failing anywhere else fails the run.
"""

from devops.fidelity.expectations import check_listed
from devops.fidelity.feature_plugin import features_folder
from devops.fidelity.features import Scenario
from devops.fidelity.player import ScenarioFailure, run_scenario


def test_scenario(vega_scenario: Scenario, pytestconfig, listed_failure: str | None) -> None:
    folder = features_folder(pytestconfig)
    assert folder is not None
    try:
        run_scenario(vega_scenario, folder / "defaults")
    except ScenarioFailure as failure:
        if listed_failure is None:
            raise
        check_listed(failure.location, str(failure), listed_failure)
