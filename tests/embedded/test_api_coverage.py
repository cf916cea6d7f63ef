"""Every public member of vega-sim 1.2.1's `VegaService`, through vega-sim's own code.

The README's API table lists each member as served or not; these tests hold the table
to vega-sim's actual members (found with `inspect`, so it cannot drift), call every
served one on a service with one market in continuous trading, and check that every
member the table marks as needing Vega's binaries refuses with one line saying why.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.api.market import MarketConfig
from vega_sim.service import VegaService

from devops.embedded import EmbeddedVegaService
from devops.embedded.binary_only import BinaryOnlyError
from devops.embedded.demo import open_market, start_trading

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<name>\w+)` \| (?P<served>yes|no) \| (?P<why>.*) \|$")
GENERAL = vega_protos.vega.ACCOUNT_TYPE_GENERAL
INSURANCE = vega_protos.vega.ACCOUNT_TYPE_INSURANCE
# members that change what the others read (markets, LPs, transfers, stake, the
# market's state) get a service of their own
ISOLATED = {
    "create_market_from_config",
    "create_simple_market",
    "one_off_transfer",
    "recurring_transfer",
    "settle_market",
    "stake",
    "stop",
    "submit_liquidity",
    "submit_market_order",
    "submit_simple_liquidity",
    "update_market",
    "update_network_parameter",
}


def vega_sim_members() -> set[str]:
    return {name for name, _ in inspect.getmembers(VegaService) if not name.startswith("_")}


def readme_table() -> dict[str, tuple[bool, str]]:
    rows = {}
    for line in README.read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows[match["name"]] = (match["served"] == "yes", match["why"].strip())
    return rows


@dataclass
class Market:
    vega: EmbeddedVegaService
    asset: str
    market_id: str
    order_id: str  # a live limit order of `buyer`


def _open(seed: int) -> Iterator[Market]:
    with EmbeddedVegaService(seed=seed, transactions_per_block=1) as vega:
        asset, market_id = open_market(vega)
        start_trading(vega, market_id)
        order_id = vega.submit_order(
            "buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 980, wait=True
        )
        yield Market(vega, asset, market_id, order_id)


@pytest.fixture(scope="module")
def shared() -> Iterator[Market]:
    yield from _open(seed=21)


@pytest.fixture()
def own() -> Iterator[Market]:
    yield from _open(seed=22)


def _config(m: Market) -> MarketConfig:
    config = MarketConfig()
    config.set("instrument.name", "BTC/USD")
    config.set("instrument.code", "BTCUSD")
    config.set("instrument.future.settlement_asset", m.asset)
    config.set("instrument.future.quote_name", "tUSD")
    config.set("instrument.future.number_decimal_places", 2)
    config.set("instrument.future.terminating_key", m.vega.wallet.public_key("settler"))
    return config


def _instructions(m: Market) -> Any:
    v = m.vega
    submission = v.create_order_submission(
        m.market_id, 1, "SIDE_SELL", "TYPE_LIMIT", "TIME_IN_FORCE_GTC", price=1030
    )
    before = len(v.list_orders("seller", m.market_id))
    v.submit_instructions("seller", cancellations=[], amendments=[], submissions=[submission])
    v.wait_fn(1)
    return len(v.list_orders("seller", m.market_id)) - before


def _amend(m: Market) -> float:
    v = m.vega
    v.amend_order("buyer", m.market_id, m.order_id, price=985)
    v.wait_fn(1)
    return v.order_status(m.order_id).price


def _cancel(m: Market) -> int:
    v = m.vega
    order_id = v.submit_order(
        "buyer", m.market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 970, wait=True
    )
    v.cancel_order("buyer", m.market_id, order_id)
    v.wait_fn(1)
    return v.order_status(order_id).status


def _recurring(m: Market) -> int:
    epoch = m.vega.statistics().epoch_seq
    m.vega.recurring_transfer(
        "seller", GENERAL, GENERAL, m.asset, 100, to_key_name="maker", start_epoch=epoch + 1
    )
    m.vega.wait_fn(1)
    return len(m.vega.list_transfers())


def _one_off(m: Market) -> float:
    before = m.vega.party_account("maker", m.asset, m.market_id).general
    m.vega.one_off_transfer("proposer", "maker", GENERAL, GENERAL, m.asset, 100)
    m.vega.wait_fn(1)
    return m.vega.party_account("maker", m.asset, m.market_id).general - before


def _simple_market(m: Market) -> str:
    return m.vega.create_simple_market("SOL/USD", "proposer", m.asset, "settler")


def _settle(m: Market) -> int:
    m.vega.settle_market("settler", 1005, m.market_id)
    m.vega.wait_fn(1)
    return m.vega.market_info(m.market_id).state


def _stake(m: Market) -> float:
    m.vega.stake(10, "proposer")
    return m.vega.get_stake(m.vega.wallet.public_key("proposer"))


def _stop(m: Market) -> bool:
    m.vega.data_cache  # noqa: B018 - the cache is what `stop` stops
    m.vega.stop()
    return True


MARKET_ACTIVE = vega_protos.markets.Market.STATE_ACTIVE
STOPPED = vega_protos.vega.Order.STATUS_CANCELLED
SETTLED = vega_protos.markets.Market.STATE_SETTLED

# each served member: a call through vega-sim's code, and a check its answer passes
CALLS: dict[str, tuple[Callable[[Market], Any], Callable[[Any, Market], bool]]] = {
    "all_markets": (
        lambda m: m.vega.all_markets(),
        lambda r, m: [x.id for x in r] == [m.market_id],
    ),
    "amend_order": (_amend, lambda r, m: r == "98500"),
    "asset_decimals": (lambda m: m.vega.asset_decimals[m.asset], lambda r, m: r == 5),
    "best_prices": (lambda m: m.vega.best_prices(m.market_id), lambda r, m: r[0] < r[1]),
    "cancel_order": (_cancel, lambda r, m: r == STOPPED),
    "core_client": (lambda m: m.vega.core_client.GetVegaTime, lambda r, m: callable(r)),
    "core_state_client": (lambda m: m.vega.core_state_client, lambda r, m: r is not None),
    "create_asset": (
        lambda m: (
            m.vega.create_asset("proposer", name="tEUR", symbol="tEUR", decimals=3),
            m.vega.find_asset_id("tEUR"),
        )[1],
        lambda r, m: bool(r) and r != m.asset,
    ),
    "create_key": (lambda m: m.vega.create_key("newcomer"), lambda r, m: len(r) == 64),
    "create_market_from_config": (
        lambda m: (
            m.vega.create_market_from_config("proposer", _config(m)),
            m.vega.find_market_id("BTC/USD"),
        )[1],
        lambda r, m: bool(r) and r != m.market_id,
    ),
    "create_order_amendment": (
        lambda m: m.vega.create_order_amendment(m.order_id, m.market_id, price=990),
        lambda r, m: r.order_id == m.order_id and r.price == "99000",
    ),
    "create_order_cancellation": (
        lambda m: m.vega.create_order_cancellation(m.order_id, m.market_id),
        lambda r, m: r.order_id == m.order_id,
    ),
    "create_order_submission": (
        lambda m: m.vega.create_order_submission(
            m.market_id, 2, "SIDE_BUY", "TYPE_LIMIT", "TIME_IN_FORCE_GTC", price=975
        ),
        lambda r, m: (r.size, r.price) == (20, "97500"),
    ),
    "create_simple_market": (_simple_market, lambda r, m: True),
    "data_cache": (lambda m: m.vega.data_cache, lambda r, m: r is not None),
    "estimate_position": (
        lambda m: m.vega.estimate_position(m.market_id, open_volume=1),
        lambda r, m: r[0].best_case.maintenance_margin > 0,
    ),
    "find_asset_id": (lambda m: m.vega.find_asset_id("tUSD"), lambda r, m: r == m.asset),
    "find_market_id": (lambda m: m.vega.find_market_id("ETH/USD"), lambda r, m: r == m.market_id),
    "forward": (
        lambda m: (
            m.vega.get_blockchain_time(),
            m.vega.forward("10s"),
            m.vega.get_blockchain_time(),
        ),
        lambda r, m: r[2] - r[0] == 10 * 10**9,
    ),
    "get_asset": (lambda m: m.vega.get_asset(m.asset), lambda r, m: r.details.symbol == "tUSD"),
    "get_blockchain_time": (
        lambda m: m.vega.get_blockchain_time(in_seconds=True),
        lambda r, m: r > 0,
    ),
    "get_blockchain_time_from_feed": (
        lambda m: m.vega.get_blockchain_time_from_feed(),
        lambda r, m: r == m.vega.get_blockchain_time(),
    ),
    "get_latest_market_data": (
        lambda m: m.vega.get_latest_market_data(m.market_id),
        lambda r, m: r.mark_price > 0,
    ),
    "get_ledger_entries_from_stream": (
        lambda m: m.vega.get_ledger_entries_from_stream(key_name_to="maker"),
        lambda r, m: isinstance(r, list),
    ),
    "get_liquidity_fee_shares": (
        lambda m: m.vega.get_liquidity_fee_shares(m.market_id, key_name="maker"),
        lambda r, m: r == 1,
    ),
    "get_network_parameter": (
        lambda m: m.vega.get_network_parameter("transfer.fee.factor", to_type="float"),
        lambda r, m: r == 0.001,
    ),
    "get_risk_factors": (lambda m: m.vega.get_risk_factors(m.market_id), lambda r, m: r.long > 0),
    "get_stake": (lambda m: m.vega.get_stake(), lambda r, m: r == 0),
    "get_trades": (
        lambda m: m.vega.get_trades(m.market_id, key_name="buyer"),
        lambda r, m: sum(t.size for t in r) == 2,
    ),
    "get_trades_from_stream": (
        lambda m: m.vega.get_trades_from_stream(m.market_id, key_name="seller"),
        lambda r, m: sum(t.size for t in r) == 2,
    ),
    "has_liquidity_provision": (
        lambda m: m.vega.has_liquidity_provision("maker", m.market_id),
        lambda r, m: r is True,
    ),
    "infrastructure_fee_accounts": (
        lambda m: m.vega.infrastructure_fee_accounts(m.asset),
        lambda r, m: [a.asset for a in r] == [m.asset],
    ),
    "liquidity_provisions": (
        lambda m: m.vega.liquidity_provisions(m.market_id),
        lambda r, m: [p.commitment_amount for p in r] == ["500000000"],
    ),
    "list_accounts": (
        lambda m: m.vega.list_accounts(key_name="buyer", asset_id=m.asset),
        lambda r, m: any(a.type == GENERAL for a in r),
    ),
    "list_all_network_history_segments": (
        lambda m: m.vega.list_all_network_history_segments(),
        lambda r, m: len(r) == 0,
    ),
    "list_assets": (
        lambda m: m.vega.list_assets(),
        lambda r, m: {a.details.symbol for a in r} >= {"VOTE", "tUSD"},
    ),
    "list_ledger_entries": (
        lambda m: m.vega.list_ledger_entries(from_party_ids=[m.vega.wallet.public_key("buyer")]),
        lambda r, m: len(r) > 0,
    ),
    "list_orders": (
        lambda m: m.vega.list_orders("buyer", m.market_id),
        lambda r, m: m.order_id in {o.id for o in r},
    ),
    "list_transfers": (lambda m: m.vega.list_transfers(), lambda r, m: r == []),
    "login": (lambda m: m.vega.login("any", "passphrase"), lambda r, m: r == ""),
    "margin_levels": (
        lambda m: m.vega.margin_levels("buyer", m.market_id),
        lambda r, m: r[0].maintenance_margin > 0,
    ),
    "market_account": (
        lambda m: m.vega.market_account(m.market_id, INSURANCE),
        lambda r, m: r == 0,
    ),
    "market_accounts": (
        lambda m: m.vega.market_accounts(m.asset, m.market_id),
        lambda r, m: (r.insurance.type, r.insurance.balance) == (INSURANCE, "0"),
    ),
    "market_data_from_feed": (
        lambda m: m.vega.market_data_from_feed(m.market_id),
        lambda r, m: r.mark_price > 0,
    ),
    "market_depth": (
        lambda m: m.vega.market_depth(m.market_id),
        lambda r, m: r.buys[0].price < r.sells[0].price,
    ),
    "market_info": (
        lambda m: m.vega.market_info(m.market_id),
        lambda r, m: r.state == MARKET_ACTIVE,
    ),
    "market_pos_decimals": (lambda m: m.vega.market_pos_decimals[m.market_id], lambda r, m: r == 1),
    "market_price_decimals": (
        lambda m: m.vega.market_price_decimals[m.market_id],
        lambda r, m: r == 2,
    ),
    "market_to_asset": (lambda m: m.vega.market_to_asset[m.market_id], lambda r, m: r == m.asset),
    "mint": (
        lambda m: (
            m.vega.create_key("newcomer2"),
            m.vega.mint("newcomer2", m.asset, 5),
            m.vega.party_account("newcomer2", m.asset, m.market_id),
        )[2],
        lambda r, m: r.general == 5,
    ),
    "one_off_transfer": (_one_off, lambda r, m: r == 100),
    "open_orders_by_market": (
        lambda m: m.vega.open_orders_by_market(m.market_id),
        lambda r, m: m.order_id in {o.id for o in r.bids},
    ),
    "order_book_by_market": (
        lambda m: m.vega.order_book_by_market(m.market_id),
        lambda r, m: len(r.asks) > 0,
    ),
    "order_status": (
        lambda m: m.vega.order_status(m.order_id),
        lambda r, m: r.status == vega_protos.vega.Order.STATUS_ACTIVE,
    ),
    "order_status_from_feed": (
        lambda m: m.vega.order_status_from_feed(),
        lambda r, m: m.order_id in r[m.market_id][m.vega.wallet.public_key("buyer")],
    ),
    "orders_for_party_from_feed": (
        lambda m: m.vega.orders_for_party_from_feed("buyer", m.market_id),
        lambda r, m: m.order_id in r,
    ),
    "party_account": (
        lambda m: m.vega.party_account("buyer", m.asset, m.market_id),
        lambda r, m: r.margin > 0 and r.general > 0,
    ),
    "party_liquidity_provisions": (
        lambda m: m.vega.party_liquidity_provisions("maker", m.market_id),
        lambda r, m: len(r) == 1,
    ),
    "positions_by_market": (
        lambda m: m.vega.positions_by_market("buyer", m.market_id),
        lambda r, m: r.open_volume == 2,
    ),
    "price_bounds": (
        lambda m: m.vega.price_bounds(m.market_id),
        lambda r, m: r[0] < 1000 < r[1],
    ),
    "recurring_transfer": (_recurring, lambda r, m: r == 1),
    "settle_market": (_settle, lambda r, m: r == SETTLED),
    "stake": (_stake, lambda r, m: r == 10),
    "statistics": (lambda m: m.vega.statistics(), lambda r, m: r.app_version == "v0.72.6"),
    "stop": (_stop, lambda r, m: r),
    "submit_instructions": (_instructions, lambda r, m: r == 1),
    "submit_liquidity": (
        lambda m: (
            m.vega.submit_liquidity(
                "seller",
                m.market_id,
                100,
                0.003,
                [("PEGGED_REFERENCE_BEST_BID", 2, 1)],
                [("PEGGED_REFERENCE_BEST_ASK", 2, 1)],
                is_amendment=False,
            ),
            m.vega.wait_fn(1),
            m.vega.has_liquidity_provision("seller", m.market_id),
        )[2],
        lambda r, m: r is True,
    ),
    "submit_market_order": (
        lambda m: m.vega.submit_market_order("seller", m.market_id, "SIDE_SELL", 1),
        lambda r, m: m.vega.order_status(r).status == vega_protos.vega.Order.STATUS_FILLED,
    ),
    "submit_order": (
        lambda m: m.vega.submit_order(
            "seller", m.market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_SELL", 1, 1040
        ),
        lambda r, m: m.vega.order_status(r).price == "104000",
    ),
    "submit_simple_liquidity": (
        lambda m: (
            m.vega.submit_simple_liquidity(
                "maker",
                m.market_id,
                6_000,
                0.002,
                "PEGGED_REFERENCE_BEST_BID",
                "PEGGED_REFERENCE_BEST_ASK",
                1,
                1,
                is_amendment=True,
            ),
            m.vega.wait_fn(1),
            m.vega.party_liquidity_provisions("maker", m.market_id)[0].commitment_amount,
        )[2],
        lambda r, m: r == "600000000",
    ),
    "trading_data_client_v2": (
        lambda m: m.vega.trading_data_client_v2.Ping,
        lambda r, m: callable(r),
    ),
    "transfer_status_from_feed": (
        lambda m: m.vega.transfer_status_from_feed(),
        lambda r, m: r == {},
    ),
    "update_market": (
        lambda m: (
            m.vega.update_market("proposer", m.market_id, updated_lp_price_range=0.5),
            m.vega.market_info(m.market_id).lp_price_range,
        )[1],
        lambda r, m: r == "0.5",
    ),
    "update_network_parameter": (
        lambda m: (
            m.vega.update_network_parameter("proposer", "transfer.fee.factor", "0.002"),
            m.vega.get_network_parameter("transfer.fee.factor", to_type="float"),
        )[1],
        lambda r, m: r == 0.002,
    ),
    "wait_fn": (
        lambda m: (m.vega.get_blockchain_time(), m.vega.wait_fn(3), m.vega.get_blockchain_time()),
        lambda r, m: r[2] - r[0] == 3 * 10**9,
    ),
    "wait_for_core_catchup": (lambda m: m.vega.wait_for_core_catchup(), lambda r, m: r is None),
    "wait_for_datanode_sync": (lambda m: m.vega.wait_for_datanode_sync(), lambda r, m: r is None),
    "wait_for_thread_catchup": (lambda m: m.vega.wait_for_thread_catchup(), lambda r, m: r is None),
    "wait_for_total_catchup": (lambda m: m.vega.wait_for_total_catchup(), lambda r, m: r is None),
    "wallet": (lambda m: m.vega.wallet.public_key("buyer"), lambda r, m: len(r) == 64),
}


def test_readme_table_lists_exactly_vega_sims_members() -> None:
    table = readme_table()
    members = vega_sim_members()
    assert sorted(table) == sorted(members), (
        f"README API table is out of date: missing {sorted(members - set(table))}, "
        f"not in vega-sim {sorted(set(table) - members)}"
    )
    assert all(why for _, why in table.values() if not _), "every unserved row says why"


def test_every_served_member_has_a_smoke_call() -> None:
    served = {name for name, (is_served, _) in readme_table().items() if is_served}
    assert served == set(CALLS)


@pytest.mark.parametrize("name", sorted(set(CALLS) - ISOLATED))
def test_served_member(name: str, shared: Market) -> None:
    call, check = CALLS[name]
    result = call(shared)
    assert check(result, shared), f"{name} answered {result!r}"


@pytest.mark.parametrize("name", sorted(ISOLATED))
def test_served_member_on_its_own_service(name: str, own: Market) -> None:
    call, check = CALLS[name]
    result = call(own)
    assert check(result, own), f"{name} answered {result!r}"


@pytest.mark.parametrize(
    "name", sorted(name for name, (served, _) in readme_table().items() if not served)
)
def test_binary_only_member_refuses_in_one_line(name: str, shared: Market) -> None:
    with pytest.raises(BinaryOnlyError) as refusal:
        member = getattr(shared.vega, name)
        member()
    message = str(refusal.value)
    assert "\n" not in message and name in message and "not served" in message
