"""A small funded market created through governance, for tests and benchmarks."""

from __future__ import annotations

from vega_sim.api.market import MarketConfig
from vega_sim.service import VegaService

ASSET = "tUSD"
MARKET = "ETH/USD"
PARTIES = ("proposer", "maker", "buyer", "seller", "settler")


def open_market(vega: VegaService) -> tuple[str, str]:
    """Asset and market through governance, funded parties; returns (asset id, market id).

    The market has 2 price decimals and 1 position decimal on an asset of 5 decimals;
    `settler` holds its termination and settlement oracle key.
    """
    for name in PARTIES:
        vega.create_key(name)
    vega.mint("proposer", asset="VOTE", amount=1_000)
    vega.create_asset("proposer", name=ASSET, symbol=ASSET, decimals=5, max_faucet_amount=1e9)
    asset = vega.find_asset_id(ASSET)
    for name in PARTIES:
        vega.mint(name, asset=asset, amount=100_000)
    config = MarketConfig()
    config.set("decimal_places", 2)
    config.set("position_decimal_places", 1)
    config.set("instrument.name", MARKET)
    config.set("instrument.code", "ETHUSD")
    config.set("instrument.future.settlement_asset", asset)
    config.set("instrument.future.quote_name", ASSET)
    config.set("instrument.future.number_decimal_places", 2)
    config.set("instrument.future.terminating_key", vega.wallet.public_key("settler"))
    vega.create_market_from_config(proposal_key_name="proposer", market_config=config)
    return asset, vega.find_market_id(MARKET)


def start_trading(vega: VegaService, market_id: str) -> None:
    """An LP commitment and crossing orders, then the opening auction ends.

    Vega v0.72 holds a liquidity auction while either side of the book has no static
    (non-pegged) order, so both sides keep one after a market order of size 1.
    """
    vega.submit_simple_liquidity(
        "maker",
        market_id,
        commitment_amount=5_000,
        fee=0.002,
        reference_buy="PEGGED_REFERENCE_BEST_BID",
        reference_sell="PEGGED_REFERENCE_BEST_ASK",
        delta_buy=1,
        delta_sell=1,
        is_amendment=False,
    )
    for party, side, volume, price in (
        ("buyer", "SIDE_BUY", 2, 1000),
        ("seller", "SIDE_SELL", 2, 1000),
        ("buyer", "SIDE_BUY", 1, 990),
        ("seller", "SIDE_SELL", 1, 1010),
        ("seller", "SIDE_SELL", 1, 1020),
    ):
        vega.submit_order(party, market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", side, volume, price)
    vega.wait_fn(5)
