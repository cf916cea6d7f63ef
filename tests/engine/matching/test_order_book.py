"""Order book (0008-TRAD, 0024-OSTA, 0026-AUCT): matching, statuses and uncrossing."""

import itertools

import pytest

from devops.engine.matching.book import OrderBook
from devops.engine.types import (
    Order,
    OrderError,
    OrderStatus,
    OrderType,
    PeggedOrder,
    PeggedReference,
    Side,
    TimeInForce,
)

_ids = itertools.count(1)


def order(
    party: str,
    side: Side,
    price: int,
    size: int,
    tif: TimeInForce = TimeInForce.GTC,
    kind: OrderType = OrderType.LIMIT,
) -> Order:
    n = next(_ids)
    return Order(f"o{n}", "M", party, side, price, size, size, tif, kind, sequence=n)


def book(in_auction: bool = False) -> OrderBook:
    counter = itertools.count(1)
    return OrderBook("M", in_auction=in_auction, next_trade_id=lambda: f"t{next(counter)}")


def test_price_then_time_priority_and_passive_price() -> None:
    b = book()
    first = order("a", Side.SELL, 101, 2)
    second = order("b", Side.SELL, 101, 2)
    better = order("c", Side.SELL, 100, 1)
    for o in (first, second, better):
        b.submit(o, 0)
    result = b.submit(order("d", Side.BUY, 102, 4), 0)
    assert [(t.seller, t.price, t.size) for t in result.trades] == [
        ("c", 100, 1),
        ("a", 101, 2),
        ("b", 101, 1),
    ]
    assert result.order.status == OrderStatus.FILLED
    assert second.status == OrderStatus.ACTIVE and second.remaining == 1
    assert b.best_ask == 101 and b.best_ask_volume == 1


def test_limit_price_is_respected_and_remainder_rests() -> None:
    b = book()
    b.submit(order("a", Side.SELL, 105, 5), 0)
    buy = order("d", Side.BUY, 104, 3)
    result = b.submit(buy, 0)
    assert result.trades == [] and buy.status == OrderStatus.ACTIVE
    assert b.best_bid == 104 and b.mid_price() == 104


def test_ioc_remainder_is_partially_filled_and_unfilled_is_stopped() -> None:
    b = book()
    b.submit(order("a", Side.SELL, 100, 1), 0)
    partial = order("d", Side.BUY, 100, 3, TimeInForce.IOC)
    b.submit(partial, 0)
    assert partial.status == OrderStatus.PARTIALLY_FILLED and partial.remaining == 2
    nothing = order("d", Side.BUY, 100, 3, TimeInForce.IOC)
    b.submit(nothing, 0)
    assert nothing.status == OrderStatus.STOPPED
    assert b.best_bid is None


def test_fok_trades_all_or_nothing() -> None:
    b = book()
    b.submit(order("a", Side.SELL, 100, 2), 0)
    kill = order("d", Side.BUY, 100, 3, TimeInForce.FOK)
    assert b.submit(kill, 0).trades == [] and kill.status == OrderStatus.STOPPED
    fill = order("d", Side.BUY, 100, 2, TimeInForce.FOK)
    assert len(b.submit(fill, 0).trades) == 1 and fill.status == OrderStatus.FILLED


def test_market_order_takes_any_price() -> None:
    b = book()
    b.submit(order("a", Side.BUY, 90, 1), 0)
    b.submit(order("b", Side.BUY, 80, 1), 0)
    sell = order("d", Side.SELL, 0, 2, TimeInForce.IOC, OrderType.MARKET)
    result = b.submit(sell, 0)
    assert [t.price for t in result.trades] == [90, 80]


def test_aggressor_stops_at_its_own_order() -> None:
    b = book()
    b.submit(order("a", Side.SELL, 100, 1), 0)
    b.submit(order("me", Side.SELL, 101, 1), 0)
    b.submit(order("c", Side.SELL, 102, 1), 0)
    mine = order("me", Side.BUY, 102, 3)
    result = b.submit(mine, 0)
    assert [t.seller for t in result.trades] == ["a"]
    assert mine.status == OrderStatus.PARTIALLY_FILLED and mine.reason == OrderError.SELF_TRADING
    assert b.get_order(mine.id) is None


def test_simulate_changes_nothing() -> None:
    b = book()
    resting = order("a", Side.SELL, 100, 2)
    b.submit(resting, 0)
    trades = b.simulate(order("d", Side.BUY, 100, 1))
    assert [(t.price, t.size) for t in trades] == [(100, 1)]
    assert resting.remaining == 2 and b.best_ask_volume == 2


