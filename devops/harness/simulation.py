"""Running a registry scenario on a backend and recording every step.

The recorder reads the market only through vega-sim's `VegaService` methods,
so the same code records a run on the embedded nullchain, on a real nullchain
and on a network. Balances and close-outs come from the embedded data node
when it is there (exact integers); elsewhere they are left out, never guessed.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

import numpy as np
import vega_sim.proto.vega as vega_protos

from devops.harness import agent_keys
from devops.harness.long_runs import history_kept_frozen
from devops.harness.network_figures import NetworkFigures
from devops.harness.options import BACKENDS
from devops.harness.records import PartyState, RunRecord, StepState
from devops.harness.registry import SCENARIOS
from devops.harness.scenario import DevOpsScenario, MarketNotFoundError


class BackendUnavailableError(RuntimeError):
    """The chosen backend cannot run here; the message says what is missing."""


def open_backend(backend: str, seed: int, console: bool = False) -> AbstractContextManager[Any]:
    """The service to simulate on; `console` asks vega-sim's nullchain for its console."""
    if backend == "embedded":
        from devops.embedded import EmbeddedVegaService
        from devops.embedded.datanode.retention import HARNESS

        # bounded history, so a long run's memory and step time stay flat
        return EmbeddedVegaService(
            seed=seed, transactions_per_block=4096, seconds_per_block=1, retention=HARNESS
        )
    if backend == "nullchain":
        import shutil

        from vega_sim.null_service import VegaServiceNull

        missing = [b for b in ("vega", "data-node", "vegawallet") if shutil.which(b) is None]
        if missing:
            raise BackendUnavailableError(
                f"the nullchain backend needs the Vega binaries on PATH; missing: {', '.join(missing)}"
            )
        return VegaServiceNull(
            seconds_per_block=1,
            transactions_per_block=4096,
            warn_on_raw_data_access=False,
            run_with_console=console,
        )
    raise BackendUnavailableError(f"unknown backend {backend!r}; choose one of {BACKENDS}")


class StepRecorder:
    """Called at the end of every step; builds the `StepState` list.

    Market, positions and accounts are read through vega-sim's API. Money and
    close-outs come from the embedded data node when it is there (every account
    of the asset against net deposits, exactly); on any other backend they are
    measured as a network client can, per agent, by `NetworkFigures`.
    """

    def __init__(self, scenario: DevOpsScenario, vega: Any) -> None:
        self.scenario = scenario
        self.vega = vega
        self.states: list[StepState] = []
        self._market_id: str | None = None
        self._asset_id: str | None = None
        self._seen_close_outs = 0
        self._names = agent_keys.all_key_names()
        self._keys: dict[str, str] | None = None
        self._network: NetworkFigures | None = None
        self._last_time: int | None = None

    def _party_names(self) -> dict[str, str]:
        """Public key to key name, for every agent key the wallet has."""
        if self._keys is None:
            keys = {}
            for name in (*self._names, *(getattr(self.scenario, "agents", None) or {})):
                try:
                    key = self.vega.wallet.public_key(
                        name=name, wallet_name=agent_keys.wallet_name()
                    )
                except KeyError:
                    continue
                keys[key] = name
            self._keys = keys
        return self._keys

    def __call__(self) -> None:
        vega = self.vega
        if self._market_id is None:
            self._market_id = vega.find_market_id(self.scenario.market_name)
            self._asset_id = vega.find_asset_id(self.scenario.market_manager_args.asset_name)
        market_id, asset_id = self._market_id, self._asset_id
        if market_id is None or asset_id is None:
            raise MarketNotFoundError(
                f"no market named {self.scenario.market_name!r} (or its asset) to record"
            )
        data = vega.get_latest_market_data(market_id)
        parties = []
        for name in self._names:
            position = vega.positions_by_market(
                key_name=name, market_id=market_id, wallet_name=agent_keys.wallet_name()
            )
            account = vega.party_account(
                key_name=name,
                asset_id=asset_id,
                market_id=market_id,
                wallet_name=agent_keys.wallet_name(),
            )
            volume = float(position.open_volume) if position is not None else 0.0
            parties.append(PartyState(name, volume, float(account.margin), float(account.general)))
        step = len(self.states)
        if getattr(vega, "store", None) is not None:
            close_outs, total, deposits = self._embedded_figures(asset_id)
        else:
            close_outs, total, deposits = self._network_figures(market_id, asset_id)
        self.states.append(
            StepState(
                step=step,
                vega_time=int(vega.get_blockchain_time()),
                trading_mode=vega_protos.markets.Market.TradingMode.Name(data.market_trading_mode),
                mark_price=float(data.mark_price),
                external_price=float(self.scenario.price_process[step]),
                best_bid=float(data.best_bid_price),
                best_ask=float(data.best_offer_price),
                maker_position=next(
                    p.position for p in parties if p.name == agent_keys.MARKET_MAKER
                ),
                parties=tuple(parties),
                close_outs=close_outs,
                total_balance=total,
                net_deposits=deposits,
                agent_errors=self.scenario.agent_errors.drain(),
            )
        )

    def _embedded_figures(self, asset_id: str) -> tuple[tuple[str, ...], int, int]:
        store = self.vega.store
        fresh = store.close_outs[self._seen_close_outs :]
        names = self._party_names() if fresh else {}
        self._seen_close_outs = len(store.close_outs)
        return (
            tuple(names.get(party, party) for _, _, party in fresh),
            self.vega.asset_total(asset_id),
            self.vega.net_deposits(asset_id),
        )

    def _network_figures(self, market_id: str, asset_id: str) -> tuple[tuple[str, ...], int, int]:
        """Close-outs since the last step, and the agents' money against their ledger."""
        names = self._party_names()
        if self._network is None:
            self._network = NetworkFigures(self.vega, market_id, asset_id, names)
        money = self._network.money()
        closed: list[str] = []
        if self._last_time is not None:
            closed = self._network.close_outs(self._last_time, money.vega_time)
        self._last_time = money.vega_time
        return (
            tuple(names.get(party, party) for party in closed),
            sum(money.balances.values()),
            sum(money.expected.values()),
        )


