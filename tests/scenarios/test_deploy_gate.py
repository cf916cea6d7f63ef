"""The deploy gate itself: a scenario whose invariants fail is never deployed."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def _gate_session(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    """A pytest session of ETHUSD's invariant and deploy tests, 10 steps, deploying locally."""
    pytester.copy_example("tests/scenarios/test_invariants.py")
    pytester.copy_example("tests/scenarios/test_then_deploy.py")
    pytester.makeconftest('pytest_plugins = ["devops.pytest_plugin"]')
    return pytester.runpytest_subprocess(
        "-k",
        "ETHUSD",
        "--deploy-network=local",
        "--deploy-steps=5",
        "--scenario-steps=10",
        "-p",
        "no:cacheprovider",
        "-rs",
        *options,
    )


def test_failing_scenario_is_not_deployed(pytester: pytest.Pytester) -> None:
    # 0.001 of its boundaries: the market maker leaves that band at once
    result = _gate_session(pytester, "--expect", "maker_boundary_tolerance=0.001")
    result.assert_outcomes(passed=8, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*not deployed: its simulation failed*maker_within_boundaries*"])


def test_passing_scenario_is_deployed_locally(pytester: pytest.Pytester) -> None:
    _gate_session(pytester).assert_outcomes(passed=10)
