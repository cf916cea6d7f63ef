"""Value types shared by the engine's domains (as Vega core's `core/types`).

Enumerations keep Vega's protobuf names and numbers, so converting to and from
vega-sim's protos is a plain `int()`. Money and prices are `int` in asset
decimals; sizes are `int` in position decimals; factors are `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Protocol

# Vega's timestamps are Unix nanoseconds
NANOS_PER_SECOND = 1_000_000_000

# 10^position decimals: an int, or a Decimal below 1 for negative position decimals
PositionFactor = int | Decimal


class Side(IntEnum):
    UNSPECIFIED = 0
    BUY = 1
    SELL = 2

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(IntEnum):
    UNSPECIFIED = 0
    LIMIT = 1
    MARKET = 2
    NETWORK = 3


class TimeInForce(IntEnum):
    UNSPECIFIED = 0
    GTC = 1
    GTT = 2
    IOC = 3
    FOK = 4
    GFA = 5
    GFN = 6

    @property
    def persistent(self) -> bool:
        return self not in (TimeInForce.IOC, TimeInForce.FOK)


class OrderStatus(IntEnum):
    UNSPECIFIED = 0
    ACTIVE = 1
    EXPIRED = 2
    CANCELLED = 3
    STOPPED = 4
    FILLED = 5
    REJECTED = 6
    PARTIALLY_FILLED = 7
    PARKED = 8


class PeggedReference(IntEnum):
    UNSPECIFIED = 0
    MID = 1
    BEST_BID = 2
    BEST_ASK = 3


class TradingMode(IntEnum):
    UNSPECIFIED = 0
    CONTINUOUS = 1
    BATCH_AUCTION = 2
    OPENING_AUCTION = 3
    MONITORING_AUCTION = 4
    NO_TRADING = 5


class MarketState(IntEnum):
    UNSPECIFIED = 0
    PROPOSED = 1
    REJECTED = 2
    PENDING = 3
    CANCELLED = 4
    ACTIVE = 5
    SUSPENDED = 6
    CLOSED = 7
    TRADING_TERMINATED = 8
    SETTLED = 9


class AuctionTrigger(IntEnum):
    UNSPECIFIED = 0
    BATCH = 1
    OPENING = 2
    PRICE = 3
    LIQUIDITY = 4
    LIQUIDITY_TARGET_NOT_MET = 5
    UNABLE_TO_DEPLOY_LP_ORDERS = 6


class TradeType(IntEnum):
    UNSPECIFIED = 0
    DEFAULT = 1
    NETWORK_CLOSE_OUT_GOOD = 2
    NETWORK_CLOSE_OUT_BAD = 3


class AccountType(IntEnum):
    UNSPECIFIED = 0
    INSURANCE = 1
    SETTLEMENT = 2
    MARGIN = 3
    GENERAL = 4
    FEES_INFRASTRUCTURE = 5
    FEES_LIQUIDITY = 6
    FEES_MAKER = 7
    LOCK_WITHDRAW = 8
    BOND = 9
    EXTERNAL = 10
    GLOBAL_INSURANCE = 11
    GLOBAL_REWARD = 12
    PENDING_TRANSFERS = 13
    REWARD_MAKER_PAID_FEES = 14
    REWARD_MAKER_RECEIVED_FEES = 15
    REWARD_LP_RECEIVED_FEES = 16
    REWARD_MARKET_PROPOSERS = 17


class TransferType(IntEnum):
    UNSPECIFIED = 0
    LOSS = 1
    WIN = 2
    MTM_LOSS = 4
    MTM_WIN = 5
    MARGIN_LOW = 6
    MARGIN_HIGH = 7
    MARGIN_CONFISCATED = 8
    MAKER_FEE_PAY = 9
    MAKER_FEE_RECEIVE = 10
    INFRASTRUCTURE_FEE_PAY = 11
    INFRASTRUCTURE_FEE_DISTRIBUTE = 12
    LIQUIDITY_FEE_PAY = 13
    LIQUIDITY_FEE_DISTRIBUTE = 14
    BOND_LOW = 15
    BOND_HIGH = 16
    WITHDRAW = 18
    DEPOSIT = 19
    BOND_SLASHING = 20
    REWARD_PAYOUT = 21
    TRANSFER_FUNDS_SEND = 22
    TRANSFER_FUNDS_DISTRIBUTE = 23
    CLEAR_ACCOUNT = 24
    SUCCESSOR_INSURANCE_FRACTION = 29


class OrderError(IntEnum):
    """Vega's order rejection reasons (`vega.OrderError`), same numbers."""

    UNSPECIFIED = 0
    INVALID_MARKET_ID = 1
    INVALID_ORDER_ID = 2
    OUT_OF_SEQUENCE = 3
    INVALID_REMAINING_SIZE = 4
    TIME_FAILURE = 5
    REMOVAL_FAILURE = 6
    INVALID_EXPIRATION_DATETIME = 7
    INVALID_ORDER_REFERENCE = 8
    EDIT_NOT_ALLOWED = 9
    AMEND_FAILURE = 10
    NOT_FOUND = 11
    INVALID_PARTY_ID = 12
    MARKET_CLOSED = 13
    MARGIN_CHECK_FAILED = 14
    MISSING_GENERAL_ACCOUNT = 15
    INTERNAL_ERROR = 16
    INVALID_SIZE = 17
    INVALID_PERSISTENCE = 18
    INVALID_TYPE = 19
    SELF_TRADING = 20
    INSUFFICIENT_FUNDS_TO_PAY_FEES = 21
    INCORRECT_MARKET_TYPE = 22
    INVALID_TIME_IN_FORCE = 23
    CANNOT_SEND_GFN_ORDER_DURING_AN_AUCTION = 24
    CANNOT_SEND_GFA_ORDER_DURING_CONTINUOUS_TRADING = 25
    CANNOT_AMEND_TO_GTT_WITHOUT_EXPIRYAT = 26
    EXPIRYAT_BEFORE_CREATEDAT = 27
    CANNOT_HAVE_GTC_AND_EXPIRYAT = 28
    CANNOT_AMEND_TO_FOK_OR_IOC = 29
    CANNOT_AMEND_TO_GFA_OR_GFN = 30
    CANNOT_AMEND_FROM_GFA_OR_GFN = 31
    CANNOT_SEND_IOC_ORDER_DURING_AUCTION = 32
    CANNOT_SEND_FOK_ORDER_DURING_AUCTION = 33
    MUST_BE_LIMIT_ORDER = 34
    MUST_BE_GTT_OR_GTC = 35
    WITHOUT_REFERENCE_PRICE = 36
    BUY_CANNOT_REFERENCE_BEST_ASK_PRICE = 37
    OFFSET_MUST_BE_GREATER_OR_EQUAL_TO_ZERO = 40
    SELL_CANNOT_REFERENCE_BEST_BID_PRICE = 41
    OFFSET_MUST_BE_GREATER_THAN_ZERO = 42
    INSUFFICIENT_ASSET_BALANCE = 43
    CANNOT_AMEND_PEGGED_ORDER_DETAILS_ON_NON_PEGGED_ORDER = 44
    UNABLE_TO_REPRICE_PEGGED_ORDER = 45
    UNABLE_TO_AMEND_PRICE_ON_PEGGED_ORDER = 46
    NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS = 47
    TOO_MANY_PEGGED_ORDERS = 48
    POST_ONLY_ORDER_WOULD_TRADE = 49
    REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION = 50


