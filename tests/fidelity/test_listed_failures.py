"""The fidelity plugin holds a listed scenario to the step its line names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fidelity.synthetic import BACKGROUND

# The failing check is the scenario's last step; its line is counted below.
FAILING = """
  Scenario: wrong mark price
    Then the mark price should be "1" for the market "ETH/DEC19"
"""

TEST_FILE = """
from devops.fidelity.expectations import check_listed
from devops.fidelity.feature_plugin import features_folder
from devops.fidelity.player import ScenarioFailure, run_scenario


def test_scenario(vega_scenario, pytestconfig, listed_failure):
    try:
        run_scenario(vega_scenario, features_folder(pytestconfig) / "defaults")
    except ScenarioFailure as failure:
        if listed_failure is None:
            raise
        check_listed(failure.location, str(failure), listed_failure)
"""


def _run(tmp_path: Path, listed_line: int) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / "vega"
    (folder / "features").mkdir(parents=True)
    (folder / "defaults").mkdir()
    (folder / "features" / "synthetic.feature").write_text(BACKGROUND + FAILING)
    listing = tmp_path / "expectations.txt"
    reason = f'line {listed_line}: the mark price should be "1" / expected 1, got 1000'
    listing.write_text(f"synthetic.feature::wrong mark price | {reason}\n")
    (tmp_path / "test_listed.py").write_text(TEST_FILE)
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(tmp_path / "test_listed.py"),
        "-q",
        "-p",
        "devops.fidelity.feature_plugin",
        "-p",
        "no:cacheprovider",
        f"--vega-features={folder}",
        f"--fidelity-expectations={listing}",
        f"--rootdir={tmp_path}",
    ]
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)


def _failing_line() -> int:
    return (BACKGROUND + FAILING).splitlines().index(
        '    Then the mark price should be "1" for the market "ETH/DEC19"'
    ) + 1


def test_a_scenario_failing_where_listed_is_an_expected_failure(tmp_path: Path) -> None:
    result = _run(tmp_path, _failing_line())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 xfailed" in result.stdout


def test_a_scenario_failing_at_another_step_fails_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, _failing_line() - 1)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "but fails at line" in result.stdout
