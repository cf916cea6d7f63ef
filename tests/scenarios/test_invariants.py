"""Every registry scenario, simulated once, held to its invariants.

Failures known at the default seed and length are listed in EXPECTED_FAILURES
with the figure that fails; they run as strict xfails, so a fix that makes one
pass fails the run until its line is removed. The list only shrinks.
"""

from __future__ import annotations

import pytest

from devops.harness.invariants import CHECKS
from devops.harness.pytest_plugin import Simulation

INVARIANTS = tuple(check.__name__ for check in CHECKS)

# (scenario, invariant) -> why, at seed 0 and each scenario's full length
EXPECTED_FAILURES: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("invariant", INVARIANTS)
def test_scenario_invariant(
    scenario_run: Simulation, invariant: str, request: pytest.FixtureRequest
) -> None:
    config = request.config
    default_run = scenario_run.key.seed == 0 and config.getoption("--scenario-steps") is None
    reason = EXPECTED_FAILURES.get((scenario_run.record.scenario, invariant))
    if reason is not None and default_run and not config.getoption("--expect"):
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    results = {r.name: r for r in scenario_run.results}
    result = results[invariant]
    assert result.passed, f"{result.message}\n  report: {scenario_run.report / 'report.html'}"