class OrderRejected(Exception):
    """Raised inside the engine when a command is refused; never escapes it."""

    def __init__(self, reason: OrderError, detail: str = "") -> None:
        super().__init__(f"{reason.name}{': ' + detail if detail else ''}")
        self.reason = reason


@dataclass(slots=True)
class PeggedOrder:
    reference: PeggedReference
    offset: int  # in asset decimals, as Vega stores it after scaling


@dataclass(slots=True)
class IcebergOrder:
    """The hidden part of an iceberg order: only a peak shows on the book."""

    peak_size: int
    minimum_visible_size: int
    reserved_remaining: int = 0


@dataclass(slots=True)
class Order:
    """A live or finished order; `price` is in asset decimals, `original_price` in market decimals."""

    id: str
    market_id: str
    party: str
    side: Side
    price: int
    size: int
    remaining: int
    time_in_force: TimeInForce
    type: OrderType = OrderType.LIMIT
    created_at: int = 0
    updated_at: int = 0
    expires_at: int = 0
    status: OrderStatus = OrderStatus.ACTIVE
    reason: OrderError = OrderError.UNSPECIFIED
    reference: str = ""
    version: int = 1
    batch_id: int = 0
    original_price: int = 0
    pegged: PeggedOrder | None = None
    liquidity_provision_id: str = ""
    post_only: bool = False
    reduce_only: bool = False
    sequence: int = 0
    iceberg: IcebergOrder | None = None

    @property
    def is_persistent(self) -> bool:
        return self.time_in_force.persistent and self.type != OrderType.MARKET

    @property
    def true_remaining(self) -> int:
        """Visible plus hidden volume still to trade."""
        if self.iceberg is None:
            return self.remaining
        return self.remaining + self.iceberg.reserved_remaining

    def set_iceberg_peaks(self) -> None:
        """Show at most the peak; refill the peak from the hidden volume (Vega's SetIcebergPeaks)."""
        iceberg = self.iceberg
        if iceberg is None:
            return
        if self.remaining > iceberg.peak_size and iceberg.reserved_remaining == 0:
            iceberg.reserved_remaining = self.remaining - iceberg.peak_size
            self.remaining = iceberg.peak_size
            return
        refill = min(iceberg.peak_size - self.remaining, iceberg.reserved_remaining)
        self.remaining += refill
        iceberg.reserved_remaining -= refill

    @property
    def iceberg_needs_refresh(self) -> bool:
        iceberg = self.iceberg
        return (
            iceberg is not None
            and iceberg.reserved_remaining > 0
            and self.remaining < iceberg.minimum_visible_size
        )

    @property
    def filled(self) -> int:
        return self.size - self.remaining


