"""`DevOpsScenario`: one market and the standard crowd of vega-sim agents trading it.

The agents, all vega-sim's own classes with their arguments from `devops.harness.parameters`
and their keys from `devops.harness.agent_keys`:

    1 ConfigurableMarketManager          creates the asset and market (simulated)
                                         or only finds the market (live network)
    1 ExponentialShapedMarketMaker       the sole liquidity provider
    2 OpenAuctionPass                    cross at the first price to end the auction
    3 MarketOrderTrader                  uninformed market orders
    5 MomentumTrader                     TA-Lib indicators of the mid price
    3 PriceSensitiveMarketOrderTrader    trade when the book is near the external price

On simulated backends the external price is an offline series from `devops.harness.prices`
and the run's random state fixes it, every trader's random state and the agents'
order within a step, so one seed fixes the whole run. On a live network
(`network_mode=True`, or vega-sim's `network=` other than NULLCHAIN) the external
price is vega-sim's `LivePrice`, the only thing here that reaches the internet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from vega_sim.api.market import MarketConfig
from vega_sim.environment.agent import Agent, StateAgentWithWallet
from vega_sim.environment.environment import MarketEnvironmentWithState, NetworkEnvironment
from vega_sim.scenario.common.agents import (
    ExponentialShapedMarketMaker,
    MarketOrderTrader,
    MomentumTrader,
    OpenAuctionPass,
    PriceSensitiveMarketOrderTrader,
)
from vega_sim.scenario.common.utils.price_process import LivePrice
from vega_sim.scenario.configurable_market.agents import ConfigurableMarketManager
from vega_sim.scenario.constants import Network
from vega_sim.scenario.scenario import Scenario

from devops.harness import agent_keys
from devops.harness.agent_errors import AgentErrorLog
from devops.harness.parameters import (
    AuctionTraderArgs,
    MarketMakerArgs,
    MarketManagerArgs,
    MomentumTraderArgs,
    RandomTraderArgs,
    SensitiveTraderArgs,
    SimulationArgs,
)
from devops.harness.prices import load_candles, simulate_prices
from devops.harness.thresholds import ScenarioExpectations

# a year of steps: long enough that the maker quotes from its stationary (long-horizon)
# model rather than a finite-horizon table, as upstream's devops scenarios do
MAKER_HORIZON_STEPS = 60 * 60 * 24 * 365
# steps between the maker's re-reads of the market's risk model and network parameters
MAKER_STATE_UPDATE_STEPS = 10
_SEED_BOUND = 2**31 - 1


class MarketNotFoundError(LookupError):
    """A live network has no market of the scenario's name."""


class ExistingMarketLookup(ConfigurableMarketManager):
    """The market manager for a live network: finds the market by name, changes nothing.

    vega-sim's manager would create the asset and a new market when it finds none
    and settle the market when the run ends; on a shared network neither is ours to do.
    """

    def initialise(self, vega: Any, create_key: bool = False, mint_key: bool = False) -> None:
        self.vega = vega
        self.market_id = vega.find_market_id(name=self.market_name)
        if self.market_id is None:
            raise MarketNotFoundError(
                f"no market named {self.market_name!r} on this network; a network run only "
                "trades a market that already exists"
            )
        self.asset_id = vega.find_asset_id(symbol=self.asset_name)

    def finalise(self) -> None:
        pass


class _NetworkEnvironment(NetworkEnvironment):
    """vega-sim's network environment, also calling the step callback run_iteration gives."""

    _step_end_callback: Callable[[], None] | None = None

    def run(
        self,
        run_with_console: bool = False,
        pause_at_completion: bool = False,
        log_every_n_steps: int | None = None,
        step_end_callback: Callable[[], None] | None = None,
    ) -> None:
        self._step_end_callback = step_end_callback
        return super().run(
            run_with_console=run_with_console,
            pause_at_completion=pause_at_completion,
            log_every_n_steps=log_every_n_steps,
        )

    def step(self, vega: Any) -> None:
        vega.stepping = (
            True  # from here on, a wait is a wait (see devops.harness.deploy.NetworkService)
        )
        super().step(vega)
        if self._step_end_callback is not None:
            self._step_end_callback()


def _is_network(network_mode: bool, network: Network | None) -> bool:
    return network_mode or (network is not None and network != Network.NULLCHAIN)


