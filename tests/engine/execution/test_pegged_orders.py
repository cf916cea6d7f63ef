"""The market's pegged orders: live or parked, listed in sequence (creation) order."""

from devops.engine.execution.common.pegged_orders import PeggedOrders
from devops.engine.types import Order, PeggedOrder, PeggedReference, Side, TimeInForce


def pegged(order_id: str, sequence: int) -> Order:
    return Order(
        id=order_id,
        market_id="M",
        party="p",
        side=Side.BUY,
        price=0,
        size=1,
        remaining=1,
        time_in_force=TimeInForce.GTC,
        pegged=PeggedOrder(PeggedReference.BEST_BID, 1),
        sequence=sequence,
    )


def test_listings_are_by_sequence_whatever_the_insertion_order() -> None:
    orders = PeggedOrders()
    third, first, second = pegged("c", 3), pegged("a", 1), pegged("b", 2)
    orders.add(third)
    orders.park(first)
    orders.add(second)
    assert [o.id for o in orders.live()] == ["b", "c"]
    assert [o.id for o in orders.all()] == ["a", "b", "c"]
    assert len(orders) == 3


def test_parked_orders_keep_the_order_they_were_parked_in() -> None:
    orders = PeggedOrders()
    late, early = pegged("late", 9), pegged("early", 1)
    orders.park(late)
    orders.park(early)
    assert [o.id for o in orders.parked()] == ["late", "early"]


def test_park_moves_a_live_order_and_unpark_takes_it_out() -> None:
    orders = PeggedOrders()
    order = pegged("a", 1)
    orders.add(order)
    orders.park(order)
    assert orders.live() == []
    assert orders.is_parked("a") and orders.get_parked("a") is order
    assert orders.unpark("a") is order
    assert not orders.is_parked("a") and len(orders) == 0
    assert orders.unpark("a") is None
    orders.add(order)
    assert orders.live() == [order] and orders.get_parked("a") is None


def test_an_amended_copy_replaces_its_original() -> None:
    orders = PeggedOrders()
    original = pegged("a", 1)
    amended = pegged("a", 1)
    orders.add(original)
    orders.add(amended)
    assert orders.live() == [amended] and orders.live()[0] is amended


def test_remove_forgets_live_and_parked_orders() -> None:
    orders = PeggedOrders()
    orders.add(pegged("live", 1))
    orders.park(pegged("parked", 2))
    orders.remove("live")
    orders.remove("parked")
    orders.remove("unknown")
    assert orders.all() == [] and len(orders) == 0
