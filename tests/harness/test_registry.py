"""Registry scenarios build the standard agents from their parameters, offline and seeded.

Agents are only constructed here (vega-sim's agents touch the service in
`initialise`, not in their constructors), so no service runs.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
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

from devops.harness import agent_keys
from devops.harness.parameters import MomentumStrategy
from devops.harness.registry import SCENARIOS, build_scenario
from devops.harness.scenario import DevOpsScenario, ExistingMarketLookup, MarketNotFoundError
from devops.harness.thresholds import ScenarioExpectations

# (initial price, asset decimals, market decimals, position decimals) a market trades at
MARKETS = {
    "ETHUSD": (1_800, 5, 2, 3),
    "BTCUSD": (30_000, 5, 1, 4),
    "ADAUSDT": (0.30, 6, 4, 0),
    "XRPUSDT": (0.50, 6, 4, 0),
}
EXPECTED_COUNTS = {
    ConfigurableMarketManager: 1,
    ExponentialShapedMarketMaker: 1,
    OpenAuctionPass: 2,
    MarketOrderTrader: 3,
    MomentumTrader: 5,
    PriceSensitiveMarketOrderTrader: 3,
}


@pytest.fixture(autouse=True)
def no_live_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any live price fetch in these tests would be a bug: fail it instead of connecting."""

    def refuse(self: LivePrice) -> float:
        raise AssertionError(f"LivePrice({self.product}) was asked for a price")

    monkeypatch.setattr(LivePrice, "_get_price", refuse)


def configured(scenario: DevOpsScenario, seed: int = 0, **kwargs: Any) -> dict[str, Any]:
    return scenario.configure_agents(None, random_state=np.random.RandomState(seed), **kwargs)


# ---- the registry ----------------------------------------------------------------------------


def test_the_standard_markets_are_registered() -> None:
    assert set(MARKETS) <= set(SCENARIOS)


def test_every_call_builds_a_fresh_scenario() -> None:
    assert SCENARIOS["ETHUSD"]() is not SCENARIOS["ETHUSD"]()


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown scenario 'DOGEUSD'; known: ADAUSDT, BTCUSD"):
        build_scenario("DOGEUSD")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_entry_builds_with_its_expectations(name: str) -> None:
    scenario = build_scenario(name)
    assert isinstance(scenario, DevOpsScenario)
    assert scenario.expectations == ScenarioExpectations()
    assert (scenario.n_steps, scenario.step_length_seconds) == (360, 10)
    assert scenario.simulation_args.candles_path is None
    assert scenario.simulation_args.live_price_product


@pytest.mark.parametrize("name", sorted(MARKETS))
def test_each_market_trades_at_realistic_prices_and_decimals(name: str) -> None:
    price, asset_decimals, market_decimals, position_decimals = MARKETS[name]
    scenario = build_scenario(name)
    manager = scenario.market_manager_args
    assert (manager.asset_decimals, manager.market_decimals, manager.position_decimals) == (
        asset_decimals,
        market_decimals,
        position_decimals,
    )
    process = scenario.simulation_args.price_process
    assert process.initial_price == price
    # a 10-second step moves a crypto price by a few hundredths of a percent
    assert 1e-4 < process.step_volatility(10) < 1e-3
    # and the maker's tick spacing is a handful of ticks, not a tenth of the price
    assert scenario.market_maker_args.order_spacing < price * 1e-3


# ---- the agents ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_entry_runs_the_standard_agents_under_their_keys(name: str) -> None:
    scenario = build_scenario(name)
    agents = configured(scenario)
    assert Counter(type(agent) for agent in agents.values()) == EXPECTED_COUNTS
    names = set(agent_keys.all_key_names()) - {agent_keys.MARKET_SETTLER}
    assert set(agents) == names
    assert all(agent.key_name == key for key, agent in agents.items())
    assert list(agents)[:2] == [
        agent_keys.MARKET_CREATOR,
        agent_keys.MARKET_MAKER,
    ]  # initialise first
    manager = agents[agent_keys.MARKET_CREATOR]
    assert manager.termination_key_name == agent_keys.MARKET_SETTLER
    assert all(agent.market_name == scenario.market_name for agent in agents.values())
    assert all(agent.asset_name == scenario.asset_name for agent in agents.values())
    assert scenario.maker_key == agent_keys.AgentKey(
        agent_keys.wallet_name(), agent_keys.MARKET_MAKER
    )
    maker = agents[agent_keys.MARKET_MAKER]
    assert (maker.q_lower, maker.q_upper) == (
        scenario.maker_lower_boundary,
        scenario.maker_upper_boundary,
    )


def test_agents_sign_in_the_wallet_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(agent_keys.WALLET_NAME_ENV, "devops")
    agents = configured(build_scenario("ETHUSD"))
    assert {agent.wallet_name for agent in agents.values()} == {"devops"}
    assert agents[agent_keys.MARKET_CREATOR].termination_wallet_name == "devops"


