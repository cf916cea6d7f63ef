"""vega-sim's own service methods, unchanged, against the embedded nullchain.

In the style of vega-sim's integration tests: everything goes through
`VegaService` methods. Expected figures are derived here from Vega's rules
(spec 0019-MCAL margins with the genesis scaling 1.1/1.5/1.7, spec 0029-FEES
fees rounded up, settlement at the oracle price), never read back from a run.
"""

from __future__ import annotations

import math

import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.api.trading import OrderRejectedError
from vega_sim.proto.vega.markets_pb2 import PriceMonitoringParameters, PriceMonitoringTrigger

from devops.embedded import EmbeddedVegaService
from devops.embedded.demo import ASSET, MARKET, start_trading
from devops.embedded.wallet import UnknownKeyError

ADP = 5  # asset decimals of the test asset
TradingMode = vega_protos.markets.Market.TradingMode
MarketState = vega_protos.markets.Market.State
OrderStatus = vega_protos.vega.Order.Status


def ceil_units(value: float) -> float:
    """Round up to the asset's smallest unit, as Vega rounds maintenance margins and fees."""
    return math.ceil(round(value * 10**ADP, 6)) / 10**ADP


def floor_units(value: float) -> float:
    return math.floor(round(value * 10**ADP, 6)) / 10**ADP


def total_balance(vega: EmbeddedVegaService, asset: str) -> int:
    engine = vega.node.engine
    return engine.collateral.total(asset)


def test_asset_and_market_come_from_governance(service, market) -> None:
    asset, market_id = market
    details = service.get_asset(asset).details
    assert (details.symbol, details.decimals) == (ASSET, ADP)
    info = service.market_info(market_id)
    assert info.tradable_instrument.instrument.name == MARKET
    assert info.state == MarketState.STATE_PENDING  # in its opening auction, no trades yet
    assert info.trading_mode == TradingMode.TRADING_MODE_OPENING_AUCTION
    assert service.party_account("buyer", asset, market_id).general == 100_000


