"""A local network in the foreground: prepare, bind, serve until told to stop.

Ports are checked before the (few seconds of) preparation so that a port in use
fails at once, with one line and exit status 2. Once every server is bound and
the files are written, one line `localnet ready` is printed. Setting the stop
event (the CLI does on SIGINT or SIGTERM) ends the event streams, stops the
servers and the clock, and returns 0.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import grpc

from devops.harness.local_files import NetworkFiles
from devops.harness.local_network import READY_LINE
from devops.harness.local_ports import Ports, first_port_in_use
from devops.localnet.chain import LocalChain, PreparationError
from devops.localnet.files import new_token, write_network_files
from devops.localnet.grpc_api import EventStreams, PortBindError, core_server, data_node_server
from devops.localnet.ports import EXIT_PORT_IN_USE, port_in_use_line
from devops.localnet.wallet_api import WalletServer, WalletService

EXIT_PREPARATION_FAILED = 1
EXIT_FILES_UNWRITABLE = 1
_STOP_POLL_SECONDS = 0.2
_GRPC_GRACE_SECONDS = 0.5
_JOIN_SECONDS = 2.0
_WALLET_POLL_SECONDS = 0.1  # how soon the wallet's server notices a stop


@dataclass(frozen=True, slots=True)
class LocalNetworkOptions:
    """What `python -m devops.localnet` is asked to run."""

    scenario: str
    seed: int = 0
    port_offset: int = 0
    networks_dir: Path = Path("networks")
    block_seconds: int = 1


def _say(stream: TextIO, line: str) -> None:
    print(line, file=stream, flush=True)


@dataclass
class _Servers:
    """Everything that serves the chain, bound but not yet started."""

    chain: LocalChain
    streams: EventStreams
    data_node: grpc.Server
    core: grpc.Server
    wallet: WalletServer
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, stop: threading.Event) -> None:
        self.data_node.start()
        self.core.start()
        self.threads = [
            threading.Thread(
                target=self.wallet.serve_forever,
                args=(_WALLET_POLL_SECONDS,),
                name="localnet-wallet",
                daemon=True,
            ),
            threading.Thread(
                target=self.chain.run_clock, args=(stop,), name="localnet-clock", daemon=True
            ),
        ]
        for thread in self.threads:
            thread.start()

    def release(self) -> None:
        """Unbind the ports of servers that never started."""
        self.data_node.stop(None)
        self.core.stop(None)
        self.wallet.server_close()

    def stop(self) -> None:
        """End the streams first so that the servers' grace period is not spent on them."""
        self.streams.close_all()
        stopped = [self.data_node.stop(_GRPC_GRACE_SECONDS), self.core.stop(_GRPC_GRACE_SECONDS)]
        self.wallet.shutdown()
        self.wallet.server_close()
        for event in stopped:
            event.wait(_JOIN_SECONDS)
        for thread in self.threads:
            thread.join(_JOIN_SECONDS)


def _bind(chain: LocalChain, ports: Ports, token: str) -> _Servers:
    """Bind every port, or release those bound and raise PortBindError."""
    streams = EventStreams(chain)
    data_node = data_node_server(chain, streams, ports.data_node_grpc)
    try:
        core = core_server(chain, streams, ports.core_grpc)
    except PortBindError:
        data_node.stop(None)
        raise
    try:
        wallet = WalletServer(ports.wallet, WalletService(chain, token))
    except OSError:
        data_node.stop(None)
        core.stop(None)
        raise PortBindError(ports.wallet) from None
    return _Servers(chain, streams, data_node, core, wallet)


def serve(
    options: LocalNetworkOptions,
    stop: threading.Event,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Run the network until `stop` is set; the process exit status."""
    ports = Ports(options.port_offset)
    busy = first_port_in_use(ports)
    if busy is not None:
        _say(err, port_in_use_line(busy))
        return EXIT_PORT_IN_USE
    chain = LocalChain(options.scenario, seed=options.seed, block_seconds=options.block_seconds)
    try:
        chain.prepare()
    except PreparationError as error:
        _say(err, f"localnet: {error}")
        return EXIT_PREPARATION_FAILED
    if stop.is_set():
        return 0
    token = new_token()
    try:
        servers = _bind(chain, ports, token)
    except PortBindError as error:
        _say(err, port_in_use_line(error.port))
        return EXIT_PORT_IN_USE
    try:
        files = write_network_files(options.networks_dir, ports, chain.wallet_name, token)
    except OSError as error:
        servers.release()
        _say(err, f"localnet: cannot write the network files: {error}")
        return EXIT_FILES_UNWRITABLE
    servers.start(stop)
    _print_usage(out, options, ports, files, chain)
    _say(out, READY_LINE)
    while not stop.wait(_STOP_POLL_SECONDS):
        pass
    servers.stop()
    _say(out, "localnet stopped")
    return 0


def _print_usage(
    out: TextIO, options: LocalNetworkOptions, ports: Ports, files: NetworkFiles, chain: LocalChain
) -> None:
    with chain.lock:
        markets = chain.service.trading_data_client_v2.ListMarkets().markets.edges
        names = ", ".join(
            f"{edge.node.tradable_instrument.instrument.name} ({edge.node.id})" for edge in markets
        )
    keys = chain.public_keys()
    lines = [
        f"localnet: scenario {options.scenario}, seed {options.seed}, one block every "
        f"{options.block_seconds} s on the wall clock",
        f"  market          {names}",
        f"  data node gRPC  {ports.data_node_grpc_url}",
        f"  core gRPC       {ports.core_grpc_url}",
        f"  wallet API      {ports.wallet_url} (wallet {chain.wallet_name!r}, {len(keys)} keys)",
        f"  network config  {files.config_path}",
        f"  wallet tokens   {files.tokens_path} (readable by you only)",
        f"  environment     source {files.env_path}",
        "  then use vega-sim's VegaServiceNetwork(network=devops.localnet.LOCAL_NETWORK, "
        "run_with_wallet=False, run_with_console=False, ...) as the README shows; "
        "Ctrl-C stops the network",
    ]
    for line in lines:
        _say(out, line)
