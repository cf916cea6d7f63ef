"""Starting and stopping: a port in use, SIGTERM, and a network that dies under a client."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.data_node.api.v2 import trading_data_pb2_grpc

from devops.harness.local_network import LocalNetworkError, LocalNetworkProcess
from devops.harness.local_ports import HOST, Ports, free_port_offset, port_in_use
from tests.localnet.conftest import SCENARIO

pytestmark = pytest.mark.xdist_group("localnet")


def test_a_port_in_use_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    ports = Ports(free_port_offset())
    with socket.socket() as holder:
        holder.bind((HOST, ports.core_grpc))
        holder.listen()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "devops.localnet",
                "-s",
                SCENARIO,
                "--port-offset",
                str(ports.offset),
                "--networks-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"localnet: port {ports.core_grpc} on {HOST} is already in use"
    ]
    assert not any(port_in_use(port) for port in (ports.data_node_grpc, ports.wallet))
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.fixture(scope="module")
def two_networks(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LocalNetworkProcess, ...]]:
    """Two networks to end in two ways, started side by side to halve the wait."""
    networks = tuple(
        LocalNetworkProcess(
            SCENARIO,
            port_offset=free_port_offset(),
            networks_dir=tmp_path_factory.mktemp(f"networks{index}"),
        )
        for index in range(2)
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        starts = [pool.submit(network.start) for network in networks]
    try:
        for start in starts:
            start.result()
        yield networks
    finally:
        for network in networks:
            network.stop()


def test_sigterm_stops_within_seconds_and_frees_every_port(
    two_networks: tuple[LocalNetworkProcess, LocalNetworkProcess],
) -> None:
    network = two_networks[0]
    assert network.process is not None
    assert all(port_in_use(port) for port in network.ports.served())
    started = time.monotonic()
    network.process.send_signal(signal.SIGTERM)
    status = network.process.wait(timeout=10)
    elapsed = time.monotonic() - started
    assert status == 0
    assert elapsed < 3.0
    assert network.output[-1] == "localnet stopped"
    assert not any(port_in_use(port) for port in network.ports.served())


def test_a_client_of_a_killed_network_fails_fast(
    two_networks: tuple[LocalNetworkProcess, LocalNetworkProcess],
) -> None:
    network = two_networks[1]
    with grpc.insecure_channel(network.data_node_grpc_url) as channel:
        assert network.process is not None
        data_node = trading_data_pb2_grpc.TradingDataServiceStub(channel)
        data_node.Ping(td.PingRequest(), timeout=5)
        stream = data_node.ObserveEventBus(iter([td.ObserveEventBusRequest()]), timeout=30)
        next(stream)  # a live stream, ended by the kill below
        network.process.kill()
        network.process.wait(timeout=5)
        started = time.monotonic()
        with pytest.raises(grpc.RpcError) as call:
            data_node.Ping(td.PingRequest(), timeout=10)
        with pytest.raises(grpc.RpcError) as streamed:
            for _ in stream:
                pass
        elapsed = time.monotonic() - started
    assert call.value.code() == grpc.StatusCode.UNAVAILABLE
    assert streamed.value.code() == grpc.StatusCode.UNAVAILABLE
    assert elapsed < 3.0


def test_the_process_api_reports_a_network_that_exits(tmp_path: Path) -> None:
    network = LocalNetworkProcess(SCENARIO, port_offset=free_port_offset(), networks_dir=tmp_path)
    with socket.socket() as holder:
        holder.bind((HOST, network.ports.wallet))
        holder.listen()
        with pytest.raises(LocalNetworkError) as failure:
            network.start()
    message = str(failure.value)
    assert "exited with status 2" in message
    assert f"port {network.ports.wallet}" in message
