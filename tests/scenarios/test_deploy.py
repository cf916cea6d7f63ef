"""With --deploy-network, each scenario whose simulation verdict passed runs on that network.

The verdicts are those for exactly this session's inputs (seeds, steps, step length,
backend, thresholds and code), judged on demand when no process has judged them yet,
so a scenario deploys only when its own simulations pass the gate rule (every seed
by default), whatever else was selected, errored or ran on another worker. The deployed run is then held
to the same invariants, measured as a network client sees them.
"""

from __future__ import annotations

import pytest

from devops.harness.pytest_plugin import scenario_session


def test_deploy(scenario_name: str, request: pytest.FixtureRequest) -> None:
    config = request.config
    network = config.getoption("--deploy-network")
    if network is None:
        pytest.skip("no --deploy-network given")
    session = scenario_session(config)
    decision = session.gate(scenario_name)
    if not decision.deploy:
        pytest.skip(f"not deployed: {decision.reason}")
    from devops.harness.deploy import DeployError
    from devops.harness.pipeline import deploy_and_check

    try:
        outcome = deploy_and_check(
            scenario_name,
            network,
            steps=config.getoption("--deploy-steps"),
            step_length_seconds=config.getoption("--deploy-step-length"),
            seed=decision.seed,
            expectations=session.expectations(scenario_name),
            run_logs=config.getoption("--run-logs"),
        )
    except DeployError as error:
        pytest.fail(str(error), pytrace=False)
    failed = [r for r in outcome.results if not r.passed]
    assert not failed, "; ".join(f"{r.name}: {r.message}" for r in failed) + (
        f"\n  report: {outcome.page}"
    )
