"""GTT orders leave at their expiry, earliest first, ties in sequence order."""

from devops.engine.execution.common.expiring_orders import ExpiringOrders
from devops.engine.types import Order, Side, TimeInForce


def gtt(order_id: str, expires_at: int, sequence: int) -> Order:
    return Order(
        id=order_id,
        market_id="M",
        party="p",
        side=Side.SELL,
        price=10,
        size=1,
        remaining=1,
        time_in_force=TimeInForce.GTT,
        expires_at=expires_at,
        sequence=sequence,
    )


def test_expire_returns_what_is_due_by_expiry_then_sequence() -> None:
    expiring = ExpiringOrders()
    for order in (gtt("late", 30, 1), gtt("b", 20, 3), gtt("a", 20, 2), gtt("first", 10, 4)):
        expiring.insert(order)
    assert [o.id for o in expiring.expire(20)] == ["first", "a", "b"]
    assert "late" in expiring and "a" not in expiring and len(expiring) == 1
    assert expiring.expire(20) == []
    assert [o.id for o in expiring.expire(30)] == ["late"]


def test_removed_orders_never_expire() -> None:
    expiring = ExpiringOrders()
    expiring.insert(gtt("a", 10, 1))
    expiring.remove("a")
    expiring.remove("unknown")
    assert expiring.expire(100) == []


def test_the_expiry_is_read_when_time_moves() -> None:
    # an amendment in place changes the order's expiry without re-inserting it
    expiring = ExpiringOrders()
    order = gtt("a", 10, 1)
    expiring.insert(order)
    order.expires_at = 50
    assert expiring.expire(10) == []
    order.expires_at = 0  # no expiry at all: never due
    assert expiring.expire(100) == []
    order.expires_at = 60
    assert expiring.expire(100) == [order]


def test_inserting_again_keeps_one_entry() -> None:
    expiring = ExpiringOrders()
    order = gtt("a", 10, 1)
    expiring.insert(order)
    expiring.insert(order)
    assert len(expiring) == 1 and expiring.expire(10) == [order]