def attach_recorder(
    scenario: DevOpsScenario, vega: Any, on_step: Callable[[int, int], None] | None
) -> StepRecorder:
    """A recorder called at the end of every step, then `on_step(done, requested)`."""
    recorder = StepRecorder(scenario, vega)
    scenario.step_callbacks.append(recorder)
    if on_step is not None:
        steps = scenario.simulation_args.n_steps
        scenario.step_callbacks.append(lambda: on_step(len(recorder.states), steps))
    return recorder


def run_recorded(
    scenario: DevOpsScenario,
    vega: Any,
    record: RunRecord,
    seed: int,
    on_step: Callable[[int, int], None] | None,
    describe_failure: Callable[[Exception], str],
    **run_options: Any,
) -> RunRecord:
    """`record` with the steps of one run of `scenario` on `vega`, seeded with `seed`.

    A failure ends the run and is its result: the record's error names the step it
    broke in and gives `describe_failure`'s line. `run_options` go to vega-sim's
    `run_iteration`.
    """
    recorder = attach_recorder(scenario, vega, on_step)
    error = None
    try:
        with history_kept_frozen(scenario.step_callbacks):
            scenario.run_iteration(
                vega=vega,
                random_state=np.random.RandomState(seed),
                run_with_snitch=False,
                seed=seed,
                **run_options,
            )
    except Exception as failure:  # noqa: BLE001 - a run's failure is its result
        error = f"step {len(recorder.states)}: {describe_failure(failure)}"
    return replace(
        record,
        states=tuple(recorder.states),
        error=error,
        unrecorded_agent_errors=scenario.agent_errors.drain(),
    )


def _failure_line(failure: Exception) -> str:
    """The exception and the innermost place it was raised at."""
    where = traceback.extract_tb(failure.__traceback__)[-1]
    return (
        f"{type(failure).__name__}: {failure} "
        f"(at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
    )


def prepared_scenario(
    name: str,
    *,
    steps: int | None = None,
    step_length_seconds: int | None = None,
    market_name: str | None = None,
) -> DevOpsScenario:
    """Registry scenario `name`, with a run's overrides of length, step and market name."""
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    scenario = SCENARIOS[name]()
    if market_name:
        scenario.market_manager_args = replace(
            scenario.market_manager_args, market_name=market_name
        )
    if steps is not None or step_length_seconds is not None:
        simulation = scenario.simulation_args
        scenario.simulation_args = replace(
            simulation,
            n_steps=steps or simulation.n_steps,
            step_length_seconds=step_length_seconds or simulation.step_length_seconds,
        )
    return scenario


def empty_record(name: str, scenario: DevOpsScenario, seed: int, backend: str) -> RunRecord:
    """A run's header, before any step: what was asked for and the maker's boundaries."""
    maker = scenario.market_maker_args
    return RunRecord(
        scenario=name,
        seed=seed,
        steps_requested=scenario.simulation_args.n_steps,
        step_length_seconds=scenario.simulation_args.step_length_seconds,
        backend=backend,
        maker_name=agent_keys.MARKET_MAKER,
        maker_lower_boundary=maker.inventory_lower_boundary,
        maker_upper_boundary=maker.inventory_upper_boundary,
    )


def run_scenario(
    name: str,
    *,
    seed: int = 0,
    steps: int | None = None,
    step_length_seconds: int | None = None,
    backend: str = "embedded",
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
    console: bool = False,
) -> RunRecord:
    """Simulate registry scenario `name`; never raises for a failing run, the record says why."""
    scenario = prepared_scenario(
        name, steps=steps, step_length_seconds=step_length_seconds, market_name=market_name
    )
    return simulate(scenario, name, seed=seed, backend=backend, on_step=on_step, console=console)


def simulate(
    scenario: DevOpsScenario,
    name: str,
    *,
    seed: int = 0,
    backend: str = "embedded",
    on_step: Callable[[int, int], None] | None = None,
    console: bool = False,
) -> RunRecord:
    """Simulate a scenario object as configured, recording every step."""
    record = empty_record(name, scenario, seed, backend)
    with open_backend(backend, seed, console) as vega:
        return run_recorded(scenario, vega, record, seed, on_step, _failure_line)
