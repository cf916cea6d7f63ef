"""Price monitoring (spec 0032-PRIM): auctions when a trade would move the price too far.

Each trigger (horizon, probability, extension) bounds the price around a
reference price: the volume-weighted price at or before `now − horizon`.
The bounds are `reference × factor`, the factors being the risk model's price
range at that probability over the horizon divided by the reference (min
rounded up, max rounded down); until the factors are first computed Vega uses
0.9 and 1.1. A breach by a persistent order starts a price auction lasting the
sum of the breached triggers' extensions (at least the minimum auction
duration); a non-persistent order is refused instead. During an auction the
indicative price is checked the same way, extending the auction.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from devops.engine.monitor.auction import AuctionState
from devops.engine.types import NANOS_PER_SECOND, AuctionTrigger, PriceMonitoringTrigger
from devops.engine.vega_decimal import decimal_div

_SECONDS_PER_YEAR = Decimal(31_557_600)  # 365.25 days
_DEFAULT_DOWN = Decimal("0.9")
_DEFAULT_UP = Decimal("1.1")

PriceRange = Callable[[object, Decimal, Decimal, Decimal], tuple[Decimal, Decimal]]


@dataclass(slots=True)
class Bound:
    trigger: PriceMonitoringTrigger
    active: bool = True
    up: Decimal = _DEFAULT_UP
    down: Decimal = _DEFAULT_DOWN


@dataclass(frozen=True, slots=True)
class PriceBound:
    """A trigger's current valid range (asset decimals) and its reference price."""

    min_valid_price: int
    max_valid_price: int
    trigger: PriceMonitoringTrigger
    reference_price: Decimal


@dataclass(slots=True)
class _PastPrice:
    time: int
    price: Decimal


def _time_of(past: _PastPrice) -> int:
    return past.time


@lru_cache(maxsize=1024)
def _rounded_range(reference: Decimal, down: Decimal, up: Decimal) -> tuple[int, int]:
    """The bounds `reference × factor`, min rounded up, max rounded down (pure: cached, as
    the same reference and factors are asked for on every order)."""
    low = int((reference * down).to_integral_value(rounding=ROUND_CEILING))
    high = int((reference * up).to_integral_value(rounding=ROUND_FLOOR))
    return low, high


