"""Auction state (0026-AUCT), price monitoring (0032-PRIM) and target stake (0041-TSTK)."""

from decimal import Decimal

from devops.engine.monitor.auction import AuctionState
from devops.engine.monitor.liquidity import LiquidityMonitor, TargetStake
from devops.engine.monitor.price import PriceMonitor
from devops.engine.risk.models import RiskFactors
from devops.engine.types import (
    AuctionTrigger,
    LiquidityMonitoringParameters,
    PriceMonitoringTrigger,
    TargetStakeParameters,
    TradingMode,
)

NANOS_PER_SECOND = 1_000_000_000


def fixed_range(model, price: Decimal, horizon, probability) -> tuple[Decimal, Decimal]:
    return price * Decimal("0.9"), price * Decimal("1.1")


def continuous_auction() -> AuctionState:
    auction = AuctionState(opening_duration=1, now=0)
    auction.auction_started(0)
    auction.set_ready_to_leave()
    auction.left(NANOS_PER_SECOND)
    return auction


def test_opening_auction_lifecycle() -> None:
    auction = AuctionState(opening_duration=5, now=0)
    assert not auction.in_auction and auction.auction_start_pending
    auction.auction_started(0)
    assert auction.in_auction and auction.is_opening and auction.end == 5 * NANOS_PER_SECOND
    assert not auction.expired(5 * NANOS_PER_SECOND) and auction.expired(5 * NANOS_PER_SECOND + 1)
    auction.set_ready_to_leave()
    event = auction.left(6 * NANOS_PER_SECOND)
    assert event.leave and not auction.in_auction and auction.mode == TradingMode.CONTINUOUS


def test_extension_is_announced_once() -> None:
    auction = AuctionState(opening_duration=5, now=0)
    auction.auction_started(0)
    auction.extend(10, AuctionTrigger.PRICE)
    assert auction.end == 15 * NANOS_PER_SECOND and auction.is_price_extension
    assert auction.take_extension_event() is not None
    assert auction.take_extension_event() is None


def monitor() -> PriceMonitor:
    trigger = PriceMonitoringTrigger(60, Decimal("0.99"), 30)
    return PriceMonitor(triggers=(trigger,), risk_model=None, price_range=fixed_range)


def test_breach_by_persistent_order_starts_a_price_auction() -> None:
    pm, auction = monitor(), continuous_auction()
    pm.on_time_update(NANOS_PER_SECOND)
    assert not pm.check_price(auction, [(100, 1)], True, NANOS_PER_SECOND)
    pm.compute_factors()
    pm.on_time_update(2 * NANOS_PER_SECOND)
    bounds = pm.bounds(auction)
    assert (bounds[0].min_valid_price, bounds[0].max_valid_price) == (90, 110)
    assert not pm.check_price(auction, [(111, 1)], True, 2 * NANOS_PER_SECOND, min_duration=1)
    assert auction.auction_start_pending and auction.trigger == AuctionTrigger.PRICE
    assert auction.duration == 30


def test_breach_by_non_persistent_order_is_refused() -> None:
    pm, auction = monitor(), continuous_auction()
    pm.on_time_update(NANOS_PER_SECOND)
    pm.check_price(auction, [(100, 1)], True, NANOS_PER_SECOND)
    pm.compute_factors()
    assert pm.check_price(auction, [(89, 1)], False, NANOS_PER_SECOND)
    assert not auction.auction_start_pending


def test_target_stake_uses_the_window_maximum_and_truncated_factors() -> None:
    stake = TargetStake(TargetStakeParameters(time_window=10, scaling_factor=Decimal("1.5")))
    stake.record_open_interest(10, 1 * NANOS_PER_SECOND)
    stake.record_open_interest(4, 5 * NANOS_PER_SECOND)
    factors = RiskFactors(Decimal("0.123456789"), Decimal("0.1"))
    # 100 · 10 · 0.12345 · 1.5 = 185.175 -> 185
    assert stake.target_stake(100, factors, 6 * NANOS_PER_SECOND) == 185
    # after the window the maximum is the later, smaller open interest
    assert stake.target_stake(100, factors, 14 * NANOS_PER_SECOND) == 74


def test_liquidity_auction_when_stake_falls_below_the_triggering_ratio() -> None:
    auction = continuous_auction()
    monitor_ = LiquidityMonitor(LiquidityMonitoringParameters(triggering_ratio=Decimal("0.5")))
    monitor_.check(
        auction,
        2 * NANOS_PER_SECOND,
        supplied_stake=60,
        target_stake=100,
        best_static_bid_volume=1,
        best_static_ask_volume=1,
    )
    assert not auction.auction_start_pending
    monitor_.check(
        auction,
        2 * NANOS_PER_SECOND,
        supplied_stake=40,
        target_stake=100,
        best_static_bid_volume=1,
        best_static_ask_volume=1,
    )
    assert auction.auction_start_pending
    assert auction.trigger == AuctionTrigger.LIQUIDITY_TARGET_NOT_MET


def test_a_raised_minimum_duration_lengthens_an_auction_under_way() -> None:
    """Vega's UpdateMinDuration: the auction then lasts exactly the new minimum."""
    auction = AuctionState(opening_duration=1, now=0)
    assert auction.update_min_duration(300)
    assert auction.end == 300 * NANOS_PER_SECOND
    assert not auction.update_min_duration(100)  # a lower minimum never shortens it
    assert auction.end == 300 * NANOS_PER_SECOND
    assert not continuous_auction().update_min_duration(300)  # no auction, nothing to extend


def test_valid_price_range_gives_rounded_and_exact_bounds() -> None:
    """Vega's GetValidPriceRange: the book compares rounded bounds, PoT uses exact ones."""
    pm, auction = monitor(), continuous_auction()
    pm.on_time_update(NANOS_PER_SECOND)
    pm.check_price(auction, [(101, 1)], True, NANOS_PER_SECOND)
    pm.compute_factors()
    pm.on_time_update(2 * NANOS_PER_SECOND)
    (low, low_exact), high = pm.valid_price_range(auction)
    assert high is not None
    assert (low, low_exact) == (91, Decimal("90.9"))  # 101 x 0.9, ceiled
    assert high == (111, Decimal("111.1"))  # 101 x 1.1, floored
