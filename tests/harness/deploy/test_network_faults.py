"""Deploying over the wire when things go wrong: one line, bounded in time, no secrets.

Each test starts a local network in a subprocess on loopback ports of its own and
drives vega-sim's `VegaServiceNetwork` against it through `run_on_network`, the
code path every deploy takes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devops.harness.deploy import NetworkTarget, run_on_network
from devops.harness.local_network import LocalNetworkProcess
from devops.harness.local_ports import free_port_offset
from devops.harness.networks import LOCAL_NETWORK
from devops.harness.pipeline import check_and_report
from devops.harness.records import RunRecord
from devops.harness.registry import SCENARIOS

# vega-sim's live-feed threads raise when their stream ends with the network; not ours
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")

KILL_AT_STEP = 2
FAIL_WITHIN_SECONDS = 10


def _target(local: LocalNetworkProcess, token_file: Path | None = None) -> NetworkTarget:
    return NetworkTarget(
        network=LOCAL_NETWORK,
        config_folder=local.config_path.parent,
        run_with_wallet=False,
        wallet_url=local.wallet_url,
        token_file=str(token_file or local.tokens_path),
        core_grpc_url=local.core_grpc_url,
    )


def _run(
    local: LocalNetworkProcess,
    target: NetworkTarget,
    steps: int,
    on_step: Callable[[int, int], None] | None = None,
) -> RunRecord:
    return run_on_network(
        "ETHUSD",
        target,
        backend="local",
        steps=steps,
        step_length_seconds=1,
        seed=0,
        on_step=on_step,
        market_name=None,
        console=False,
        offline_prices=True,
    )


def test_a_network_killed_mid_deploy_fails_it_within_bounds_naming_the_endpoint(
    tmp_path: Path,
) -> None:
    killed: list[float] = []
    with LocalNetworkProcess(
        "ETHUSD", port_offset=free_port_offset(), networks_dir=tmp_path
    ) as local:

        def on_step(done: int, total: int) -> None:
            if done == KILL_AT_STEP and not killed:
                assert local.process is not None
                local.process.kill()
                local.process.wait(5)
                killed.append(time.monotonic())

        record = _run(local, _target(local), steps=20, on_step=on_step)
        ended = time.monotonic()
    assert killed, "the network was never killed"
    assert ended - killed[0] < FAIL_WITHIN_SECONDS
    assert len(record.states) == KILL_AT_STEP
    assert record.error is not None and "\n" not in record.error
    assert local.data_node_grpc_url in record.error, record.error


def test_a_wrong_wallet_token_fails_the_deploy_in_one_line_without_the_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with LocalNetworkProcess(
        "ETHUSD", port_offset=free_port_offset(), networks_dir=tmp_path
    ) as local:
        real = json.loads(local.tokens_path.read_text())
        wrong = tmp_path / "wrong-tokens.json"
        wrong.write_text(json.dumps({name: "not-the-token" for name in real}))
        record = _run(local, _target(local, wrong), steps=3)
    assert record.error is not None and "\n" not in record.error
    assert "refused the token" in record.error and "HTTP 401" in record.error
    assert not record.states
    for token in real.values():
        assert token not in record.error and token not in caplog.text


def test_a_deploy_passes_over_the_wire_and_leaves_no_secret_behind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    networks = tmp_path / "networks"
    with LocalNetworkProcess(
        "ETHUSD", port_offset=free_port_offset(), networks_dir=networks
    ) as local:
        record = _run(local, _target(local), steps=4)
        tokens = json.loads(local.tokens_path.read_text()).values()
        output = "\n".join(local.output)
    outcome = check_and_report(record, SCENARIOS["ETHUSD"]().expectations, tmp_path / "logs")
    assert outcome.passed, [r.message for r in outcome.results if not r.passed]
    # measured as a client: each agent's own accounts against its ledger, at every step
    assert all(s.total_balance == s.net_deposits > 0 for s in record.states)
    written = "".join(p.read_text() for p in (tmp_path / "logs").rglob("*") if p.is_file())
    for token in tokens:
        assert token not in written and token not in caplog.text and token not in output
