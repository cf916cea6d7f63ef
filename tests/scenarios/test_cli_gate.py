"""`python -m devops.run -n NETWORK` passes the same gate as pytest: no passing verdict, no deploy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devops.harness.cli import GATE_VERDICTS
from devops.harness.registry import SCENARIOS
from devops.harness.simulation import prepared_scenario
from devops.harness.verdicts import Verdict, VerdictKey, VerdictStore


def test_a_failing_verdict_keeps_a_cli_run_off_the_network(tmp_path: Path) -> None:
    simulation = prepared_scenario("ETHUSD").simulation_args
    key = VerdictKey.of(
        "ETHUSD",
        seed=7,
        steps=simulation.n_steps,
        step_length_seconds=simulation.step_length_seconds,
        backend="embedded",
        expectations=SCENARIOS["ETHUSD"]().expectations,
    )
    failing = Verdict(key, False, ("maker_closeouts (figure 1, threshold 0): closed out",))
    VerdictStore(tmp_path / GATE_VERDICTS).write(failing)
    done = subprocess.run(
        [sys.executable, "-m", "devops.run", "-s", "ETHUSD", "-n", "LOCAL", "--seed", "7"]
        + ["--steps", "2", "--run-logs", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not deployed: its simulation (ETHUSD seed 7" in done.stderr
    assert "maker_closeouts (figure 1, threshold 0)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ETHUSD-seed7-local").exists()  # nothing ran on the network
