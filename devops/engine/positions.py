"""Positions: each party's open volume and its potential volume from live orders.

Implements spec 0006-POSI. A position is the traded size (long > 0) plus the
total remaining volume of the party's buy and sell orders, with their
price-weighted sums (Vega's VWBuy/VWSell). Parties are kept in the order they
first appeared, which is the order mark-to-market settles them in.
"""

from __future__ import annotations

from dataclasses import dataclass

from devops.engine.types import Order, OrderType, Side, Trade


@dataclass(slots=True)
class MarketPosition:
    party: str
    size: int = 0
    buy: int = 0
    sell: int = 0
    price: int = 0  # the mark price it was last valued at (asset decimals)
    buy_sum_product: int = 0
    sell_sum_product: int = 0
    distressed: bool = False

    @property
    def closed(self) -> bool:
        return self.size == 0 and self.buy + self.sell == 0

    @property
    def vw_buy(self) -> int:
        return self.buy_sum_product // self.buy if self.buy else 0

    @property
    def vw_sell(self) -> int:
        return self.sell_sum_product // self.sell if self.sell else 0

    def copy(self) -> MarketPosition:
        return MarketPosition(
            self.party,
            self.size,
            self.buy,
            self.sell,
            self.price,
            self.buy_sum_product,
            self.sell_sum_product,
            self.distressed,
        )

    def change_orders(self, side: Side, price: int, size: int, add: bool) -> None:
        if size == 0:
            return
        sign = 1 if add else -1
        if side == Side.BUY:
            self.buy += sign * size
            self.buy_sum_product += sign * price * size
        else:
            self.sell += sign * size
            self.sell_sum_product += sign * price * size

    def register(self, order: Order) -> None:
        self.change_orders(order.side, order.price, order.true_remaining, True)

    def unregister(self, order: Order) -> None:
        self.change_orders(order.side, order.price, order.true_remaining, False)

    def reduces_exposure(self, order: Order) -> bool:
        """Whether the order only brings the position towards zero (no margin check then)."""
        if self.size == 0 or order.pegged is not None:
            return False
        if self.size > 0 and order.side == Side.SELL:
            if order.type == OrderType.MARKET and self.size - order.remaining >= 0:
                return True
            if order.type == OrderType.LIMIT and self.size - self.sell >= 0:
                return True
        if self.size < 0 and order.side == Side.BUY:
            if order.type == OrderType.MARKET and self.size + order.remaining <= 0:
                return True
            if order.type == OrderType.LIMIT and self.size + self.buy <= 0:
                return True
        return False

    def reduce_only_extra(self, order: Order) -> tuple[bool, int]:
        """(reduces, volume beyond zero) for a reduce-only order."""
        if (
            self.size == 0
            or (self.size < 0 and order.side == Side.SELL)
            or (self.size > 0 and order.side == Side.BUY)
        ):
            return False, 0
        extra = order.remaining - abs(self.size)
        return True, max(0, extra)


class Positions:
    """All positions of one market."""

    def __init__(self) -> None:
        self.positions: dict[str, MarketPosition] = {}

    def get(self, party: str) -> MarketPosition | None:
        return self.positions.get(party)

    def _get_or_create(self, party: str) -> MarketPosition:
        position = self.positions.get(party)
        if position is None:
            position = MarketPosition(party)
            self.positions[party] = position
        return position

    def register_order(self, order: Order) -> MarketPosition:
        position = self._get_or_create(order.party)
        position.register(order)
        return position

    def unregister_order(self, order: Order) -> MarketPosition | None:
        position = self.positions.get(order.party)
        if position is not None:
            position.unregister(order)
        return position

    def amend_order(self, original: Order, amended: Order) -> MarketPosition:
        position = self._get_or_create(original.party)
        position.unregister(original)
        position.register(amended)
        return position

    def update(self, trade: Trade, passive: Order, aggressive: Order) -> None:
        buyer = self._get_or_create(trade.buyer)
        seller = self._get_or_create(trade.seller)
        buyer.size += trade.size
        seller.size -= trade.size
        aggressor, passive_position = (
            (buyer, seller) if aggressive.side == Side.BUY else (seller, buyer)
        )
        aggressor.change_orders(aggressive.side, aggressive.price, trade.size, False)
        passive_position.change_orders(passive.side, passive.price, trade.size, False)

    def update_network(self, trade: Trade, passive: Order) -> None:
        """A trade with the network's close-out order: only the passive party's side moves."""
        position = self._get_or_create(passive.party)
        position.size += trade.size if passive.side == Side.BUY else -trade.size
        position.change_orders(passive.side, passive.price, trade.size, False)

    def update_mark_price(self, mark_price: int) -> list[MarketPosition]:
        for position in self.positions.values():
            position.price = mark_price
        return list(self.positions.values())

    def open_interest(self) -> int:
        return sum(p.size for p in self.positions.values() if p.size > 0)

    def open_interest_given_trades(self, trades: list[Trade]) -> int:
        """Open interest as it would be after `trades` (used before they happen)."""
        interest = self.open_interest()
        local: dict[str, int] = {}
        delta = 0
        for trade in trades:
            if trade.buyer == trade.seller:
                continue
            before_buy = local.get(trade.buyer, self._size(trade.buyer))
            before_sell = local.get(trade.seller, self._size(trade.seller))
            after_buy, after_sell = before_buy + trade.size, before_sell - trade.size
            local[trade.buyer], local[trade.seller] = after_buy, after_sell
            delta += (
                max(0, after_buy) - max(0, before_buy) + max(0, after_sell) - max(0, before_sell)
            )
        return interest + delta

    def _size(self, party: str) -> int:
        position = self.positions.get(party)
        return position.size if position is not None else 0

    def remove(self, party: str) -> MarketPosition | None:
        return self.positions.pop(party, None)

    def closed_positions(self) -> list[MarketPosition]:
        """Remove and return the positions with no volume and no orders, by party name."""
        closed = [p for p in self.positions.values() if p.closed]
        for position in closed:
            del self.positions[position.party]
        return sorted(closed, key=lambda p: p.party)

    def mark_distressed(self, closed: list[str]) -> tuple[list[str], list[str]]:
        """Flag the parties that could not be closed out; return (newly distressed, no longer)."""
        previously = {p for p, pos in self.positions.items() if pos.distressed}
        newly: list[str] = []
        for party in closed:
            if party in previously:
                previously.discard(party)
                continue
            self.positions[party].distressed = True
            newly.append(party)
        for party in previously:
            self.positions[party].distressed = False
        return sorted(newly), sorted(previously)
