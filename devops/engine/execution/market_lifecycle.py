"""The market's life between commands: time, blocks, auctions, margins, close-outs, settlement.

Implements the block and time duties of Vega's futures market: 0026-AUCT
(opening and monitoring auctions, uncrossing), 0003-MTMK (mark price and
mark-to-market at block end, throttled by `network.markPriceUpdateMaximumFrequency`),
0010-MARG (margin top-ups and releases), 0012-POSR (position resolution with the
network's close-out order) and 0002-STTL (trading termination and final settlement).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from devops.engine.collateral import NETWORK, Account, Collateral, account_id
from devops.engine.events.bus import EventBus, EventType
from devops.engine.events.payloads import (
    MarginLevelsEvent,
    MarketData,
    MarketUpdate,
    PriceMonitoringBound,
)
from devops.engine.execution.common.copying import copy_trade
from devops.engine.execution.common.expiring_orders import ExpiringOrders
from devops.engine.execution.common.pegged_orders import PeggedOrders
from devops.engine.execution.market_base import Clock, MarketBase
from devops.engine.fees import closeout_fees
from devops.engine.matching.book import OrderBook
from devops.engine.monitor.auction import AuctionState
from devops.engine.monitor.liquidity import LiquidityMonitor, TargetStake
from devops.engine.monitor.price import PriceMonitor
from devops.engine.netparams.params import NetworkParameters
from devops.engine.positions import MarketPosition, Positions
from devops.engine.risk.margins import MarginLevels, maintenance_margin, margin_levels
from devops.engine.risk.models import RiskModel, price_range, risk_factors
from devops.engine.settlement import (
    NETWORK_PARTY,
    LossSocialization,
    MTMTransfer,
    SettleDistressed,
    Settlement,
)
from devops.engine.stop_orders import StopOrderPool
from devops.engine.types import (
    NANOS_PER_SECOND,
    AccountType,
    FeeFactors,
    MarketConfig,
    MarketState,
    Order,
    OrderStatus,
    OrderType,
    PeggedReference,
    Side,
    TimeInForce,
    Trade,
    TradeType,
    TradingMode,
    TransferType,
)
from devops.engine.vega_decimal import decimal_div


class MarketLifecycle(MarketBase):
    """Block-level behaviour shared by every market command; sets the market's state."""

    def __init__(
        self,
        config: MarketConfig,
        *,
        bus: EventBus,
        collateral: Collateral,
        clock: Clock,
        netparams: NetworkParameters,
    ) -> None:
        self.config = config
        self.bus = bus
        self.collateral = collateral
        self.clock = clock
        self.netparams = netparams
        self.asset = config.asset
        self.state = MarketState.PROPOSED
        self.trading_mode = TradingMode.OPENING_AUCTION
        self.closed = False
        self.closed_at = None
        self.sequence = 0
        self.orders = {}
        self.pegged_orders = PeggedOrders()
        self.expiring = ExpiringOrders()
        self.stop_orders = StopOrderPool()
        self.parties = {}
        self.mark_price = 0
        self.last_traded_price = 0
        self.next_mtm = 0
        self.settlement_data = None
        self.fee_factors = config.fees
        self.risk_factors = risk_factors(config.risk_model)
        self.book = OrderBook(config.id, in_auction=True, next_trade_id=self._next_trade_id)
        self.positions = Positions()
        self.settlement = Settlement(config.id, config.position_factor)
        self.auction = AuctionState(
            opening_duration=config.opening_auction_duration,
            now=clock.now,
        )
        self.price_monitor = PriceMonitor(
            triggers=config.price_monitoring,
            risk_model=config.risk_model,
            price_range=_price_range,
            min_duration=self.minimum_auction_duration,
        )
        self.next_factor_update = 0
        self.target_stake = TargetStake(
            config.liquidity_monitoring.target_stake, position_factor=config.position_factor
        )
        self.liquidity_monitor = LiquidityMonitor(config.liquidity_monitoring)
        self.margin_levels = {}
        # accounts are never deleted, so a party's account objects can be kept
        self._account_cache = {}
        self._margin_cache = {}
        self.last_best = (None, None, None, None)
        collateral.create_market_accounts(config.id, config.asset)

    def _next_trade_id(self) -> str:
        return self.ids.next()

    # ---- state ------------------------------------------------------------------------------

    @property
    def can_trade(self) -> bool:
        return self.state in (MarketState.ACTIVE, MarketState.PENDING, MarketState.SUSPENDED)

    def on_minimum_auction_duration(self, seconds: int) -> None:
        if self.auction.update_min_duration(seconds):
            self.bus.publish(EventType.AUCTION, self.auction.snapshot())

    def minimum_auction_duration(self) -> int:
        seconds = self.netparams.get_duration_seconds("market.auction.minimumDuration")
        return int(seconds)

    def market_update(self) -> MarketUpdate:
        return MarketUpdate(
            self.config.id,
            self.state,
            self.trading_mode,
            self.config,
            self.fee_factors.liquidity,
            self.clock.now,
        )

    def publish_market_update(self) -> None:
        self.bus.publish(EventType.MARKET_UPDATED, self.market_update())

    def start_opening_auction(self) -> None:
        self.state = MarketState.PENDING
        self.trading_mode = TradingMode.OPENING_AUCTION
        self.auction.start_opening(self.clock.now)
        self.enter_auction()
        self.publish_market_update()

    # ---- pegged orders ------------------------------------------------------------------------

    def park(self, order: Order) -> None:
        order.status = OrderStatus.PARKED
        order.price = 0
        order.original_price = 0
        self.orders.pop(order.id, None)
        self.pegged_orders.park(order)

    def pegged_price(self, order: Order) -> int | None:
        """The price a pegged order would take now, or None when it cannot be priced."""
        if self.auction.in_auction or order.pegged is None:
            return None
        reference = order.pegged.reference
        bid, ask = self.book.best_static_bid, self.book.best_static_ask
        price: int | None
        if reference == PeggedReference.MID:
            if bid is None or ask is None:
                return None
            extra = self.config.price_factor if order.side == Side.BUY else 0
            price = (bid + ask + extra) // 2
        elif reference == PeggedReference.BEST_BID:
            price = bid
        else:
            price = ask
        if price is None:
            return None
        offset = order.pegged.offset
        if order.side == Side.SELL:
            return price + offset
        if price <= offset:
            return None
        return price - offset

    def reprice_pegged(self, order: Order) -> bool:
        price = self.pegged_price(order)
        if price is None:
            return False
        order.price = price
        order.original_price = price // self.config.price_factor
        return True

    def check_reference_moves(self, force: bool = False, updates: bool = True) -> None:
        """Reprice pegged orders when the static best prices moved (Vega's reference moves).

        LP orders are refreshed whenever orders changed (`updates`) or prices moved.
        """
        if self.auction.in_auction:
            return
        if force:
            self.last_best = (None, None, None, None)
        moved = False
        for _ in range(8):  # repricing can move references again; Vega recurses likewise
            best = (
                self.book.best_static_bid,
                self.book.best_static_ask,
                None,
                None,
            )
            if best == self.last_best and not self._parked_can_deploy():
                break
            moved = True
            self.last_best = best
            self._reprice_all_pegged()
        if moved or updates:
            self.update_liquidity_orders()

    def _parked_can_deploy(self) -> bool:
        return any(self.pegged_price(o) is not None for o in self.pegged_orders.parked())

    def _reprice_all_pegged(self) -> None:
        """Reprice every pegged order, resubmit those with a price, then settle margins:
        a party that cannot reach maintenance loses its resubmitted pegged orders
        (Vega's repriceAllSpecialOrders)."""
        to_submit: list[Order] = []
        for order in self.pegged_orders.all():
            new_price = self.pegged_price(order)
            if order.status == OrderStatus.PARKED:
                if new_price is None:
                    continue
                self.pegged_orders.unpark(order.id)
                order.price, order.original_price = new_price, new_price // self.config.price_factor
                to_submit.append(order)
                continue
            if new_price == order.price:
                continue
            self.book.cancel(order.id)
            self.positions.unregister_order(order)
            if new_price is None:
                self.park(order)
                self.publish_order(order)
                continue
            order.price, order.original_price = new_price, new_price // self.config.price_factor
            to_submit.append(order)
        for order in to_submit:
            self._redeploy(order)
        self._cancel_pegged_of_distressed(to_submit)

    def _redeploy(self, order: Order) -> None:
        self.positions.register_order(order)
        order.status = OrderStatus.ACTIVE
        trades = self.book.simulate(order)
        if trades:
            self.apply_fees(trades)
        result = self.book.submit(order, self.clock.now)
        self.orders[order.id] = order
        self.pegged_orders.add(order)
        self.publish_order(order)
        self.handle_confirmation(result)

    def _cancel_pegged_of_distressed(self, resubmitted: list[Order]) -> None:
        parties = list(dict.fromkeys(o.party for o in resubmitted))
        for party in parties:
            position = self.positions.get(party)
            if position is None:
                continue
            outcome = self._settle_margin(position, self.market_observable(self.mark_price))
            if outcome is None or not outcome[0]:
                continue
            for order in resubmitted:
                if order.party == party and order.status == OrderStatus.ACTIVE:
                    self.remove_order(order, OrderStatus.CANCELLED)
            self.release_margin_excess(party)

    # ---- monitoring adapters -------------------------------------------------------------------

    def price_monitor_check(self, trades: list[Trade], persistent: bool) -> bool:
        """True when a non-persistent order must be refused; may start a price auction."""
        now = self.clock.now
        return self.price_monitor.check_price(
            self.auction, [(t.price, t.size) for t in trades], persistent, now
        )

    def publish_auction_extension(self) -> None:
        event = self.auction.take_extension_event()
        if event is not None:
            self.bus.publish(EventType.AUCTION, event)

    def record_open_interest(self) -> None:
        self.target_stake.record_open_interest(self.positions.open_interest(), self.clock.now)

    def current_target_stake(self) -> int:
        """Target stake as market data reports it: theoretical while in auction."""
        now = self.clock.now
        if self.auction.in_auction:
            return self.theoretical_target_stake(self.indicative_trade_list())
        return self.target_stake.target_stake(self.mark_price, self.risk_factors, now)

    def theoretical_target_stake(self, trades: list[Trade]) -> int:
        return self.target_stake.theoretical_target_stake(
            self.reference_price(),
            self.risk_factors,
            self.clock.now,
            self.positions.open_interest_given_trades(trades),
        )

    def reference_price(self) -> int:
        """Mark price, or in an auction the indicative price when there is one."""
        if self.auction.in_auction:
            price, _, _ = self.book.indicative_price_and_volume()
            if price:
                return price
        return self.mark_price

    def indicative_trade_list(self) -> list[Trade]:
        """The trades an uncrossing now would make (Vega's GetIndicativeTrades), as records."""
        price, volume, side = self.book.indicative_price_and_volume()
        if volume == 0:
            return []
        return self.book.indicative_trades(price, volume, side)

    def check_liquidity(self, trades: list[Trade] | None, persistent: bool = True) -> bool:
        self.top_up_bonds()
        in_auction = self.auction.in_auction
        bid_volume = ask_volume = 0
        if not in_auction or self.book.bid_and_ask_present_after_auction():
            bid_volume = self.book.best_static_bid_volume
            ask_volume = self.book.best_static_ask_volume
        target = self.theoretical_target_stake(trades or [])
        self.liquidity_monitor.min_duration = self.minimum_auction_duration()
        return self.liquidity_monitor.check(
            self.auction,
            self.clock.now,
            supplied_stake=self.supplied_stake,
            target_stake=target,
            best_static_bid_volume=bid_volume,
            best_static_ask_volume=ask_volume,
            has_trades=bool(trades),
            persistent=persistent,
        )

    # ---- time and blocks -----------------------------------------------------------------------

    def on_tick(self, now: int) -> bool:
        """Vega's OnTick: expire orders, update monitors, maybe leave or enter an auction."""
        if self.closed:
            return True
        if now >= self.next_factor_update:  # Vega's state variables tick before the market
            self.price_monitor.compute_factors()
            delay = self.netparams.get_duration_seconds("network.floatingPointUpdates.delay")
            self.next_factor_update = now + int(delay * NANOS_PER_SECOND)
        if self.can_trade:
            self.remove_expired_orders(now)
            self.expire_stop_orders(now)
        self.price_monitor.on_time_update(now)
        if self.state in (MarketState.PROPOSED, MarketState.TRADING_TERMINATED):
            return False
        self.liquidity_tick_start(now)
        self.check_auction(now)
        self.liquidity_tick_end(now)
        return self.closed

    def remove_expired_orders(self, now: int) -> None:
        expired = self.expiring.expire(now)
        if not expired:
            return
        for order in expired:
            self.remove_order(order, OrderStatus.EXPIRED)
        if not self.auction.in_auction:
            self.check_reference_moves()

    def check_auction(self, now: int) -> None:
        auction = self.auction
        if not auction.in_auction:
            self.check_liquidity(None)
            if auction.auction_start_pending:
                self.enter_auction()
            return
        indicative = self.indicative_trades()
        if auction.is_opening and not self.price_monitor.initialised and indicative:
            self.price_monitor.check_price(auction, indicative, True, now)
            self.price_monitor.compute_factors()  # first uncrossing price: bounds can be set
        if not auction.expired(now):
            return
        if auction.is_opening:
            if not indicative:
                return
            # target stake as if the uncrossing trades had happened (Vega passes them in)
            self.check_liquidity(self.indicative_trade_list())
            if not auction.can_leave():
                self.publish_auction_extension()
                return
            auction.set_ready_to_leave()
            self.price_monitor.check_price(auction, indicative, True, now)
            if not self.book.can_uncross():
                return
            self.leave_auction(now)
            self.trigger_stop_orders()
            return
        is_price = auction.is_price_auction or auction.is_price_extension
        uncrossing = self.indicative_trade_list()  # liquidity is judged as if they happened
        if not is_price:
            self.check_liquidity(uncrossing)
        if is_price or auction.can_leave():
            self.price_monitor.check_price(auction, indicative, True, now)
        end = auction.can_leave()
        if is_price and end:
            self.check_liquidity(uncrossing)
        if auction.take_extension_event() is not None:
            end = False
        if end:
            self.leave_auction(now)
            self.trigger_stop_orders()

    def indicative_trades(self) -> list[tuple[int, int]]:
        price, volume, _ = self.book.indicative_price_and_volume()
        return [(price, volume)] if volume > 0 else []

    def enter_auction(self) -> None:
        to_cancel = self.book.enter_auction()
        self.auction.auction_started(self.clock.now)
        for order in to_cancel:
            self.remove_order(order, OrderStatus.CANCELLED)
        for order in self.pegged_orders.live():
            self.book.cancel(order.id)
            self.positions.unregister_order(order)
            self.park(order)
            self.publish_order(order)
            self.release_margin_excess(order.party)
        self.undeploy_liquidity_orders()
        self.bus.publish(EventType.AUCTION, self.auction.snapshot())
        if self.auction.in_auction and not self.auction.is_opening:
            self.state = MarketState.SUSPENDED
            self.trading_mode = TradingMode.MONITORING_AUCTION
            self.publish_market_update()

    def leave_auction(self, now: int) -> None:
        results, to_cancel = self.book.leave_auction(now)
        for result in results:
            self.apply_fees(result.trades)
            self.handle_confirmation(result)
            if result.order.remaining == 0:
                result.order.status = OrderStatus.FILLED
            self.publish_order(result.order)
        for order in to_cancel:
            self.remove_order(order, OrderStatus.CANCELLED)
        was_opening = self.auction.is_opening
        left_event = self.auction.left(now)
        previous_mark = self.mark_price
        self.mark_price = self.last_traded_price
        self.last_best = (None, None, None, None)
        self.check_reference_moves()
        self.check_liquidity(None)
        if not self.auction.in_auction and self.auction.auction_start_pending:
            self.enter_auction()
        if not self.auction.in_auction:
            self.bus.publish(EventType.AUCTION, left_event)
            self.confirm_mtm(skip_margin=False)
            self.next_mtm = now + self.mtm_interval()
            if self.state in (MarketState.SUSPENDED, MarketState.PENDING):
                self.state = MarketState.ACTIVE
                self.trading_mode = TradingMode.CONTINUOUS
                self.publish_market_update()
            self.price_monitor.compute_factors()  # Vega recomputes bounds when an auction ends
            self.liquidity_auction_left(was_opening, now)
        else:
            self.mark_price = previous_mark

    def mtm_interval(self) -> int:
        seconds = self.netparams.get_duration_seconds("network.markPriceUpdateMaximumFrequency")
        return int(seconds * NANOS_PER_SECOND)

    def block_end(self) -> None:
        """Vega's BlockEnd: a new mark price and mark-to-market when due."""
        now = self.clock.now
        has_traded = self.settlement.has_traded
        mark = self.last_traded_price
        if not has_traded and self.mark_price:
            mark = self.mark_price
        if mark and not self.auction.in_auction and (self.next_mtm == 0 or self.next_mtm <= now):
            self.mark_price = mark
            self.next_mtm = now + self.mtm_interval()
            if has_traded:
                self.confirm_mtm(skip_margin=False)
            closed = self.positions.closed_positions()
            for position in closed:
                self.clear_margin(position.party)
                self.cancel_stop_orders(position.party)
            self.last_traded_price = mark
        for position in list(self.positions.positions.values()):
            if position.closed:
                self.clear_margin(position.party)
        self.publish_positions()

    def publish_positions(self) -> None:
        if not self.bus.listened:
            return
        for position in self.positions.positions.values():
            self.bus.publish(EventType.POSITION_STATE, (self.config.id, position.copy()))

    # ---- margins ---------------------------------------------------------------------------

    def _exit_price(self, volume: int, side: Side) -> int | None:
        return self.book.closeout_price(volume, side)

    def compute_margins(
        self, position: MarketPosition, price: int, in_auction: bool
    ) -> MarginLevels:
        """Margin levels, reused while nothing they depend on has changed."""
        key = (
            position.size,
            position.buy,
            position.sell,
            position.buy_sum_product,
            position.sell_sum_product,
            price,
            in_auction,
            self.book.version,
        )
        cached = self._margin_cache.get(position.party)
        if cached is not None and cached[0] == key:
            return cached[1]
        levels = self._compute_margins(position, price, in_auction)
        self._margin_cache[position.party] = (key, levels)
        return levels

    def _compute_margins(
        self, position: MarketPosition, price: int, in_auction: bool
    ) -> MarginLevels:
        maintenance = maintenance_margin(
            position=position.size,
            buy_orders=position.buy,
            sell_orders=position.sell,
            buy_sum_product=position.buy_sum_product,
            sell_sum_product=position.sell_sum_product,
            mark_price=price,
            risk_factors=self.risk_factors,
            linear_slippage=self.config.linear_slippage_factor,
            quadratic_slippage=self.config.quadratic_slippage_factor,
            position_factor=self.config.position_factor,
            exit_price=self._exit_price,
            in_auction=in_auction,
        )
        return margin_levels(maintenance, self.config.margin_scaling)

    def _publish_levels(self, party: str, levels: MarginLevels) -> None:
        self.margin_levels[party] = levels
        if not self.bus.listened:
            return
        self.bus.publish(
            EventType.MARGIN_LEVELS,
            MarginLevelsEvent(
                party,
                self.config.id,
                self.asset,
                levels.maintenance,
                levels.search,
                levels.initial,
                levels.release,
                self.clock.now,
            ),
        )

    def market_observable(self, fallback: int) -> int:
        """Price margins are computed at: the mark price, or in the opening auction the
        indicative price (the order's own price when there is none)."""
        if self.auction.is_opening:
            price, _, _ = self.book.indicative_price_and_volume()
            return price or fallback
        return self.mark_price

    def _accounts(self, party: str) -> tuple[Account, Account, Account | None]:
        cached = self._account_cache.get(party)
        if cached is None:
            market = self.config.id
            general = self.collateral.general(party, self.asset)
            margin = self.collateral.margin(party, market, self.asset)
            bond_id = account_id(market, party, self.asset, AccountType.BOND)
            cached = self._account_cache[party] = (general, margin, bond_id)
        return cached[0], cached[1], self.collateral.accounts.get(cached[2])

    def check_margin_for_order(self, order: Order) -> bool:
        """Top the party's margin up to initial for a new order; False when it cannot pay.

        An LP's bond counts as available funds (Vega's GeneralBalance); in continuous
        trading the part the general account cannot pay is slashed from the bond
        (0044-LIME), and a still pending LP may not lean on its bond at all."""
        position = self.positions.get(order.party)
        if position is None:
            return True
        in_auction = self.auction.in_auction and not self.auction.can_leave()
        price = self.market_observable(order.price)
        levels = self.compute_margins(position, price, in_auction)
        general, margin, bond = self._accounts(order.party)
        available = general.balance + (bond.balance if bond is not None else 0)
        if margin.balance + available < levels.initial:
            return False
        self._publish_levels(order.party, levels)
        if margin.balance >= levels.initial:
            return True
        continuous = not self.auction.in_auction
        pending = self.liquidity.is_pending(order.party)
        needs_bond = bond is not None and margin.balance + general.balance < levels.initial
        if continuous and needs_bond and pending:
            return False
        minimum = max(0, levels.maintenance - margin.balance)
        if available + margin.balance < minimum:
            return False
        wanted = levels.initial - margin.balance
        shortfall = wanted - general.balance if bond is not None else 0
        sources = [general] if bond is None else [general, bond]
        self.collateral.move(sources, [margin], wanted, TransferType.MARGIN_LOW)
        if continuous and shortfall > 0 and not pending:
            self.apply_bond_penalty(order.party, shortfall)
        return True

    def recheck_margins(self, parties: list[str] | None = None) -> None:
        """Margin after settlement: top up below search, release above release level."""
        targets = (
            list(self.positions.positions.values())
            if parties is None
            else [p for p in (self.positions.get(x) for x in parties) if p is not None]
        )
        price = self.mark_price
        for position in targets:
            self._settle_margin(position, price)

    def _settle_margin(self, position: MarketPosition, price: int) -> tuple[bool, int] | None:
        """Apply Vega's UpdateMarginsOnSettlement for one party; (closed out?, shortfall).

        The shortfall is what an LP (a party with a bond account) asked of its general
        account beyond its balance: Vega slashes the bond by it."""
        party = position.party
        general, margin, bond = self._accounts(party)
        if position.closed:
            # a closed position's levels are all zero (Vega publishes them even with no margin)
            self._publish_levels(party, MarginLevels(0, 0, 0, 0))
            if margin.balance:
                self.collateral.move([margin], [general], margin.balance, TransferType.MARGIN_HIGH)
            return None
        in_auction = self.auction.in_auction and not self.auction.can_leave()
        levels = self.compute_margins(position, price, in_auction)
        self._publish_levels(party, levels)
        current = margin.balance
        if levels.search <= current < levels.release:
            return None
        if current < levels.search:
            minimum = max(0, levels.maintenance - current)
            wanted = levels.initial - current
            shortfall = max(0, wanted - general.balance) if bond is not None else 0
            sources = [general] if bond is None else [general, bond]
            self.collateral.move(sources, [margin], wanted, TransferType.MARGIN_LOW)
            return (margin.balance < current + minimum, shortfall)
        if in_auction:
            return None
        self.collateral.move(
            [margin], [general], current - levels.initial, TransferType.MARGIN_HIGH
        )
        return None

    def release_margin_excess(self, party: str) -> None:
        position = self.positions.get(party)
        if position is not None and not position.closed:
            return
        if party in self.settlement.settled_positions and party in self.settlement.trades:
            return
        self.clear_margin(party)

    def clear_margin(self, party: str) -> None:
        margin = self.collateral.find(self.config.id, party, self.asset, AccountType.MARGIN)
        if margin is not None and margin.balance > 0:
            general = self.collateral.general(party, self.asset)
            self.collateral.move([margin], [general], margin.balance, TransferType.MARGIN_HIGH)

    # ---- mark to market and close-outs ---------------------------------------------------------

    def confirm_mtm(self, skip_margin: bool) -> None:
        mark = self.mark_price
        positions = self.positions.update_mark_price(mark)
        transfers, settle_events = self.settlement.settle_mtm(
            mark,
            positions,
            self.clock.now,
            with_events=self.bus.listened,
        )
        for event in settle_events:
            self.bus.publish(EventType.SETTLE_POSITION, event)
        self.mark_to_market(transfers)
        distressed = self._margins_after_settlement()
        if distressed:
            self.resolve_closed_out(distressed)
        self.check_reference_moves(updates=bool(distressed))
        if not skip_margin:
            self.recheck_margins()

    def mark_to_market(self, transfers: list[MTMTransfer]) -> None:
        """Collect losses into the settlement account, then pay wins (socialised if short)."""
        market = self.config.id
        settlement = self.collateral.get(market, NETWORK, self.asset, AccountType.SETTLEMENT)
        insurance = self.collateral.get(market, NETWORK, self.asset, AccountType.INSURANCE)
        expected = 0
        wins: list[MTMTransfer] = []
        for transfer in transfers:
            if transfer.type == TransferType.MTM_WIN:
                wins.append(transfer)
                continue
            if transfer.amount == 0:
                continue
            expected += transfer.amount
            if transfer.party == NETWORK_PARTY:
                sources = [insurance]
            else:
                general, margin, bond = self._accounts(transfer.party)
                sources = [margin, general] + ([bond] if bond else []) + [insurance]
            moved = self.collateral.move(
                sources, [settlement], transfer.amount, TransferType.MTM_LOSS
            )
            if moved.moved < transfer.amount:
                self.bus.publish(
                    EventType.LOSS_SOCIALIZATION,
                    LossSocialization(
                        transfer.party,
                        market,
                        transfer.amount - moved.moved,  # uncollected: credited back to its PnL
                        self.clock.now,
                    ),
                )
        collected = settlement.balance
        if collected < expected:
            self._socialise(wins, collected, expected)
        for transfer in wins:
            if transfer.amount == 0:
                continue
            if transfer.party == NETWORK_PARTY:
                self.collateral.move(
                    [settlement], [insurance], transfer.amount, TransferType.MTM_WIN
                )
                continue
            _, margin, _ = self._accounts(transfer.party)
            self.collateral.move(
                [settlement, insurance], [margin], transfer.amount, TransferType.MTM_WIN
            )

    def _socialise(self, wins: list[MTMTransfer], collected: int, expected: int) -> None:
        """Vega's simpleDistributor: each win times collected/expected (a 16-place decimal),
        floored; the remainder goes to the network's win, else to the last win, whose loss
        event shrinks by it."""
        ratio = decimal_div(Decimal(collected), Decimal(expected))
        total = 0
        network: MTMTransfer | None = None
        losses: list[tuple[MTMTransfer, int]] = []
        wins = [w for w in wins if w.amount]  # a zero win is no transfer in Vega: no request
        for transfer in wins:
            scaled = int((Decimal(transfer.amount) * ratio).to_integral_value(rounding=ROUND_FLOOR))
            loss = transfer.amount - scaled
            transfer.amount = scaled
            total += scaled
            if transfer.party == NETWORK_PARTY:
                network = transfer
                continue
            losses.append((transfer, loss))
        mismatch = collected - total
        if mismatch and network is not None:
            network.amount += mismatch
        elif mismatch and wins:
            wins[-1].amount += mismatch
            if losses:
                last, loss = losses[-1]
                losses[-1] = (last, loss - mismatch)
        for transfer, loss in losses:
            self.bus.publish(
                EventType.LOSS_SOCIALIZATION,
                LossSocialization(transfer.party, self.config.id, -loss, self.clock.now),
            )

    def _margins_after_settlement(self) -> list[MarketPosition]:
        """Vega's UpdateMarginsOnSettlement + MarginUpdate: who could not reach maintenance."""
        distressed: list[MarketPosition] = []
        penalties: list[tuple[str, int]] = []
        for position in list(self.positions.positions.values()):
            outcome = self._settle_margin(position, self.mark_price)
            if outcome is None:
                continue
            if outcome[0]:
                distressed.append(position)
            if outcome[1] > 0:
                penalties.append((position.party, outcome[1]))
        # confirmMTM slashes bonds before resolving close-outs, which see the slashed margin
        for party, shortfall in penalties:
            self.apply_bond_penalty(party, shortfall)
        return distressed

    def resolve_closed_out(self, distressed: list[MarketPosition]) -> None:
        """0012-POSR: cancel orders, re-check, then close out through the network."""
        parties = [p.party for p in distressed]
        had_orders = False
        for party in parties:
            for order in sorted(
                (
                    o
                    for o in list(self.orders.values()) + self.pegged_orders.parked()
                    if o.party == party
                ),
                key=lambda o: o.sequence,
            ):
                had_orders = True
                self.remove_order(order, OrderStatus.STOPPED)
        self.cancel_distressed_provisions(parties)
        closed = distressed
        if had_orders:
            closed = []
            for position in distressed:
                _, margin, _ = self._accounts(position.party)
                levels = self.compute_margins(position, self.last_traded_price, False)
                if margin.balance <= levels.maintenance:
                    closed.append(position)
            relieved = [p.party for p in distressed if p not in closed]
            if relieved and self.bus.listened:
                # Vega's DistressedOrders event: orders closed, the position kept
                self.bus.publish(EventType.DISTRESSED_ORDERS, (self.config.id, relieved))
        if not closed:
            return
        network_size = sum(p.size for p in closed)
        held = self._held([p.party for p in closed])
        if network_size == 0:
            self._finalise_close_out(closed, held)
            return
        self._network_close_out(closed, network_size, held)

    def _network_close_out(
        self, closed: list[MarketPosition], network_size: int, held: dict[str, int]
    ) -> None:
        now = self.clock.now
        network_order = Order(
            id=self.ids.next(),
            market_id=self.config.id,
            party=NETWORK_PARTY,
            side=Side.BUY if network_size < 0 else Side.SELL,
            price=0,
            size=abs(network_size),
            remaining=abs(network_size),
            time_in_force=TimeInForce.FOK,
            type=OrderType.NETWORK,
            created_at=now,
            reference="LS",
        )
        result = self.book.submit(network_order, now)
        newly, _ = self.positions.mark_distressed([p.party for p in closed])
        if network_order.remaining == network_order.size:
            if newly:
                self.bus.publish(EventType.DISTRESSED_POSITIONS, (self.config.id, newly))
            return
        self.publish_order(network_order)
        for passive in result.passive:
            passive.updated_at = now
            self.publish_order(passive)
            if passive.status != OrderStatus.ACTIVE:
                self.orders.pop(passive.id, None)
                self.pegged_orders.remove(passive.id)
                self.expiring.remove(passive.id)
        sizes = {p.party: p.size for p in closed}
        bill, party_fees = closeout_fees(
            result.trades, sizes, self.fee_factors, self.config.position_factor
        )
        self.transfer_fees(bill)
        for trade, passive in zip(result.trades, result.passive, strict=False):
            trade.type = TradeType.NETWORK_CLOSE_OUT_GOOD
            trade.market_price = trade.price // self.config.price_factor
            self.bus.publish(EventType.TRADE, copy_trade(trade))
            self.positions.update_network(trade, passive)
            self.record_open_interest()
            self.settlement.add_trade(trade)
        traded = sum(t.size for t in result.trades)
        average = sum(t.price * t.size for t in result.trades) // traded if traded else 0
        self._zero_out_network(closed, average, party_fees)
        self._finalise_close_out(closed, held)
        self.confirm_mtm(skip_margin=False)

    def _zero_out_network(self, closed: list[MarketPosition], price: int, fees: dict) -> None:
        now = self.clock.now
        for position in closed:
            party_side = Side.BUY if position.size < 0 else Side.SELL
            size = abs(position.size)
            network_order = Order(
                id=self.ids.next(),
                market_id=self.config.id,
                party=NETWORK_PARTY,
                side=party_side.opposite,
                price=price,
                size=size,
                remaining=0,
                time_in_force=TimeInForce.FOK,
                type=OrderType.NETWORK,
                created_at=now,
                status=OrderStatus.FILLED,
                reference="close-out distressed",
                original_price=price // self.config.price_factor,
            )
            party_order = Order(
                id=self.ids.next(),
                market_id=self.config.id,
                party=position.party,
                side=party_side,
                price=price,
                size=size,
                remaining=0,
                time_in_force=TimeInForce.FOK,
                type=OrderType.NETWORK,
                created_at=now,
                status=OrderStatus.FILLED,
                reference=f"distressed-{position.party}",
                original_price=price // self.config.price_factor,
            )
            self.publish_order(party_order)
            self.publish_order(network_order)
            buyer, seller = (
                (party_order, network_order)
                if party_side == Side.BUY
                else (network_order, party_order)
            )
            trade = Trade(
                id=self.ids.next(),
                market_id=self.config.id,
                price=price,
                size=size,
                buyer=buyer.party,
                seller=seller.party,
                aggressor=network_order.side,
                buy_order=buyer.id,
                sell_order=seller.id,
                timestamp=now,
                type=TradeType.NETWORK_CLOSE_OUT_BAD,
                market_price=price // self.config.price_factor,
            )
            self.bus.publish(EventType.TRADE, trade)
            self._publish_levels(position.party, MarginLevels(0, 0, 0, 0))

    def _held(self, parties: list[str]) -> dict[str, int]:
        """Margin plus general balance, as the distress was found (before close-out fees)."""
        held = {}
        for party in parties:
            general, margin, _ = self._accounts(party)
            held[party] = margin.balance + general.balance
        return held

    def _finalise_close_out(self, closed: list[MarketPosition], held: dict[str, int]) -> None:
        parties = [p.party for p in closed]
        for position in closed:
            self.bus.publish(
                EventType.SETTLE_DISTRESSED,
                SettleDistressed(
                    position.party,
                    self.config.id,
                    self.mark_price,
                    held[position.party],
                    self.clock.now,
                ),
            )
        self.settlement.remove_distressed(parties)
        insurance = self.collateral.get(self.config.id, NETWORK, self.asset, AccountType.INSURANCE)
        for party in parties:
            self.positions.remove(party)
            general, margin, bond = self._accounts(party)
            if bond is not None and bond.balance:
                self.collateral.move([bond], [margin], bond.balance, TransferType.MARGIN_LOW)
            if general.balance:
                self.collateral.move([general], [margin], general.balance, TransferType.MARGIN_LOW)
            if margin.balance:
                self.collateral.move(
                    [margin], [insurance], margin.balance, TransferType.MARGIN_CONFISCATED
                )

    # ---- termination and settlement --------------------------------------------------------------

    def terminate_trading(self) -> None:
        if self.state == MarketState.PROPOSED or self.closed:
            return
        if self.state != MarketState.PENDING:
            if self.last_traded_price and self.settlement.has_traded:
                self.mark_price = self.last_traded_price
                self.confirm_mtm(skip_margin=True)
            self.state = MarketState.TRADING_TERMINATED
            self.trading_mode = TradingMode.NO_TRADING
            self.publish_market_update()
            if self.settlement_data is not None:
                self.settle()
            return
        for party in list(self.parties):
            self.cancel_all(party)
        self.state = MarketState.CANCELLED
        self.trading_mode = TradingMode.NO_TRADING
        self.closed = True
        self.publish_market_update()

    def receive_settlement_data(self, price_in_asset: int) -> None:
        self.settlement_data = price_in_asset
        if self.state == MarketState.TRADING_TERMINATED:
            self.settle()

    def settle(self) -> None:
        if self.closed or self.settlement_data is None:
            return
        transfers, _ = self.settlement.final_settlement(
            self.settlement_data, self.config.position_factor
        )
        market = self.config.id
        settlement = self.collateral.get(market, NETWORK, self.asset, AccountType.SETTLEMENT)
        insurance = self.collateral.get(market, NETWORK, self.asset, AccountType.INSURANCE)
        expected = 0
        wins = []
        for transfer in transfers:
            if transfer.type == TransferType.WIN:
                wins.append(transfer)
                continue
            expected += transfer.amount
            general, margin, bond = self._accounts(transfer.party)
            sources = [margin, general] + ([bond] if bond else []) + [insurance]
            self.collateral.move(sources, [settlement], transfer.amount, TransferType.LOSS)
        if settlement.balance < sum(w.amount for w in wins) and wins:
            self._socialise(wins, settlement.balance, sum(w.amount for w in wins))
        for transfer in wins:
            _, margin, _ = self._accounts(transfer.party)
            self.collateral.move([settlement], [margin], transfer.amount, TransferType.WIN)
        self.distribute_liquidity_fees()
        for order in sorted(
            list(self.orders.values()) + self.pegged_orders.parked(), key=lambda o: o.sequence
        ):
            self.remove_order(order, OrderStatus.STOPPED)
        self.stop_all_provisions()
        for party in sorted(self.parties):
            general, margin, bond = self._accounts(party)
            for account in (margin, bond):
                if account is not None and account.balance:
                    kind = TransferType.MARGIN_HIGH if account is margin else TransferType.BOND_HIGH
                    self.collateral.move([account], [general], account.balance, kind)
        # Vega's clearRemainingLPFees: what the fee accounts still hold, then the settlement
        # account's remainder, goes to the market's insurance pool.
        for fee_account in (AccountType.FEES_LIQUIDITY, AccountType.FEES_MAKER):
            fees = self.collateral.find(market, NETWORK, self.asset, fee_account)
            if fees is not None and fees.balance:
                self.collateral.move([fees], [insurance], fees.balance, TransferType.CLEAR_ACCOUNT)
        if settlement.balance:
            self.collateral.move(
                [settlement], [insurance], settlement.balance, TransferType.CLEAR_ACCOUNT
            )
        self.mark_price = self.last_traded_price = self.settlement_data
        self.state = MarketState.SETTLED
        self.trading_mode = TradingMode.NO_TRADING
        self.closed = True
        self.publish_market_update()

    # ---- views ----------------------------------------------------------------------------------

    def market_data(self) -> MarketData:
        factor = self.config.price_factor
        book = self.book
        in_auction = self.auction.in_auction

        def market_price(price: int | None) -> int:
            return (price or 0) // factor

        indicative_price = indicative_volume = 0
        if in_auction:
            price, volume, _ = book.indicative_price_and_volume()
            indicative_price, indicative_volume = market_price(price), volume
        now = self.clock.now
        # As Vega: bounds floored to market precision, the minimum then raised by one when the
        # market has fewer decimals than its asset; the reference price floored likewise.
        bump = 1 if factor != 1 else 0
        bounds = tuple(
            PriceMonitoringBound(
                market_price(b.min_valid_price) + bump,
                market_price(b.max_valid_price),
                b.trigger,
                Decimal(int(b.reference_price) // factor),
            )
            for b in self.price_monitor.bounds(self.auction)
        )
        mid = book.mid_price() if book.best_bid is not None and book.best_ask is not None else None
        static_mid = (
            (book.best_static_bid + book.best_static_ask) // 2
            if book.best_static_bid is not None and book.best_static_ask is not None
            else None
        )
        return MarketData(
            market_id=self.config.id,
            timestamp=now,
            mark_price=market_price(self.mark_price),
            last_traded_price=market_price(self.last_traded_price),
            best_bid_price=market_price(book.best_bid),
            best_bid_volume=book.best_bid_volume,
            best_offer_price=market_price(book.best_ask),
            best_offer_volume=book.best_ask_volume,
            best_static_bid_price=market_price(book.best_static_bid),
            best_static_bid_volume=book.best_static_bid_volume,
            best_static_offer_price=market_price(book.best_static_ask),
            best_static_offer_volume=book.best_static_ask_volume,
            mid_price=market_price(mid),
            static_mid_price=market_price(static_mid),
            open_interest=self.positions.open_interest(),
            indicative_price=indicative_price,
            indicative_volume=indicative_volume,
            auction_start=self.auction.start if in_auction else 0,
            auction_end=self.auction.end if in_auction else 0,
            trading_mode=self.trading_mode,
            trigger=self.auction.trigger,
            extension_trigger=self.auction.extension_trigger,
            target_stake=self.current_target_stake(),
            supplied_stake=self.supplied_stake,
            market_value_proxy=int(self.market_value_proxy),
            market_state=self.state,
            price_monitoring_bounds=bounds,
            liquidity_provider_fee_shares=self.lp_fee_shares(),
        )

    def set_fee_factors(self, factors: FeeFactors) -> None:
        self.fee_factors = factors

    def update_config(self, config: MarketConfig) -> None:
        """A market update: new risk model, monitoring and slippage take effect now."""
        previous, self.config = self.config, config
        self._margin_cache.clear()  # margins depend on the risk model and slippage factors
        self.set_fee_factors(config.fees)
        if config.risk_model != previous.risk_model:
            self.risk_factors = risk_factors(config.risk_model)
        if config.price_monitoring != previous.price_monitoring or (
            config.risk_model != previous.risk_model
        ):
            # as Vega's UpdateSettings: new bounds, the price history is kept
            monitor = PriceMonitor(
                triggers=config.price_monitoring,
                risk_model=config.risk_model,
                price_range=_price_range,
                min_duration=self.minimum_auction_duration,
            )
            old = self.price_monitor
            monitor.now, monitor.update = old.now, old.update
            monitor.prices_now, monitor.prices_past = old.prices_now, old.prices_past
            self.price_monitor = monitor
        self.target_stake.parameters = config.liquidity_monitoring.target_stake
        self.liquidity_monitor.parameters = config.liquidity_monitoring
        self.publish_market_update()


def _price_range(
    model: object, price: Decimal, horizon_years: Decimal, probability: Decimal
) -> tuple[Decimal, Decimal]:
    """`PriceMonitor` holds its risk model as `object`; a market's is always a `RiskModel`."""
    assert isinstance(model, RiskModel)
    return price_range(model, price, horizon_years, probability)