def test_opening_auction_uncrosses_and_margins_follow_the_rules(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    data = service.get_latest_market_data(market_id)
    assert data.market_trading_mode == TradingMode.TRADING_MODE_CONTINUOUS
    assert data.mark_price == 1000
    (trade,) = service.get_trades(market_id)
    assert (trade.price, trade.size) == (1000, 2)
    assert trade.buyer_fee.maker_fee == trade.buyer_fee.infrastructure_fee == 0  # no fee at opening
    risk = service.get_risk_factors(market_id)
    # buyer: long 2 with a resting buy of 1; the exit price into the bids is far below the mark,
    # so the slippage term is capped at mark * linear factor (0.001) * 2
    maintenance = ceil_units(1000 * 0.001 * 2 + 3 * 1000 * risk.long)
    (levels,) = service.margin_levels("buyer", market_id)
    assert levels.maintenance_margin == pytest.approx(maintenance, abs=1e-9)
    assert levels.initial_margin == pytest.approx(floor_units(maintenance * 1.5), abs=1e-9)
    account = service.party_account("buyer", asset, market_id)
    # topped up to initial when it last fell below search; not moved while within range
    assert levels.search_level <= account.margin < levels.collateral_release_level
    assert account.general + account.margin == pytest.approx(100_000, abs=1e-9)
    maker = service.party_account("maker", asset, market_id)
    assert maker.bond == 5_000
    service.wait_fn(5)  # positions follow the next mark-to-market
    assert service.positions_by_market("buyer", market_id).open_volume == 2
    assert service.positions_by_market("seller", market_id).open_volume == -2
    statuses = sorted(
        (o.price, o.status) for o in service.list_orders("buyer", market_id, live_only=False)
    )
    assert statuses == [(990, OrderStatus.STATUS_ACTIVE), (1000, OrderStatus.STATUS_FILLED)]


def test_market_order_pays_fees_rounded_up(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    service.submit_market_order("buyer", market_id, "SIDE_BUY", 1, wait=True)
    service.wait_fn(5)  # the genesis marks to market at most every 5 s; positions follow
    trade = service.get_trades(market_id)[-1]
    assert (trade.price, trade.size, trade.seller) == (1010, 1, service.wallet.public_key("seller"))
    value = 1010 * 1
    assert trade.buyer_fee.maker_fee == pytest.approx(ceil_units(value * 0.0002), abs=1e-9)
    assert trade.buyer_fee.infrastructure_fee == pytest.approx(ceil_units(value * 0.0005))
    assert trade.buyer_fee.liquidity_fee == pytest.approx(ceil_units(value * 0.002))
    position = service.positions_by_market("buyer", market_id)
    assert position.open_volume == 3
    assert position.average_entry_price == pytest.approx((2 * 1000 + 1010) / 3, abs=0.01)


def test_amend_and_cancel(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    order_id = service.submit_order(
        "buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 980
    )
    service.amend_order("buyer", market_id, order_id, price=985, volume_delta=1)
    service.wait_fn(1)
    amended = service.order_status(order_id)
    assert (amended.price, amended.size, amended.version) == ("98500", 20, 2)
    service.cancel_order("buyer", market_id, order_id)
    service.wait_fn(1)
    assert service.order_status(order_id).status == OrderStatus.STATUS_CANCELLED
    live = service.orders_for_party_from_feed("buyer", market_id)
    assert order_id not in live


def test_liquidity_amendment_moves_the_bond(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    general_before = service.party_account("maker", asset, market_id).general
    service.submit_simple_liquidity(
        "maker",
        market_id,
        commitment_amount=6_000,
        fee=0.002,
        reference_buy="PEGGED_REFERENCE_BEST_BID",
        reference_sell="PEGGED_REFERENCE_BEST_ASK",
        delta_buy=1,
        delta_sell=1,
        is_amendment=True,
    )
    service.wait_fn(1)
    after = service.party_account("maker", asset, market_id)
    assert after.bond == 6_000
    (provision,) = service.party_liquidity_provisions("maker", market_id=market_id)
    assert provision.commitment_amount == "600000000"
    assert general_before - after.general == pytest.approx(1_000, abs=1)  # margins may move


def test_network_parameter_and_market_updates(service, market) -> None:
    asset, market_id = market
    service.update_network_parameter("proposer", "market.fee.factors.makerFee", "0.0003")
    assert service.get_network_parameter("market.fee.factors.makerFee", to_type="float") == 0.0003
    assert service.market_info(market_id).fees.factors.maker_fee == "0.0003"  # applies at once
    service.update_market(
        "proposer",
        market_id,
        updated_price_monitoring_parameters=PriceMonitoringParameters(
            triggers=[PriceMonitoringTrigger(horizon=3600, probability="0.99", auction_extension=7)]
        ),
    )
    (trigger,) = service.market_info(market_id).price_monitoring_settings.parameters.triggers
    assert (trigger.horizon, trigger.probability, trigger.auction_extension) == (3600, "0.99", 7)


def test_termination_and_settlement_by_oracle(service, market) -> None:
    asset, market_id = market
    start_trading(service, market_id)
    service.submit_market_order("buyer", market_id, "SIDE_BUY", 1, wait=True)
    service.wait_fn(1)
    before = total_balance(service, asset)
    service.settle_market("settler", 1005, market_id)
    service.wait_fn(1)
    assert service.market_info(market_id).state == MarketState.STATE_SETTLED
    account = service.party_account("buyer", asset, market_id)
    assert account.margin == 0
    fees = ceil_units(1010 * 0.0002) + ceil_units(1010 * 0.0005) + ceil_units(1010 * 0.002)
    # bought 2 at 1000 and 1 at 1010, settled at 1005
    assert account.general == pytest.approx(100_000 + 2 * 5 - 1 * 5 - fees, abs=1e-9)
    assert total_balance(service, asset) == before


class TestBadInput:
    """Mistakes end as they do against a real node, and no balance moves."""

    def balances(self, vega: EmbeddedVegaService) -> dict[str, int]:
        """Accounts holding money: Vega may open an empty margin account for an order it
        then rejects, but no money may move."""
        return {a.id: a.balance for a in vega.node.engine.collateral.accounts.values() if a.balance}

    def test_order_on_unknown_market(self, service, market) -> None:
        before = self.balances(service)
        with pytest.raises(KeyError):
            service.submit_order(
                "buyer", "no-such-market", "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 100
            )
        assert self.balances(service) == before

    def test_zero_volume(self, service, market) -> None:
        _, market_id = market
        before = self.balances(service)
        with pytest.raises(Exception, match="volume is 0 or less"):
            service.submit_order(
                "buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 0, 100
            )
        assert self.balances(service) == before

    def test_order_the_party_cannot_afford(self, service, market) -> None:
        asset, market_id = market
        start_trading(service, market_id)
        service.create_key("poor")
        service.mint("poor", asset=asset, amount=1)
        before = self.balances(service)
        with pytest.raises(OrderRejectedError, match="MARGIN_CHECK_FAILED"):
            service.submit_order(
                "poor", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 100, 1000
            )
        assert self.balances(service) == before

    def test_vote_on_a_closed_proposal(self, service, market) -> None:
        from vega_sim.api.governance import approve_proposal

        (proposal_id,) = [
            p.id for p in service.store.proposals.values() if p.terms.HasField("new_asset")
        ]
        before = self.balances(service)
        approve_proposal("proposer", proposal_id, service.wallet)
        service.wait_fn(1)
        assert service.store.rejections[-1].error == "proposal is not open for votes"
        assert self.balances(service) == before

    def test_unknown_key_name(self, service, market) -> None:
        _, market_id = market
        before = self.balances(service)
        with pytest.raises(UnknownKeyError, match="no key named 'ghost'"):
            service.submit_order(
                "ghost", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 100
            )
        assert self.balances(service) == before


def test_same_seed_same_event_stream() -> None:
    from devops.embedded.demo import open_market
    from devops.engine.events.bus import EventRecorder

    streams = []
    for _ in range(2):
        with EmbeddedVegaService(seed=5, transactions_per_block=1) as vega:
            recorder = EventRecorder(vega.node.engine.bus)
            _, market_id = open_market(vega)
            opened_orders = [
                ("buyer", "SIDE_BUY", 2, 1000, "b1"),
                ("seller", "SIDE_SELL", 2, 1000, "s1"),
            ]
            for party, side, volume, price, ref in opened_orders:
                vega.submit_order(
                    party,
                    market_id,
                    "TYPE_LIMIT",
                    "TIME_IN_FORCE_GTC",
                    side,
                    volume,
                    price,
                    order_ref=ref,
                )
            vega.wait_fn(20)
            streams.append([(e.type, repr(e.payload)) for e in recorder.events])
    assert streams[0] == streams[1]


def test_unserved_rpc_names_itself(service) -> None:
    from devops.embedded.clients import UnsupportedCallError

    with pytest.raises(UnsupportedCallError, match="ListCheckpoints is not served"):
        service.trading_data_client_v2.ListCheckpoints(None)


def test_event_bus_stream_delivers_and_never_blocks(service, market) -> None:
    from vega_sim.proto.vega.api.v1 import core_pb2
    from vega_sim.proto.vega.events.v1 import events_pb2

    _, market_id = market
    request = core_pb2.ObserveEventBusRequest(type=[events_pb2.BUS_EVENT_TYPE_ORDER])
    stream = service.core_client.ObserveEventBus(iter([request]))
    service.submit_order(
        "buyer", market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", "SIDE_BUY", 1, 900, order_ref="s1"
    )
    events = [event for batch in stream for event in batch.events]
    assert [e.order.reference for e in events] == ["s1"]
    assert list(stream) == []  # drained: the iterator ends instead of waiting
