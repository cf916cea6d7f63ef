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

from devops.engine.risk.models import RiskFactors
from devops.engine.types import MarginScalingFactors, PositionFactor, Side

_SCALE = 100_000  # Vega multiplies scaling factors by 10^5 and truncates


@dataclass(frozen=True, slots=True)
class MarginLevels:
    maintenance: int
    search: int
    initial: int
    release: int


ZERO_MARGINS = MarginLevels(0, 0, 0, 0)
_ZERO = Decimal(0)


@lru_cache(maxsize=64)
def _scaling_units(scaling: MarginScalingFactors) -> tuple[int, int, int]:
    """The factors as Vega holds them: times 10^5, truncated."""
    return _units(scaling.search), _units(scaling.initial), _units(scaling.release)


def _units(factor: Decimal) -> int:
    return int((factor * _SCALE).to_integral_value(rounding=ROUND_FLOOR))


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
    position_factor: PositionFactor,
    exit_price: Callable[[int, Side], int | None],
    in_auction: bool,
    with_orders: bool = True,
) -> Decimal:
    if not with_orders:
        buy_orders = sell_orders = buy_sum_product = sell_sum_product = 0
    long_margin = short_margin = _ZERO
    if position + buy_orders > 0:
        long_margin = _side_margin(
            max(position, 0),
            buy_orders,
            buy_sum_product,
            mark_price,
            risk_factors.long,
            linear_slippage,
            quadratic_slippage,
            position_factor,
            None if in_auction else exit_price,
            Side.BUY,
        )
    if position - sell_orders < 0:
        short_margin = _side_margin(
            max(-position, 0),
            sell_orders,
            sell_sum_product,
            mark_price,
            risk_factors.short,
            linear_slippage,
            quadratic_slippage,
            position_factor,
            None if in_auction else exit_price,
            Side.SELL,
        )
    if long_margin > short_margin and long_margin > 0:
        return long_margin
    if short_margin > 0:
        return short_margin
    return _ZERO


def _side_margin(
    volume: int,
    orders: int,
    sum_product: int,
    mark_price: int,
    risk_factor: Decimal,
    linear_slippage: Decimal,
    quadratic_slippage: Decimal,
    position_factor: PositionFactor,
    exit_price: Callable[[int, Side], int | None] | None,
    side: Side,
) -> Decimal:
    """One side's margin: slippage (capped) plus risk on the open volume and on the orders.

    `exit_price` is None in an auction, where the cap always applies and orders count at
    their own prices (`sum_product`) rather than at the mark price.
    """
    mark = Decimal(mark_price)
    factor = Decimal(position_factor)
    margin = _ZERO
    if volume:
        size = Decimal(volume) / factor
        cap = mark * (linear_slippage * size + quadratic_slippage * size * size)
        if exit_price is not None:
            exit_ = exit_price(volume, side)
            if exit_ is not None:
                per_unit = mark_price - exit_ if side == Side.BUY else exit_ - mark_price
                cap = min(Decimal(max(0, per_unit)) * size, cap)
            cap = max(_ZERO, cap)
            # the multiplication order is Vega's, which rounds differently per side
            if side == Side.BUY:
                margin = cap + size * risk_factor * mark
            else:
                margin = cap + size * mark * risk_factor
        else:
            margin = cap + size * (mark * risk_factor)
    if exit_price is None:
        if sum_product:
            margin += Decimal(sum_product) / factor * risk_factor
    elif orders:
        if side == Side.BUY:
            margin += Decimal(orders) / factor * risk_factor * mark
        else:
            margin += Decimal(orders) / factor * mark * risk_factor
    return margin


def margin_levels(maintenance: Decimal, scaling: MarginScalingFactors) -> MarginLevels:
    """The levels of a maintenance margin (see `maintenance_margin`): none when it is zero."""
    if maintenance <= 0:
        return ZERO_MARGINS
    return scaled_levels(maintenance, scaling)
