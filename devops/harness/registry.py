"""The scenarios users run by name; adding a scenario is adding one entry.

Each entry builds a fresh `DevOpsScenario` (scenarios hold run state, so never share
one) carrying its own `ScenarioExpectations`. Prices, decimals and sizes are those
the pairs trade at. Volatilities are annualised and typical of each asset (ETH
about 60%, BTC 50%, ADA and XRP 80 to 90%): over a 10-second step that is a
standard deviation of 0.03% to 0.05% of the price, over an hour 0.5% to 1%. Jumps
of about 1% arrive a few times a month. The makers' parameters follow upstream
vega-sim's devops registry.
"""

from __future__ import annotations

from collections.abc import Callable

from devops.harness.parameters import (
    AuctionTraderArgs,
    MarketMakerArgs,
    MarketManagerArgs,
    MomentumTraderArgs,
    RandomTraderArgs,
    SensitiveTraderArgs,
    SimulationArgs,
)
from devops.harness.prices import PriceProcessParams
from devops.harness.scenario import DevOpsScenario
from devops.harness.thresholds import ScenarioExpectations


def _usdt_altcoin(
    base: str, price_half_life: tuple[float, ...], price_process: PriceProcessParams
) -> DevOpsScenario:
    """`<base>USDT`: an alt-coin against tUSDT; ADA and XRP differ only in their prices."""
    return DevOpsScenario(
        market_manager_args=MarketManagerArgs(
            market_name=f"{base}USDT",
            market_code=f"{base}/USDT",
            asset_name="tUSDT",
            asset_decimals=6,
            market_decimals=4,
            position_decimals=0,
        ),
        market_maker_args=MarketMakerArgs(
            market_kappa=10_000,
            market_order_arrival_rate=5_000,
            order_kappa=350,
            order_levels=25,
            order_spacing=0.0002,
            inventory_lower_boundary=-5_000,
            inventory_upper_boundary=5_000,
            fee_amount=0.0001,
            commitment_amount=3e5,
            initial_mint=1.5e6,
            max_order_size=200_000,
        ),
        auction_trader_args=AuctionTraderArgs(initial_volume=1, initial_mint=5e4),
        random_trader_args=RandomTraderArgs(
            order_intensity=(100, 100, 100),
            order_volume=(1, 1, 1),
            step_bias=(1, 1, 1),
            initial_mint=5e4,
        ),
        momentum_trader_args=MomentumTraderArgs(
            order_intensity=(5, 5, 5, 5, 5),
            order_volume=(10, 10, 10, 10, 10),
            initial_mint=5e4,
        ),
        sensitive_trader_args=SensitiveTraderArgs(
            order_intensity=(5, 5, 5),
            price_half_life=price_half_life,
            order_volume=(10, 50, 100),
            initial_mint=5e4,
        ),
        simulation_args=SimulationArgs(
            price_process=price_process,
            live_price_product=f"{base}USDT",
        ),
        expectations=ScenarioExpectations(),
    )


SCENARIOS: dict[str, Callable[[], DevOpsScenario]] = {
    "ETHUSD": lambda: DevOpsScenario(
        market_manager_args=MarketManagerArgs(
            market_name="ETHUSD",
            market_code="ETH/USD",
            asset_name="tDAI",
            asset_decimals=5,
            market_decimals=2,
            position_decimals=3,
        ),
        market_maker_args=MarketMakerArgs(
            market_kappa=10,
            market_order_arrival_rate=100,
            order_kappa=0.3,
            order_levels=25,
            order_spacing=0.5,
            inventory_lower_boundary=-30,
            inventory_upper_boundary=30,
            fee_amount=0.001,
            commitment_amount=1e5,
            initial_mint=2e5,
        ),
        auction_trader_args=AuctionTraderArgs(initial_volume=0.001, initial_mint=1e4),
        random_trader_args=RandomTraderArgs(
            order_intensity=(5, 5, 5),
            order_volume=(0.01, 0.1, 1),
            step_bias=(0.333, 0.012, 0.003),
            initial_mint=1e6,
        ),
        momentum_trader_args=MomentumTraderArgs(
            order_intensity=(5, 5, 5, 5, 5),
            order_volume=(0.01, 0.01, 0.01, 0.01, 0.01),
            initial_mint=1e5,
        ),
        sensitive_trader_args=SensitiveTraderArgs(
            order_intensity=(5, 5, 5),
            price_half_life=(0.5, 1.0, 2.0),
            order_volume=(0.01, 0.05, 0.1),
            initial_mint=1e5,
        ),
        simulation_args=SimulationArgs(
            price_process=PriceProcessParams(
                initial_price=1_800, volatility=0.6, jump_intensity=50, jump_std=0.01
            ),
            live_price_product="ETHUSDT",
        ),
        expectations=ScenarioExpectations(),
    ),
    "BTCUSD": lambda: DevOpsScenario(
        market_manager_args=MarketManagerArgs(
            market_name="BTCUSD",
            market_code="BTC/USD",
            asset_name="tDAI",
            asset_decimals=5,
            market_decimals=1,
            position_decimals=4,
        ),
        market_maker_args=MarketMakerArgs(
            market_kappa=0.15,
            market_order_arrival_rate=100,
            order_kappa=0.15,
            order_levels=25,
            order_spacing=1,
            inventory_lower_boundary=-3,
            inventory_upper_boundary=3,
            fee_amount=0.0001,
            commitment_amount=1e5,
            initial_mint=2e5,
        ),
        auction_trader_args=AuctionTraderArgs(initial_volume=0.001, initial_mint=1e4),
        random_trader_args=RandomTraderArgs(
            order_intensity=(5, 5, 5),
            order_volume=(0.001, 0.01, 0.1),
            step_bias=(0.333, 0.012, 0.003),
            initial_mint=1e6,
        ),
        momentum_trader_args=MomentumTraderArgs(
            order_intensity=(5, 5, 5, 5, 5),
            order_volume=(0.001, 0.001, 0.001, 0.001, 0.001),
            initial_mint=1e5,
        ),
        sensitive_trader_args=SensitiveTraderArgs(
            order_intensity=(5, 5, 5),
            price_half_life=(5.0, 10.0, 20.0),
            order_volume=(0.001, 0.005, 0.01),
            initial_mint=1e5,
        ),
        simulation_args=SimulationArgs(
            price_process=PriceProcessParams(
                initial_price=30_000, volatility=0.5, jump_intensity=50, jump_std=0.01
            ),
            live_price_product="BTCUSDT",
        ),
        expectations=ScenarioExpectations(),
    ),
    "ADAUSDT": lambda: _usdt_altcoin(
        "ADA",
        price_half_life=(0.0002, 0.0005, 0.001),
        price_process=PriceProcessParams(
            initial_price=0.30, volatility=0.8, jump_intensity=50, jump_std=0.015
        ),
    ),
    "XRPUSDT": lambda: _usdt_altcoin(
        "XRP",
        price_half_life=(0.0003, 0.0008, 0.0015),
        price_process=PriceProcessParams(
            initial_price=0.50, volatility=0.9, jump_intensity=50, jump_std=0.015
        ),
    ),
}


def build_scenario(name: str) -> DevOpsScenario:
    """A fresh scenario by registry name, or a KeyError listing the names there are."""
    try:
        factory = SCENARIOS[name]
    except KeyError:
        raise KeyError(
            f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}"
        ) from None
    return factory()
