"""The deploy gate: a scenario deploys only on its own passing verdict, whatever else happens.

Each test is a real pytest session (a subprocess) of ETHUSD's invariant and deploy
tests at 10 steps, deploying to the local network; every way a failing scenario
used to slip through is tried, and each must skip the deploy with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

# 0.001 of its boundaries: the market maker leaves that band at once
FAILING = ("--expect", "maker_boundary_tolerance=0.001")
SKIP_REASON = "*not deployed: its simulation (ETHUSD seed 0, 10 steps*maker_within_boundaries (figure*threshold 0.001)*"


def _gate_session(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    """A pytest session of ETHUSD's invariant and deploy tests, 10 steps, deploying locally."""
    pytester.copy_example("tests/scenarios/test_invariants.py")
    pytester.copy_example("tests/scenarios/test_deploy.py")
    pytester.makeconftest('pytest_plugins = ["devops.harness.pytest_plugin"]')
    return pytester.runpytest_subprocess(
        "--deploy-network=local",
        "--deploy-steps=3",
        "--scenario-steps=10",
        "-p",
        "no:cacheprovider",
        "-rs",
        *options,
        timeout=240,
    )


def test_failing_scenario_is_not_deployed(pytester: pytest.Pytester) -> None:
    result = _gate_session(pytester, "-k", "ETHUSD", *FAILING)
    result.assert_outcomes(passed=8, failed=1, skipped=1)
    result.stdout.fnmatch_lines([SKIP_REASON])


def test_deselected_invariants_do_not_open_the_gate(pytester: pytest.Pytester) -> None:
    # only the deploy test is selected: no invariant test runs, the verdict is judged on demand
    result = _gate_session(pytester, "-k", "deploy and ETHUSD", *FAILING)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([SKIP_REASON])


def test_a_missing_backend_gives_no_verdict_and_no_deploy(pytester: pytest.Pytester) -> None:
    # the Vega binaries are not installed here: the invariant tests error, the deploy skips
    result = _gate_session(pytester, "-k", "ETHUSD", "--backend", "nullchain")
    result.assert_outcomes(errors=9, skipped=1)
    result.stdout.fnmatch_lines(["*not deployed: no verdict for ETHUSD*needs the Vega binaries*"])


def test_a_worker_split_does_not_open_the_gate(pytester: pytest.Pytester) -> None:
    # plain load balancing spreads one scenario's tests over both workers
    result = _gate_session(pytester, "-k", "ETHUSD", "-n", "2", "--dist", "load", *FAILING)
    result.assert_outcomes(passed=8, failed=1, skipped=1)
    result.stdout.fnmatch_lines([SKIP_REASON])


def test_a_verdict_under_other_thresholds_is_not_used(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    verdicts = tmp_path / "verdicts"
    first = _gate_session(pytester, "-k", "invariant and ETHUSD", f"--verdict-dir={verdicts}")
    first.assert_outcomes(passed=9)
    (passing,) = [json.loads(p.read_text()) for p in verdicts.glob("*.json")]
    assert passing["passed"] is True
    second = _gate_session(
        pytester, "-k", "deploy and ETHUSD", f"--verdict-dir={verdicts}", *FAILING
    )
    second.assert_outcomes(skipped=1)
    second.stdout.fnmatch_lines([SKIP_REASON])
    assert len(list(verdicts.glob("*.json"))) == 2  # one verdict per set of thresholds


def test_passing_scenario_is_deployed_on_the_local_network(pytester: pytest.Pytester) -> None:
    result = _gate_session(pytester, "-k", "ETHUSD")
    result.assert_outcomes(passed=10)
