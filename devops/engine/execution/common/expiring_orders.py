"""GTT orders waiting for their expiry time (Vega's `common/expiring_orders.go`).

The expiry is read from the order when time moves, so an amendment in place
that changes it needs no re-insertion.
"""

from __future__ import annotations

from devops.engine.types import Order


class ExpiringOrders:
    """Orders by id that expire at their `expires_at`."""

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}

    def insert(self, order: Order) -> None:
        self._orders[order.id] = order

    def remove(self, order_id: str) -> None:
        self._orders.pop(order_id, None)

    def expire(self, now: int) -> list[Order]:
        """Take out and return the orders due at `now`, by expiry then sequence."""
        due = [o for o in self._orders.values() if 0 < o.expires_at <= now]
        due.sort(key=lambda o: (o.expires_at, o.sequence))
        for order in due:
            del self._orders[order.id]
        return due

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __len__(self) -> int:
        return len(self._orders)
