"""With --deploy-network, scenarios whose simulation passed run on that network.

This module sorts after the invariant tests, and shares their xdist group, so
a scenario's verdict is known before its deploy test runs.
"""

from __future__ import annotations

import pytest

from devops.pytest_plugin import simulation_failures


def test_deploy(scenario_name: str, request: pytest.FixtureRequest) -> None:
    network = request.config.getoption("--deploy-network")
    if network is None:
        pytest.skip("no --deploy-network given")
    failed = simulation_failures(request.config, scenario_name)
    if failed:
        pytest.skip(f"not deployed: its simulation failed {', '.join(sorted(failed))}")
    from devops.deploy import deploy

    deploy(scenario_name, network, steps=request.config.getoption("--deploy-steps"))
