"""Running a scenario that passed its simulation on a network, as a client of it.

Network mode is what a live run does: the market already exists, keys are
already funded, nobody proposes or votes, and agents only trade, through
vega-sim's own `VegaServiceNetwork` (gRPC to the data node and core) and
`VegaWallet` (the wallet's HTTP API), with time following the wall clock.

The `local` target starts a local network in a subprocess
(`devops.harness.local_network` runs `python -m devops.localnet`: the embedded
engine served over gRPC and the wallet API on loopback, its market open and
keys funded) and deploys to it through that same code path; the only
differences from a live network are where the config points, that the wallet
is already running, and an offline price feed. Live networks need vega-sim's
network configuration (`make networks`), the Vega wallet binary and a wallet
holding one key per agent (see `devops.harness.agent_keys`); anything missing, or a network
that does not answer within a few seconds, stops the deploy at once with one
line saying what to set up. A network that stops answering mid-run ends the run
with one line naming the endpoint.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vega_sim.network_service import VegaServiceNetwork

from devops.harness import agent_keys
from devops.harness.local_network import LocalNetworkError, LocalNetworkProcess
from devops.harness.local_ports import free_port_offset
from devops.harness.networks import (
    LOCAL_NETWORK,
    NetworkConfigError,
    config_name,
    read_network_config,
)
from devops.harness.options import LOCAL_NETWORK_NAME, NETWORKS
from devops.harness.records import RunRecord
from devops.harness.simulation import empty_record, prepared_scenario, run_recorded


class DeployError(RuntimeError):
    """A deploy cannot start; the message says what is missing."""


REACH_TIMEOUT_SECONDS = 5
PASSPHRASE_FILE_ENV = "VEGA_WALLET_TOKENS_PASSPHRASE_FILE"  # vega-sim's own setting
LOCAL_STEP_LENGTH_SECONDS = 1


@dataclass(frozen=True, slots=True)
class NetworkTarget:
    """Where vega-sim's network service connects, and how its wallet is reached."""

    network: Any  # a vega-sim `Network` member, or the local network's
    config_folder: Path
    run_with_wallet: bool  # start the Vega wallet binary (live) or use a running wallet
    wallet_url: str | None = None
    token_file: str | None = None
    core_grpc_url: str | None = None
    passphrase_file: str | None = None


class NetworkService(VegaServiceNetwork):
    """vega-sim's network service, but its waits before the first step return at once.

    On a network the agents neither create nor fund keys while they initialise, so
    there is nothing to wait for; vega-sim's agents still sleep after initialising
    (up to ten seconds each, about fifty for a DevOps scenario). From the first step
    on, a wait sleeps as vega-sim's does.
    """

    stepping = False

    def wait_fn(self, wait_multiple: float = 1) -> None:
        if self.stepping:
            super().wait_fn(wait_multiple)


def _network_config(network: str) -> Path:
    folder = Path(os.environ.get("VEGA_NETWORK_CONFIG", "networks"))
    path = folder / config_name(network)
    if not path.is_file():
        raise DeployError(
            f"no network config for {network!r} at {path}; run `make networks` (online) "
            "or set VEGA_NETWORK_CONFIG to the folder holding it"
        )
    return path


def _check_reachable(config: Path, network: str) -> None:
    """One TCP connection to the config's first data-node gRPC host, with a short timeout."""
    try:
        hosts = read_network_config(config)["API"]["GRPC"]["Hosts"]
    except NetworkConfigError as error:
        raise DeployError(str(error)) from None
    host, _, port = hosts[0].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=REACH_TIMEOUT_SECONDS).close()
    except (OSError, ValueError) as error:
        raise DeployError(f"{network} is unreachable at {hosts[0]}: {error}") from None


def _passphrase_file(folder: Path, passphrase: agent_keys.Passphrase | None) -> str | None:
    """The passphrase in a file only this user can read, for the wallet service to log in."""
    if passphrase is None:
        return os.environ.get(PASSPHRASE_FILE_ENV)  # the user's own passphrase file
    path = folder / "passphrase"
    path.touch(mode=0o600)
    path.write_text(passphrase.reveal())
    return str(path)


def _failure_line(failure: BaseException, vega: Any, target: NetworkTarget) -> str:
    """One line for a network run that broke: the endpoint that stopped answering, if any."""
    import grpc
    import requests

    if isinstance(failure, grpc.RpcError):
        code = failure.code() if hasattr(failure, "code") else None
        endpoint = getattr(vega, "data_node_grpc_url", None) or "the data node"
        if code is None or code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            name = "no answer" if code is None else code.name
            return f"the network stopped answering at {endpoint} (gRPC {name})"
        details = " ".join(str(failure.details() if hasattr(failure, "details") else "").split())
        return f"the data node at {endpoint} refused a request (gRPC {code.name}: {details})"
    if isinstance(failure, requests.HTTPError) and failure.response is not None:
        status = failure.response.status_code
        if status in (401, 403):
            return (
                f"the wallet at {target.wallet_url or 'the wallet service'} refused the token "
                f"in {target.token_file or 'the tokens file'} (HTTP {status}); check "
                "VEGA_WALLET_TOKENS_FILE"
            )
        return f"the wallet answered HTTP {status} at {failure.response.url}"
    if isinstance(failure, requests.ConnectionError):
        return f"the wallet stopped answering at {target.wallet_url or 'its address'}"
    return " ".join(f"{type(failure).__name__}: {failure}".split())


