"""The market's pegged orders, live on the book or parked (Vega's `common/pegged_orders.go`).

A pegged order is live while the book holds it at its repriced price and parked
while it cannot be priced (no reference, an auction). Listings are by sequence,
the creation order the market reprices, parks and cancels them in.
"""

from __future__ import annotations

from devops.engine.types import Order


class PeggedOrders:
    """Pegged orders by id: live ones and parked ones, never both at once."""

    def __init__(self) -> None:
        self._live: dict[str, Order] = {}
        self._parked: dict[str, Order] = {}

    def add(self, order: Order) -> None:
        """Record a pegged order the book now holds (an amended copy replaces its original)."""
        self._live[order.id] = order

    def park(self, order: Order) -> None:
        self._live.pop(order.id, None)
        self._parked[order.id] = order

    def unpark(self, order_id: str) -> Order | None:
        """Take a parked order out, to be added again once it is back on the book."""
        return self._parked.pop(order_id, None)

    def remove(self, order_id: str) -> None:
        """Forget an order that is done (filled, cancelled, expired, stopped)."""
        self._live.pop(order_id, None)
        self._parked.pop(order_id, None)

    def is_parked(self, order_id: str) -> bool:
        return order_id in self._parked

    def get_parked(self, order_id: str) -> Order | None:
        return self._parked.get(order_id)

    def parked(self) -> list[Order]:
        """Parked orders, oldest parking first."""
        return list(self._parked.values())

    def live(self) -> list[Order]:
        return sorted(self._live.values(), key=_by_sequence)

    def all(self) -> list[Order]:
        """Live and parked orders, by sequence."""
        return sorted([*self._live.values(), *self._parked.values()], key=_by_sequence)

    def __len__(self) -> int:
        return len(self._live) + len(self._parked)


def _by_sequence(order: Order) -> int:
    return order.sequence
