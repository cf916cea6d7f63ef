"""With --deploy-network, scenarios whose simulation passed run on that network.

This module sorts after the invariant tests and shares their xdist group, so a
scenario's verdict is known before its deploy test runs; a scenario with any
failed (or expected-to-fail) invariant is skipped with the reason, never deployed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devops.invariants import check_all
from devops.pytest_plugin import simulation_failures
from devops.registry import SCENARIOS
from devops.reports import report_folder, write_report

MUST_HOLD_ON_DEPLOY = ("run_completed", "no_agent_errors", "money_conserved")


def test_deploy(scenario_name: str, request: pytest.FixtureRequest) -> None:
    config = request.config
    network = config.getoption("--deploy-network")
    if network is None:
        pytest.skip("no --deploy-network given")
    failed = simulation_failures(config, scenario_name)
    if failed:
        pytest.skip(f"not deployed: its simulation failed {', '.join(sorted(failed))}")
    from devops.deploy import DeployError, deploy

    seed = config.getoption("--scenario-seed")
    try:
        record = deploy(scenario_name, network, steps=config.getoption("--deploy-steps"), seed=seed)
    except DeployError as error:
        pytest.fail(str(error), pytrace=False)
    results = check_all(record, SCENARIOS[scenario_name]().expectations)
    page = write_report(
        record,
        results,
        report_folder(Path(config.getoption("--run-logs")), scenario_name, seed, record.backend),
    )
    for result in results:
        if result.name in MUST_HOLD_ON_DEPLOY:
            assert result.passed, f"{result.message}\n  report: {page}"
