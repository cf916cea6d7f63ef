"""Auction state of a market (spec 0026-AUCT): what started it, when it ends, extensions.

Mirrors Vega's auction state machine: a pending start (`auction_start_pending`)
becomes an auction once the market has entered it; monitors may extend it
(recording the extension trigger, announced once); the market may only leave
after it has been marked ready to leave.
"""

from __future__ import annotations

from dataclasses import dataclass

from devops.engine.types import NANOS_PER_SECOND, AuctionTrigger, TradingMode

_LIQUIDITY = (AuctionTrigger.LIQUIDITY_TARGET_NOT_MET, AuctionTrigger.UNABLE_TO_DEPLOY_LP_ORDERS)


@dataclass(frozen=True, slots=True)
class AuctionEvent:
    """The AUCTION event: an auction started, was extended or ended."""

    opening: bool
    leave: bool
    start: int
    end: int
    trigger: AuctionTrigger
    extension_trigger: AuctionTrigger = AuctionTrigger.UNSPECIFIED


class AuctionState:
    """One market's auction state; times in nanoseconds, durations in seconds."""

    def __init__(self, opening_duration: int, now: int) -> None:
        self.mode = TradingMode.OPENING_AUCTION
        self.trigger = AuctionTrigger.OPENING
        self.extension: AuctionTrigger | None = None
        self._extension_announced = False
        self.begin: int | None = now
        self.duration: int | None = opening_duration
        self.auction_start_pending = True
        self._ready_to_leave = False

    # ---- starting ------------------------------------------------------------------------

    def start_opening(self, now: int) -> None:
        """Opening auction begins (its start time is the market's creation unless unset)."""
        if self.begin is None:
            self.begin = now

    def start_price_auction(self, now: int, duration: int) -> None:
        self._start(now, duration, AuctionTrigger.PRICE)

    def start_liquidity_auction(self, now: int, duration: int, trigger: AuctionTrigger) -> None:
        self._start(now, duration, trigger)

    def _start(self, now: int, duration: int, trigger: AuctionTrigger) -> None:
        self.mode = TradingMode.MONITORING_AUCTION
        self.trigger = trigger
        self.auction_start_pending = True
        self._ready_to_leave = False
        self.begin = now
        self.duration = duration

    def auction_started(self, now: int) -> None:
        self.auction_start_pending = False
        if self.begin is None:
            self.begin = now

    # ---- extending -----------------------------------------------------------------------

    def extend(self, seconds: int, trigger: AuctionTrigger) -> None:
        self.extension = trigger
        if trigger in _LIQUIDITY:
            self._extension_announced = False
        self.duration = (self.duration or 0) + seconds
        self._ready_to_leave = False

    def update_min_duration(self, seconds: int) -> bool:
        """Vega's UpdateMinDuration: an auction under way lasts at least a raised minimum."""
        if self.mode == TradingMode.CONTINUOUS or self.end == 0 or seconds <= (self.duration or 0):
            return False
        self.duration = seconds
        return True

    def take_extension_event(self) -> AuctionEvent | None:
        """The extension to announce, once (Vega's AuctionExtended)."""
        if self.extension is None or self._extension_announced:
            return None
        self.auction_start_pending = False
        self._extension_announced = True
        return self.snapshot()

    def set_ready_to_leave(self) -> None:
        self._ready_to_leave = True

    def can_leave(self) -> bool:
        return self._ready_to_leave

    def left(self, now: int) -> AuctionEvent:
        event = AuctionEvent(
            self.is_opening, True, self.begin or 0, now, self.trigger, AuctionTrigger.UNSPECIFIED
        )
        self.auction_start_pending = self._ready_to_leave = False
        self.begin = self.duration = None
        self.trigger = AuctionTrigger.UNSPECIFIED
        self.extension = None
        self.mode = TradingMode.CONTINUOUS
        return event

    # ---- reading -------------------------------------------------------------------------

    @property
    def in_auction(self) -> bool:
        return not self.auction_start_pending and self.trigger != AuctionTrigger.UNSPECIFIED

    @property
    def is_opening(self) -> bool:
        return self.trigger == AuctionTrigger.OPENING

    @property
    def is_price_auction(self) -> bool:
        return self.trigger == AuctionTrigger.PRICE

    @property
    def is_liquidity_auction(self) -> bool:
        return self.trigger in _LIQUIDITY

    @property
    def is_price_extension(self) -> bool:
        return self.extension == AuctionTrigger.PRICE

    @property
    def is_liquidity_extension(self) -> bool:
        return self.extension in _LIQUIDITY

    @property
    def is_monitoring(self) -> bool:
        return self.trigger == AuctionTrigger.PRICE or self.is_liquidity_auction

    @property
    def extension_trigger(self) -> AuctionTrigger:
        return self.extension or AuctionTrigger.UNSPECIFIED

    @property
    def start(self) -> int:
        return self.begin or 0

    @property
    def end(self) -> int:
        """When the auction may end at the earliest, 0 if not time limited."""
        if self.begin is None or not self.duration:
            return 0
        return self.begin + self.duration * NANOS_PER_SECOND

    def expired(self, now: int) -> bool:
        """Vega's `!ExpiresAt().Before(now)` negated: the end lies strictly before now."""
        end = self.end
        return end != 0 and end < now

    def snapshot(self) -> AuctionEvent:
        return AuctionEvent(
            self.is_opening, False, self.start, self.end, self.trigger, self.extension_trigger
        )
