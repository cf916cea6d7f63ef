"""Stop order pool (0014-ORDT): price triggers, trailing anchors, expiry."""

from decimal import Decimal

from devops.engine.commands import OrderSubmission
from devops.engine.stop_orders import Direction, StopOrder, StopOrderPool
from devops.engine.types import OrderType, Side, TimeInForce

SUBMISSION = OrderSubmission("M", Side.SELL, 1, TimeInForce.IOC, OrderType.MARKET, reduce_only=True)


def stop(stop_id: str, direction: Direction, **fields) -> StopOrder:
    return StopOrder(stop_id, "p", "M", SUBMISSION, direction, **fields)


def test_price_triggers_fire_at_or_beyond_their_price() -> None:
    pool = StopOrderPool()
    pool.add(stop("fb", Direction.FALLS_BELOW, price=90), last_traded=100)
    pool.add(stop("ra", Direction.RISES_ABOVE, price=110), last_traded=100)
    assert pool.price_updated(95) == []
    assert [s.id for s in pool.price_updated(90)] == ["fb"]
    assert [s.id for s in pool.price_updated(111)] == ["ra"]
    assert pool.pending == {}


def test_trailing_falls_below_follows_the_highest_price() -> None:
    pool = StopOrderPool()
    pool.price_updated(100)
    pool.add(stop("t", Direction.FALLS_BELOW, trailing=Decimal("0.1")), last_traded=100)
    assert pool.price_updated(120) == []  # anchor rises to 120
    assert pool.price_updated(109) == []  # 120 · 0.9 = 108 not reached
    assert [s.id for s in pool.price_updated(108)] == ["t"]


def test_trailing_rises_above_follows_the_lowest_price() -> None:
    pool = StopOrderPool()
    pool.price_updated(100)
    pool.add(stop("t", Direction.RISES_ABOVE, trailing=Decimal("0.05")), last_traded=100)
    assert pool.price_updated(80) == []  # anchor falls to 80
    assert pool.price_updated(83) == []  # 80 · 1.05 = 84 not reached
    assert [s.id for s in pool.price_updated(84)] == ["t"]


def test_expiry_and_counts() -> None:
    pool = StopOrderPool()
    pool.add(stop("a", Direction.FALLS_BELOW, price=1, expires_at=10), last_traded=None)
    pool.add(stop("b", Direction.FALLS_BELOW, price=1), last_traded=None)
    assert pool.count_for("p") == 2
    assert [s.id for s in pool.expired(10)] == ["a"]
    assert pool.count_for("p") == 1
