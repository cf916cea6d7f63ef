"""A market created through governance on the embedded service, shared by a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from vega_sim.api.market import MarketConfig

from devops.nullchain import EmbeddedVegaService

ASSET = "tUSD"
MARKET = "ETH/USD"
PARTIES = ("proposer", "maker", "buyer", "seller", "settler")


def open_market(vega: EmbeddedVegaService) -> tuple[str, str]:
    """Asset and market through governance, funded parties; returns (asset id, market id)."""
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


@pytest.fixture()
def service() -> Iterator[EmbeddedVegaService]:
    with EmbeddedVegaService(seed=11, transactions_per_block=1) as vega:
        yield vega


@pytest.fixture()
def market(service: EmbeddedVegaService) -> tuple[str, str]:
    return open_market(service)