def test_the_market_is_created_with_the_scenario_decimals_and_settled_at_the_last_price() -> None:
    scenario = build_scenario("BTCUSD")
    manager = configured(scenario)[agent_keys.MARKET_CREATOR]
    assert type(manager) is ConfigurableMarketManager
    assert manager.market_config.decimal_places == 1
    assert manager.market_config.position_decimal_places == 4
    assert manager.asset_dp == 5
    assert manager.settlement_price == scenario.price_process[-1]


def test_a_market_need_not_be_settled_at_the_end() -> None:
    scenario = build_scenario("ETHUSD")
    scenario.market_manager_args = dataclasses.replace(
        scenario.market_manager_args, settle_at_end=False
    )
    assert configured(scenario)[agent_keys.MARKET_CREATOR].settlement_price is None


def test_agents_follow_the_recorded_price_series_step_by_step() -> None:
    scenario = build_scenario("ETHUSD")
    agents = configured(scenario, seed=4)
    prices = scenario.price_process
    assert isinstance(prices, list) and len(prices) == scenario.n_steps
    assert prices[0] == 1_800
    maker = agents[agent_keys.MARKET_MAKER]
    assert [next(maker.price_process_generator) for _ in range(5)] == prices[:5]
    for key in agent_keys.SENSITIVE_TRADERS:
        generator = agents[key].price_process_generator
        assert [next(generator) for _ in range(3)] == prices[:3]
    buy, sell = (agents[key] for key in agent_keys.AUCTION_TRADERS)
    assert (buy.side, sell.side) == ("SIDE_BUY", "SIDE_SELL")
    assert buy.initial_price == sell.initial_price == prices[0]


def test_a_seed_fixes_prices_and_every_traders_randomness() -> None:
    def draws(seed: int) -> tuple[list[float], list[int]]:
        scenario = build_scenario("ADAUSDT")
        agents = configured(scenario, seed=seed)
        traders = [a for a in agents.values() if hasattr(a, "random_state")]
        assert len(traders) == 11
        return list(scenario.price_process), [int(a.random_state.randint(10**9)) for a in traders]

    assert draws(1) == draws(1)
    assert draws(1)[0] != draws(2)[0]
    assert draws(1)[1] != draws(2)[1]
    # and no two traders share a random stream
    assert len(set(draws(1)[1])) == 11


def test_without_a_random_state_the_seed_keyword_decides() -> None:
    def prices(**kwargs: Any) -> list[float]:
        scenario = build_scenario("ETHUSD")
        scenario.configure_agents(None, **kwargs)
        return list(scenario.price_process)

    assert prices() == prices(seed=0)
    assert prices(seed=5) == prices(seed=5) != prices(seed=6)


def test_candles_replace_the_simulated_prices(tmp_path: Path) -> None:
    path = tmp_path / "eth.csv"
    rows = [f"{1_700_000_000 + 60 * i},1800,1801,1799,{1800 + i}" for i in range(61)]
    path.write_text("\n".join(rows))
    scenario = build_scenario("ETHUSD")
    scenario.simulation_args = dataclasses.replace(scenario.simulation_args, candles_path=str(path))
    configured(scenario)
    assert scenario.price_process[:7] == [1800.0] * 6 + [1801.0]
    assert len(scenario.price_process) == 360


