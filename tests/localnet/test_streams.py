"""Which bus events an ObserveEventBus request receives (Vega's event observer filters)."""

from __future__ import annotations

from vega_sim.proto.vega import vega_pb2
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.localnet.streams import EventSubscription

ORDER = events_pb2.BUS_EVENT_TYPE_ORDER
TRADE = events_pb2.BUS_EVENT_TYPE_TRADE
TIME = events_pb2.BUS_EVENT_TYPE_TIME_UPDATE


def _order(market: str, party: str) -> events_pb2.BusEvent:
    return events_pb2.BusEvent(type=ORDER, order=vega_pb2.Order(market_id=market, party_id=party))


def _trade(market: str, buyer: str, seller: str) -> events_pb2.BusEvent:
    return events_pb2.BusEvent(
        type=TRADE, trade=vega_pb2.Trade(market_id=market, buyer=buyer, seller=seller)
    )


TIME_UPDATE = events_pb2.BusEvent(type=TIME, time_update=events_pb2.TimeUpdate(timestamp=1))


def test_types_filter_and_all_means_every_type() -> None:
    only_orders = EventSubscription([ORDER])
    assert only_orders.wants(_order("m", "p")) and not only_orders.wants(TIME_UPDATE)
    every = EventSubscription([events_pb2.BUS_EVENT_TYPE_ALL])
    assert every.wants(TIME_UPDATE) and every.wants(_trade("m", "a", "b"))
    assert EventSubscription([]).wants(TIME_UPDATE)


def test_market_and_party_filters_drop_events_that_name_neither() -> None:
    market = EventSubscription([], market_id="m1")
    assert market.wants(_order("m1", "p")) and not market.wants(_order("m2", "p"))
    assert not market.wants(TIME_UPDATE)  # an event of no market never matches a market
    party = EventSubscription([], party_id="b")
    assert party.wants(_trade("m1", "a", "b")) and not party.wants(_order("m1", "a"))


def test_a_subscription_queues_until_read_and_ends_when_closed() -> None:
    subscription = EventSubscription([ORDER])
    subscription(_order("m", "p"))
    subscription(TIME_UPDATE)  # not wanted, not queued
    assert [event.type for event in subscription.next_batch(0.01) or []] == [ORDER]
    assert subscription.next_batch(0.01) == []
    subscription.close()
    assert subscription.next_batch(5.0) is None  # at once, not after the timeout
    assert list(subscription.batches(5.0)) == []
