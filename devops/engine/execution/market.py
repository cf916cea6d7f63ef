"""The market: the one place that orchestrates the domain engines of a futures market.

As Vega core's `execution/future/market.go` (specs 0001-MKTF, 0008-TRAD,
0026-AUCT, 0043-MKTL): each command and each block end calls the domains in a
fixed order — validate, register the potential position, check margin, ask the
book for the trades, check price monitoring, charge fees, match, update
positions and settlement, reprice pegged orders — and publishes what changed.
Lifecycle work (auctions, mark-to-market, close-outs, settlement) lives in
`market_lifecycle.py`; this module handles orders.
"""

from __future__ import annotations

import copy

from devops.engine.collateral import Collateral
from devops.engine.commands import (
    CancellationResult,
    OrderAmendment,
    OrderConfirmation,
    OrderSubmission,
)
from devops.engine.events.bus import EventBus, EventType
from devops.engine.execution.common.copying import copy_order, copy_trade
from devops.engine.execution.market_base import Clock
from devops.engine.execution.market_lifecycle import MarketLifecycle
from devops.engine.execution.market_liquidity import MarketLiquidity
from devops.engine.execution.market_stop_orders import MarketStopOrders
from devops.engine.fees import FeeBill, auction_fees, continuous_fees
from devops.engine.ids import IdGenerator
from devops.engine.matching.book import MatchResult
from devops.engine.netparams.params import NetworkParameters
from devops.engine.types import (
    IcebergOrder,
    MarketConfig,
    Order,
    OrderError,
    OrderRejected,
    OrderStatus,
    OrderType,
    PeggedOrder,
    PeggedReference,
    Side,
    TimeInForce,
    Trade,
    TransferType,
)

_STOPPING = frozenset(
    {
        OrderError.NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS,
        OrderError.POST_ONLY_ORDER_WOULD_TRADE,
        OrderError.REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION,
    }
)