def test_static_prices_ignore_pegged_orders() -> None:
    b = book()
    pegged = order("p", Side.BUY, 99, 1)
    pegged.pegged = PeggedOrder(PeggedReference.BEST_BID, 1)
    b.submit(pegged, 0)
    b.submit(order("a", Side.BUY, 98, 2), 0)
    assert b.best_bid == 99 and b.best_static_bid == 98 and b.best_static_bid_volume == 2


def test_closeout_price_is_volume_weighted_and_none_when_thin() -> None:
    b = book()
    b.submit(order("a", Side.BUY, 100, 1), 0)
    b.submit(order("b", Side.BUY, 90, 3), 0)
    assert b.closeout_price(2, Side.BUY) == 95
    assert b.closeout_price(5, Side.BUY) is None


def test_auction_holds_orders_then_uncrosses_at_the_volume_maximising_midpoint() -> None:
    b = book(in_auction=True)
    b.enter_auction()
    b.submit(order("a", Side.BUY, 105, 5), 0)
    b.submit(order("b", Side.SELL, 95, 5), 0)
    assert b.best_bid == 105 and b.best_ask == 95  # crossed but resting
    price, volume, _ = b.indicative_price_and_volume()
    assert (price, volume) == (100, 5)
    results, cancel = b.leave_auction(now=3)
    trades = [t for r in results for t in r.trades]
    assert [(t.price, t.size, t.aggressor) for t in trades] == [(100, 5, Side.UNSPECIFIED)]
    assert cancel == [] and b.best_bid is None and b.best_ask is None


def test_uncrossing_leaves_the_excess_and_cancels_gfa_orders() -> None:
    b = book(in_auction=True)
    b.enter_auction()
    b.submit(order("a", Side.BUY, 101, 3), 0)
    b.submit(order("b", Side.SELL, 100, 1), 0)
    gfa = order("c", Side.BUY, 90, 1, TimeInForce.GFA)
    b.submit(gfa, 0)
    price, volume, _ = b.indicative_price_and_volume()
    assert volume == 1 and price == 100  # only 100 and 101 trade 1; range midpoint rounds down
    results, cancel = b.leave_auction(now=1)
    assert sum(t.size for r in results for t in r.trades) == 1
    assert cancel == [gfa]
    assert b.best_bid == 101 and b.best_bid_volume == 2


def test_bid_and_ask_present_after_auction_needs_lasting_orders_beyond_the_uncrossing() -> None:
    """0026-AUCT-005: only crossing orders, or GFA orders behind them, leave an empty side."""
    b = book(in_auction=True)
    b.enter_auction()
    b.submit(order("a", Side.BUY, 105, 5), 0)
    b.submit(order("b", Side.SELL, 95, 5), 0)
    assert b.bid_and_ask_present() and not b.bid_and_ask_present_after_auction()
    b.submit(order("c", Side.BUY, 90, 1, TimeInForce.GFA), 0)
    b.submit(order("d", Side.SELL, 110, 1), 0)
    assert not b.bid_and_ask_present_after_auction()  # the only bid left would be GFA
    b.submit(order("e", Side.BUY, 105, 2), 0)  # crossing, but more than the uncrossing takes
    assert b.bid_and_ask_present_after_auction()


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_cancel_unknown_order_is_rejected(side: Side) -> None:
    from devops.engine.types import OrderRejected

    with pytest.raises(OrderRejected):
        book().cancel("nope")


def test_static_bests_follow_every_change_of_the_book() -> None:
    b = book()
    assert (b.best_static_bid, b.best_static_ask) == (None, None)
    bid = order("a", Side.BUY, 99, 3)
    b.submit(bid, 0)
    assert (b.best_static_bid, b.best_static_bid_volume) == (99, 3)
    pegged = order("p", Side.BUY, 100, 5)
    pegged.pegged = PeggedOrder(PeggedReference.BEST_BID, 0)
    b.submit(pegged, 0)
    assert (b.best_static_bid, b.best_static_bid_volume) == (99, 3)  # pegged: not static
    b.submit(order("s", Side.SELL, 101, 2), 0)
    assert (b.best_static_ask, b.best_static_ask_volume) == (101, 2)
    b.reduce_in_place(bid.id, 2, 2)
    assert b.best_static_bid_volume == 2
    ask = order("c", Side.SELL, 90, 8)
    b.submit(ask, 0)  # takes the pegged order, then the bid, and rests
    assert (b.best_static_bid, b.best_static_bid_volume) == (None, 0)
    assert (b.best_static_ask, b.best_static_ask_volume) == (90, 1)
    b.cancel(ask.id)
    assert b.best_static_ask == 101
