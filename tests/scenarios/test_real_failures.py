"""Real runs that fail: engine -> record -> invariant -> verdict -> deploy skipped.

Each configuration of `failing_configurations` is simulated for real in a pytest
session that deploys to the local network; the matching invariant must fail, and
its deploy must be skipped naming that invariant. Nothing here is a synthetic record.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.scenarios.failing_configurations import FAILING

CONFTEST = """
from devops.harness.registry import SCENARIOS
from failing_configurations import FAILING

pytest_plugins = ["devops.harness.pytest_plugin"]
SCENARIOS.clear()
SCENARIOS.update({name: factory for name, (factory, _) in FAILING.items()})
"""


@dataclass(frozen=True)
class Session:
    output: str
    returncode: int


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """One pytest session (a subprocess) for all configurations, deploying locally."""
    folder = tmp_path_factory.mktemp("real-failures")
    here = Path(__file__).parent
    for name in ("test_invariants.py", "test_deploy.py", "failing_configurations.py"):
        shutil.copy(here / name, folder / name)
    (folder / "conftest.py").write_text(CONFTEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--deploy-network=local", "-p", "no:cacheprovider"]
        + ["-rfs", "-q", "--run-logs", str(folder / "run_logs")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Session(done.stdout + done.stderr, done.returncode)


@pytest.mark.parametrize(("name", "invariant"), [(n, i) for n, (_, i) in FAILING.items()])
def test_the_matching_invariant_fails_and_the_deploy_is_skipped(
    session: Session, name: str, invariant: str
) -> None:
    output = session.output
    assert re.search(rf"FAILED \S*test_scenario_invariant\[{name}-{invariant}\]", output), output
    skipped = [line for line in output.splitlines() if "SKIPPED" in line and f"{name} seed" in line]
    assert skipped, output
    assert f"not deployed: its simulation ({name} seed 0" in skipped[0]
    assert f"{invariant} (figure" in skipped[0]


def test_no_failing_configuration_was_deployed(session: Session) -> None:
    summary = session.output.strip().splitlines()[-1]
    assert f"{len(FAILING)} skipped" in summary, session.output
    assert session.returncode == 1  # the failed invariants fail the session