class Market(MarketLiquidity, MarketStopOrders, MarketLifecycle):
    """One futures market. Commands never raise: rejections come back in confirmations."""

    def __init__(
        self,
        config: MarketConfig,
        *,
        bus: EventBus,
        collateral: Collateral,
        clock: Clock,
        netparams: NetworkParameters,
        ids: IdGenerator,
    ) -> None:
        super().__init__(config, bus=bus, collateral=collateral, clock=clock, netparams=netparams)
        self.ids = ids

    # ---- submissions ----------------------------------------------------------------------

    def submit_order(self, submission: OrderSubmission, party: str) -> OrderConfirmation:
        order = self._new_order(submission, party)
        if not self.can_trade:
            return self._reject(order, OrderError.MARKET_CLOSED)
        try:
            self._validate(order)
            self._validate_accounts(order)
            confirmation = self._submit_validated(order)
        except OrderRejected as rejected:
            return self._reject(order, rejected.reason)
        if order.pegged is not None and order.status not in (
            OrderStatus.ACTIVE,
            OrderStatus.PARKED,
        ):
            self.pegged_orders.remove(order.id)
        if order.time_in_force == TimeInForce.GTT and order.status in (
            OrderStatus.ACTIVE,
            OrderStatus.PARKED,
        ):
            self.expiring.insert(order)
        if not self.auction.in_auction:
            self.check_reference_moves()
        self.trigger_stop_orders()
        return confirmation

    def _new_order(self, submission: OrderSubmission, party: str) -> Order:
        now = self.clock.now
        order = Order(
            id=self.ids.next(),
            market_id=submission.market_id,
            party=party,
            side=submission.side,
            price=submission.price * self.config.price_factor,
            size=submission.size,
            remaining=submission.size,
            time_in_force=submission.time_in_force,
            type=submission.type,
            created_at=now,
            expires_at=submission.expires_at,
            reference=submission.reference,
            original_price=submission.price,
            post_only=submission.post_only,
            reduce_only=submission.reduce_only,
        )
        if submission.iceberg is not None:
            order.iceberg = IcebergOrder(
                submission.iceberg.peak_size, submission.iceberg.minimum_visible_size
            )
        if submission.pegged is not None:
            order.pegged = PeggedOrder(
                submission.pegged.reference, submission.pegged.offset * self.config.price_factor
            )
        self.sequence += 1
        order.sequence = self.sequence
        return order

    def _reject(self, order: Order, reason: OrderError) -> OrderConfirmation:
        order.status = OrderStatus.STOPPED if reason in _STOPPING else OrderStatus.REJECTED
        order.reason = reason
        order.updated_at = self.clock.now if order.updated_at else order.updated_at
        self.publish_order(order)
        return OrderConfirmation(order)

    def _validate(self, order: Order) -> None:
        if order.size <= 0:
            raise OrderRejected(OrderError.INVALID_SIZE)
        if order.side not in (Side.BUY, Side.SELL):
            raise OrderRejected(OrderError.INVALID_ORDER_REFERENCE, "side")
        if order.type == OrderType.NETWORK:
            raise OrderRejected(OrderError.INVALID_TYPE)
        if order.type == OrderType.LIMIT and order.pegged is None and order.price <= 0:
            raise OrderRejected(OrderError.INVALID_REMAINING_SIZE, "price")
        if order.type == OrderType.MARKET and order.time_in_force not in (
            TimeInForce.IOC,
            TimeInForce.FOK,
        ):
            raise OrderRejected(OrderError.INVALID_TIME_IN_FORCE)
        if order.time_in_force == TimeInForce.GTT and order.expires_at <= 0:
            raise OrderRejected(OrderError.INVALID_EXPIRATION_DATETIME)
        if order.time_in_force != TimeInForce.GTT and order.expires_at > 0:
            raise OrderRejected(OrderError.CANNOT_HAVE_GTC_AND_EXPIRYAT)
        in_auction = self.auction.in_auction
        tif = order.time_in_force
        if in_auction and tif == TimeInForce.GFN:
            raise OrderRejected(OrderError.CANNOT_SEND_GFN_ORDER_DURING_AN_AUCTION)
        if in_auction and tif == TimeInForce.IOC:
            raise OrderRejected(OrderError.CANNOT_SEND_IOC_ORDER_DURING_AUCTION)
        if in_auction and tif == TimeInForce.FOK:
            raise OrderRejected(OrderError.CANNOT_SEND_FOK_ORDER_DURING_AUCTION)
        if not in_auction and tif == TimeInForce.GFA:
            raise OrderRejected(OrderError.CANNOT_SEND_GFA_ORDER_DURING_CONTINUOUS_TRADING)
        if 0 < order.expires_at < order.created_at:
            raise OrderRejected(OrderError.INVALID_EXPIRATION_DATETIME)
        if order.market_id != self.config.id:
            raise OrderRejected(OrderError.INVALID_MARKET_ID)
        if order.pegged is not None:
            reason = validate_pegged(order)
            if reason is not None:
                raise OrderRejected(reason)

    def _validate_accounts(self, order: Order) -> None:
        if not self.collateral.has_general(order.party, self.asset):
            raise OrderRejected(OrderError.INSUFFICIENT_ASSET_BALANCE)
        self.collateral.margin(order.party, self.config.id, self.asset)
        self.parties.setdefault(order.party, None)

    def _submit_validated(self, order: Order) -> OrderConfirmation:
        if order.pegged is not None:
            order.status = OrderStatus.PARKED
            order.reason = OrderError.UNSPECIFIED
            if self.auction.in_auction or not self.reprice_pegged(order):
                self.park(order)
                self.publish_order(order)
                return OrderConfirmation(order)
        position = self.positions.register_order(order)
        if order.reduce_only:
            reduces, extra = position.reduce_only_extra(order)
            if not reduces or (order.time_in_force == TimeInForce.FOK and extra > 0):
                self.positions.unregister_order(order)
                raise OrderRejected(OrderError.REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION)
        if not order.reduce_only and not position.reduces_exposure(order):
            if not self.check_margin_for_order(order):
                self.positions.unregister_order(order)
                raise OrderRejected(OrderError.MARGIN_CHECK_FAILED)
        try:
            return self._match(order)
        finally:
            self.release_margin_excess(order.party)

    def _match(self, order: Order) -> OrderConfirmation:
        trades: list[Trade] = []
        if not self.auction.in_auction:
            try:
                trades = self.check_price_and_get_trades(order)
                self.apply_fees(trades)
            except OrderRejected:
                self.positions.unregister_order(order)
                raise
        if self.auction.in_auction and order.pegged is not None:
            self.positions.unregister_order(order)
            self.park(order)
            self.publish_order(order)
            return OrderConfirmation(order)
        order.status = OrderStatus.ACTIVE
        result = self.book.submit(order, self.clock.now)
        self.orders[order.id] = order
        if order.pegged is not None:
            self.pegged_orders.add(order)
        if order.reduce_only and order.remaining > 0 and order.status != OrderStatus.FILLED:
            order.status = OrderStatus.STOPPED
        if order.status not in (OrderStatus.ACTIVE, OrderStatus.PARTIALLY_FILLED) or (
            order.remaining > 0 and not order.is_persistent
        ):
            if order.remaining > 0:
                self.positions.unregister_order(order)
        if trades:
            _copy_fees(trades, result.trades)
        self.publish_order(order)
        self.handle_confirmation(result)
        if result.trades and not self.auction.in_auction and not self.auction.can_leave():
            # Vega's handleConfirmation refreshes pegged and LP orders as soon as the order
            # traded; the submission refreshes them once more afterwards, so an LP's
            # margin is checked (and its bond slashed) twice per trade.
            self.check_reference_moves()
        return OrderConfirmation(order, result.trades, result.passive)

    def check_price_and_get_trades(self, order: Order) -> list[Trade]:
        trades = self.book.simulate(order)
        if order.post_only and trades:
            raise OrderRejected(OrderError.POST_ONLY_ORDER_WOULD_TRADE)
        persistent = order.time_in_force not in (TimeInForce.FOK, TimeInForce.GFN, TimeInForce.IOC)
        if self.price_monitor_check(trades, persistent):
            raise OrderRejected(OrderError.NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS)
        self.publish_auction_extension()
        if self.auction.auction_start_pending:
            self.enter_auction()
            return []
        return trades

    def apply_fees(self, trades: list[Trade]) -> None:
        """Charge the fees of `trades`; a party that cannot pay makes the order fail."""
        if not trades or self.auction.is_opening:
            return
        factors = self.fee_factors
        pf = self.config.position_factor
        bill = (
            continuous_fees(trades, factors, pf)
            if not self.auction.in_auction
            else auction_fees(trades, factors, pf)
        )
        if not self.auction.in_auction:
            for party, amount in bill.totals.items():
                general = self.collateral.find("", party, self.asset, _GENERAL)
                margin = self.collateral.find(self.config.id, party, self.asset, _MARGIN)
                held = (general.balance if general else 0) + (margin.balance if margin else 0)
                if held < amount:
                    raise OrderRejected(OrderError.INSUFFICIENT_FUNDS_TO_PAY_FEES)
        self.transfer_fees(bill)

    def transfer_fees(self, bill: FeeBill) -> None:
        market = self.config.id
        maker_account = self.collateral.get(market, "*", self.asset, _FEES_MAKER)
        infra_account = self.collateral.get("", "*", self.asset, _FEES_INFRA)
        liquidity_account = self.collateral.get(market, "*", self.asset, _FEES_LIQUIDITY)
        for transfer in bill.transfers:
            if transfer.owner == "network":
                continue
            general = self.collateral.general(transfer.owner, self.asset)
            margin = self.collateral.margin(transfer.owner, market, self.asset)
            kind = transfer.type
            if kind == TransferType.MAKER_FEE_RECEIVE:
                sources, targets = [maker_account], [general]
            elif kind == TransferType.MAKER_FEE_PAY:
                sources, targets = [general, margin], [maker_account]
            elif kind == TransferType.INFRASTRUCTURE_FEE_PAY:
                sources, targets = [general, margin], [infra_account]
            else:
                sources, targets = [general, margin], [liquidity_account]
            self.collateral.move(sources, targets, transfer.amount, kind)

    # ---- cancellations ----------------------------------------------------------------------

    def cancel_order(self, party: str, order_id: str) -> CancellationResult:
        if self.closed:
            return CancellationResult(error=OrderError.MARKET_CLOSED)
        order = self.orders.get(order_id) or self.pegged_orders.get_parked(order_id)
        if order is None or order.status not in (OrderStatus.ACTIVE, OrderStatus.PARKED):
            return CancellationResult(error=OrderError.INVALID_ORDER_ID)
        if order.liquidity_provision_id:  # Vega checks this before the party
            return CancellationResult(error=OrderError.EDIT_NOT_ALLOWED)
        if order.party != party:
            return CancellationResult(error=OrderError.INVALID_PARTY_ID)
        self.remove_order(order, OrderStatus.CANCELLED)
        self.release_margin_excess(party)
        if not self.auction.in_auction:
            self.check_reference_moves()
        return CancellationResult([order])

    def cancel_all(self, party: str) -> CancellationResult:
        live = [
            o
            for o in list(self.orders.values()) + self.pegged_orders.parked()
            if o.party == party and o.status in (OrderStatus.ACTIVE, OrderStatus.PARKED)
        ]
        live.sort(key=lambda o: o.sequence)
        cancelled: list[Order] = []
        seen: set[str] = set()
        for order in live:
            if order.id in seen or order.liquidity_provision_id:
                continue
            seen.add(order.id)
            self.remove_order(order, OrderStatus.CANCELLED)
            cancelled.append(order)
        self.release_margin_excess(party)
        if not self.auction.in_auction:
            self.check_reference_moves()
        return CancellationResult(cancelled)

    def remove_order(self, order: Order, status: OrderStatus) -> None:
        """Take a live or parked order out everywhere and publish its final state."""
        if order.status == OrderStatus.ACTIVE and self.book.get_order(order.id) is not None:
            self.book.cancel(order.id)
            self.positions.unregister_order(order)
        self.orders.pop(order.id, None)
        self.pegged_orders.remove(order.id)
        self.expiring.remove(order.id)
        order.status = status
        order.updated_at = self.clock.now
        self.publish_order(order)

    # ---- amendments ----------------------------------------------------------------------------

    def amend_order(self, amendment: OrderAmendment, party: str) -> OrderConfirmation:
        """Amend, then (as Vega) reprice pegged orders for moved references, and trigger
        stop orders."""
        confirmation = self._amend_order(amendment, party)
        if confirmation.error is None and not self.closed and not self.auction.in_auction:
            self.check_reference_moves(updates=True)
        if not self.closed:
            self.trigger_stop_orders()
        return confirmation

    def _amend_order(self, amendment: OrderAmendment, party: str) -> OrderConfirmation:
        existing = self.orders.get(amendment.order_id) or self.pegged_orders.get_parked(
            amendment.order_id
        )
        if existing is None or existing.status not in (OrderStatus.ACTIVE, OrderStatus.PARKED):
            return amend_error(amendment, party, OrderError.INVALID_ORDER_ID)
        if existing.party != party:
            return amend_error(amendment, party, OrderError.INVALID_PARTY_ID)
        if existing.liquidity_provision_id:  # LP orders move only with their commitment
            return amend_error(amendment, party, OrderError.EDIT_NOT_ALLOWED)
        if self.closed:
            return amend_error(amendment, party, OrderError.MARKET_CLOSED)
        reason = self._validate_amendment(existing, amendment)
        if reason is not None:
            return amend_error(amendment, party, reason)
        amended = self._apply_amendment(existing, amendment)
        if isinstance(amended, OrderError):
            return amend_error(amendment, party, amended)
        if amended.remaining <= 0:
            result = self.cancel_order(party, existing.id)
            return OrderConfirmation(result.cancelled[0] if result.cancelled else existing)
        if amended.expires_at and amended.expires_at < existing.created_at:
            return amend_error(amendment, party, OrderError.INVALID_EXPIRATION_DATETIME)
        if amended.expires_at and amended.expires_at < amended.updated_at:
            self.remove_order(existing, OrderStatus.EXPIRED)
            return OrderConfirmation(existing)
        if existing.pegged is not None:
            return self._amend_pegged(existing, amended)
        return self._amend_priced(existing, amended)

    def _validate_amendment(self, order: Order, amendment: OrderAmendment) -> OrderError | None:
        tif = amendment.time_in_force
        if (
            amendment.price is None
            and amendment.size_delta == 0
            and amendment.expires_at is None
            and tif is None
            and amendment.pegged_offset is None
            and amendment.pegged_reference is None
        ):
            return OrderError.EDIT_NOT_ALLOWED
        if tif in (TimeInForce.IOC, TimeInForce.FOK):
            return OrderError.CANNOT_AMEND_TO_FOK_OR_IOC
        if tif == TimeInForce.GTC and amendment.expires_at is not None:
            return OrderError.CANNOT_HAVE_GTC_AND_EXPIRYAT
        if tif == TimeInForce.GTT and amendment.expires_at is None:
            return OrderError.CANNOT_AMEND_TO_GTT_WITHOUT_EXPIRYAT
        if tif == TimeInForce.GTT and amendment.expires_at is not None:
            if amendment.expires_at <= order.created_at:
                return OrderError.EXPIRYAT_BEFORE_CREATEDAT
        if tif in (TimeInForce.GFN, TimeInForce.GFA) and tif != order.time_in_force:
            return OrderError.CANNOT_AMEND_TO_GFA_OR_GFN
        if (
            order.time_in_force in (TimeInForce.GFN, TimeInForce.GFA)
            and tif is not None
            and tif != order.time_in_force
        ):
            return OrderError.CANNOT_AMEND_FROM_GFA_OR_GFN
        if order.pegged is None:
            if amendment.pegged_offset is not None or amendment.pegged_reference is not None:
                return OrderError.CANNOT_AMEND_PEGGED_ORDER_DETAILS_ON_NON_PEGGED_ORDER
        elif amendment.price is not None:
            return OrderError.UNABLE_TO_AMEND_PRICE_ON_PEGGED_ORDER
        return None

    def _apply_amendment(self, existing: Order, amendment: OrderAmendment) -> Order | OrderError:
        order = copy_order(existing)
        if existing.iceberg is not None:
            order.iceberg = copy.copy(existing.iceberg)
        order.updated_at = self.clock.now
        order.version += 1
        if existing.pegged is not None:
            order.pegged = PeggedOrder(existing.pegged.reference, existing.pegged.offset)
        if amendment.price is not None:
            price = amendment.price * self.config.price_factor
            if price != existing.price:
                order.price, order.original_price = price, amendment.price
        delta = amendment.size_delta
        if order.iceberg is not None:
            _amend_iceberg_size(order, delta)
        elif delta > 0:
            order.size += delta
            order.remaining += delta
        elif delta < 0:
            order.size += delta
            order.remaining = max(0, order.remaining + delta)
        if amendment.time_in_force is not None:
            order.time_in_force = amendment.time_in_force
            if amendment.time_in_force != TimeInForce.GTT:
                order.expires_at = 0
        if amendment.expires_at is not None:
            order.expires_at = amendment.expires_at
        if order.pegged is not None:
            if amendment.pegged_offset is not None:
                order.pegged.offset = amendment.pegged_offset * self.config.price_factor
            if amendment.pegged_reference is not None:
                order.pegged.reference = amendment.pegged_reference
            reason = validate_pegged(order)
            if reason is not None:
                return reason
        return order

    def _amend_pegged(self, existing: Order, amended: Order) -> OrderConfirmation:
        if self.auction.in_auction or not self.reprice_pegged(amended):
            if existing.status != OrderStatus.PARKED:
                self._take_off_book(existing)
            amended.status = OrderStatus.PARKED
            amended.price = amended.original_price = 0
            self._replace_record(existing, amended)
            self.park(amended)
            self.publish_order(amended)
            return OrderConfirmation(amended)
        if existing.status == OrderStatus.PARKED:
            self.pegged_orders.unpark(existing.id)
            amended.status = OrderStatus.ACTIVE
            position = self.positions.register_order(amended)
            if not position.reduces_exposure(amended) and not self.check_margin_for_order(amended):
                self.positions.unregister_order(amended)
                self.park(existing)
                return _amend_error_for(existing, OrderError.MARGIN_CHECK_FAILED)
            return self._match(amended)
        return self._amend_priced(existing, amended)

    def _amend_priced(self, existing: Order, amended: Order) -> OrderConfirmation:
        price_shift = amended.price != existing.price
        size_increase = amended.size > existing.size
        size_decrease = amended.size < existing.size
        expiry_change = amended.expires_at != existing.expires_at
        tif_change = amended.time_in_force != existing.time_in_force
        if not (price_shift or size_increase or size_decrease or expiry_change or tif_change):
            self._amend_in_place(existing, amended)
            return OrderConfirmation(existing)
        position = self.positions.amend_order(existing, amended)
        if not position.reduces_exposure(amended) and not self.check_margin_for_order(amended):
            self.positions.amend_order(amended, existing)
            return _amend_error_for(existing, OrderError.MARGIN_CHECK_FAILED)
        if amended.iceberg is not None:
            # an iceberg grows only its reserve: amended in place, its priority kept (as Vega)
            size_increase = False
        if price_shift or size_increase:
            return self._cancel_replace(existing, amended)
        self._amend_in_place(existing, amended)
        if size_decrease:
            self.recheck_margins([existing.party])
        return OrderConfirmation(existing)

    def _amend_in_place(self, existing: Order, amended: Order) -> None:
        if amended.remaining != existing.remaining or amended.size != existing.size:
            self.book.reduce_in_place(existing.id, amended.size, amended.remaining)
        existing.size, existing.remaining = amended.size, amended.remaining
        if amended.iceberg is not None:
            existing.iceberg = amended.iceberg
        existing.time_in_force, existing.expires_at = amended.time_in_force, amended.expires_at
        existing.version, existing.updated_at = amended.version, amended.updated_at
        if existing.time_in_force == TimeInForce.GTT:
            self.expiring.insert(existing)
        else:
            self.expiring.remove(existing.id)
        self.publish_order(existing)

    def _cancel_replace(self, existing: Order, amended: Order) -> OrderConfirmation:
        trades: list[Trade] = []
        if not self.auction.in_auction:
            try:
                trades = self.check_price_and_get_trades(amended)
                self.apply_fees(trades)
            except OrderRejected as rejected:
                self.positions.amend_order(amended, existing)
                return _amend_error_for(existing, rejected.reason)
        self.book.cancel(existing.id)
        self._replace_record(existing, amended)
        if amended.iceberg is not None:  # the whole iceberg re-enters, hidden volume included
            amended.remaining += amended.iceberg.reserved_remaining
            amended.iceberg.reserved_remaining = 0
        amended.status = OrderStatus.ACTIVE
        result = self.book.submit(amended, self.clock.now)
        if trades:
            _copy_fees(trades, result.trades)
        if amended.remaining > 0 and amended.status not in (
            OrderStatus.ACTIVE,
            OrderStatus.PARTIALLY_FILLED,
        ):
            self.positions.unregister_order(amended)
        if amended.status in (OrderStatus.ACTIVE, OrderStatus.PARTIALLY_FILLED):
            if amended.time_in_force == TimeInForce.GTT:
                self.expiring.insert(amended)
        self.handle_confirmation(result)
        self.publish_order(amended)
        return OrderConfirmation(amended, result.trades, result.passive)

    def _replace_record(self, existing: Order, amended: Order) -> None:
        self.orders.pop(existing.id, None)
        self.expiring.remove(existing.id)
        self.orders[amended.id] = amended
        if amended.pegged is not None:
            self.pegged_orders.add(amended)

    def _take_off_book(self, order: Order) -> None:
        if self.book.get_order(order.id) is not None:
            self.book.cancel(order.id)
            self.positions.unregister_order(order)
        self.orders.pop(order.id, None)
        self.pegged_orders.remove(order.id)

    # ---- confirmations ----------------------------------------------------------------------

    def handle_confirmation(self, result: MatchResult) -> None:
        """Publish passive orders and trades; update positions, settlement and target stake."""
        order = result.order
        now = self.clock.now
        for passive in result.passive:
            passive.updated_at = now
            self.publish_order(passive)
            if passive.status != OrderStatus.ACTIVE or passive.remaining == 0:
                self.orders.pop(passive.id, None)
                self.expiring.remove(passive.id)
                self.pegged_orders.remove(passive.id)
        if order.status != OrderStatus.ACTIVE or order.remaining == 0:
            self.orders.pop(order.id, None)
            self.pegged_orders.remove(order.id)
            self.expiring.remove(order.id)
        if not result.trades:
            return
        self.last_traded_price = result.trades[-1].price
        for trade, passive in zip(result.trades, result.passive, strict=False):
            trade.market_price = trade.price // self.config.price_factor
            self.bus.publish(EventType.TRADE, copy_trade(trade))
            self.positions.update(trade, passive, order)
            self.record_open_interest()
            self.settlement.add_trade(trade)
        self.record_traded_value(result.trades)

    def publish_order(self, order: Order) -> None:
        if not self.bus.listened:
            return
        snapshot = copy_order(order)
        if order.iceberg is not None:
            snapshot.iceberg = copy.copy(order.iceberg)
        self.bus.publish(EventType.ORDER, snapshot)


