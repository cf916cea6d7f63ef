"""vega-sim's own network service and wallet, unchanged, against a localnet subprocess."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from vega_sim.network_service import VegaServiceNetwork

from devops.harness.local_network import LocalNetworkProcess
from devops.localnet import LOCAL_NETWORK
from tests.localnet.conftest import SCENARIO

pytestmark = pytest.mark.xdist_group("localnet")
LAND_SECONDS = 6.0  # a few blocks of one second


@pytest.fixture(scope="module")
def vega(local_network: LocalNetworkProcess) -> Iterator[VegaServiceNetwork]:
    with VegaServiceNetwork(
        network=LOCAL_NETWORK,
        run_with_wallet=False,
        run_with_console=False,
        network_config_path=str(local_network.networks_dir),
        wallet_url=local_network.wallet_url,
        vega_node_grpc_url=local_network.core_grpc_url,
        wallet_token_path=str(local_network.tokens_path),
    ) as service:
        yield service


def _eventually(read: Callable[[], Any], accept: Callable[[Any], bool]) -> Any:
    """`read()` until `accept` holds, for a few blocks; the last value read."""
    deadline = time.monotonic() + LAND_SECONDS
    value = read()
    while not accept(value) and time.monotonic() < deadline:
        time.sleep(0.25)
        value = read()
    return value


def _open_volume(vega: VegaServiceNetwork, key: str, wallet: str, market_id: str) -> float:
    position = vega.positions_by_market(key_name=key, wallet_name=wallet, market_id=market_id)
    return position.open_volume if position is not None else 0.0


def test_vega_sim_trades_on_the_prepared_market(
    vega: VegaServiceNetwork, local_network: LocalNetworkProcess
) -> None:
    wallet = local_network.env["VEGA_USER_WALLET_NAME"]
    markets = vega.all_markets()
    assert [m.tradable_instrument.instrument.name for m in markets] == [SCENARIO]
    market_id = markets[0].id
    bid, ask = vega.best_prices(market_id)
    assert 0 < bid < ask

    price = round(bid - 5, 2)
    order_id = vega.submit_order(
        trading_key="random_trader_a",
        trading_wallet=wallet,
        market_id=market_id,
        order_type="TYPE_LIMIT",
        time_in_force="TIME_IN_FORCE_GTC",
        side="SIDE_BUY",
        volume=1,
        price=price,
    )
    orders = vega.list_orders(key_name="random_trader_a", wallet_name=wallet, market_id=market_id)
    assert [(o.id, o.price, o.side) for o in orders if o.id == order_id] == [
        (order_id, price, 1)  # SIDE_BUY
    ]

    before = _open_volume(vega, "random_trader_b", wallet, market_id)
    vega.submit_market_order(
        trading_key="random_trader_b",
        trading_wallet=wallet,
        market_id=market_id,
        side="SIDE_BUY",
        volume=1,
        fill_or_kill=False,
    )
    after = _eventually(
        lambda: _open_volume(vega, "random_trader_b", wallet, market_id),
        lambda volume: volume == before + 1,
    )
    assert after == before + 1
    account = vega.party_account(
        key_name="random_trader_b",
        wallet_name=wallet,
        asset_id=vega.market_to_asset[market_id],
        market_id=market_id,
    )
    assert account.margin > 0 and account.general > 0


def test_chain_time_follows_the_wall_clock(vega: VegaServiceNetwork) -> None:
    first = vega.get_blockchain_time(in_seconds=True)
    assert abs(first - time.time()) < 2.5  # one block of 1 s, plus a loaded machine
    time.sleep(1.2)
    second = vega.get_blockchain_time(in_seconds=True)
    assert 1 <= second - first <= 3  # blocks of one second kept coming
    vega.check_datanode(raise_on_error=True)  # vega-sim's own 30 s drift check


def test_vega_sims_live_feeds_follow_the_chain(
    vega: VegaServiceNetwork, local_network: LocalNetworkProcess
) -> None:
    """vega-sim's LocalDataCache reads the data node's event bus on its own threads."""
    wallet = local_network.env["VEGA_USER_WALLET_NAME"]
    market_id = vega.all_markets()[0].id
    cache = vega.data_cache
    first = _eventually(cache.time_update_from_feed, lambda stamp: stamp > 0)
    later = _eventually(cache.time_update_from_feed, lambda stamp: stamp > first)
    assert later > first  # time updates arrive block by block
    bid, _ = vega.best_prices(market_id)
    order_id = vega.submit_order(
        trading_key="momentum_trader_a",
        trading_wallet=wallet,
        market_id=market_id,
        order_type="TYPE_LIMIT",
        time_in_force="TIME_IN_FORCE_GTC",
        side="SIDE_BUY",
        volume=1,
        price=round(bid - 7, 2),
        wait=False,
    )
    assert order_id is None  # not waited for: the feed is what sees it
    party = vega.wallet.public_key("momentum_trader_a", wallet)
    live = _eventually(
        lambda: cache.orders_for_party_from_feed(party, market_id),
        lambda orders: any(o.price == round(bid - 7, 2) for o in orders.values()),
    )
    assert any(o.price == round(bid - 7, 2) for o in live.values())
    feed_data = _eventually(
        lambda: cache.market_data_from_feed_store.get(market_id),
        lambda data: data is not None and data.best_bid_price > 0,
    )
    assert feed_data.best_bid_price > 0