@dataclass(slots=True)
class Trade:
    id: str
    market_id: str
    price: int  # asset decimals
    size: int
    buyer: str
    seller: str
    aggressor: Side
    buy_order: str
    sell_order: str
    timestamp: int
    type: TradeType = TradeType.DEFAULT
    market_price: int = 0  # market decimals
    buyer_fee: dict[str, int] = field(default_factory=dict)
    seller_fee: dict[str, int] = field(default_factory=dict)
    buyer_auction_batch: int = 0
    seller_auction_batch: int = 0


@dataclass(frozen=True, slots=True)
class PriceMonitoringTrigger:
    horizon: int  # seconds
    probability: Decimal
    auction_extension: int  # seconds


@dataclass(frozen=True, slots=True)
class LogNormalRiskModel:
    risk_aversion: Decimal
    tau: Decimal
    mu: Decimal
    r: Decimal
    sigma: Decimal


@dataclass(frozen=True, slots=True)
class SimpleRiskModel:
    factor_long: Decimal
    factor_short: Decimal
    max_move_up: Decimal = Decimal(0)
    min_move_down: Decimal = Decimal(0)
    probability_of_trading: Decimal = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class MarginScalingFactors:
    search: Decimal = Decimal("1.1")
    initial: Decimal = Decimal("1.2")
    release: Decimal = Decimal("1.4")


@dataclass(frozen=True, slots=True)
class FeeFactors:
    maker: Decimal = Decimal("0.00025")
    infrastructure: Decimal = Decimal("0.0005")
    liquidity: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class TargetStakeParameters:
    time_window: int = 3600  # seconds
    scaling_factor: Decimal = Decimal(10)


@dataclass(frozen=True, slots=True)
class LiquidityMonitoringParameters:
    target_stake: TargetStakeParameters = TargetStakeParameters()
    triggering_ratio: Decimal = Decimal(0)
    auction_extension: int = 1


@dataclass(slots=True)
class MarketConfig:
    """Everything a market is created with; mirrors `vega.Market` for futures."""

    id: str
    asset: str
    risk_model: LogNormalRiskModel | SimpleRiskModel
    name: str = ""
    quote_name: str = ""
    decimal_places: int = 0
    position_decimal_places: int = 0
    asset_decimals: int = 0
    margin_scaling: MarginScalingFactors = MarginScalingFactors()
    fees: FeeFactors = FeeFactors()
    price_monitoring: tuple[PriceMonitoringTrigger, ...] = ()
    liquidity_monitoring: LiquidityMonitoringParameters = LiquidityMonitoringParameters()
    opening_auction_duration: int = 1  # seconds
    linear_slippage_factor: Decimal = Decimal("0.001")
    quadratic_slippage_factor: Decimal = Decimal(0)
    lp_price_range: Decimal = Decimal("0.95")
    settlement_data_decimals: int = 0
    settlement_oracle: str = ""
    termination_oracle: str = ""
    settlement_property: str = ""
    termination_property: str = ""
    termination_time: int = 0  # ns; set when the built-in time oracle terminates trading

    @property
    def price_factor(self) -> int:
        """Multiplier from market price decimals to asset decimals (Vega forbids the inverse)."""
        return 10 ** (self.asset_decimals - self.decimal_places)

    @property
    def position_factor(self) -> PositionFactor:
        """10^position decimals; a Decimal for negative decimals (sizes in 10s, 100s...),
        as Vega keeps it, so no float ever enters the arithmetic."""
        if self.position_decimal_places < 0:
            return Decimal(10) ** self.position_decimal_places
        return 10**self.position_decimal_places


class Clock(Protocol):
    """Anything that tells the current block time, in nanoseconds (the network, the engine)."""

    @property
    def now(self) -> int: ...