def validate_pegged(order: Order) -> OrderError | None:
    """Vega's rules for pegged orders: limit, GTC/GTT/GFN, a side-compatible reference."""
    pegged = order.pegged
    assert pegged is not None
    if order.type != OrderType.LIMIT:
        return OrderError.MUST_BE_LIMIT_ORDER
    if order.time_in_force not in (TimeInForce.GTT, TimeInForce.GTC, TimeInForce.GFN):
        return OrderError.MUST_BE_GTT_OR_GTC
    if pegged.reference == PeggedReference.UNSPECIFIED:
        return OrderError.WITHOUT_REFERENCE_PRICE
    if pegged.offset < 0:
        return OrderError.OFFSET_MUST_BE_GREATER_OR_EQUAL_TO_ZERO
    if order.side == Side.BUY:
        if pegged.reference == PeggedReference.BEST_ASK:
            return OrderError.BUY_CANNOT_REFERENCE_BEST_ASK_PRICE
    elif pegged.reference == PeggedReference.BEST_BID:
        return OrderError.SELL_CANNOT_REFERENCE_BEST_BID_PRICE
    if pegged.reference == PeggedReference.MID and pegged.offset == 0:
        return OrderError.OFFSET_MUST_BE_GREATER_THAN_ZERO
    return None


