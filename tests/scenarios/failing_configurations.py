"""Configurations that really fail, one per market-behaviour invariant (tests only).

Each is ETHUSD with one thing changed, simulated for real: the engine enters a
price-monitoring auction, closes a trader out, or lets the market maker's
inventory run past its boundaries, and the matching invariant fails from the
recorded run. They live here, not in the registry, since no one should deploy them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from vega_sim.environment.agent import StateAgentWithWallet

from devops.harness.parameters import MomentumStrategy
from devops.harness.prices import PriceProcessParams
from devops.harness.registry import SCENARIOS
from devops.harness.scenario import DevOpsScenario
from devops.sweep.grid import ARGS_FIELDS

STEPS = 60
BASE = SCENARIOS["ETHUSD"]  # taken now: a session may swap the registry's entries
TOUCH_BUYER = "touch_buyer"


class TouchBuyer(StateAgentWithWallet):
    """Each step, a good-till-cancelled limit buy at the best ask: a persistent order
    that trades at the touch wherever the touch has gone."""

    NAME_BASE = TOUCH_BUYER

    def __init__(self, *, volume: float, initial_mint: float, **identity: Any) -> None:
        market_name, asset_name = identity.pop("market_name"), identity.pop("asset_name")
        super().__init__(**identity)
        self.market_name, self.asset_name = market_name, asset_name
        self.volume, self.initial_mint = volume, initial_mint

    def initialise(self, vega: Any, create_key: bool = True, mint_key: bool = True) -> None:
        super().initialise(vega=vega, create_key=create_key)
        self.market_id = vega.find_market_id(name=self.market_name)
        if mint_key:
            asset = vega.find_asset_id(symbol=self.asset_name)
            vega.mint(
                key_name=self.key_name,
                asset=asset,
                amount=self.initial_mint,
                wallet_name=self.wallet_name,
            )

    def step(self, vega_state: Any) -> None:
        _, best_ask = self.vega.best_prices(market_id=self.market_id)
        if best_ask <= 0:
            return
        self.vega.submit_order(
            trading_key=self.key_name,
            trading_wallet=self.wallet_name,
            market_id=self.market_id,
            order_type="TYPE_LIMIT",
            time_in_force="TIME_IN_FORCE_GTC",
            side="SIDE_BUY",
            volume=self.volume,
            price=best_ask,
            wait=False,
        )


class WithTouchBuyer(DevOpsScenario):
    """A DevOps scenario with one `TouchBuyer` trading beside the standard crowd."""

    touch_volume = 0.01
    touch_mint = 1e5

    def configure_agents(self, vega: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        agents = super().configure_agents(vega, *args, **kwargs)
        buyer = TouchBuyer(
            volume=self.touch_volume,
            initial_mint=self.touch_mint,
            key_name=TOUCH_BUYER,
            wallet_name=agents["market_maker"].wallet_name,
            market_name=self.market_name,
            asset_name=self.asset_name,
            tag=TOUCH_BUYER,
        )
        self.agent_errors.watch(buyer)
        return {**agents, TOUCH_BUYER: buyer}


def _ethusd(
    kind: type[DevOpsScenario] = DevOpsScenario, **changes: dict[str, Any]
) -> DevOpsScenario:
    base = BASE()
    args = {name: getattr(base, name) for name in (*ARGS_FIELDS, "expectations")}
    for name, fields in changes.items():
        args[name] = dataclasses.replace(args[name], **fields)
    return kind(**args)


def auction() -> DevOpsScenario:
    """Price jumps of about 15%: the maker requotes at once, and the touch buyer's persistent
    order at the new ask would trade outside the price-monitoring bounds."""
    return _ethusd(
        WithTouchBuyer,
        simulation_args={
            "n_steps": STEPS,
            "price_process": PriceProcessParams(
                initial_price=1_800, volatility=0.6, jump_intensity=3e5, jump_std=0.15
            ),
        },
    )


def close_out() -> DevOpsScenario:
    """A thinly funded buyer at the touch while the price slides: it is closed out."""
    scenario = _ethusd(
        WithTouchBuyer,
        simulation_args={
            "n_steps": STEPS,
            "price_process": PriceProcessParams(initial_price=1_800, volatility=0.6, drift=-3000.0),
        },
        expectations={"max_closeouts_per_party_per_100_steps": 0},
    )
    scenario.touch_volume, scenario.touch_mint = 0.1, 40.0
    return scenario


def maker_past_boundaries() -> DevOpsScenario:
    """Boundaries of one unit against one-sided flow: the maker's inventory runs past them."""
    return _ethusd(
        simulation_args={"n_steps": STEPS},
        market_maker_args={"inventory_lower_boundary": -1, "inventory_upper_boundary": 1},
        random_trader_args={"step_bias": (0.9, 0.9, 0.9)},
    )


def agent_error() -> DevOpsScenario:
    """A momentum trader whose RSI period TA-Lib refuses: the agent raises when it steps."""
    strategies = (MomentumStrategy("RSI", periods={"timeperiod": 1}),) * 5
    return _ethusd(
        simulation_args={"n_steps": STEPS}, momentum_trader_args={"strategies": strategies}
    )


# configuration name -> (factory, the invariant it fails)
FAILING: dict[str, tuple[Callable[[], DevOpsScenario], str]] = {
    "ETHUSD_AUCTION": (auction, "monitoring_auction_fraction"),
    "ETHUSD_CLOSEOUT": (close_out, "party_closeouts"),
    "ETHUSD_MAKER": (maker_past_boundaries, "maker_within_boundaries"),
    "ETHUSD_AGENT_ERROR": (agent_error, "no_agent_errors"),
}
