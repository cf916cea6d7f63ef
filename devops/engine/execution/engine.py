"""The execution engine: every market, the collateral, the clock and the network parameters.

As Vega core's `execution.Engine`, it routes commands to markets and drives
them through time (`on_tick`) and blocks (`block_end`) in a fixed order
(markets by creation). Nothing here raises for a user's mistake: commands come
back with Vega's rejection reason and leave every balance as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from devops.engine.collateral import Collateral
from devops.engine.commands import (
    BatchMarketInstructions,
    CancellationResult,
    LiquidityProvisionAmendment,
    LiquidityProvisionCancellation,
    LiquidityProvisionSubmission,
    OrderAmendment,
    OrderCancellation,
    OrderConfirmation,
    OrderSubmission,
)
from devops.engine.events.bus import EventBus, EventType
from devops.engine.events.payloads import MarketData
from devops.engine.execution.market import Market, amend_error
from devops.engine.execution.market_stop_orders import StopOrderSpec, StopOrdersResult
from devops.engine.ids import IdGenerator
from devops.engine.netparams.params import NetworkParameters
from devops.engine.positions import MarketPosition
from devops.engine.risk.margins import MarginLevels
from devops.engine.types import (
    NANOS_PER_SECOND,
    AccountType,
    MarketConfig,
    MarketState,
    Order,
    OrderError,
    OrderStatus,
    Side,
    TransferType,
)

GENESIS_TIME = 1_575_072_000_000_000_000  # 2019-11-30T00:00:00Z, the integration tests' clock


class ExecutionEngine:
    """All markets of one network, deterministic from its inputs."""

    def __init__(
        self,
        *,
        bus: EventBus | None = None,
        netparams: NetworkParameters | None = None,
        start_time: int = GENESIS_TIME,
        seed: int = 0,
    ) -> None:
        self.bus = bus if bus is not None else EventBus()
        self.netparams = netparams if netparams is not None else NetworkParameters()
        self.now = start_time
        self.collateral = Collateral(self.bus, self)
        self.markets: dict[str, Market] = {}
        self._seed = seed
        self.assets: dict[str, int] = {}
        self._insurance_kept_until: dict[str, int] = {}
        # succeeded or rejected markets keep no insurance pool once closed (Vega's keepInsurance)
        self.pools_not_kept: set[str] = set()
        # the network's fee factors apply to every market as soon as they change, and to
        # every market created after a change (Vega's propagateInitialNetParams: a factor
        # never set since the engine started leaves a new market's own)
        self._network_fee_factors: dict[str, Decimal] = {}
        self.netparams.watch("market.fee.factors.makerFee", self._fee_factor_setter("maker"))
        self.netparams.watch(
            "market.fee.factors.infrastructureFee", self._fee_factor_setter("infrastructure")
        )
        # an auction under way lasts at least a raised minimum (Vega's UpdateMinDuration)
        self.netparams.watch("market.auction.minimumDuration", self._minimum_duration_changed)

    def _minimum_duration_changed(self, value: str) -> None:
        seconds = int(self.netparams.get_duration_seconds("market.auction.minimumDuration"))
        for market in self.markets.values():
            if not market.closed:
                market.on_minimum_auction_duration(seconds)

    def _fee_factor_setter(self, name: str) -> Callable[[str], None]:
        def set_factor(value: str) -> None:
            self._network_fee_factors[name] = Decimal(value)
            for market in self.markets.values():
                self._apply_network_fee_factors(market, {name: Decimal(value)})
                market.publish_market_update()

        return set_factor

    @staticmethod
    def _apply_network_fee_factors(market: Market, factors: dict[str, Decimal]) -> None:
        market.set_fee_factors(replace(market.fee_factors, **factors))
        market.config.fees = replace(market.config.fees, **factors)

    # ---- configuration ------------------------------------------------------------------------

    def enable_asset(self, asset_id: str, decimals: int, quantum: int = 1) -> None:
        self.assets[asset_id] = decimals
        self.collateral.enable_asset(asset_id, decimals)
        self.bus.publish(EventType.ASSET, (asset_id, decimals, quantum))

    def submit_market(self, config: MarketConfig) -> Market:
        if config.asset not in self.assets:
            self.enable_asset(config.asset, config.asset_decimals)
        config.asset_decimals = self.assets[config.asset]
        market = Market(
            config,
            bus=self.bus,
            collateral=self.collateral,
            clock=self,
            netparams=self.netparams,
            ids=IdGenerator(f"{self._seed}:{config.id}"),
        )
        self.markets[config.id] = market
        if self._network_fee_factors:
            self._apply_network_fee_factors(market, self._network_fee_factors)
        self.bus.publish(EventType.MARKET_CREATED, market.market_update())
        return market

    def start_opening_auction(self, market_id: str) -> None:
        self.markets[market_id].start_opening_auction()

    def update_market(self, config: MarketConfig) -> None:
        self.markets[config.id].update_config(config)

    # ---- time -------------------------------------------------------------------------------

    def on_tick(self, now: int) -> None:
        """Time moves to `now` (Vega's time service tick)."""
        self.now = now
        self.bus.publish(EventType.TIME_UPDATE, now)
        for market in list(self.markets.values()):  # the built-in time oracle ticks first
            deadline = market.config.termination_time
            if deadline and now >= deadline and market.state != MarketState.TRADING_TERMINATED:
                market.terminate_trading()
        window = int(
            self.netparams.get_duration_seconds("market.liquidity.successorLaunchWindowLength")
            * NANOS_PER_SECOND
        )
        for market in list(self.markets.values()):
            if market.closed_at is not None:
                continue
            closed = market.on_tick(now)
            # a closed market keeps its insurance pool for a successor until the window ends
            self._insurance_kept_until[market.config.id] = now + window
            if closed:
                market.closed_at = now
        for market_id, deadline in list(self._insurance_kept_until.items()):
            market = self.markets[market_id]
            kept = deadline >= now and market_id not in self.pools_not_kept
            if market.closed_at is not None and not kept:
                del self._insurance_kept_until[market_id]
                self._clear_insurance_pool(market_id, market.config.asset)

    def _clear_insurance_pool(self, market_id: str, asset: str) -> None:
        """Share a closed market's insurance pool between the other markets' pools and the
        network treasury, equally (Vega's ClearInsurancepool)."""
        collateral = self.collateral
        pool = collateral.get(market_id, "*", asset, AccountType.INSURANCE)
        if pool.balance == 0:
            return
        others = [
            a
            for a in collateral.accounts.values()
            if a.type == AccountType.INSURANCE
            and a.asset == asset
            and a.id != pool.id
            and not self._insurance_cleared(a.market_id)
        ]
        treasury = collateral.get("", "*", asset, AccountType.GLOBAL_REWARD)
        collateral.move([pool], others + [treasury], pool.balance, TransferType.CLEAR_ACCOUNT)

    def release_insurance_pool(self, market_id: str) -> None:
        """A market keeps no pool from now on; if it is closed, share its pool out now."""
        self.pools_not_kept.add(market_id)
        market = self.markets[market_id]
        if market.closed and self._insurance_kept_until.pop(market_id, None) is not None:
            self._clear_insurance_pool(market_id, market.config.asset)

    def keeps_closed_market(self, market_id: str) -> bool:
        """A closed market whose state a successor may still take over (within
        `market.liquidity.successorLaunchWindowLength` of its close)."""
        return market_id in self._insurance_kept_until and market_id not in self.pools_not_kept

    def _insurance_cleared(self, market_id: str) -> bool:
        """A closed market whose pool was shared out: Vega has removed its insurance account."""
        market = self.markets.get(market_id)
        if market is None or not market.closed:
            return False
        if market_id in self.pools_not_kept:  # a rejected successor, or a succeeded parent
            return True
        return market.closed_at is not None and market_id not in self._insurance_kept_until

    def block_end(self) -> None:
        for market in list(self.markets.values()):
            if not market.closed:
                market.block_end()
        self.bus.block += 1

    # ---- commands ---------------------------------------------------------------------------

    def _market(self, market_id: str) -> Market | None:
        market = self.markets.get(market_id)
        if market is None or market.closed:
            return None
        return market

    def submit_order(self, submission: OrderSubmission, party: str) -> OrderConfirmation:
        market = self._market(submission.market_id)
        if market is None:
            order = Order(
                id="",
                market_id=submission.market_id,
                party=party,
                side=submission.side,
                price=submission.price,
                size=submission.size,
                remaining=submission.size,
                time_in_force=submission.time_in_force,
                type=submission.type,
                created_at=self.now,
                status=OrderStatus.REJECTED,
                reason=OrderError.INVALID_MARKET_ID,
                reference=submission.reference,
            )
            self.bus.publish(EventType.ORDER, order)
            return OrderConfirmation(order)
        return market.submit_order(submission, party)

    def amend_order(self, amendment: OrderAmendment, party: str) -> OrderConfirmation:
        market = self._market(amendment.market_id)
        if market is None:
            return amend_error(amendment, party, OrderError.INVALID_MARKET_ID)
        return market.amend_order(amendment, party)

    def cancel_order(self, cancellation: OrderCancellation, party: str) -> CancellationResult:
        if cancellation.market_id and cancellation.market_id not in self.markets:
            return CancellationResult(error=OrderError.INVALID_MARKET_ID)
        if cancellation.order_id:
            if cancellation.market_id:
                markets = [self.markets[cancellation.market_id]]
            else:
                markets = list(self.markets.values())
            for market in markets:
                if cancellation.order_id in market.orders or (
                    market.pegged_orders.is_parked(cancellation.order_id)
                ):
                    return market.cancel_order(party, cancellation.order_id)
            return CancellationResult(error=OrderError.INVALID_ORDER_ID)
        markets = (
            [self.markets[cancellation.market_id]]
            if cancellation.market_id
            else list(self.markets.values())
        )
        cancelled: list[Order] = []
        for market in markets:
            cancelled.extend(market.cancel_all(party).cancelled)
        return CancellationResult(cancelled)

    def batch_market_instructions(
        self, party: str, batch: BatchMarketInstructions
    ) -> list[OrderConfirmation | CancellationResult]:
        """Cancellations, then amendments, then submissions; each one stands alone."""
        results: list[OrderConfirmation | CancellationResult] = []
        results.extend(self.cancel_order(c, party) for c in batch.cancellations)
        results.extend(self.amend_order(a, party) for a in batch.amendments)
        results.extend(self.submit_order(s, party) for s in batch.submissions)
        return results

    def submit_liquidity_provision(
        self, submission: LiquidityProvisionSubmission, party: str, lp_id: str = ""
    ) -> str | None:
        market = self._market(submission.market_id)
        if market is None:
            return "invalid market ID"
        return market.submit_liquidity_provision(submission, party, lp_id)

    def amend_liquidity_provision(
        self, amendment: LiquidityProvisionAmendment, party: str
    ) -> str | None:
        market = self._market(amendment.market_id)
        if market is None:
            return "invalid market ID"
        return market.amend_liquidity_provision(amendment, party)

    def cancel_liquidity_provision(
        self, cancellation: LiquidityProvisionCancellation, party: str
    ) -> str | None:
        market = self._market(cancellation.market_id)
        if market is None:
            return "invalid market ID"
        return market.cancel_liquidity_provision(party)

    def submit_stop_orders(
        self,
        party: str,
        market_id: str,
        falls_below: StopOrderSpec | None,
        rises_above: StopOrderSpec | None,
    ) -> StopOrdersResult:
        market = self._market(market_id)
        if market is None:
            return StopOrdersResult(error="OrderError: Invalid Market ID")
        return market.submit_stop_orders(party, falls_below, rises_above)

    def cancel_stop_order(self, party: str, market_id: str, stop_id: str) -> str | None:
        """Cancel one stop order (and its OCO sibling); Vega's error text when it cannot."""
        market = self._market(market_id)
        if market is None:
            return "OrderError: Invalid Market ID"
        return market.cancel_stop_order(party, stop_id)

    def cancel_stop_orders(self, party: str, market_id: str = "", stop_id: str = "") -> int:
        markets = [self.markets[market_id]] if market_id else list(self.markets.values())
        return sum(len(m.cancel_stop_orders(party, stop_id)) for m in markets)

    def submit_oracle_data(self, signers: list[str], data: dict[str, str]) -> None:
        """Oracle data reaches every market whose termination or settlement spec it matches."""
        self.bus.publish(EventType.ORACLE_DATA, (tuple(signers), dict(data)))
        signed_by = set(signers)

        def matches(spec_signers: str) -> bool:
            wanted = {s for s in spec_signers.split(",") if s}
            return not wanted or bool(wanted & signed_by)

        for market in list(self.markets.values()):
            config = market.config
            if (
                config.termination_property in data
                and matches(config.termination_oracle)
                and data[config.termination_property].lower() == "true"
            ):
                market.terminate_trading()
            if config.settlement_property in data and matches(config.settlement_oracle):
                raw = Decimal(data[config.settlement_property])
                scale = Decimal(10) ** (config.asset_decimals - config.settlement_data_decimals)
                market.receive_settlement_data(int(raw * scale))

    # ---- views ------------------------------------------------------------------------------

    def market_data(self, market_id: str) -> MarketData:
        return self.markets[market_id].market_data()

    def market_state(self, market_id: str) -> MarketState:
        return self.markets[market_id].state

    def margin_levels(self, party: str, market_id: str) -> MarginLevels | None:
        return self.markets[market_id].margin_levels.get(party)

    def position(self, party: str, market_id: str) -> MarketPosition | None:
        return self.markets[market_id].positions.get(party)

    def orderbook_volume(self, market_id: str, side: Side, price: int) -> int:
        """Visible volume at a price, as the data node's book depth shows it (icebergs' peaks)."""
        market = self.markets[market_id]
        return market.book.visible_volume_at(side, price * market.config.price_factor)

    def liquidity_fee_factor(self, market_id: str) -> Decimal:
        return self.markets[market_id].fee_factors.liquidity
