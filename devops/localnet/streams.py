"""`ObserveEventBus` over the wire: bus events queued per subscriber until sent.

The data node's stores publish each streamed event (orders, trades, market
data, time updates, ...) to their listeners inside the block, under the engine
lock; a subscription keeps those its request asks for and hands them to the
gRPC thread that streams them. Filters follow Vega's event observer: the listed
types (all for BUS_EVENT_TYPE_ALL or none listed), and with a market or a party
id only the events that name that market or party.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from vega_sim.proto.vega.events.v1 import events_pb2

# the payload field naming an event's market, where it is not `market_id`
_MARKET_FIELD = {"market_data": "market", "market_created": "id"}
_PARTY_FIELDS = ("party_id", "buyer", "seller")


def _payload(event: events_pb2.BusEvent) -> tuple[str, Any]:
    field = event.WhichOneof("event") or ""
    return field, (getattr(event, field) if field else None)


def event_market(event: events_pb2.BusEvent) -> str | None:
    """The market an event belongs to, or None for events of no market."""
    field, payload = _payload(event)
    name = _MARKET_FIELD.get(field, "market_id")
    return getattr(payload, name, None) or None


def event_parties(event: events_pb2.BusEvent) -> set[str]:
    """The parties an event names (an order's owner, a trade's buyer and seller)."""
    _, payload = _payload(event)
    return {getattr(payload, name) for name in _PARTY_FIELDS if getattr(payload, name, "")}


class EventSubscription:
    """One stream's filter and queue; called with each published event."""

    def __init__(self, types: Iterable[int], market_id: str = "", party_id: str = "") -> None:
        wanted = set(types)
        self._types = None if not wanted or events_pb2.BUS_EVENT_TYPE_ALL in wanted else wanted
        self._market_id = market_id
        self._party_id = party_id
        self._condition = threading.Condition()
        self._queued: list[events_pb2.BusEvent] = []
        self._closed = False

    def wants(self, event: events_pb2.BusEvent) -> bool:
        if self._types is not None and event.type not in self._types:
            return False
        if self._market_id and event_market(event) != self._market_id:
            return False
        return not self._party_id or self._party_id in event_parties(event)

    def __call__(self, event: events_pb2.BusEvent) -> None:
        if not self.wants(event):
            return
        with self._condition:
            if not self._closed:
                self._queued.append(event)
                self._condition.notify_all()

    def close(self) -> None:
        """End the stream: the client went away or the network is stopping."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def next_batch(self, timeout: float) -> list[events_pb2.BusEvent] | None:
        """The events queued so far (waiting up to `timeout` for one); None once closed."""
        with self._condition:
            self._condition.wait_for(lambda: self._queued or self._closed, timeout)
            if self._closed:
                return None
            batch, self._queued = self._queued, []
            return batch

    def batches(self, poll_seconds: float) -> Iterator[list[events_pb2.BusEvent]]:
        """Non-empty batches until closed."""
        while True:
            batch = self.next_batch(poll_seconds)
            if batch is None:
                return
            if batch:
                yield batch
