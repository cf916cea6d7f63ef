"""Commands the engine accepts and the confirmations it gives back.

They mirror Vega's transaction commands (`vega.commands.v1`) after the node has
decoded and scaled them: prices in *market* decimals as the user typed them
(the market scales to asset decimals), sizes in position decimals, times in
nanoseconds. A confirmation carries the rejection reason instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from devops.engine.types import (
    Order,
    OrderError,
    OrderStatus,
    OrderType,
    PeggedReference,
    Side,
    TimeInForce,
    Trade,
)


@dataclass(frozen=True, slots=True)
class PeggedSubmission:
    reference: PeggedReference
    offset: int  # market decimals


@dataclass(frozen=True, slots=True)
class IcebergSubmission:
    peak_size: int
    minimum_visible_size: int


@dataclass(frozen=True, slots=True)
class OrderSubmission:
    market_id: str
    side: Side
    size: int
    time_in_force: TimeInForce
    type: OrderType = OrderType.LIMIT
    price: int = 0  # market decimals
    expires_at: int = 0
    reference: str = ""
    pegged: PeggedSubmission | None = None
    post_only: bool = False
    reduce_only: bool = False
    iceberg: IcebergSubmission | None = None


@dataclass(frozen=True, slots=True)
class OrderAmendment:
    order_id: str
    market_id: str
    price: int | None = None  # market decimals
    size_delta: int = 0
    expires_at: int | None = None
    time_in_force: TimeInForce | None = None
    pegged_offset: int | None = None
    pegged_reference: PeggedReference | None = None


@dataclass(frozen=True, slots=True)
class OrderCancellation:
    """Empty ids widen the scope: no order id cancels all of a market's, no market all."""

    order_id: str = ""
    market_id: str = ""


@dataclass(slots=True)
class OrderConfirmation:
    order: Order
    trades: list[Trade] = field(default_factory=list)
    passive_orders_affected: list[Order] = field(default_factory=list)

    @property
    def error(self) -> OrderError | None:
        if self.order.status == OrderStatus.REJECTED:
            return self.order.reason
        return None


@dataclass(slots=True)
class CancellationResult:
    cancelled: list[Order] = field(default_factory=list)
    error: OrderError | None = None


@dataclass(frozen=True, slots=True)
class LiquidityOrder:
    """One line of a v0.72 liquidity shape: pegged to a reference with a proportion."""

    reference: PeggedReference
    proportion: int
    offset: int  # market decimals


@dataclass(frozen=True, slots=True)
class LiquidityProvisionSubmission:
    market_id: str
    commitment_amount: int  # asset decimals
    fee: Decimal
    buys: tuple[LiquidityOrder, ...]
    sells: tuple[LiquidityOrder, ...]
    reference: str = ""


@dataclass(frozen=True, slots=True)
class LiquidityProvisionAmendment:
    market_id: str
    commitment_amount: int | None = None
    fee: Decimal | None = None
    buys: tuple[LiquidityOrder, ...] | None = None
    sells: tuple[LiquidityOrder, ...] | None = None
    reference: str = ""


@dataclass(frozen=True, slots=True)
class LiquidityProvisionCancellation:
    market_id: str


@dataclass(frozen=True, slots=True)
class BatchMarketInstructions:
    """Processed as Vega does: cancellations, then amendments, then submissions."""

    cancellations: tuple[OrderCancellation, ...] = ()
    amendments: tuple[OrderAmendment, ...] = ()
    submissions: tuple[OrderSubmission, ...] = ()
