"""Many seeds: each scenario-and-seed is its own set of tests, with pass rates and a report."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_seeds_become_items_with_pass_rates_and_a_seed_report(pytester: pytest.Pytester) -> None:
    pytester.copy_example("tests/scenarios/test_invariants.py")
    pytester.makeconftest('pytest_plugins = ["devops.harness.pytest_plugin"]')
    logs = pytester.path / "logs"
    result = pytester.runpytest_subprocess(
        "-k",
        "ETHUSD",
        "--scenario-seeds",
        "3:5",
        "--scenario-steps=10",
        f"--run-logs={logs}",
        "-p",
        "no:cacheprovider",
        "-v",
        timeout=240,
    )
    result.assert_outcomes(passed=18)
    result.stdout.fnmatch_lines(
        [
            "*test_scenario_invariant?ETHUSD-seed3-run_completed? PASSED*",
            "*invariant pass rates over seeds (95% Wilson lower bound)*",
            "ETHUSD*maker_within_boundaries*2/2*100.0%*lower bound 0.342*",
            "seed report: *ETHUSD-seeds3-4-embedded/report.html",
        ]
    )
    page = (logs / "ETHUSD-seeds3-4-embedded" / "report.html").read_text()
    assert "ETHUSD over 2 seeds (3 to 4)" in page
    assert "ETHUSD-seed" in page  # the worst seed links to its own report
