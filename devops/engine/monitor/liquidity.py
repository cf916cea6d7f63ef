"""Target stake (0041-TSTK) and liquidity monitoring (0035-LIQM).

Target stake = reference price × the largest open interest seen in the time
window / position factor × the larger risk factor × the scaling factor, with
both factors truncated to five decimals. A market enters a liquidity auction
when the supplied stake falls below `triggering ratio × target stake` or the
book lacks a best static bid or ask, and leaves it only once the supplied
stake covers the whole target stake and both sides of the book are present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from devops.engine.monitor.auction import AuctionState
from devops.engine.risk.models import RiskFactors
from devops.engine.types import (
    NANOS_PER_SECOND,
    AuctionTrigger,
    LiquidityMonitoringParameters,
    PositionFactor,
    TargetStakeParameters,
)

_SCALE = 100_000


def _truncated(value: Decimal) -> int:
    return int((value * _SCALE).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(slots=True)
class _Observation:
    time: int
    open_interest: int


@dataclass(slots=True)
class TargetStake:
    """The maximum open interest over a sliding time window, and the stake it asks for."""

    parameters: TargetStakeParameters
    position_factor: PositionFactor = 1
    now: int = 0
    current: list[int] = field(default_factory=list)
    previous: list[_Observation] = field(default_factory=list)
    maximum: _Observation = field(default_factory=lambda: _Observation(0, 0))
    scheduled_truncate: int = 0

    @property
    def window(self) -> int:
        return self.parameters.time_window * NANOS_PER_SECOND

    def record_open_interest(self, open_interest: int, now: int) -> None:
        if now < self.now:
            return
        if open_interest >= self.maximum.open_interest:
            self.maximum = _Observation(now, open_interest)
        if now > self.now:
            self.previous.append(self._max_of_current())
            self.current = []
            self.now = now
        self.current.append(open_interest)
        if self.now > self.scheduled_truncate:
            self._truncate(now - self.window)

    def _max_of_current(self) -> _Observation:
        return _Observation(self.now, max(self.current) if self.current else 0)

    def _compute_max(self, window_start: int) -> None:
        best = self._max_of_current()
        self._truncate(window_start)
        index = 0
        for position, observation in enumerate(self.previous):
            if observation.open_interest > best.open_interest:
                best, index = observation, position
        self.maximum = best
        self.previous = self.previous[index:]

    def _truncate(self, window_start: int) -> None:
        index = 0
        while index < len(self.previous) and self.previous[index].time < window_start:
            index += 1
        self.previous = self.previous[index:]
        self.scheduled_truncate = self.now + 2 * self.window

    def _stake(self, price: int, open_interest: int, factors: RiskFactors) -> int:
        factor = _truncated(max(factors.long, factors.short))
        scaling = _truncated(self.parameters.scaling_factor)
        value = int(price * open_interest // self.position_factor)
        return value * factor * scaling // (_SCALE * _SCALE)

    def target_stake(self, mark_price: int, factors: RiskFactors, now: int) -> int:
        window_start = now - self.window
        if window_start > self.maximum.time:
            self._compute_max(window_start)
        return self._stake(mark_price, self.maximum.open_interest, factors)

    def theoretical_target_stake(
        self, reference_price: int, factors: RiskFactors, now: int, open_interest: int
    ) -> int:
        """The target stake if the open interest became `open_interest` now."""
        window_start = now - self.window
        expired = window_start > self.maximum.time
        if expired:
            self._compute_max(window_start)
        largest = self.maximum.open_interest
        if open_interest > largest or expired:
            largest = open_interest
        return self._stake(reference_price, largest, factors)


@dataclass(slots=True)
class LiquidityMonitor:
    parameters: LiquidityMonitoringParameters
    min_duration: int = 1  # seconds (market.auction.minimumDuration)

    def check(
        self,
        auction: AuctionState,
        now: int,
        *,
        supplied_stake: int,
        target_stake: int,
        best_static_bid_volume: int,
        best_static_ask_volume: int,
        has_trades: bool = False,
        persistent: bool = True,
    ) -> bool:
        """Start, extend or end a liquidity auction; True refuses a non-persistent order."""
        end = auction.end
        if end and end > now:
            return False
        extension = self.parameters.auction_extension or 1
        both_sides = best_static_bid_volume > 0 and best_static_ask_volume > 0
        trigger = (
            AuctionTrigger.LIQUIDITY_TARGET_NOT_MET
            if both_sides
            else AuctionTrigger.UNABLE_TO_DEPLOY_LP_ORDERS
        )
        if (
            (end and auction.is_liquidity_auction)
            or auction.is_liquidity_extension
            or (auction.is_opening)
        ):
            if supplied_stake >= target_stake and both_sides:
                auction.set_ready_to_leave()
                return False
            auction.extend(extension, trigger)
            return False
        ratio = self.parameters.triggering_ratio
        scaled = int((Decimal(target_stake) * ratio).to_integral_value(rounding=ROUND_FLOOR))
        undersupplied = supplied_stake < scaled
        if undersupplied or not both_sides:
            if undersupplied and has_trades and not persistent:
                return True
            if end:
                auction.extend(extension, trigger)
                return False
            auction.start_liquidity_auction(now, self.min_duration, trigger)
        return False