def test_candles_must_cover_the_run(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("0,1,1,1,1\n600,1,1,1,1\n")
    scenario = build_scenario("ETHUSD")
    scenario.simulation_args = dataclasses.replace(scenario.simulation_args, candles_path=str(path))
    with pytest.raises(ValueError, match="covers 61 steps of 10s; the scenario needs 360"):
        configured(scenario)


# ---- environments ----------------------------------------------------------------------------


def test_simulated_environment_has_one_second_blocks_and_room_for_a_step() -> None:
    scenario = build_scenario("ETHUSD")
    states = np.random.RandomState(3)
    scenario.agents = scenario.configure_agents(None, random_state=states)
    environment = scenario.configure_environment(None, random_state=states)
    assert type(environment) is MarketEnvironmentWithState
    assert environment.n_steps == 360
    assert environment.step_length_seconds == 10
    assert environment.block_length_seconds == 1
    assert environment.random_state is states
    # one instruction per maker level and side, its commitment, and every trader's orders
    assert environment.transactions_per_block >= 2 * 25 + 1 + 3 * 2 + 3 * 2 + 5
    assert environment.agents == list(scenario.agents.values())


def test_step_callbacks_run_after_each_step_in_order() -> None:
    scenario = build_scenario("ETHUSD")
    calls: list[str] = []
    scenario.step_callbacks += [lambda: calls.append("record"), lambda: calls.append("report")]
    scenario._step_end_callback()
    assert calls == ["record", "report"]


# ---- live networks ---------------------------------------------------------------------------


@pytest.fixture
def live_price(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LivePrice, "_get_price", lambda self: 1_234.5)


@pytest.mark.usefixtures("live_price")
@pytest.mark.parametrize(
    "mode", [{"network_mode": True}, {"network": Network.FAIRGROUND}], ids=["flag", "vega-sim"]
)
def test_network_runs_follow_live_prices_and_only_look_the_market_up(mode: dict[str, Any]) -> None:
    scenario = build_scenario("ETHUSD")
    scenario.agents = configured(scenario, **mode)
    assert isinstance(scenario.price_process, LivePrice)
    assert scenario.price_process.product == "ETHUSDT"
    manager = scenario.agents[agent_keys.MARKET_CREATOR]
    assert isinstance(manager, ExistingMarketLookup)
    assert manager.settlement_price is None
    assert scenario.agents[agent_keys.AUCTION_TRADERS[0]].initial_price == 1_234.5
    environment = scenario.configure_environment(
        None, random_state=np.random.RandomState(0), **mode
    )
    assert isinstance(environment, NetworkEnvironment)
    assert environment.n_steps == 360 and environment.step_length_seconds == 10


def test_nullchain_network_is_simulated() -> None:
    scenario = build_scenario("ETHUSD")
    configured(scenario, network=Network.NULLCHAIN)
    assert isinstance(scenario.price_process, list)
    assert not scenario.network_mode


def test_network_runs_need_a_live_price_product() -> None:
    scenario = build_scenario("ETHUSD")
    scenario.simulation_args = dataclasses.replace(
        scenario.simulation_args, live_price_product=None
    )
    with pytest.raises(ValueError, match="live_price_product is needed"):
        configured(scenario, network_mode=True)


class FakeNetwork:
    """Answers the two look-ups; any other call (creating, minting) fails the test."""

    def __init__(self, market_id: str | None) -> None:
        self.market_id = market_id

    def find_market_id(self, name: str) -> str | None:
        return self.market_id

    def find_asset_id(self, symbol: str) -> str:
        return f"asset-{symbol}"


@pytest.mark.usefixtures("live_price")
def test_the_network_manager_finds_the_market_and_changes_nothing() -> None:
    scenario = build_scenario("ETHUSD")
    manager = configured(scenario, network_mode=True)[agent_keys.MARKET_CREATOR]
    manager.initialise(FakeNetwork("m1"), create_key=False, mint_key=False)
    assert (manager.market_id, manager.asset_id) == ("m1", "asset-tDAI")
    manager.finalise()  # settles nothing: the fake would fail on any call


@pytest.mark.usefixtures("live_price")
def test_the_network_manager_says_when_the_market_is_missing() -> None:
    manager = configured(build_scenario("ETHUSD"), network_mode=True)[agent_keys.MARKET_CREATOR]
    with pytest.raises(MarketNotFoundError, match="no market named 'ETHUSD' on this network"):
        manager.initialise(FakeNetwork(None))


# ---- every parameter reaches an agent or the environment -------------------------------------


def plain(value: Any) -> Any:
    """`value` if it is data (numbers, text, containers of them), else None."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if not callable(item)}
    return None


def snapshot(scenario: DevOpsScenario, **mode: Any) -> dict[str, Any]:
    """Everything a run is made of: agents' data attributes, prices, the environment."""
    states = np.random.RandomState(0)
    scenario.agents = scenario.configure_agents(None, random_state=states, **mode)
    environment = scenario.configure_environment(None, random_state=states, **mode)
    result: dict[str, Any] = {
        "prices": plain(scenario.price_process)
        if isinstance(scenario.price_process, list)
        else scenario.price_process.product,
        "environment": plain(vars(environment)),
    }
    for key, agent in scenario.agents.items():
        result[key] = {name: plain(value) for name, value in vars(agent).items()}
        config = getattr(agent, "market_config", None)
        if config is not None:
            result[key]["config"] = (config.decimal_places, config.position_decimal_places)
    return result


def mutated(name: str, value: Any, tmp_path: Path) -> Any:
    """A different valid value for field `name` of the ETHUSD scenario."""
    special = {
        "asset_decimals": lambda v: v + 1,
        "market_decimals": lambda v: v - 1,
        "position_decimals": lambda v: v + 1,
        "step_bias": lambda v: (v[0] / 2, *v[1:]),
        "price_process": lambda v: dataclasses.replace(v, volatility=v.volatility * 2),
        "live_price_product": lambda v: "ETHBTC",
        "strategies": lambda v: tuple(reversed(v)),
    }
    if name in special:
        return special[name](value)
    if name == "candles_path":
        path = tmp_path / "candles.csv"
        path.write_text("\n".join(f"{60 * i},1,1,1,{1 + i}" for i in range(61)))
        return str(path)
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "2"
    if isinstance(value, int | float):
        return value * 2
    if isinstance(value, tuple):
        return (value[0] * 2, *value[1:])
    raise AssertionError(f"no mutation for {name}={value!r}")


GROUPS = (
    "market_manager_args",
    "market_maker_args",
    "auction_trader_args",
    "random_trader_args",
    "momentum_trader_args",
    "sensitive_trader_args",
    "simulation_args",
)
FIELDS = [
    (group, item.name)
    for group in GROUPS
    for item in dataclasses.fields(getattr(SCENARIOS["ETHUSD"](), group))
]


@pytest.mark.usefixtures("live_price")
@pytest.mark.parametrize("mode", [{}, {"network_mode": True}], ids=["simulated", "network"])
def test_identical_parameters_give_identical_runs(mode: dict[str, Any]) -> None:
    # without this, the test below could pass on noise
    assert snapshot(SCENARIOS["ETHUSD"](), **mode) == snapshot(SCENARIOS["ETHUSD"](), **mode)


@pytest.mark.usefixtures("live_price")
@pytest.mark.parametrize(("group", "name"), FIELDS, ids=[f"{g}.{n}" for g, n in FIELDS])
def test_every_parameter_changes_the_configured_run(group: str, name: str, tmp_path: Path) -> None:
    mode = {"network_mode": True} if name == "live_price_product" else {}
    base = SCENARIOS["ETHUSD"]()
    other = SCENARIOS["ETHUSD"]()
    args = getattr(other, group)
    setattr(
        other,
        group,
        dataclasses.replace(args, **{name: mutated(name, getattr(args, name), tmp_path)}),
    )
    other.validate()
    assert snapshot(base, **mode) != snapshot(other, **mode)


def test_momentum_strategies_reach_the_traders() -> None:
    scenario = build_scenario("ETHUSD")
    custom = MomentumStrategy("RSI", periods={"timeperiod": 7}, thresholds=(75, 25))
    strategies = (custom, *scenario.momentum_trader_args.strategies[1:])
    scenario.momentum_trader_args = dataclasses.replace(
        scenario.momentum_trader_args, strategies=strategies
    )
    trader = configured(scenario)[agent_keys.MOMENTUM_TRADERS[0]]
    assert trader.momentum_strategy == "RSI"
    assert trader.momentum_strategy_args == {"timeperiod": 7}
    assert trader.indicator_threshold == (75, 25)


def test_sizes_reach_the_traders_as_configured() -> None:
    scenario = build_scenario("ETHUSD")
    agents = configured(scenario)
    randoms = [agents[key] for key in agent_keys.RANDOM_TRADERS]
    assert [a.base_order_size for a in randoms] == [0.01, 0.1, 1]
    assert [a.step_bias for a in randoms] == [0.333, 0.012, 0.003]
    sensitive = [agents[key] for key in agent_keys.SENSITIVE_TRADERS]
    assert [a.probability_decay for a in sensitive] == pytest.approx(
        [math.log(2) / h for h in (0.5, 1.0, 2.0)]
    )
    maker = agents[agent_keys.MARKET_MAKER]
    assert (maker.mdp, maker.adp, maker.num_levels, maker.tick_spacing) == (2, 5, 25, 0.5)


# ---- wallet ----------------------------------------------------------------------------------


def test_wallet_lists_one_key_per_agent() -> None:
    names = agent_keys.all_key_names()
    assert len(names) == len(set(names)) == 16
    assert [key.key_name for key in agent_keys.all_agent_keys("w")] == list(names)
    assert {key.wallet_name for key in agent_keys.all_agent_keys("w")} == {"w"}


def test_wallet_name_is_read_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(agent_keys.WALLET_NAME_ENV, raising=False)
    assert agent_keys.wallet_name() == "vega-market-sim"
    monkeypatch.setenv(agent_keys.WALLET_NAME_ENV, "devops")
    assert agent_keys.wallet_name() == "devops"
    assert agent_keys.agent_key("market_maker") == agent_keys.AgentKey("devops", "market_maker")


def test_passphrase_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(agent_keys.WALLET_PASS_ENV, raising=False)
    assert agent_keys.wallet_passphrase() is None
    with pytest.raises(agent_keys.MissingPassphraseError, match="set VEGA_USER_WALLET_PASS"):
        agent_keys.require_wallet_passphrase()
    monkeypatch.setenv(agent_keys.WALLET_PASS_ENV, "hunter2")
    secret = agent_keys.require_wallet_passphrase()
    assert secret.reveal() == "hunter2"
    assert "hunter2" not in repr(secret) + str(secret) + f"{secret}" + repr([secret])
