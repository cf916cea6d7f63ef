"""The state of one market, declared once and typed, for the parts `Market` is built from.

Vega's futures market is one Go struct whose methods are spread over several
files; `Market` keeps that shape with one class per file (`market.py`,
`market_lifecycle.py`, `market_liquidity.py`, `market_stop_orders.py`). Each
part inherits `MarketBase`, so mypy checks every `self.x` it reads against the
types here, and every method one part calls on another against the signature
declared here (and the part defining it against that same signature).

The methods are declared for the type checker only: at run time the MRO must
reach the part that defines them, or a test's stand-in host.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from devops.engine.collateral import Account, Collateral
from devops.engine.events.bus import EventBus
from devops.engine.execution.common.expiring_orders import ExpiringOrders
from devops.engine.execution.common.pegged_orders import PeggedOrders
from devops.engine.ids import IdGenerator
from devops.engine.liquidity.equity_shares import EquityShares, FeeSplitter
from devops.engine.liquidity.provision import LiquidityEngine, LiquidityParameters
from devops.engine.matching.book import MatchResult, OrderBook
from devops.engine.monitor.auction import AuctionState
from devops.engine.monitor.liquidity import LiquidityMonitor, TargetStake
from devops.engine.monitor.price import PriceMonitor
from devops.engine.netparams.params import NetworkParameters
from devops.engine.positions import MarketPosition, Positions
from devops.engine.risk.margins import MarginLevels
from devops.engine.risk.models import RiskFactors
from devops.engine.settlement import Settlement
from devops.engine.stop_orders import StopOrderPool
from devops.engine.types import (
    FeeFactors,
    MarketConfig,
    MarketState,
    Order,
    OrderStatus,
    TradingMode,
)

if TYPE_CHECKING:
    from devops.engine.commands import CancellationResult, OrderConfirmation, OrderSubmission
    from devops.engine.events.payloads import LPFeeShare
    from devops.engine.fees import FeeBill
    from devops.engine.stop_orders import StopOrder
    from devops.engine.types import Trade


class Clock(Protocol):
    """What a market reads the time from (the execution engine): nanoseconds."""

    @property
    def now(self) -> int: ...


class MarketBase:
    """Every field of a market, typed; the parts set them (see their `__init__`)."""

    # ---- wiring (market_lifecycle, market) ----
    config: MarketConfig
    bus: EventBus
    collateral: Collateral
    clock: Clock
    netparams: NetworkParameters
    ids: IdGenerator
    asset: str

    # ---- state and prices (market_lifecycle) ----
    state: MarketState
    trading_mode: TradingMode
    closed: bool
    closed_at: int | None  # when the engine saw the market close
    sequence: int  # the last order sequence given out
    parties: dict[str, None]  # every party that ever used the market, in order
    mark_price: int
    last_traded_price: int
    next_mtm: int
    next_factor_update: int
    settlement_data: int | None
    fee_factors: FeeFactors
    risk_factors: RiskFactors
    last_best: tuple[int | None, int | None, int | None, int | None]

    # ---- orders (market, market_lifecycle) ----
    orders: dict[str, Order]  # live orders on the book
    pegged_orders: PeggedOrders
    expiring: ExpiringOrders
    stop_orders: StopOrderPool

    # ---- domain engines (market_lifecycle) ----
    book: OrderBook
    positions: Positions
    settlement: Settlement
    auction: AuctionState
    price_monitor: PriceMonitor
    target_stake: TargetStake
    liquidity_monitor: LiquidityMonitor
    margin_levels: dict[str, MarginLevels]
    _account_cache: dict[str, tuple[Account, Account, str]]
    _margin_cache: dict[str, tuple[tuple[object, ...], MarginLevels]]

    # ---- liquidity provision (market_liquidity) ----
    liquidity: LiquidityEngine
    equity_shares: EquityShares
    fee_splitter: FeeSplitter
    market_value_proxy: Decimal
    asset_quantum: int
    _last_fee_distribution: int | None
    _next_probability_update: int
    # the parameter texts last parsed and the parameters set from them
    _liquidity_param_texts: tuple[str, ...] | None
    _liquidity_params: LiquidityParameters | None

    if TYPE_CHECKING:

        def __init__(
            self,
            config: MarketConfig,
            *,
            bus: EventBus,
            collateral: Collateral,
            clock: Clock,
            netparams: NetworkParameters,
        ) -> None: ...

        # ---- market.py ----
        def submit_order(self, submission: OrderSubmission, party: str) -> OrderConfirmation: ...
        def cancel_all(self, party: str) -> CancellationResult: ...
        def remove_order(self, order: Order, status: OrderStatus) -> None: ...
        def apply_fees(self, trades: list[Trade]) -> None: ...
        def transfer_fees(self, bill: FeeBill) -> None: ...
        def handle_confirmation(self, result: MatchResult) -> None: ...
        def publish_order(self, order: Order) -> None: ...

        # ---- market_lifecycle.py ----
        @property
        def can_trade(self) -> bool: ...
        def publish_market_update(self) -> None: ...
        def check_reference_moves(self, force: bool = False, updates: bool = True) -> None: ...
        def current_target_stake(self) -> int: ...
        def market_observable(self, fallback: int) -> int: ...
        def compute_margins(
            self, position: MarketPosition, price: int, in_auction: bool
        ) -> MarginLevels: ...
        def _accounts(self, party: str) -> tuple[Account, Account, Account | None]: ...
        def _publish_levels(self, party: str, levels: MarginLevels) -> None: ...
        def check_margin_for_order(self, order: Order) -> bool: ...
        def release_margin_excess(self, party: str) -> None: ...

        # ---- market_liquidity.py ----
        @property
        def supplied_stake(self) -> int: ...
        def lp_fee_shares(self) -> tuple[LPFeeShare, ...]: ...
        def update_liquidity_orders(self) -> None: ...
        def undeploy_liquidity_orders(self) -> None: ...
        def cancel_distressed_provisions(self, parties: list[str]) -> None: ...
        def apply_bond_penalty(self, party: str, shortfall: int) -> None: ...
        def top_up_bonds(self) -> None: ...
        def record_traded_value(self, trades: list[Trade]) -> None: ...
        def distribute_liquidity_fees(self) -> None: ...
        def liquidity_tick_start(self, now: int) -> None: ...
        def liquidity_tick_end(self, now: int) -> None: ...
        def liquidity_auction_left(self, was_opening: bool, now: int) -> None: ...
        def stop_all_provisions(self) -> None: ...

        # ---- market_stop_orders.py ----
        def trigger_stop_orders(self) -> None: ...
        def expire_stop_orders(self, now: int) -> None: ...
        def cancel_stop_orders(self, party: str, stop_id: str = "") -> list[StopOrder]: ...
