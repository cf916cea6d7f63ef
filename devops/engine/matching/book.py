"""The order book: price-time priority matching and auction uncrossing.

Implements 0008-TRAD (continuous matching at the passive order's price, a
party never trades with itself: the aggressor stops at its own order), 0024-OSTA
(order statuses after matching: IOC remainder partially filled or stopped, FOK
all or nothing) and 0026-AUCT (during an auction orders rest without matching;
at its end the book uncrosses at the price that maximises traded volume, the
midpoint of the range of prices achieving it, every trade at that price).
Prices here are in asset decimals; pegged and liquidity orders are priced by
the market and only matter to the "static" best prices, which ignore them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sortedcontainers import SortedDict, SortedList

from devops.engine.types import (
    Order,
    OrderError,
    OrderRejected,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    Trade,
)


@dataclass(slots=True)
class MatchResult:
    """The aggressor after matching, the trades it made and the passive orders they hit."""

    order: Order
    trades: list[Trade] = field(default_factory=list)
    passive: list[Order] = field(default_factory=list)


class PriceLevel:
    __slots__ = ("price", "orders", "volume")

    def __init__(self, price: int) -> None:
        self.price = price
        self.orders: list[Order] = []
        self.volume = 0


def _hidden(order: Order) -> bool:
    return order.iceberg is not None and order.iceberg.reserved_remaining > 0


def _is_static(order: Order) -> bool:
    return order.pegged is None and not order.liquidity_provision_id


class BookSide:
    """One side of the book; the best level is first (keys are negated prices for bids)."""

    __slots__ = ("side", "levels", "_sign")

    def __init__(self, side: Side) -> None:
        self.side = side
        self._sign = -1 if side == Side.BUY else 1
        self.levels: SortedDict = SortedDict()

    def level(self, price: int) -> PriceLevel:
        key = self._sign * price
        level = self.levels.get(key)
        if level is None:
            level = PriceLevel(price)
            self.levels[key] = level
        return level

    def find(self, price: int) -> PriceLevel | None:
        return self.levels.get(self._sign * price)

    def drop_if_empty(self, level: PriceLevel) -> None:
        if not level.orders:
            del self.levels[self._sign * level.price]

    def best(self) -> PriceLevel | None:
        if not self.levels:
            return None
        return self.levels.peekitem(0)[1]

    def best_static(self) -> tuple[int, int] | None:
        """(price, static volume) of the best level holding a non-pegged order."""
        if not self.levels:
            return None
        first = self.levels.peekitem(0)[1]
        volume = sum(o.remaining for o in first.orders if _is_static(o))
        if volume:
            return first.price, volume
        for level in self.levels.values():
            volume = sum(o.remaining for o in level.orders if _is_static(o))
            if volume:
                return level.price, volume
        return None

    def crosses(self, level_price: int, order: Order) -> bool:
        """Whether an aggressor of the other side may trade at `level_price`."""
        if order.type != OrderType.LIMIT:
            return True
        if order.side == Side.BUY:
            return level_price <= order.price
        return level_price >= order.price


class OrderBook:
    """One market's book. Mutates the orders it holds; the market publishes them."""

    def __init__(
        self, market_id: str, *, in_auction: bool, next_trade_id: Callable[[], str]
    ) -> None:
        self.market_id = market_id
        self.in_auction = in_auction
        self._next_trade_id = next_trade_id
        self.buy = BookSide(Side.BUY)
        self.sell = BookSide(Side.SELL)
        self.orders: dict[str, Order] = {}
        self.last_traded_price = 0
        # prices that held volume at some point of the current auction (Vega keeps them)
        self._auction_prices: SortedList = SortedList()
        self.batch_id = 0
        self.version = 0  # bumped by every change, so readers can cache what they derive
        self._closeout_cache: dict[tuple[int, int, Side], int | None] = {}
        # the static best (price, volume) per side, valid while `version` is unchanged
        self._static_version = -1
        self._static_best: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)

    def _side(self, side: Side) -> BookSide:
        return self.buy if side == Side.BUY else self.sell

    def _opposite(self, side: Side) -> BookSide:
        return self.sell if side == Side.BUY else self.buy

    # ---- adding and removing --------------------------------------------------------------

    def _rest(self, order: Order) -> None:
        if order.iceberg is not None:
            order.set_iceberg_peaks()
        level = self._side(order.side).level(order.price)
        level.orders.append(order)
        level.volume += order.true_remaining
        self.orders[order.id] = order
        if self.in_auction and order.price not in self._auction_prices:
            self._auction_prices.add(order.price)

    def _unlink(self, order: Order) -> None:
        side = self._side(order.side)
        level = side.find(order.price)
        if level is not None:
            level.orders.remove(order)
            level.volume -= order.true_remaining
            side.drop_if_empty(level)
        self.orders.pop(order.id, None)

    def get_order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def cancel(self, order_id: str) -> Order:
        self.version += 1
        order = self.orders.get(order_id)
        if order is None:
            raise OrderRejected(OrderError.INVALID_ORDER_ID)
        self._unlink(order)
        return order

    def reduce_in_place(self, order_id: str, new_size: int, new_remaining: int) -> Order:
        """Change an order's size without losing its time priority."""
        self.version += 1
        order = self.orders.get(order_id)
        if order is None:
            raise OrderRejected(OrderError.INVALID_ORDER_ID)
        level = self._side(order.side).find(order.price)
        assert level is not None
        level.volume += new_remaining - order.remaining
        order.size, order.remaining = new_size, new_remaining
        return order

    def submit(self, order: Order, now: int) -> MatchResult:
        self.version += 1
        result = MatchResult(order)
        if not self.in_auction:
            self._match(order, now, result, check_wash=True)
        if order.remaining == 0:
            order.status = OrderStatus.FILLED
        elif order.reason == OrderError.SELF_TRADING:
            order.status = (
                OrderStatus.PARTIALLY_FILLED
                if order.remaining < order.size
                else OrderStatus.STOPPED
            )
        elif order.time_in_force == TimeInForce.IOC or order.type != OrderType.LIMIT:
            order.status = (
                OrderStatus.PARTIALLY_FILLED
                if order.remaining < order.size
                else OrderStatus.STOPPED
            )
        elif order.time_in_force == TimeInForce.FOK:
            order.status = OrderStatus.STOPPED
        else:
            order.status = OrderStatus.ACTIVE
            self._rest(order)
        return result

    def _match(self, order: Order, now: int, result: MatchResult, check_wash: bool) -> None:
        opposite = self._opposite(order.side)
        if order.time_in_force == TimeInForce.FOK or order.type == OrderType.NETWORK:
            fillable = self._fillable(order, opposite)
            if fillable is None:  # a wash trade on the way: stopped before anything trades
                order.reason = OrderError.SELF_TRADING
                return
            if fillable < order.remaining:
                return
        while order.remaining > 0 and opposite.levels:
            key, level = opposite.levels.peekitem(0)
            if not opposite.crosses(level.price, order):
                break
            orders = level.orders
            icebergs: list[list] = []  # [passive, its trade at this level or None]
            for passive in list(orders):
                if order.remaining == 0:
                    break
                if check_wash and passive.party == order.party:
                    order.reason = OrderError.SELF_TRADING
                    break
                size = passive.remaining if passive.remaining < order.remaining else order.remaining
                if size <= 0:
                    if passive.iceberg is not None and passive.iceberg.reserved_remaining:
                        icebergs.append([passive, None])
                    continue
                order.remaining -= size
                passive.remaining -= size
                level.volume -= size
                trade = self._trade(order, passive, level.price, size, now)
                result.trades.append(trade)
                result.passive.append(passive)
                if passive.iceberg is not None and passive.iceberg.reserved_remaining:
                    icebergs.append([passive, trade])
            if order.remaining > 0 and icebergs:
                self._trade_hidden(order, level, icebergs, result, now)
            finished = [p for p in orders if p.remaining == 0 and not _hidden(p)]
            if finished:
                for passive in finished:
                    passive.status = OrderStatus.FILLED
                    del self.orders[passive.id]
                level.orders = [p for p in orders if p.remaining > 0 or _hidden(p)]
            if not level.orders:
                del opposite.levels[key]
            if order.reason == OrderError.SELF_TRADING:
                break
        for passive in result.passive:
            if passive.iceberg_needs_refresh and passive.id in self.orders:
                self._refresh_iceberg(passive)
        if result.trades:
            self.last_traded_price = result.trades[-1].price
        if order.type == OrderType.NETWORK and result.trades:
            traded = sum(t.size for t in result.trades)
            order.price = sum(t.price * t.size for t in result.trades) // traded

    def _trade_hidden(
        self, order: Order, level: PriceLevel, icebergs: list[list], result: MatchResult, now: int
    ) -> None:
        """Trade with the icebergs' hidden volume, pro rata, rounding crumbs by time priority."""
        reserved = [entry[0].iceberg.reserved_remaining for entry in icebergs]
        total = sum(reserved)
        crossed = min(order.remaining, total)
        extra = [r * crossed // total for r in reserved]
        crumbs = crossed - sum(extra)
        for index in range(len(icebergs)):
            if crumbs == 0:
                break
            take = min(reserved[index] - extra[index], crumbs)
            extra[index] += take
            crumbs -= take
        for entry, amount in zip(icebergs, extra, strict=True):
            passive, trade = entry
            order.remaining -= amount
            if trade is None:
                trade = self._trade(order, passive, level.price, 0, now)
                result.trades.append(trade)
                result.passive.append(passive)
            trade.size += amount
            passive.iceberg.reserved_remaining -= amount
            level.volume -= amount

    def _refresh_iceberg(self, order: Order) -> None:
        """Show more of an iceberg from its hidden volume; it goes to the back of its level."""
        self._unlink(order)
        order.set_iceberg_peaks()
        order.status = OrderStatus.ACTIVE
        self._rest(order)

    def _fillable(self, order: Order, opposite: BookSide) -> int | None:
        """Volume an all-or-nothing order could take; None if it meets its own order first."""
        total = 0
        for level in opposite.levels.values():
            if not opposite.crosses(level.price, order):
                break
            for passive in level.orders:
                if passive.party == order.party:
                    return None
                total += passive.remaining
                if total >= order.remaining:
                    return total
        return total

    def _trade(self, aggressor: Order, passive: Order, price: int, size: int, now: int) -> Trade:
        buy, sell = (aggressor, passive) if aggressor.side == Side.BUY else (passive, aggressor)
        return Trade(
            id=self._next_trade_id(),
            market_id=self.market_id,
            price=price,
            size=size,
            buyer=buy.party,
            seller=sell.party,
            aggressor=aggressor.side,
            buy_order=buy.id,
            sell_order=sell.id,
            timestamp=now,
        )

    def simulate(self, order: Order) -> list[Trade]:
        """The trades `submit` would make now, without changing anything (Vega's GetTrades)."""
        if self.in_auction:
            return []
        opposite = self._opposite(order.side)
        if order.time_in_force == TimeInForce.FOK:
            fillable = self._fillable(order, opposite)
            if fillable is None or fillable < order.remaining:
                return []
        remaining = order.remaining
        trades: list[Trade] = []
        for level in opposite.levels.values():
            if remaining == 0 or not opposite.crosses(level.price, order):
                break
            for passive in level.orders:
                if passive.party == order.party:
                    return trades
                size = min(remaining, passive.remaining)
                remaining -= size
                buy, sell = (order, passive) if order.side == Side.BUY else (passive, order)
                trades.append(
                    Trade(
                        "",
                        self.market_id,
                        level.price,
                        size,
                        buy.party,
                        sell.party,
                        order.side,
                        buy.id,
                        sell.id,
                        0,
                    )
                )
                if remaining == 0:
                    break
        return trades

    @property
    def best_bid(self) -> int | None:
        level = self.buy.best()
        return level.price if level else None

    @property
    def best_ask(self) -> int | None:
        level = self.sell.best()
        return level.price if level else None

    @property
    def best_bid_volume(self) -> int:
        level = self.buy.best()
        return level.volume if level else 0

    @property
    def best_ask_volume(self) -> int:
        level = self.sell.best()
        return level.volume if level else 0

    def _refresh_static(self) -> None:
        self._static_best = (self.buy.best_static(), self.sell.best_static())
        self._static_version = self.version

    @property
    def best_static_bid(self) -> int | None:
        if self._static_version != self.version:
            self._refresh_static()
        found = self._static_best[0]
        return found[0] if found else None

    @property
    def best_static_ask(self) -> int | None:
        if self._static_version != self.version:
            self._refresh_static()
        found = self._static_best[1]
        return found[0] if found else None

    @property
    def best_static_bid_volume(self) -> int:
        if self._static_version != self.version:
            self._refresh_static()
        found = self._static_best[0]
        return found[1] if found else 0

    @property
    def best_static_ask_volume(self) -> int:
        if self._static_version != self.version:
            self._refresh_static()
        found = self._static_best[1]
        return found[1] if found else 0

    def mid_price(self) -> int | None:
        bid, ask = self.best_bid, self.best_ask
        if bid is None or ask is None:
            return None
        return (bid + ask) // 2

    def visible_volume_at(self, side: Side, price: int) -> int:
        level = self._side(side).find(price)
        return sum(o.remaining for o in level.orders) if level else 0

    def volume_at(self, side: Side, price: int) -> int:
        level = self._side(side).find(price)
        return level.volume if level else 0

    def depth(
        self, max_levels: int = 0
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        def levels(side: BookSide) -> list[tuple[int, int, int]]:
            out = [(lv.price, lv.volume, len(lv.orders)) for lv in side.levels.values()]
            return out[:max_levels] if max_levels else out

        return levels(self.buy), levels(self.sell)

    def closeout_price(self, volume: int, side: Side) -> int | None:
        """Volume-weighted price of taking `volume` from `side`; None if the book is too thin.

        In an auction Vega uses the indicative uncrossing price instead.
        """
        if self.in_auction:
            price, _, _ = self.indicative_price_and_volume()
            return price or None
        if volume <= 0:
            return None
        key = (self.version, volume, side)
        if key in self._closeout_cache:
            return self._closeout_cache[key]
        if len(self._closeout_cache) > 64 or next(iter(self._closeout_cache), key)[0] != key[0]:
            self._closeout_cache.clear()
        walked = self._walk_closeout(volume, side)
        self._closeout_cache[key] = walked
        return walked

    def _walk_closeout(self, volume: int, side: Side) -> int | None:
        total, left = 0, volume
        for level in self._side(side).levels.values():
            if level.volume >= left:
                total += level.price * left
                return total // volume
            total += level.price * level.volume
            left -= level.volume
        return None

    # ---- auctions ---------------------------------------------------------------------------

    def enter_auction(self) -> list[Order]:
        """Switch to auction mode; GFN orders must be cancelled by the market."""
        self.version += 1
        self.in_auction = True
        self._auction_prices = SortedList(
            lv.price for side in (self.buy, self.sell) for lv in side.levels.values()
        )
        return [
            o
            for side in (self.buy, self.sell)
            for lv in side.levels.values()
            for o in lv.orders
            if o.time_in_force == TimeInForce.GFN
        ]

    def bid_and_ask_present(self) -> bool:
        return bool(self.buy.levels) and bool(self.sell.levels)

    def bid_and_ask_present_after_auction(self) -> bool:
        """Whether a lasting (non-GFA) limit order would rest on each side after uncrossing
        (Vega's BidAndAskPresentAfterAuction)."""
        bid, ask = self.best_bid, self.best_ask
        if not bid or not ask:
            return False

        def lasting(order: Order) -> bool:
            return order.type == OrderType.LIMIT and order.time_in_force != TimeInForce.GFA

        buy_match = any(
            lasting(o) for lv in self.buy.levels.values() if lv.price < ask for o in lv.orders
        )
        sell_match = any(
            lasting(o) for lv in self.sell.levels.values() if lv.price > bid for o in lv.orders
        )
        if buy_match and sell_match:
            return True
        _, volume, _ = self.indicative_price_and_volume()
        if not buy_match and not self._outlasts_uncrossing(self.buy, volume, lambda p: p >= ask):
            return False
        return sell_match or self._outlasts_uncrossing(self.sell, volume, lambda p: p <= bid)

    @staticmethod
    def _outlasts_uncrossing(side: BookSide, volume: int, crossing: Callable[[int], bool]) -> bool:
        """A lasting order beyond the first `volume` of the crossing levels, best first."""
        seen = 0
        for level in side.levels.values():
            if not crossing(level.price):
                return False
            for order in level.orders:
                seen += order.remaining
                if seen > volume and order.time_in_force != TimeInForce.GFA:
                    return True
        return False

    def can_uncross(self) -> bool:
        bid, ask = self.best_bid, self.best_ask
        return bid is not None and ask is not None and bid >= ask

    def indicative_price_and_volume(self) -> tuple[int, int, Side]:
        """The uncrossing price, volume and the side whose orders uncross first."""
        bid, ask = self.best_bid, self.best_ask
        if bid is None or ask is None or bid < ask:
            return 0, 0, Side.UNSPECIFIED
        prices = [p for p in self._candidate_prices() if ask <= p <= bid]
        prices.sort(reverse=True)
        buy_cumulative: list[int] = []
        running = 0
        for price in prices:
            level = self.buy.find(price)
            running += level.volume if level else 0
            buy_cumulative.append(running)
        sell_cumulative = [0] * len(prices)
        running = 0
        for index in range(len(prices) - 1, -1, -1):
            level = self.sell.find(prices[index])
            running += level.volume if level else 0
            sell_cumulative[index] = running
        tradable = [min(b, s) for b, s in zip(buy_cumulative, sell_cumulative, strict=True)]
        best = max(tradable) if tradable else 0
        at_best = [p for p, t in zip(prices, tradable, strict=True) if t == best]
        price = (at_best[0] + at_best[-1]) // 2 if at_best else 0
        side = Side.UNSPECIFIED
        to_fill = best
        for level_price in prices:
            level = self.buy.find(level_price)
            to_fill -= level.volume if level else 0
            if to_fill == 0:
                side = Side.BUY
                break
            if to_fill < 0:
                side = Side.SELL
                break
        return price, best, side

    def indicative_trades(self, price: int, volume: int, side: Side) -> list[Trade]:
        """The trades an uncrossing at `price` would make, without changing the book."""
        first = self._side(side)
        opposite = self._opposite(side)
        aggressors: list[list] = []  # [order, remaining]
        total = 0
        for level in first.levels.values():
            eligible = level.price >= price if side == Side.BUY else level.price <= price
            if not eligible or total == volume:
                break
            for order in level.orders:
                if total + order.remaining <= volume:
                    aggressors.append([order, order.remaining])
                    total += order.remaining
                if total == volume:
                    break
        passives = [[o, o.remaining] for lv in opposite.levels.values() for o in lv.orders]
        trades: list[Trade] = []
        cursor = 0
        for entry in aggressors:
            order = entry[0]
            while entry[1] > 0 and cursor < len(passives):
                passive = passives[cursor]
                size = min(entry[1], passive[1])
                entry[1] -= size
                passive[1] -= size
                buy, sell = (order, passive[0]) if order.side == Side.BUY else (passive[0], order)
                trades.append(
                    Trade(
                        "",
                        self.market_id,
                        price,
                        size,
                        buy.party,
                        sell.party,
                        Side.UNSPECIFIED,
                        buy.id,
                        sell.id,
                        0,
                    )
                )
                if passive[1] == 0:
                    cursor += 1
        return trades

    def _candidate_prices(self) -> list[int]:
        if self.in_auction:
            return list(self._auction_prices)
        prices = {lv.price for lv in self.buy.levels.values()}
        prices.update(lv.price for lv in self.sell.levels.values())
        return sorted(prices)

    def leave_auction(self, now: int) -> tuple[list[MatchResult], list[Order]]:
        """Uncross at the indicative price; returns the uncrossings and the GFA orders to cancel."""
        self.version += 1
        self.batch_id += 1
        results: list[MatchResult] = []
        price, volume, side = self.indicative_price_and_volume()
        if volume > 0:
            for order in self._extract(self._side(side), price, volume):
                if order.iceberg is not None:  # an uncrossing iceberg trades its whole size
                    order.remaining += order.iceberg.reserved_remaining
                    order.iceberg.reserved_remaining = 0
                result = MatchResult(order)
                self._match(order, now, result, check_wash=False)
                for trade in result.trades:
                    trade.price = price
                    trade.aggressor = Side.UNSPECIFIED
                    trade.timestamp = now
                if order.remaining == 0:
                    order.status = OrderStatus.FILLED
                else:
                    self._rest_front(order)
                order.updated_at = now
                for passive in result.passive:
                    passive.updated_at = now
                results.append(result)
            if any(r.trades for r in results):
                self.last_traded_price = price
        self.in_auction = False
        self._auction_prices = SortedList()
        to_cancel = [
            o
            for side_book in (self.buy, self.sell)
            for lv in side_book.levels.values()
            for o in lv.orders
            if o.time_in_force == TimeInForce.GFA
        ]
        return results, to_cancel

    def _extract(self, side: BookSide, price: int, volume: int) -> list[Order]:
        """Take the orders that uncross first off the book: best price, then oldest first.

        As Vega, an order that would take the total past `volume` is passed over.
        """
        taken: list[Order] = []
        total = 0
        for key, level in list(side.levels.items()):
            eligible = level.price >= price if side.side == Side.BUY else level.price <= price
            if not eligible:
                break
            chosen = []
            for order in level.orders:
                if total + order.remaining <= volume:
                    chosen.append(order)
                    total += order.true_remaining
                if total == volume:
                    break
            for order in chosen:
                level.orders.remove(order)
                level.volume -= order.true_remaining
                self.orders.pop(order.id, None)
            taken.extend(chosen)
            if not level.orders:
                del side.levels[key]
            if total == volume:
                break
        return taken

    def _rest_front(self, order: Order) -> None:
        """Put a partly uncrossed order back at the head of its level (it kept its priority)."""
        level = self._side(order.side).level(order.price)
        level.orders.insert(0, order)
        level.volume += order.remaining
        self.orders[order.id] = order
