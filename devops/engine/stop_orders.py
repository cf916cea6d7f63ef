"""Stop orders (spec 0014-ORDT): orders held back until the last traded price crosses a trigger.

A stop order rises above or falls below a price, or trails the market by a
fraction: a falls-below trailing order remembers the highest price seen since
it was placed and triggers once the price falls that fraction below it (rises
above mirrors with the lowest price). Two stop orders sent together form a
one-cancels-the-other pair. Prices here are in market decimals, as Vega's pool
keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from devops.engine.commands import OrderSubmission


class StopOrderStatus(IntEnum):
    """Vega's `StopOrder.Status`, same numbers."""

    UNSPECIFIED = 0
    PENDING = 1
    CANCELLED = 2
    STOPPED = 3
    TRIGGERED = 4
    EXPIRED = 5
    REJECTED = 6


class Direction(IntEnum):
    UNSPECIFIED = 0
    RISES_ABOVE = 1
    FALLS_BELOW = 2


class ExpiryStrategy(IntEnum):
    UNSPECIFIED = 0
    CANCELS = 1
    SUBMIT = 2


@dataclass(slots=True)
class StopOrder:
    id: str
    party: str
    market_id: str
    submission: OrderSubmission
    direction: Direction
    price: int | None = None  # market decimals
    trailing: Decimal | None = None
    anchor: int = 0  # trailing: highest (falls below) or lowest (rises above) price seen
    expires_at: int = 0
    expiry_strategy: ExpiryStrategy = ExpiryStrategy.UNSPECIFIED
    status: StopOrderStatus = StopOrderStatus.PENDING
    oco_link: str = ""
    order_id: str = ""
    created_at: int = 0
    updated_at: int = 0

    @property
    def reference(self) -> str:
        return self.submission.reference

    def triggered_by(self, price: int) -> bool:
        """Whether a last traded price of `price` triggers this order (price triggers only)."""
        if self.price is None:
            return False
        if self.direction == Direction.FALLS_BELOW:
            return price <= self.price
        return price >= self.price


class StopOrderPool:
    """A market's pending stop orders, in the order they were placed."""

    def __init__(self) -> None:
        self.pending: dict[str, StopOrder] = {}
        self.last_seen: int | None = None

    def count_for(self, party: str) -> int:
        return sum(1 for s in self.pending.values() if s.party == party)

    def add(self, stop: StopOrder, last_traded: int | None) -> None:
        if stop.trailing is not None:
            stop.anchor = last_traded or 0
        self.pending[stop.id] = stop

    def remove(self, stop_id: str) -> StopOrder | None:
        return self.pending.pop(stop_id, None)

    def price_updated(self, price: int) -> list[StopOrder]:
        """The stop orders a new last traded price triggers; trailing anchors move with it."""
        previous, self.last_seen = self.last_seen, price
        triggered: list[StopOrder] = []
        for stop in list(self.pending.values()):
            if stop.trailing is None:
                if stop.triggered_by(price):
                    triggered.append(stop)
                continue
            if previous is None or price == previous:
                continue
            if stop.direction == Direction.FALLS_BELOW:
                if price > previous:
                    stop.anchor = max(stop.anchor, price)
                elif Decimal(stop.anchor) * (1 - stop.trailing) >= price:
                    triggered.append(stop)
            else:
                if price < previous:
                    stop.anchor = min(stop.anchor, price) if stop.anchor else price
                elif Decimal(stop.anchor) * (1 + stop.trailing) <= price:
                    triggered.append(stop)
        for stop in triggered:
            del self.pending[stop.id]
        return triggered

    def expired(self, now: int) -> list[StopOrder]:
        due = [s for s in self.pending.values() if s.expires_at and s.expires_at <= now]
        for stop in due:
            del self.pending[stop.id]
        return due

    def of_party(self, party: str) -> list[StopOrder]:
        return [s for s in self.pending.values() if s.party == party]
