"""The market's side of stop orders: validation, triggering, expiry and clean-up (0014-ORDT).

Mirrors Vega's rules: a stop order must be reduce-only, needs an existing
position (or orders) it would reduce, counts against
`spam.protection.max.stopOrdersPerMarket`, may not expire in the past, and
triggers on the last traded price — at once if that price already crosses it,
otherwise when a later trade does (never during an auction).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from devops.engine.commands import OrderConfirmation, OrderSubmission
from devops.engine.events.bus import EventType
from devops.engine.execution.market_base import MarketBase
from devops.engine.stop_orders import (
    Direction,
    ExpiryStrategy,
    StopOrder,
    StopOrderStatus,
)
from devops.engine.types import Side


@dataclass(frozen=True, slots=True)
class StopOrdersResult:
    """A stop order submission's outcome: Vega's error text, or the confirmation of the order
    it placed at once (None when it waits for its trigger)."""

    error: str | None = None
    confirmation: OrderConfirmation | None = None


@dataclass(frozen=True, slots=True)
class StopOrderSpec:
    """One direction of a stop order submission."""

    submission: OrderSubmission
    price: int | None = None  # market decimals
    trailing: Decimal | None = None
    expires_at: int = 0
    expiry_strategy: ExpiryStrategy = ExpiryStrategy.UNSPECIFIED


class MarketStopOrders(MarketBase):
    """Part of `Market`: its stop orders wait in `stop_orders` until triggered or expired."""

    def _publish_stop(self, stop: StopOrder) -> None:
        stop.updated_at = self.clock.now
        self.bus.publish(EventType.STOP_ORDER, copy.copy(stop))

    def _last_traded_market_price(self) -> int | None:
        price = self.last_traded_price
        return price // self.config.price_factor if price else None

    def submit_stop_orders(
        self,
        party: str,
        falls_below: StopOrderSpec | None,
        rises_above: StopOrderSpec | None,
    ) -> StopOrdersResult:
        """Place one stop order or an OCO pair; the error text when Vega would refuse."""
        now = self.clock.now
        stops = []
        for spec, direction in (
            (falls_below, Direction.FALLS_BELOW),
            (rises_above, Direction.RISES_ABOVE),
        ):
            if spec is None:
                continue
            stops.append(
                StopOrder(
                    id=self.ids.next(),
                    party=party,
                    market_id=self.config.id,
                    submission=spec.submission,
                    direction=direction,
                    price=spec.price,
                    trailing=spec.trailing,
                    expires_at=spec.expires_at,
                    expiry_strategy=spec.expiry_strategy,
                    created_at=now,
                )
            )
        if len(stops) == 2:
            stops[0].oco_link, stops[1].oco_link = stops[1].id, stops[0].id
        error = self._stop_order_error(party, stops, now)
        if error is not None:
            for stop in stops:
                stop.status = StopOrderStatus.REJECTED
                self._publish_stop(stop)
            return StopOrdersResult(error=error)
        pool = self.stop_orders
        last = self._last_traded_market_price()
        triggered = next(
            (s for s in stops if s.trailing is None and last is not None and s.triggered_by(last)),
            None,
        )
        if self.auction.in_auction or triggered is None:
            for stop in stops:
                pool.add(stop, last)
                self._publish_stop(stop)
            return StopOrdersResult()
        for stop in stops:
            stop.status = (
                StopOrderStatus.TRIGGERED if stop is triggered else StopOrderStatus.STOPPED
            )
            self._publish_stop(stop)
        return StopOrdersResult(confirmation=self._place_stop_order(triggered))

    def _stop_order_error(self, party: str, stops: list[StopOrder], now: int) -> str | None:
        if not self.can_trade:
            return "trading not allowed"
        for stop in stops:
            if stop.expires_at and stop.expires_at < now:
                return "stop order expiry in the past"
            if not stop.submission.reduce_only:
                return "stop order must be reduce only"
        limit = self.netparams.get_int("spam.protection.max.stopOrdersPerMarket")
        if self.stop_orders.count_for(party) + len(stops) > limit:
            return "max stop orders per party reached"
        position = self.positions.get(party)
        if position is None:
            return "stop order submission not allowed without existing position"
        potential = position.size - position.sell + position.buy
        side = stops[0].submission.side
        if side == Side.BUY and potential >= 0 and position.size >= 0:
            return "side used in stop order does not close the position"
        if side == Side.SELL and potential <= 0 and position.size <= 0:
            return "side used in stop order does not close the position"
        return None

    def _place_stop_order(self, stop: StopOrder) -> OrderConfirmation:
        confirmation = self.submit_order(stop.submission, stop.party)
        stop.order_id = confirmation.order.id
        self._publish_stop(stop)
        return confirmation

    def trigger_stop_orders(self) -> None:
        """Submit the stop orders the last traded price has crossed (repeatedly: they trade too)."""
        pool = self.stop_orders
        if not pool.pending or self.auction.in_auction:
            return
        last = self._last_traded_market_price()
        if last is None:
            return
        triggered = pool.price_updated(last)
        for stop in triggered:
            if stop.status != StopOrderStatus.PENDING:
                continue
            stop.status = StopOrderStatus.TRIGGERED
            sibling = pool.remove(stop.oco_link) if stop.oco_link else None
            if sibling is not None:
                sibling.status = StopOrderStatus.STOPPED
                self._publish_stop(sibling)
            self._place_stop_order(stop)

    def expire_stop_orders(self, now: int) -> None:
        for stop in self.stop_orders.expired(now):
            stop.status = StopOrderStatus.EXPIRED
            submit = (
                stop.expiry_strategy == ExpiryStrategy.SUBMIT
                and not stop.oco_link
                and not self.auction.in_auction
            )
            if submit:
                self._place_stop_order(stop)
            else:
                self._publish_stop(stop)

    def cancel_stop_orders(self, party: str, stop_id: str = "") -> list[StopOrder]:
        pool = self.stop_orders
        cancelled = [s for s in pool.of_party(party) if not stop_id or s.id == stop_id]
        for stop in cancelled:
            pool.remove(stop.id)
            stop.status = StopOrderStatus.CANCELLED
            self._publish_stop(stop)
        return cancelled

    def cancel_stop_order(self, party: str, stop_id: str) -> str | None:
        """Cancel one stop order and its OCO sibling; Vega's error text when it cannot."""
        if not self.can_trade:
            return "trading not allowed"
        pool = self.stop_orders
        stop = next((s for s in pool.of_party(party) if s.id == stop_id), None)
        if stop is None:
            return "stop order not found"
        cancelled = [stop]
        sibling = pool.remove(stop.oco_link) if stop.oco_link else None
        if sibling is not None:
            cancelled.append(sibling)
        pool.remove(stop.id)
        for each in cancelled:
            each.status = StopOrderStatus.CANCELLED
            self._publish_stop(each)
        return None