def _amend_iceberg_size(order: Order, delta: int) -> None:
    """Vega's applyOrderAmendmentSizeIceberg: the reserve takes the change first."""
    assert order.iceberg is not None
    order.size += delta
    if delta >= 0:
        order.iceberg.reserved_remaining += delta
        return
    decrease = -delta
    if order.iceberg.reserved_remaining >= decrease:
        order.iceberg.reserved_remaining -= decrease
        return
    rest = decrease - order.iceberg.reserved_remaining
    order.remaining = order.remaining - rest if order.remaining > rest else 0
    order.iceberg.reserved_remaining = 0


def _copy_fees(priced: list[Trade], matched: list[Trade]) -> None:
    for with_fees, trade in zip(priced, matched, strict=False):
        trade.buyer_fee, trade.seller_fee = with_fees.buyer_fee, with_fees.seller_fee


def amend_error(amendment: OrderAmendment, party: str, reason: OrderError) -> OrderConfirmation:
    """An amendment refused before any order changed; the engine refuses unknown markets so."""
    order = Order(
        id=amendment.order_id,
        market_id=amendment.market_id,
        party=party,
        side=Side.UNSPECIFIED,
        price=0,
        size=0,
        remaining=0,
        time_in_force=TimeInForce.UNSPECIFIED,
        status=OrderStatus.REJECTED,
        reason=reason,
    )
    return OrderConfirmation(order)


def _amend_error_for(existing: Order, reason: OrderError) -> OrderConfirmation:
    snapshot = copy_order(existing)
    snapshot.status, snapshot.reason = OrderStatus.REJECTED, reason
    return OrderConfirmation(snapshot)


from devops.engine.types import AccountType as _AccountType  # noqa: E402

_GENERAL = _AccountType.GENERAL
_MARGIN = _AccountType.MARGIN
_FEES_MAKER = _AccountType.FEES_MAKER
_FEES_INFRA = _AccountType.FEES_INFRASTRUCTURE
_FEES_LIQUIDITY = _AccountType.FEES_LIQUIDITY