def _whole_units(value: float, decimals: int) -> bool:
    """Whether `value` is a positive multiple of 10^-decimals (up to float noise)."""
    units = value * 10**decimals
    return round(units) >= 1 and abs(units - round(units)) <= 1e-6 * max(1.0, abs(units))


class DevOpsScenario(Scenario):
    def __init__(
        self,
        market_manager_args: MarketManagerArgs,
        market_maker_args: MarketMakerArgs,
        auction_trader_args: AuctionTraderArgs,
        random_trader_args: RandomTraderArgs,
        momentum_trader_args: MomentumTraderArgs,
        sensitive_trader_args: SensitiveTraderArgs,
        simulation_args: SimulationArgs,
        expectations: ScenarioExpectations | None = None,
        state_extraction_fn: Callable[[Any, dict[str, Agent]], Any] | None = None,
    ) -> None:
        super().__init__(state_extraction_fn=state_extraction_fn)
        self.market_manager_args = market_manager_args
        self.market_maker_args = market_maker_args
        self.auction_trader_args = auction_trader_args
        self.random_trader_args = random_trader_args
        self.momentum_trader_args = momentum_trader_args
        self.sensitive_trader_args = sensitive_trader_args
        self.simulation_args = simulation_args
        self.expectations = expectations if expectations is not None else ScenarioExpectations()
        # the external price the agents follow, one entry per step (LivePrice on a network);
        # set by configure_agents
        self.price_process: list[float] | LivePrice = []
        # called after every step, in order, e.g. by a runner recording the market
        self.step_callbacks: list[Callable[[], None]] = []
        # every exception an agent raises while stepping, read by the recorder each step
        self.agent_errors = AgentErrorLog()
        self.network_mode = False
        self._random_state: np.random.RandomState | None = None
        self.validate()

    # ---- what a runner reads -------------------------------------------------------------

    @property
    def market_name(self) -> str:
        return self.market_manager_args.market_name

    @property
    def asset_name(self) -> str:
        return self.market_manager_args.asset_name

    @property
    def n_steps(self) -> int:
        return self.simulation_args.n_steps

    @property
    def step_length_seconds(self) -> int:
        return self.simulation_args.step_length_seconds

    @property
    def maker_key(self) -> agent_keys.AgentKey:
        return agent_keys.agent_key(agent_keys.MARKET_MAKER)

    @property
    def maker_lower_boundary(self) -> int:
        return self.market_maker_args.inventory_lower_boundary

    @property
    def maker_upper_boundary(self) -> int:
        return self.market_maker_args.inventory_upper_boundary

    @property
    def transactions_per_step(self) -> int:
        """An upper bound on the transactions the agents send in one step.

        The maker sends at most one instruction per level per side plus its
        commitment amendment; market-order and sensitive traders at most a buy and
        a sell; momentum traders at most one order.
        """
        return (
            2 * self.market_maker_args.order_levels
            + 1
            + 2 * len(agent_keys.RANDOM_TRADERS)
            + 2 * len(agent_keys.SENSITIVE_TRADERS)
            + len(agent_keys.MOMENTUM_TRADERS)
        )

    # ---- checks across the argument groups ------------------------------------------------

    def validate(self) -> None:
        """Raise ValueError for argument groups that are fine alone but not together."""
        manager = self.market_manager_args
        tick = 10.0**-manager.market_decimals
        sizes = {
            "auction_trader_args.initial_volume": (self.auction_trader_args.initial_volume,),
            "random_trader_args.order_volume": self.random_trader_args.order_volume,
            "momentum_trader_args.order_volume": self.momentum_trader_args.order_volume,
            "sensitive_trader_args.order_volume": self.sensitive_trader_args.order_volume,
        }
        for name, values in sizes.items():
            for value in values:
                if not _whole_units(value, manager.position_decimals):
                    raise ValueError(
                        f"{name} {value:g} is not a whole number of the market's smallest "
                        f"size 10^-{manager.position_decimals} (position_decimals)"
                    )
        if self.market_maker_args.order_spacing < tick * (1 - 1e-9):
            raise ValueError(
                f"market_maker_args.order_spacing {self.market_maker_args.order_spacing:g} is "
                f"below the market's tick {tick:g} (market_decimals {manager.market_decimals})"
            )
        simulation = self.simulation_args
        if simulation.candles_path is None and simulation.price_process.initial_price < tick:
            raise ValueError(
                f"simulation_args.price_process.initial_price "
                f"{simulation.price_process.initial_price:g} is below the market's tick {tick:g}"
            )

    # ---- prices --------------------------------------------------------------------------

    def external_prices(self, seed: int) -> list[float]:
        """The offline external price series of a simulated run, one price per step."""
        simulation = self.simulation_args
        if simulation.candles_path is None:
            return simulate_prices(
                simulation.price_process,
                simulation.n_steps,
                simulation.step_length_seconds,
                seed,
            )
        closes = load_candles(simulation.candles_path, simulation.step_length_seconds)
        if len(closes) < simulation.n_steps:
            raise ValueError(
                f"{simulation.candles_path} covers {len(closes)} steps of "
                f"{simulation.step_length_seconds}s; the scenario needs {simulation.n_steps}"
            )
        return closes[: simulation.n_steps]

    # ---- vega-sim's Scenario ---------------------------------------------------------------

    def _step_end_callback(self) -> None:
        for callback in self.step_callbacks:
            callback()

    def _states(
        self, random_state: np.random.RandomState | None, seed: int | None
    ) -> np.random.RandomState:
        """The run's random state: the one given, else one seeded with `seed` (default 0)."""
        if random_state is not None:
            return random_state
        if self._random_state is None:
            self._random_state = np.random.RandomState(seed if seed is not None else 0)
        return self._random_state

    def configure_agents(
        self,
        vega: Any,
        tag: str = "",
        random_state: np.random.RandomState | None = None,
        *,
        seed: int | None = None,
        network_mode: bool = False,
        network: Network | None = None,
        offline_prices: bool = False,
        **kwargs: Any,
    ) -> dict[str, Agent]:
        """The agents by key name, in the order they must initialise.

        Touches neither `vega` nor, on simulated backends, the network. Without a
        `random_state`, one seeded with `seed` (default 0) is used, never an unseeded one.
        `offline_prices` keeps the seeded price series in network mode (the `local` target).
        """
        self.validate()
        self._random_state = None
        states = self._states(random_state, seed)

        def trader_state() -> np.random.RandomState:
            return np.random.RandomState(int(states.randint(0, _SEED_BOUND)))

        self.network_mode = _is_network(network_mode, network)
        price_seed = int(states.randint(0, _SEED_BOUND))
        if self.network_mode and not offline_prices:
            product = self.simulation_args.live_price_product
            if product is None:
                raise ValueError(
                    "simulation_args.live_price_product is needed to run against a network"
                )
            self.price_process = LivePrice(product=product)
        else:
            self.price_process = self.external_prices(price_seed)

        keys = agent_keys.agent_keys()
        agents: list[StateAgentWithWallet] = [
            self._market_manager(keys),
            self._market_maker(keys),
        ]
        auction = self.auction_trader_args
        initial_price = self.price_process[0]
        for key, side in zip(keys.auction_traders, ("SIDE_BUY", "SIDE_SELL"), strict=True):
            agents.append(
                OpenAuctionPass(
                    **self._trader_identity(key),
                    side=side,
                    initial_asset_mint=auction.initial_mint,
                    initial_price=initial_price,
                    opening_auction_trade_amount=auction.initial_volume,
                )
            )
        randoms = self.random_trader_args
        for index, key in enumerate(keys.random_traders):
            agents.append(
                MarketOrderTrader(
                    **self._trader_identity(key),
                    initial_asset_mint=randoms.initial_mint,
                    buy_intensity=randoms.order_intensity[index],
                    sell_intensity=randoms.order_intensity[index],
                    base_order_size=randoms.order_volume[index],
                    step_bias=randoms.step_bias[index],
                    random_state=trader_state(),
                )
            )
        momentum = self.momentum_trader_args
        for index, key in enumerate(keys.momentum_traders):
            strategy = momentum.strategies[index]
            agents.append(
                MomentumTrader(
                    **self._trader_identity(key),
                    momentum_strategy=strategy.indicator,
                    momentum_strategy_args=strategy.period_arguments(),
                    indicator_threshold=strategy.thresholds,
                    initial_asset_mint=momentum.initial_mint,
                    order_intensity=momentum.order_intensity[index],
                    base_order_size=momentum.order_volume[index],
                    random_state=trader_state(),
                )
            )
        sensitive = self.sensitive_trader_args
        for index, key in enumerate(keys.sensitive_traders):
            agents.append(
                PriceSensitiveMarketOrderTrader(
                    **self._trader_identity(key),
                    price_process_generator=iter(self.price_process),
                    initial_asset_mint=sensitive.initial_mint,
                    buy_intensity=sensitive.order_intensity[index],
                    sell_intensity=sensitive.order_intensity[index],
                    price_half_life=sensitive.price_half_life[index],
                    base_order_size=sensitive.order_volume[index],
                    random_state=trader_state(),
                )
            )
        for agent in agents:
            self.agent_errors.watch(agent)
        return {agent.key_name: agent for agent in agents}

    def _market_config(self) -> MarketConfig:
        config = MarketConfig()
        config.set("decimal_places", self.market_manager_args.market_decimals)
        config.set("position_decimal_places", self.market_manager_args.position_decimals)
        return config

    def _market_manager(self, keys: agent_keys.AgentKeys) -> ConfigurableMarketManager:
        manager = self.market_manager_args
        settle = manager.settle_at_end and not self.network_mode
        kind = ExistingMarketLookup if self.network_mode else ConfigurableMarketManager
        return kind(
            proposal_wallet_name=keys.market_creator.wallet_name,
            proposal_key_name=keys.market_creator.key_name,
            termination_wallet_name=keys.market_settler.wallet_name,
            termination_key_name=keys.market_settler.key_name,
            market_config=self._market_config(),
            market_name=manager.market_name,
            market_code=manager.market_code,
            asset_name=manager.asset_name,
            asset_dp=manager.asset_decimals,
            initial_mint=manager.initial_mint,
            settlement_price=self.price_process[-1] if settle else None,
            tag=keys.market_creator.key_name,
        )

    def _trader_identity(self, key: agent_keys.AgentKey) -> dict[str, str]:
        """Who a trader is and what it trades: its key, named after it, and the market."""
        return {
            "wallet_name": key.wallet_name,
            "key_name": key.key_name,
            "tag": key.key_name,
            "market_name": self.market_name,
            "asset_name": self.asset_name,
        }

    def _market_maker(self, keys: agent_keys.AgentKeys) -> ExponentialShapedMarketMaker:
        maker = self.market_maker_args
        manager = self.market_manager_args
        return ExponentialShapedMarketMaker(
            wallet_name=keys.market_maker.wallet_name,
            key_name=keys.market_maker.key_name,
            market_name=manager.market_name,
            asset_name=manager.asset_name,
            initial_asset_mint=maker.initial_mint,
            commitment_amount=maker.commitment_amount,
            market_decimal_places=manager.market_decimals,
            asset_decimal_places=manager.asset_decimals,
            market_kappa=maker.market_kappa,
            market_order_arrival_rate=maker.market_order_arrival_rate,
            kappa=maker.order_kappa,
            num_levels=maker.order_levels,
            tick_spacing=maker.order_spacing,
            inventory_lower_boundary=maker.inventory_lower_boundary,
            inventory_upper_boundary=maker.inventory_upper_boundary,
            fee_amount=maker.fee_amount,
            max_order_size=maker.max_order_size,
            num_steps=MAKER_HORIZON_STEPS,
            price_process_generator=iter(self.price_process),
            orders_from_stream=False,
            state_update_freq=MAKER_STATE_UPDATE_STEPS,
            tag=keys.market_maker.key_name,
        )

    def configure_environment(
        self,
        vega: Any,
        tag: str = "",
        random_state: np.random.RandomState | None = None,
        *,
        seed: int | None = None,
        network_mode: bool = False,
        network: Network | None = None,
        raise_datanode_errors: bool = False,
        raise_step_errors: bool = False,
        **kwargs: Any,
    ) -> MarketEnvironmentWithState:
        """A simulated environment of one-second blocks, or vega-sim's network one."""
        states = self._states(random_state, seed)
        agents = list(self.agents.values())
        if _is_network(network_mode, network):
            return _NetworkEnvironment(
                agents=agents,
                n_steps=self.n_steps,
                vega_service=vega,
                step_length_seconds=self.step_length_seconds,
                raise_datanode_errors=raise_datanode_errors,
                raise_step_errors=raise_step_errors,
                random_state=states,
            )
        return MarketEnvironmentWithState(
            agents=agents,
            n_steps=self.n_steps,
            vega_service=vega,
            step_length_seconds=self.step_length_seconds,
            block_length_seconds=1,
            transactions_per_block=self.transactions_per_step,
            random_state=states,
        )
