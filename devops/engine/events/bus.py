"""The in-process event bus: every state change of the engine, in order.

As Vega core's broker, the engine only *publishes*; readers (the data-node-like
store, the fidelity runner, reports) subscribe and build their views from the
stream alone. Events are light Python records so the hot path stays cheap; the
service layer converts them to vega-sim's protobuf `BusEvent` on demand.
Payloads are snapshots: the engine never mutates an object after publishing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any


class EventType(Enum):
    """Vega's `BusEventType` names, for the events this engine emits."""

    TIME_UPDATE = "TIME_UPDATE"
    LEDGER_MOVEMENTS = "LEDGER_MOVEMENTS"
    POSITION_RESOLUTION = "POSITION_RESOLUTION"
    ORDER = "ORDER"
    ACCOUNT = "ACCOUNT"
    PARTY = "PARTY"
    TRADE = "TRADE"
    MARGIN_LEVELS = "MARGIN_LEVELS"
    PROPOSAL = "PROPOSAL"
    VOTE = "VOTE"
    MARKET_DATA = "MARKET_DATA"
    NETWORK_PARAMETER = "NETWORK_PARAMETER"
    LIQUIDITY_PROVISION = "LIQUIDITY_PROVISION"
    MARKET_CREATED = "MARKET_CREATED"
    MARKET_UPDATED = "MARKET_UPDATED"
    ORACLE_DATA = "ORACLE_DATA"
    ASSET = "ASSET"
    MARKET_TICK = "MARKET_TICK"
    SETTLE_POSITION = "SETTLE_POSITION"
    SETTLE_DISTRESSED = "SETTLE_DISTRESSED"
    POSITION_STATE = "POSITION_STATE"
    LOSS_SOCIALIZATION = "LOSS_SOCIALIZATION"
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    AUCTION = "AUCTION"
    DISTRESSED_ORDERS = "DISTRESSED_ORDERS"
    DISTRESSED_POSITIONS = "DISTRESSED_POSITIONS"
    TRADING_MODE = "TRADING_MODE"
    END_BLOCK = "END_BLOCK"
    BEGIN_BLOCK = "BEGIN_BLOCK"
    TRANSACTION_RESULT = "TRANSACTION_RESULT"
    STOP_ORDER = "STOP_ORDER"
    TRANSFER = "TRANSFER"
    EPOCH_UPDATE = "EPOCH_UPDATE"
    STAKE_LINKING = "STAKE_LINKING"
    DELEGATION_BALANCE = "DELEGATION_BALANCE"
    VALIDATOR_SCORE = "VALIDATOR_SCORE"
    REWARD_PAYOUT = "REWARD_PAYOUT_EVENT"

    # members are singletons compared by identity: hash them so too (C speed; the
    # publisher looks every event's type up in a dict)
    __hash__ = object.__hash__


@dataclass(frozen=True, slots=True)
class Event:
    """One published fact. `sequence` is the event's position in the whole stream."""

    type: EventType
    payload: Any
    block: int
    sequence: int


Subscriber = Callable[[Event], None]


class EventBus:
    """Ordered publish/subscribe; subscribers run synchronously in subscription order."""

    def __init__(self) -> None:
        self._subscribers: list[tuple[frozenset[EventType] | None, Subscriber]] = []
        # per event type, its subscribers in subscription order (rebuilt on (un)subscribe)
        self._routes: dict[EventType, tuple[Subscriber, ...]] = {}
        self._sequence = 0
        self.block = 0

    def subscribe(self, subscriber: Subscriber, types: Iterable[EventType] | None = None) -> None:
        """Receive every later event, or only those of `types`."""
        self._subscribers.append((frozenset(types) if types is not None else None, subscriber))
        self._route()

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers = [(t, s) for t, s in self._subscribers if s is not subscriber]
        self._route()

    def _route(self) -> None:
        self._routes = {
            event_type: tuple(
                s for types, s in self._subscribers if types is None or event_type in types
            )
            for event_type in EventType
        }

    @property
    def listened(self) -> bool:
        """Whether anyone subscribes: publishers may skip building snapshots nobody reads."""
        return bool(self._subscribers)

    def publish(self, event_type: EventType, payload: Any) -> None:
        sequence = self._sequence
        self._sequence = sequence + 1
        subscribers = self._routes.get(event_type)
        if not subscribers:
            return
        subscribed = len(self._subscribers)
        event = Event(event_type, payload, self.block, sequence)
        for subscriber in subscribers:
            subscriber(event)
        if len(self._subscribers) != subscribed:
            self._late_subscribers(event, subscribers)

    def _late_subscribers(self, event: Event, delivered: tuple[Subscriber, ...]) -> None:
        # someone subscribed while this event was delivered: as a plain loop over the
        # subscriber list would, it receives the event too
        for types, subscriber in self._subscribers:
            if subscriber not in delivered and (types is None or event.type in types):
                subscriber(event)

    @property
    def published(self) -> int:
        """How many events were published so far."""
        return self._sequence


class EventRecorder:
    """Keeps every event; used by tests, the fidelity runner and determinism checks."""

    def __init__(self, bus: EventBus, types: Iterable[EventType] | None = None) -> None:
        self.events: list[Event] = []
        bus.subscribe(self.events.append, types)

    def of_type(self, event_type: EventType) -> list[Any]:
        return [e.payload for e in self.events if e.type is event_type]
