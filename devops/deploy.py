"""Running a scenario that passed its simulation on a network.

Network mode is what a live run does: the market already exists, keys are
already funded, nobody proposes or votes, and agents only trade. The `local`
target runs that same code path against a fresh embedded nullchain prepared as
a network would be (market open, keys funded), stepping by blocks instead of the
wall clock, so CI exercises the deploy path. Live networks need vega-sim's
network configuration (`make networks`), the Vega wallet binary and a wallet
holding one key per agent (see `devops.wallet`); anything missing, or a network
that does not answer within a few seconds, stops the deploy at once with one
line saying what to set up.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from devops import wallet
from devops.networks import config_name
from devops.registry import SCENARIOS
from devops.run_state import RunRecord
from devops.runner import StepRecorder, empty_record, prepared_scenario
from devops.scenario import _NetworkEnvironment

NETWORKS = ("stagnet1", "stagnet2", "stagnet3", "fairground", "local")


class DeployError(RuntimeError):
    """A deploy cannot start; the message says what is missing."""


class _BlockSteppedNetworkEnvironment(_NetworkEnvironment):
    """vega-sim's network environment with time moved by the chain, not by sleeping."""

    def _run(self, vega: Any, pause_at_completion: bool = False, log_every_n_steps: Any = None):  # type: ignore[override]
        for agent in self.agents:
            agent.initialise(vega=vega, create_key=self.create_keys, mint_key=self.mint_keys)
        self._start_live_feeds(vega=vega)
        for _ in range(self.n_steps):
            self.step(vega)
            vega.wait_fn(self.step_length_seconds)
        for agent in self.agents:
            agent.finalise()


PREPARATION_STEPS = 6
REACH_TIMEOUT_SECONDS = 5
PASSPHRASE_FILE_ENV = "VEGA_WALLET_TOKENS_PASSPHRASE_FILE"  # vega-sim's own setting


def _prepare_local_network(vega: Any, name: str, seed: int) -> None:
    """What an operator has done before a live run: the market is open and trading, and
    every key is funded. A few simulated steps of the scenario itself do it."""
    scenario = SCENARIOS[name]()
    scenario.market_manager_args = replace(scenario.market_manager_args, settle_at_end=False)
    scenario.simulation_args = replace(scenario.simulation_args, n_steps=PREPARATION_STEPS)
    scenario.run_iteration(
        vega=vega, random_state=np.random.RandomState(seed), run_with_snitch=False, seed=seed
    )


def deploy_local(
    name: str,
    *,
    steps: int,
    seed: int = 0,
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
) -> RunRecord:
    """Run scenario `name` in network mode against a prepared embedded nullchain."""
    from devops.nullchain import EmbeddedVegaService

    if market_name:  # the prepared network names its market after the scenario
        raise DeployError("the local network names its market after the scenario; drop -m")
    scenario = prepared_scenario(name, steps=steps)
    record = empty_record(name, scenario, seed, "local")
    with EmbeddedVegaService(seed=seed, transactions_per_block=4096) as vega:
        _prepare_local_network(vega, name, seed)
        agents = scenario.configure_agents(
            vega,
            tag="",
            random_state=np.random.RandomState(seed + 1),
            network_mode=True,
            offline_prices=True,
        )
        scenario.agents = agents
        environment = _BlockSteppedNetworkEnvironment(
            agents=list(agents.values()),
            n_steps=steps,
            step_length_seconds=scenario.step_length_seconds,
            vega_service=vega,
            random_state=np.random.RandomState(seed + 2),
            raise_step_errors=True,
        )
        recorder = StepRecorder(scenario, vega)
        callbacks = [recorder]
        if on_step is not None:
            callbacks.append(lambda: on_step(len(recorder.states), steps))
        error = None
        try:
            environment.run(step_end_callback=lambda: [c() for c in callbacks])
        except Exception as failure:  # noqa: BLE001 - a run's failure is its result
            error = f"step {len(recorder.states)}: {type(failure).__name__}: {failure}"
        return replace(record, states=tuple(recorder.states), error=error)


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
        hosts = tomllib.loads(config.read_text())["API"]["GRPC"]["Hosts"]
        host, _, port = hosts[0].rpartition(":")
    except (KeyError, IndexError, tomllib.TOMLDecodeError) as error:
        raise DeployError(f"{config} has no API.GRPC.Hosts entry ({error})") from None
    try:
        socket.create_connection((host, int(port)), timeout=REACH_TIMEOUT_SECONDS).close()
    except (OSError, ValueError) as error:
        raise DeployError(f"{network} is unreachable at {hosts[0]}: {error}") from None


def _passphrase_file(folder: Path, passphrase: wallet.Passphrase | None) -> str | None:
    """The passphrase in a file only this user can read, for the wallet service to log in."""
    if passphrase is None:
        return None  # the user's own passphrase file (PASSPHRASE_FILE_ENV) is used
    path = folder / "passphrase"
    path.touch(mode=0o600)
    path.write_text(passphrase.reveal())
    return str(path)


def _live_deploy(
    name: str,
    network: str,
    *,
    steps: int,
    seed: int,
    on_step: Callable[[int, int], None] | None,
    market_name: str | None,
    console: bool,
) -> RunRecord:
    """vega-sim's network service and environment, on an existing market, live."""
    config = _network_config(network)
    wallet_binary = os.environ.get("VEGA_WALLET_PATH", "vegawallet")
    if shutil.which(wallet_binary) is None:
        raise DeployError(
            f"live runs need the Vega wallet binary {wallet_binary!r} on PATH "
            "(or VEGA_WALLET_PATH), with one key per agent (see devops/wallet.py)"
        )
    _check_reachable(config, network)
    from vega_sim.network_service import VegaServiceNetwork
    from vega_sim.scenario.constants import Network

    scenario = prepared_scenario(name, steps=steps, market_name=market_name)
    record = empty_record(name, scenario, seed, network)
    passphrase = wallet.wallet_passphrase()
    if passphrase is None and PASSPHRASE_FILE_ENV not in os.environ:
        raise DeployError(
            f"set {wallet.WALLET_PASS_ENV} to the passphrase of wallet {wallet.wallet_name()!r}"
        )
    with (
        tempfile.TemporaryDirectory() as private,
        VegaServiceNetwork(
            network=Network[network.upper()],
            run_with_console=console,
            network_config_path=str(config.parent),
            wallet_passphrase_path=_passphrase_file(Path(private), passphrase),
        ) as vega,
    ):
        recorder = StepRecorder(scenario, vega)
        scenario.step_callbacks.append(recorder)
        if on_step is not None:
            scenario.step_callbacks.append(lambda: on_step(len(recorder.states), steps))
        error = None
        try:
            scenario.run_iteration(
                vega=vega,
                random_state=np.random.RandomState(seed),
                run_with_snitch=False,
                seed=seed,
                network_mode=True,
            )
        except Exception as failure:  # noqa: BLE001 - a run's failure is its result
            error = f"step {len(recorder.states)}: {type(failure).__name__}: {failure}"
        return replace(record, states=tuple(recorder.states), error=error)


def deploy(
    scenario: str,
    network: str,
    *,
    steps: int,
    seed: int = 0,
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
    console: bool = False,
) -> RunRecord:
    """Deploy to `network`; DeployError at once when something needed is missing."""
    if network not in NETWORKS:
        raise DeployError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if network == "local":
        return deploy_local(
            scenario, steps=steps, seed=seed, on_step=on_step, market_name=market_name
        )
    return _live_deploy(
        scenario,
        network,
        steps=steps,
        seed=seed,
        on_step=on_step,
        market_name=market_name,
        console=console,
    )
