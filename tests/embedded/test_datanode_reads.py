"""Data-node reads answer as Vega's data node v0.72.6 does, through vega-sim's own methods.

Each expectation comes from Vega's code (named in `devops.embedded.datanode.history`,
`market_update_checks` and the node's batch handling), never from a run of ours.
"""

from __future__ import annotations

import datetime

import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.api import data_raw
from vega_sim.api.governance import ProposalNotAcceptedError
from vega_sim.proto.vega.markets_pb2 import LogNormalModelParams, LogNormalRiskModel
from vega_sim.service import VegaFaucetError

from devops.embedded import EmbeddedVegaService
from devops.embedded.datanode.history import InvalidArgumentError
from devops.embedded.datanode.retention import RetentionPolicy
from devops.embedded.demo import open_market, start_trading
from devops.engine.events.bus import EventType

AccountType = vega_protos.vega.AccountType
TransferType = vega_protos.vega.TransferType
TradingMode = vega_protos.markets.Market.TradingMode
_SECOND = 1_000_000_000


def _moment(nanoseconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(nanoseconds / _SECOND, tz=datetime.UTC)


# ---- batches ----------------------------------------------------------------------------------


def test_batch_with_a_rejected_instruction_reports_failure(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    rejections_before = len(service.store.rejections)
    service.submit_instructions(
        "buyer",
        amendments=[],
        cancellations=[
            service.create_order_cancellation(order_id="no-such-order", market_id=market_id)
        ],
        submissions=[
            service.create_order_submission(
                market_id, 1, "SIDE_BUY", "TYPE_LIMIT", "TIME_IN_FORCE_GTC", price=985
            )
        ],
    )
    service.wait_fn(1)
    (rejection,) = service.store.rejections[rejections_before:]
    # Vega's commands.Errors text: the failed instruction's index, then its reason
    assert rejection.kind == "batch_market_instructions"
    assert rejection.error.startswith("0 (") and rejection.error.endswith(")")
    # the valid submission still stands: each instruction is processed on its own
    prices = [o.price for o in service.list_orders("buyer", market_id, live_only=True)]
    assert 985 in prices


def test_batch_whose_instructions_all_pass_reports_nothing(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    rejections_before = len(service.store.rejections)
    service.submit_instructions(
        "buyer",
        cancellations=[],
        amendments=[],
        submissions=[
            service.create_order_submission(
                market_id, 1, "SIDE_BUY", "TYPE_LIMIT", "TIME_IN_FORCE_GTC", price=p
            )
            for p in (984, 983)
        ],
    )
    service.wait_fn(1)
    assert service.store.rejections[rejections_before:] == []


# ---- ledger entries ---------------------------------------------------------------------------


def test_ledger_entries_filter_by_sender_receiver_and_asset(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    service.submit_market_order("buyer", market_id, "SIDE_BUY", 1, wait=True)
    buyer = service.wallet.public_key("buyer")
    sent = service.list_ledger_entries(from_party_ids=[buyer])
    assert sent and all(e.from_account_party_id == buyer for e in sent)
    received = service.list_ledger_entries(to_party_ids=[buyer])
    assert received and all(e.to_account_party_id == buyer for e in received)
    # both sides given: AND when closed on the filters, OR otherwise
    both = service.list_ledger_entries(
        close_on_account_filters=True, from_party_ids=[buyer], to_party_ids=[buyer]
    )
    assert both and all(
        e.from_account_party_id == buyer and e.to_account_party_id == buyer for e in both
    )
    either = service.list_ledger_entries(from_party_ids=[buyer], to_party_ids=[buyer])
    assert len(either) == len(sent) + len(received) - len(both)
    general_to_margin = service.list_ledger_entries(
        close_on_account_filters=True,
        from_party_ids=[buyer],
        from_account_types=[AccountType.ACCOUNT_TYPE_GENERAL],
        to_party_ids=[buyer],
        to_account_types=[AccountType.ACCOUNT_TYPE_MARGIN],
    )
    assert general_to_margin and all(
        (e.from_account_type, e.to_account_type)
        == (AccountType.ACCOUNT_TYPE_GENERAL, AccountType.ACCOUNT_TYPE_MARGIN)
        for e in general_to_margin
    )
    fees = service.list_ledger_entries(
        from_party_ids=[buyer], transfer_types=[TransferType.TRANSFER_TYPE_INFRASTRUCTURE_FEE_PAY]
    )
    assert (
        len(fees) == 1
        and fees[0].transfer_type == TransferType.TRANSFER_TYPE_INFRASTRUCTURE_FEE_PAY
    )
    vote = service.find_asset_id("VOTE")
    assert (
        service.list_ledger_entries(
            close_on_account_filters=True, asset_id=vote, from_party_ids=[buyer]
        )
        == []
    )
    in_asset = service.list_ledger_entries(
        close_on_account_filters=True, asset_id=asset, from_party_ids=[buyer]
    )
    assert len(in_asset) == len(sent)


def test_ledger_entries_honour_the_date_range(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    buyer = service.wallet.public_key("buyer")
    every = service.list_ledger_entries(from_party_ids=[buyer])
    times = sorted({e.timestamp for e in every})
    assert len(times) >= 2
    middle = times[len(times) // 2]

    def entries(**date_range: int) -> list:
        # vega-sim's own helper sends float nanoseconds, which int64 fields refuse, so
        # the range goes in the request message it would have built
        request = data_raw.data_node_protos_v2.trading_data.ListLedgerEntriesRequest()
        request.filter.from_account_filter.party_ids.append(buyer)
        request.date_range.CopyFrom(
            data_raw.data_node_protos_v2.trading_data.DateRange(**date_range)
        )
        response = service.trading_data_client_v2.ListLedgerEntries(request)
        return [edge.node for edge in response.ledger_entries.edges]

    later = entries(start_timestamp=middle)
    earlier = entries(end_timestamp=middle)
    assert later and all(e.timestamp >= middle for e in later)
    assert earlier and all(e.timestamp < middle for e in earlier)  # the end is exclusive
    assert len(later) + len(earlier) == len(every)
    assert entries(start_timestamp=times[0], end_timestamp=times[0]) == []


def test_ledger_entries_need_one_party_as_vega_requires(service, market) -> None:
    asset, _ = market
    request = data_raw.data_node_protos_v2.trading_data.ListLedgerEntriesRequest()
    request.filter.from_account_filter.asset_id = asset
    with pytest.raises(InvalidArgumentError, match="single party"):
        service.trading_data_client_v2.ListLedgerEntries(request)


# ---- market data history ----------------------------------------------------------------------


def test_market_data_history_returns_the_requested_range(service, market) -> None:
    _, market_id = market
    auction_time = service.get_blockchain_time()
    start_trading(service, market_id)
    service.wait_fn(3)
    now = service.get_blockchain_time()
    history = data_raw.market_data_history(
        market_id, _moment(auction_time), _moment(now), service.trading_data_client_v2
    )
    stamps = [d.timestamp for d in history]
    assert stamps == sorted(stamps) and stamps[0] == auction_time and stamps[-1] == now
    # one record per block: blocks are one second apart and both bounds are included
    assert len(history) == (now - auction_time) // _SECOND + 1
    modes = {d.market_trading_mode for d in history}
    assert TradingMode.TRADING_MODE_OPENING_AUCTION in modes
    assert TradingMode.TRADING_MODE_CONTINUOUS in modes
    window = data_raw.market_data_history(
        market_id,
        _moment(now - 2 * _SECOND),
        _moment(now - _SECOND),
        service.trading_data_client_v2,
    )
    assert [d.timestamp for d in window] == [now - 2 * _SECOND, now - _SECOND]


# ---- margin levels ----------------------------------------------------------------------------


def test_margin_levels_carry_the_time_they_were_computed(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    (levels,) = service.margin_levels("buyer", market_id)
    computed_at = levels.timestamp
    assert computed_at <= service.get_blockchain_time()
    # a block time: genesis plus whole seconds
    assert (service.get_blockchain_time() - computed_at) % _SECOND == 0
    service.wait_fn(3)
    order_id = service.submit_order(
        "buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 970
    )
    service.wait_fn(3)
    (after_order,) = service.margin_levels("buyer", market_id)
    # a new order re-evaluates the buyer's margins in the block that took it, and that
    # block's time is the levels' time, not the time they are read at
    assert after_order.timestamp == service.order_status(order_id).created_at > computed_at
    assert after_order.timestamp < service.get_blockchain_time()
    (seller,) = service.margin_levels("seller", market_id)
    assert seller.timestamp < after_order.timestamp


# ---- positions --------------------------------------------------------------------------------


def _position(service: EmbeddedVegaService, name: str, market_id: str):
    (position,) = data_raw.positions_by_market(
        pub_key=service.wallet.public_key(name),
        market_id=market_id,
        data_client=service.trading_data_client_v2,
    )
    return position


def test_a_closed_out_position_says_so(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    # keep a static order on each side, so the market stays out of liquidity auctions
    service.submit_order("buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 980)
    service.submit_order(
        "seller", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_SELL", 1, 1030
    )
    service.create_key("gambler")
    service.mint("gambler", asset, 20)
    service.submit_market_order("gambler", market_id, "SIDE_SELL", 1, wait=True)
    service.wait_fn(6)
    assert _position(service, "gambler", market_id).position_status == (
        vega_protos.vega.POSITION_STATUS_UNSPECIFIED
    )
    # the price rises 30 against a short holding 20: the gambler is closed out
    service.submit_order("buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 2, 1020)
    service.wait_fn(6)
    closed = _position(service, "gambler", market_id)
    assert closed.position_status == vega_protos.vega.POSITION_STATUS_CLOSED_OUT
    assert closed.open_volume == 0


def test_distressed_and_orders_closed_positions_say_so(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    service.wait_fn(6)
    buyer, seller = (service.wallet.public_key(n) for n in ("buyer", "seller"))
    bus = service.node.engine.bus
    # the events core publishes when it cannot close a party out, or cancels its orders
    bus.publish(EventType.DISTRESSED_POSITIONS, (market_id, [buyer]))
    bus.publish(EventType.DISTRESSED_ORDERS, (market_id, [seller]))
    assert _position(service, "buyer", market_id).position_status == (
        vega_protos.vega.POSITION_STATUS_DISTRESSED
    )
    assert _position(service, "seller", market_id).position_status == (
        vega_protos.vega.POSITION_STATUS_ORDERS_CLOSED
    )


# ---- faucet -----------------------------------------------------------------------------------


def test_a_faucet_limit_of_zero_refuses_every_mint(service) -> None:
    service.create_key("proposer")
    service.mint("proposer", asset="VOTE", amount=1_000)
    service.create_asset("proposer", name="zUSD", symbol="zUSD", decimals=2, max_faucet_amount=0)
    asset = service.find_asset_id("zUSD")
    # Vega's faucet refuses an amount above max_faucet_amount_mint: with 0, any amount
    with pytest.raises(VegaFaucetError, match="faucet limit of 0"):
        service.mint("proposer", asset=asset, amount=0.01)
    assert service.node.engine.collateral.total(asset) == 0


def test_a_faucet_limit_caps_the_amount(service) -> None:
    service.create_key("proposer")
    service.mint("proposer", asset="VOTE", amount=1_000)
    service.create_asset("proposer", name="cUSD", symbol="cUSD", decimals=2, max_faucet_amount=5)
    asset = service.find_asset_id("cUSD")
    service.mint("proposer", asset=asset, amount=5)  # 500 units: at the limit
    with pytest.raises(VegaFaucetError):
        service.mint("proposer", asset=asset, amount=5.01)
    assert service.node.engine.collateral.total(asset) == 500


# ---- market updates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"updated_lp_price_range": 0}, "PROPOSAL_ERROR_LP_PRICE_RANGE_NONPOSITIVE"),
        ({"updated_lp_price_range": 101}, "PROPOSAL_ERROR_LP_PRICE_RANGE_NONPOSITIVE"),
        (
            {
                "updated_log_normal_risk_model": LogNormalRiskModel(
                    risk_aversion_parameter=0.01,
                    tau=1e-4,
                    params=LogNormalModelParams(mu=0, r=0, sigma=60),
                )
            },
            "PROPOSAL_ERROR_INVALID_RISK_PARAMETER",
        ),
    ],
)
def test_update_market_is_validated_as_vega_does(service, market, change, reason) -> None:
    _, market_id = market
    before = service.market_info(market_id).lp_price_range
    with pytest.raises(ProposalNotAcceptedError, match=reason):
        service.update_market("proposer", market_id, **change)
    assert service.market_info(market_id).lp_price_range == before


def test_a_valid_market_update_passes(service, market) -> None:
    _, market_id = market
    service.update_market("proposer", market_id, updated_lp_price_range=0.5)
    assert service.market_info(market_id).lp_price_range == "0.5"


# ---- retention --------------------------------------------------------------------------------


def test_bounded_retention_keeps_live_state_and_drops_old_history() -> None:
    with EmbeddedVegaService(
        seed=11, transactions_per_block=1, retention=RetentionPolicy(60)
    ) as vega:
        _, market_id = open_market(vega)
        start_trading(vega, market_id)
        resting = [o.id for o in vega.list_orders("buyer", market_id, live_only=True)]
        trades = vega.get_trades(market_id)
        assert trades
        vega.forward("5m")
        store = vega.store
        horizon = vega.get_blockchain_time() - 60 * 1.125 * _SECOND
        # history older than the period (plus the pruning interval) is gone
        assert vega.get_trades(market_id) == []
        assert all(time >= horizon for time, _ in store.ledger)
        assert all(d.timestamp >= horizon for d in store.market_data_history[market_id])
        assert len(store.market_data_history[market_id]) <= 60 * 1.125 + 1
        # the live orders and positions stay, whatever their age
        assert [o.id for o in vega.list_orders("buyer", market_id, live_only=True)] == resting
        assert vega.positions_by_market("buyer", market_id).open_volume == 2
        buyer = vega.wallet.public_key("buyer")
        assert vega.list_ledger_entries(from_party_ids=[buyer]) == []