@dataclass(slots=True)
class PriceMonitor:
    triggers: tuple[PriceMonitoringTrigger, ...]
    risk_model: object
    price_range: PriceRange
    min_duration: Callable[[], int] = lambda: 1
    bounds_list: list[Bound] = field(default_factory=list)
    initialised: bool = False
    factors_initialised: bool = False
    now: int = 0
    update: int = 0
    prices_now: list[tuple[int, int]] = field(default_factory=list)
    prices_past: list[_PastPrice] = field(default_factory=list)

    def __post_init__(self) -> None:
        ordered = sorted(self.triggers, key=lambda t: (t.horizon, -t.probability))
        self.bounds_list = [Bound(t) for t in ordered]

    # ---- time ------------------------------------------------------------------------------

    def on_time_update(self, now: int) -> None:
        if now == self.now:
            return
        if self.prices_now:
            volume = sum(v for _, v in self.prices_now)
            weighted = sum(p * v for p, v in self.prices_now)
            self.prices_past.append(
                _PastPrice(self.now, decimal_div(Decimal(weighted), Decimal(volume)))
            )
        self.prices_now = []
        self.now = now
        self._clear_stale()

    def _clear_stale(self) -> None:
        if self.now < self.update or not self.bounds_list or not self.prices_past:
            return
        longest = max(b.trigger.horizon for b in self.bounds_list)
        oldest_needed = self.now - longest * NANOS_PER_SECOND
        for index in range(len(self.prices_past) - 1):
            if self.prices_past[index].time >= oldest_needed:
                del self.prices_past[:index]
                return
        del self.prices_past[:-1]

    # ---- factors (Vega computes them as a state variable) ---------------------------------------

    def compute_factors(self) -> None:
        """Bound factors from the risk model's price range around the current references."""
        if not self.prices_past and not self.prices_now:
            return
        for bound in self.bounds_list:
            reference = self._reference(bound.trigger.horizon)
            horizon = decimal_div(Decimal(bound.trigger.horizon), _SECONDS_PER_YEAR)
            low, high = self.price_range(
                self.risk_model, reference, horizon, bound.trigger.probability
            )
            bound.down = decimal_div(low, reference)
            bound.up = decimal_div(high, reference)
        self.factors_initialised = True
        self._clear_stale()

    # ---- checks ----------------------------------------------------------------------------

    def check_price(
        self,
        auction: AuctionState,
        trades: list[tuple[int, int]],
        persistent: bool,
        now: int,
        min_duration: int | None = None,
    ) -> bool:
        """True when a non-persistent order must be refused; may start or extend an auction."""
        was_initialised = self.initialised
        if not was_initialised:
            if not trades:
                return False
            if self._no_history() or auction.is_opening:
                self._reset_history(trades)
            self.initialised = True
        if not auction.in_auction:
            breached = self._breaches(trades, auction)
            if not breached:
                if was_initialised:
                    self.prices_now.extend((p, v) for p, v in trades if v > 0)
                return False
            if not persistent:
                self._reactivate()
                return True
            duration = sum(t.auction_extension for t in breached)
            minimum = self.min_duration() if min_duration is None else min_duration
            auction.start_price_auction(self.now, max(duration, minimum))
            return False
        if auction.is_opening:
            self._reset_history(trades)
            return False
        breached = self._breaches(trades, auction)
        if not breached:
            if auction.is_price_auction or auction.is_price_extension:
                if self.now <= auction.end:
                    return False
                auction.set_ready_to_leave()
                self._reset_history(trades)
                return False
            if auction.can_leave():
                self._reactivate()
            return False
        auction.extend(sum(t.auction_extension for t in breached), AuctionTrigger.PRICE)
        return False

    def _breaches(
        self, trades: list[tuple[int, int]], auction: AuctionState
    ) -> list[PriceMonitoringTrigger]:
        breached: list[PriceMonitoringTrigger] = []
        if not trades:
            return breached
        ranges = self._ranges(auction)
        for price, volume in trades:
            if volume == 0:
                continue
            for bound in self.bounds_list:
                if not bound.active or id(bound) not in ranges:
                    continue
                low, high, _ = ranges[id(bound)]
                if price < low or price > high:
                    breached.append(bound.trigger)
                    bound.active = False
                    break
        return breached

    def _ranges(self, auction: AuctionState | None) -> dict[int, tuple[int, int, Decimal]]:
        ranges: dict[int, tuple[int, int, Decimal]] = {}
        if self._no_history():
            return ranges
        monitoring = auction is not None and (
            auction.is_liquidity_auction or auction.is_price_auction
        )
        for bound in self.bounds_list:
            if not bound.active:
                continue
            if monitoring:
                lookback = self.now - bound.trigger.horizon * NANOS_PER_SECOND
                latest = self.now if self.prices_now else self.prices_past[-1].time
                if latest < lookback:
                    bound.active = False
                    continue
            reference = self._reference(bound.trigger.horizon)
            low, high = _rounded_range(reference, bound.down, bound.up)
            ranges[id(bound)] = (low, high, reference)
        return ranges

    def _reference(self, horizon: int) -> Decimal:
        if not self.prices_past:
            return Decimal(self.prices_now[0][0])
        # the last price at or before the cutoff, else the oldest; past prices are in time
        # order, so a binary search finds it (a day's horizon holds tens of thousands)
        cutoff = self.now - horizon * NANOS_PER_SECOND
        index = bisect_right(self.prices_past, cutoff, key=_time_of)
        return self.prices_past[max(index - 1, 0)].price

    def _no_history(self) -> bool:
        return not self.prices_past and not self.prices_now

    def _reset_history(self, trades: list[tuple[int, int]]) -> None:
        self.update = self.now
        if trades:
            self.prices_now = list(trades)
            self.prices_past = []
        elif self.prices_past:
            self.prices_past = self.prices_past[-1:]
        else:
            self.initialised = False
            return
        self._reactivate()

    def _reactivate(self) -> None:
        for bound in self.bounds_list:
            bound.active = True

    # ---- views -----------------------------------------------------------------------------

    def valid_price_range(
        self, auction: AuctionState | None = None
    ) -> tuple[tuple[int, Decimal], tuple[int, Decimal] | None]:
        """Vega's GetValidPriceRange: the tightest bounds, each rounded (as the book compares
        prices) and exact (as the probability of trading uses them); no upper bound is None."""
        ranges = self._ranges(auction)
        low: tuple[int, Decimal] = (0, Decimal(0))
        high: tuple[int, Decimal] | None = None
        for bound in self.bounds_list:
            found = ranges.get(id(bound))
            if found is None:
                continue
            rounded_low, rounded_high, reference = found
            if rounded_low > low[0]:
                low = (rounded_low, reference * bound.down)
            if rounded_high and (high is None or rounded_high < high[0]):
                high = (rounded_high, reference * bound.up)
        return low, high

    def bounds(self, auction: AuctionState | None = None) -> list[PriceBound]:
        ranges = self._ranges(auction)
        out = [
            PriceBound(ranges[id(b)][0], ranges[id(b)][1], b.trigger, ranges[id(b)][2])
            for b in self.bounds_list
            if b.active and id(b) in ranges
        ]
        out.sort(key=lambda b: (b.trigger.horizon, b.trigger.probability))
        return out
