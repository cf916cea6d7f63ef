"""Running a scenario that passed its simulation on a network.

Network mode is what a live run does: the market already exists, keys are
already funded, nobody proposes or votes, and agents only trade. The `local`
target runs that same code path against a fresh embedded nullchain prepared as
a network would be (market open, keys funded), stepping by blocks instead of the
wall clock, so CI exercises the deploy path. Live networks need vega-sim's
network configuration and a wallet holding one key per agent (see
`devops.wallet`); anything missing stops the deploy at once with one line saying
what to set up, before any connection is attempted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from devops import wallet
from devops.registry import SCENARIOS
from devops.run_state import RunRecord
from devops.runner import StepRecorder
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

    scenario = SCENARIOS[name]()
    scenario.simulation_args = replace(scenario.simulation_args, n_steps=steps)
    if market_name:  # the prepared network names its market after the scenario
        raise DeployError("the local network names its market after the scenario; drop -m")
    record = RunRecord(
        scenario=name,
        seed=seed,
        steps_requested=steps,
        step_length_seconds=scenario.step_length_seconds,
        backend="local",
        maker_name=wallet.MARKET_MAKER,
        maker_lower_boundary=scenario.market_maker_args.inventory_lower_boundary,
        maker_upper_boundary=scenario.market_maker_args.inventory_upper_boundary,
    )
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
    folder = Path(os.environ.get("VEGA_NETWORK_CONFIGS", "networks"))
    path = folder / f"{network}.toml"
    if not path.is_file():
        raise DeployError(
            f"no network config for {network!r} at {path}; run `make networks` (online) "
            "or set VEGA_NETWORK_CONFIGS to the folder holding it"
        )
    return path


def deploy(
    scenario: str,
    network: str,
    *,
    steps: int,
    seed: int = 0,
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
) -> RunRecord:
    """Deploy to `network`; DeployError at once when something needed is missing."""
    if network not in NETWORKS:
        raise DeployError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if network == "local":
        return deploy_local(
            scenario, steps=steps, seed=seed, on_step=on_step, market_name=market_name
        )
    _network_config(network)
    if wallet.wallet_passphrase() is None:
        raise DeployError(
            f"set VEGA_USER_WALLET_PASS for wallet {wallet.wallet_name()!r} to deploy to {network}"
        )
    raise DeployError(
        f"live deploys to {network} are not built yet: only the 'local' target runs today"
    )
