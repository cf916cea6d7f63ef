"""Read-only views the market publishes: market data and margin levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from devops.engine.types import (
    AuctionTrigger,
    MarketState,
    PriceMonitoringTrigger,
    TradingMode,
)


@dataclass(frozen=True, slots=True)
class PriceMonitoringBound:
    min_valid_price: int  # market decimals
    max_valid_price: int
    trigger: PriceMonitoringTrigger
    reference_price: Decimal


@dataclass(frozen=True, slots=True)
class LPFeeShare:
    party: str
    equity_like_share: Decimal
    average_entry_valuation: Decimal
    average_score: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class MarketData:
    """Vega's `MarketData`; prices in market decimals, stakes in asset decimals."""

    market_id: str
    timestamp: int
    mark_price: int = 0
    last_traded_price: int = 0
    best_bid_price: int = 0
    best_bid_volume: int = 0
    best_offer_price: int = 0
    best_offer_volume: int = 0
    best_static_bid_price: int = 0
    best_static_bid_volume: int = 0
    best_static_offer_price: int = 0
    best_static_offer_volume: int = 0
    mid_price: int = 0
    static_mid_price: int = 0
    open_interest: int = 0
    indicative_price: int = 0
    indicative_volume: int = 0
    auction_start: int = 0
    auction_end: int = 0
    trading_mode: TradingMode = TradingMode.UNSPECIFIED
    trigger: AuctionTrigger = AuctionTrigger.UNSPECIFIED
    extension_trigger: AuctionTrigger = AuctionTrigger.UNSPECIFIED
    target_stake: int = 0
    supplied_stake: int = 0
    market_value_proxy: int = 0
    market_state: MarketState = MarketState.UNSPECIFIED
    price_monitoring_bounds: tuple[PriceMonitoringBound, ...] = ()
    liquidity_provider_fee_shares: tuple[LPFeeShare, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class MarginLevelsEvent:
    """The MARGIN_LEVELS event: one party's levels in one market."""

    party: str
    market_id: str
    asset: str
    maintenance: int
    search: int
    initial: int
    release: int
    timestamp: int


@dataclass(frozen=True, slots=True)
class MarketUpdate:
    """The MARKET_CREATED / MARKET_UPDATED events: the market's definition and state then."""

    market_id: str
    state: MarketState
    trading_mode: TradingMode
    config: object  # the MarketConfig in force (replaced, never mutated, on updates)
    liquidity_fee: Decimal
    timestamp: int
