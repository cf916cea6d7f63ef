"""Scenario parameters: nonsense is refused on creation, with a message naming the field."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import devops.harness.parameters as parameters
from devops.harness.parameters import (
    ASSET_FAUCET_CAP,
    AuctionTraderArgs,
    MarketMakerArgs,
    MarketManagerArgs,
    MomentumStrategy,
    MomentumTraderArgs,
    RandomTraderArgs,
    SimulationArgs,
)
from devops.harness.prices import PriceProcessParams
from devops.harness.registry import SCENARIOS

ETH = SCENARIOS["ETHUSD"]()

ALL_ARGS = (
    ETH.market_manager_args,
    ETH.market_maker_args,
    ETH.auction_trader_args,
    ETH.random_trader_args,
    ETH.momentum_trader_args,
    ETH.sensitive_trader_args,
    ETH.simulation_args,
)


def changed(args: Any, **changes: Any) -> Any:
    return dataclasses.replace(args, **changes)


@pytest.mark.parametrize("args", ALL_ARGS, ids=lambda args: type(args).__name__)
def test_every_field_is_documented_in_the_module_docstring(args: Any) -> None:
    doc = parameters.__doc__ or ""
    section = doc[doc.index(f"{type(args).__name__}:") :]
    for item in dataclasses.fields(args):
        assert item.name in section, f"{type(args).__name__}.{item.name} is not documented"


@pytest.mark.parametrize("args", ALL_ARGS, ids=lambda args: type(args).__name__)
def test_arguments_are_frozen(args: Any) -> None:
    name = dataclasses.fields(args)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(args, name, getattr(args, name))


def test_lists_are_accepted_and_stored_as_tuples() -> None:
    args = RandomTraderArgs(
        order_intensity=[5, 5, 5], order_volume=[1, 2, 3], step_bias=[1, 1, 1], initial_mint=10
    )
    assert args.order_volume == (1, 2, 3)
    hash(args)  # frozen and made of tuples: usable as a key


@pytest.mark.parametrize(
    ("args", "changes", "message"),
    [
        # the market
        (ETH.market_manager_args, {"market_name": ""}, "market_name must be a non-empty string"),
        (ETH.market_manager_args, {"asset_name": None}, "asset_name must be a non-empty string"),
        (ETH.market_manager_args, {"market_decimals": 6}, "cannot exceed asset_decimals"),
        (
            ETH.market_manager_args,
            {"position_decimals": -1},
            "position_decimals must be at least 0",
        ),
        (ETH.market_manager_args, {"asset_decimals": 2.5}, "asset_decimals must be a whole number"),
        (
            ETH.market_manager_args,
            {"asset_decimals": 19},
            "asset_decimals must be between 0 and 18",
        ),
        (ETH.market_manager_args, {"initial_mint": 0}, "initial_mint must be positive"),
        (ETH.market_manager_args, {"initial_mint": 2e10}, "exceeds the asset faucet cap"),
        (ETH.market_manager_args, {"settle_at_end": "yes"}, "settle_at_end must be True or False"),
        # the maker
        (ETH.market_maker_args, {"market_kappa": 0}, "market_kappa must be positive"),
        (ETH.market_maker_args, {"market_order_arrival_rate": -1}, "must be positive"),
        (ETH.market_maker_args, {"order_kappa": -0.1}, "order_kappa must not be negative"),
        (ETH.market_maker_args, {"order_levels": 0}, "order_levels must be at least 1"),
        (ETH.market_maker_args, {"order_spacing": -0.5}, "order_spacing must be positive"),
        (ETH.market_maker_args, {"inventory_lower_boundary": 5}, "must straddle zero"),
        (ETH.market_maker_args, {"inventory_upper_boundary": -5}, "must straddle zero"),
        (ETH.market_maker_args, {"inventory_upper_boundary": 2.5}, "must be a whole number"),
        (ETH.market_maker_args, {"fee_amount": 1.5}, "fee_amount must be between 0 and 1"),
        (ETH.market_maker_args, {"commitment_amount": 3e5}, "could not fund its commitment"),
        (ETH.market_maker_args, {"max_order_size": 0}, "max_order_size must be positive"),
        (ETH.market_maker_args, {"initial_mint": float("nan")}, "initial_mint must be finite"),
        # auction traders
        (ETH.auction_trader_args, {"initial_volume": -0.001}, "initial_volume must be positive"),
        (ETH.auction_trader_args, {"initial_mint": -1}, "initial_mint must be positive"),
        # random traders
        (ETH.random_trader_args, {"order_volume": (0.01, -0.1, 1)}, r"order_volume\[1\] must be"),
        (ETH.random_trader_args, {"order_volume": (0.01, 0.1)}, "needs one entry per trader"),
        (ETH.random_trader_args, {"order_intensity": (5, 5, 5, 5)}, "needs one entry per trader"),
        (ETH.random_trader_args, {"order_intensity": (5, -1, 5)}, r"order_intensity\[1\]"),
        (
            ETH.random_trader_args,
            {"step_bias": (0.5, 1.5, 0.1)},
            r"step_bias\[1\] must be at most 1",
        ),
        (ETH.random_trader_args, {"step_bias": 0.5}, "must be a sequence of 3 numbers"),
        (ETH.random_trader_args, {"order_volume": ("a", 1, 1)}, "must be a number"),
        # momentum traders
        (ETH.momentum_trader_args, {"order_volume": (0.01,) * 4}, "needs one entry per trader"),
        (ETH.momentum_trader_args, {"order_volume": (0.0,) * 5}, "must be greater than 0"),
        (
            ETH.momentum_trader_args,
            {"strategies": ETH.momentum_trader_args.strategies[:3]},
            "strategies needs one entry per trader",
        ),
        (ETH.momentum_trader_args, {"strategies": ("RSI",) * 5}, "must be a MomentumStrategy"),
        # sensitive traders
        (ETH.sensitive_trader_args, {"price_half_life": (1, 0, 1)}, r"price_half_life\[1\]"),
        (ETH.sensitive_trader_args, {"order_volume": [1]}, "needs one entry per trader"),
        # the run
        (ETH.simulation_args, {"n_steps": 0}, "n_steps must be at least 1"),
        (ETH.simulation_args, {"step_length_seconds": 0}, "step_length_seconds must be at least 1"),
        (ETH.simulation_args, {"step_length_seconds": 2.5}, "must be a whole number"),
        (ETH.simulation_args, {"candles_path": ""}, "candles_path must be a non-empty string"),
        (ETH.simulation_args, {"live_price_product": " "}, "live_price_product must be"),
        (ETH.simulation_args, {"price_process": 1800}, "must be a PriceProcessParams"),
    ],
)
def test_nonsense_is_refused_naming_the_field(
    args: Any, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        changed(args, **changes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"indicator": "RSX"}, "indicator must be one of MACD, APO, RSI, STOCHRSI, CMO"),
        ({"indicator": "MACD", "periods": {"fastperiod": 12}}, "must name exactly fastperiod"),
        (
            {"indicator": "RSI", "periods": {"timeperiod": 14, "fastperiod": 3}},
            "must name exactly timeperiod",
        ),
        ({"indicator": "RSI", "periods": {"timeperiod": 0}}, "timeperiod must be a positive"),
        ({"indicator": "RSI", "thresholds": (30, 70)}, r"must be \(upper, lower\)"),
        ({"indicator": "RSI", "thresholds": (70,)}, r"must be \(upper, lower\)"),
    ],
)
def test_momentum_strategies_must_be_computable(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MomentumStrategy(**arguments)


def test_momentum_periods_become_talib_arguments() -> None:
    strategy = MomentumStrategy(
        "MACD", periods={"slowperiod": 26, "fastperiod": 12, "signalperiod": 9}
    )
    assert strategy.period_arguments() == {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9}
    assert MomentumStrategy("RSI").period_arguments() is None


def test_the_default_momentum_traders_use_five_different_indicators() -> None:
    args = MomentumTraderArgs(order_intensity=(5,) * 5, order_volume=(1,) * 5, initial_mint=10)
    assert sorted(s.indicator for s in args.strategies) == sorted(parameters.INDICATOR_PERIODS)


def test_mints_up_to_the_faucet_cap_are_accepted() -> None:
    assert AuctionTraderArgs(initial_volume=1, initial_mint=ASSET_FAUCET_CAP).initial_mint > 0


def test_market_manager_defaults() -> None:
    args = MarketManagerArgs("M", "M/USD", "tUSD", 6, 4, 0)
    assert args.settle_at_end is True and args.initial_mint == 1e9


def test_simulation_defaults_are_an_hour_of_ten_second_steps() -> None:
    args = SimulationArgs(price_process=PriceProcessParams(1.0, 0.5))
    assert (args.n_steps, args.step_length_seconds) == (360, 10)
    assert args.candles_path is None and args.live_price_product is None


def test_maker_commitment_may_use_the_whole_mint() -> None:
    maker = changed(ETH.market_maker_args, commitment_amount=2e5)
    assert isinstance(maker, MarketMakerArgs)


# ---- checks across groups, made by the scenario ----------------------------------------------


def scenario_with(**groups: Any) -> Any:
    arguments = {
        "market_manager_args": ETH.market_manager_args,
        "market_maker_args": ETH.market_maker_args,
        "auction_trader_args": ETH.auction_trader_args,
        "random_trader_args": ETH.random_trader_args,
        "momentum_trader_args": ETH.momentum_trader_args,
        "sensitive_trader_args": ETH.sensitive_trader_args,
        "simulation_args": ETH.simulation_args,
    } | groups
    return type(ETH)(**arguments)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            {"random_trader_args": changed(ETH.random_trader_args, order_volume=(0.0005, 1, 1))},
            r"random_trader_args.order_volume 0.0005 is not a whole number .*10\^-3",
        ),
        (
            {"auction_trader_args": changed(ETH.auction_trader_args, initial_volume=0.0001)},
            "auction_trader_args.initial_volume",
        ),
        (
            {"momentum_trader_args": changed(ETH.momentum_trader_args, order_volume=(0.0101,) * 5)},
            "momentum_trader_args.order_volume",
        ),
        (
            {
                "sensitive_trader_args": changed(
                    ETH.sensitive_trader_args, order_volume=(0.002, 0.2, 0.0001)
                )
            },
            "sensitive_trader_args.order_volume 0.0001",
        ),
        (
            {"market_maker_args": changed(ETH.market_maker_args, order_spacing=0.001)},
            "order_spacing 0.001 is below the market's tick 0.01",
        ),
        (
            {
                "simulation_args": changed(
                    ETH.simulation_args, price_process=PriceProcessParams(0.001, 0.5)
                )
            },
            "initial_price 0.001 is below the market's tick 0.01",
        ),
    ],
)
def test_sizes_and_prices_must_fit_the_market_decimals(
    groups: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scenario_with(**groups)


def test_sizes_that_are_whole_units_pass_despite_float_noise() -> None:
    args = changed(ETH.random_trader_args, order_volume=(0.1 + 0.2, 0.007, 3))
    assert scenario_with(random_trader_args=args).random_trader_args.order_volume[0] > 0
