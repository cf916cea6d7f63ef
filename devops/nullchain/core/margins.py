"""Margin levels (specs 0019-MCAL and 0010-MARG).

Maintenance margin for the riskier side: for a long open volume V (buy orders
B), `max(0, min(V·slippage per unit, mark·(linear·V + quadratic·V²))) +
V·rf_long·mark + B·rf_long·mark`, the slippage per unit being the mark price
less the volume-weighted exit price into the bids. With no exit price only the
cap applies; in an auction the cap always applies and open orders count at
their own prices. Shorts mirror. The maintenance margin is rounded up; search,
initial and release levels are maintenance × factor, with factors kept to five
decimals and the result rounded down, as Vega computes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from devops.nullchain.core.risk import RiskFactors
from devops.nullchain.core.types import MarginScalingFactors, Side

_SCALE = 100_000  # Vega multiplies scaling factors by 10^5 and truncates


@dataclass(frozen=True, slots=True)
class MarginLevels:
    maintenance: int
    search: int
    initial: int
    release: int


ZERO_MARGINS = MarginLevels(0, 0, 0, 0)


@lru_cache(maxsize=64)
def _scaling_units(scaling: MarginScalingFactors) -> tuple[int, int, int]:
    """The factors as Vega holds them: times 10^5, truncated."""
    return tuple(  # type: ignore[return-value]
        int((factor * _SCALE).to_integral_value(rounding=ROUND_FLOOR))
        for factor in (scaling.search, scaling.initial, scaling.release)
    )


def scaled_levels(maintenance: Decimal, scaling: MarginScalingFactors) -> MarginLevels:
    base = int(maintenance.to_integral_value(rounding=ROUND_CEILING))
    search, initial, release = _scaling_units(scaling)
    return MarginLevels(
        base, base * search // _SCALE, base * initial // _SCALE, base * release // _SCALE
    )


def maintenance_margin(
    *,
    position: int,
    buy_orders: int,
    sell_orders: int,
    buy_sum_product: int,
    sell_sum_product: int,
    mark_price: int,
    risk_factors: RiskFactors,
    linear_slippage: Decimal,
    quadratic_slippage: Decimal,
    position_factor: int,
    exit_price: Callable[[int, Side], int | None],
    in_auction: bool,
    with_orders: bool = True,
) -> Decimal:
    factor = Decimal(position_factor)
    open_volume = Decimal(position) / factor
    riskiest_long = open_volume + (Decimal(buy_orders) / factor if with_orders else 0)
    riskiest_short = open_volume - (Decimal(sell_orders) / factor if with_orders else 0)
    mark = Decimal(mark_price)
    long_margin = short_margin = Decimal(0)
    if riskiest_long > 0:
        volume = max(open_volume, Decimal(0))
        cap = mark * (linear_slippage * volume + quadratic_slippage * volume * volume)
        if in_auction:
            long_margin = cap + volume * (mark * risk_factors.long)
            if with_orders:
                long_margin += Decimal(buy_sum_product) / factor * risk_factors.long
        else:
            if volume > 0:
                exit_ = exit_price(position, Side.BUY)
                if exit_ is not None:
                    cap = min(Decimal(max(0, mark_price - exit_)) * volume, cap)
            long_margin = max(Decimal(0), cap) + volume * risk_factors.long * mark
            if with_orders:
                long_margin += Decimal(buy_orders) / factor * risk_factors.long * mark
    if riskiest_short < 0:
        volume = abs(min(open_volume, Decimal(0)))
        cap = mark * (linear_slippage * volume + quadratic_slippage * volume * volume)
        if in_auction:
            short_margin = cap + volume * (mark * risk_factors.short)
            if with_orders:
                short_margin += Decimal(sell_sum_product) / factor * risk_factors.short
        else:
            if volume > 0:
                exit_ = exit_price(-position, Side.SELL)
                if exit_ is not None:
                    cap = min(volume * Decimal(max(0, exit_ - mark_price)), cap)
            short_margin = max(Decimal(0), cap) + volume * mark * risk_factors.short
            if with_orders:
                short_margin += Decimal(sell_orders) / factor * mark * risk_factors.short
    if long_margin > short_margin and long_margin > 0:
        return long_margin
    if short_margin > 0:
        return short_margin
    return Decimal(0)


def margin_levels(
    *,
    scaling: MarginScalingFactors,
    **inputs: object,
) -> MarginLevels:
    """Maintenance margin (see `maintenance_margin`) and its scaled levels."""
    maintenance = maintenance_margin(**inputs)  # type: ignore[arg-type]
    if maintenance <= 0:
        return ZERO_MARGINS
    return scaled_levels(maintenance, scaling)
