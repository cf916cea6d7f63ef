"""The pytest plugins install as plugins, and a session of engine tests stays light."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_plugins_register_through_entry_points() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins["devops.harness.pytest_plugin"] == "devops.harness.pytest_plugin"
    assert plugins["devops.fidelity.feature_plugin"] == "devops.fidelity.feature_plugin"


def test_collecting_engine_tests_imports_no_vega_sim() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pytest", "tests/engine"]
        + ["--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    heavy = sorted({m for m in imported if m.split(".")[0] in ("vega_sim", "pandas", "talib")})
    assert not heavy, heavy