def run_on_network(
    name: str,
    target: NetworkTarget,
    *,
    backend: str,
    steps: int,
    step_length_seconds: int | None,
    seed: int,
    on_step: Callable[[int, int], None] | None,
    market_name: str | None,
    console: bool,
    offline_prices: bool,
) -> RunRecord:
    """vega-sim's network service and environment on an existing market, in wall-clock time."""
    scenario = prepared_scenario(
        name, steps=steps, step_length_seconds=step_length_seconds, market_name=market_name
    )
    record = empty_record(name, scenario, seed, backend)
    with NetworkService(
        network=target.network,
        run_with_wallet=target.run_with_wallet,
        run_with_console=console,
        network_config_path=str(target.config_folder),
        wallet_url=target.wallet_url,
        wallet_token_path=target.token_file,
        wallet_passphrase_path=target.passphrase_file,
        vega_node_grpc_url=target.core_grpc_url,
    ) as vega:
        return run_recorded(
            scenario,
            vega,
            record,
            seed,
            on_step,
            lambda failure: _failure_line(failure, vega, target),
            network_mode=True,
            offline_prices=offline_prices,
            # a data node that stops answering ends the run instead of a hunt for another
            raise_datanode_errors=True,
        )


@contextmanager
def _local_target(name: str, seed: int) -> Iterator[NetworkTarget]:
    """A local network for `name`, started in a subprocess for the length of the deploy."""
    with tempfile.TemporaryDirectory(prefix="devops-localnet-") as folder:
        network = LocalNetworkProcess(
            name, seed=seed, port_offset=free_port_offset(), networks_dir=Path(folder)
        )
        try:
            network.start()
        except LocalNetworkError as error:
            raise DeployError(f"the local network did not start: {error}") from None
        try:
            yield NetworkTarget(
                network=LOCAL_NETWORK,
                config_folder=network.config_path.parent,
                run_with_wallet=False,
                wallet_url=network.wallet_url,
                token_file=str(network.tokens_path),
                core_grpc_url=network.core_grpc_url,
            )
        finally:
            network.stop()


@contextmanager
def _live_target(network: str) -> Iterator[NetworkTarget]:
    """A live network, after checking what vega-sim's network service will need."""
    config = _network_config(network)
    wallet_binary = os.environ.get("VEGA_WALLET_PATH", "vegawallet")
    if shutil.which(wallet_binary) is None:
        raise DeployError(
            f"live runs need the Vega wallet binary {wallet_binary!r} on PATH "
            "(or VEGA_WALLET_PATH), with one key per agent (see devops/harness/agent_keys.py)"
        )
    _check_reachable(config, network)
    from vega_sim.scenario.constants import Network

    passphrase = agent_keys.wallet_passphrase()
    if passphrase is None and PASSPHRASE_FILE_ENV not in os.environ:
        raise DeployError(
            f"set {agent_keys.WALLET_PASS_ENV} to the passphrase of wallet {agent_keys.wallet_name()!r}"
        )
    with tempfile.TemporaryDirectory() as private:
        yield NetworkTarget(
            network=Network[network.upper()],
            config_folder=config.parent,
            run_with_wallet=True,
            token_file=os.environ.get("VEGA_WALLET_TOKENS_FILE"),
            passphrase_file=_passphrase_file(Path(private), passphrase),
        )


def deploy(
    scenario: str,
    network: str,
    *,
    steps: int,
    step_length_seconds: int | None = None,
    seed: int = 0,
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
    console: bool = False,
) -> RunRecord:
    """Deploy to `network`; DeployError at once when something needed is missing.

    The local network differs from a live one only in where its config points, its
    running wallet, its one-second default step and its offline price feed.
    """
    if network not in NETWORKS:
        raise DeployError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    local = network == LOCAL_NETWORK_NAME
    if local and market_name:  # the local network names its market after the scenario
        raise DeployError("the local network names its market after the scenario; drop -m")
    opened = _local_target(scenario, seed) if local else _live_target(network)
    with opened as target:
        return run_on_network(
            scenario,
            target,
            backend=network,
            steps=steps,
            step_length_seconds=step_length_seconds
            or (LOCAL_STEP_LENGTH_SECONDS if local else None),
            seed=seed,
            on_step=on_step,
            market_name=market_name,
            console=console and not local,
            offline_prices=local,
        )
