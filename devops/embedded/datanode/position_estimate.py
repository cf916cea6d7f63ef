"""Position estimates as the data node (v0.72) computes them for `EstimatePosition`.

Margin (spec 0019-MCAL): the maintenance margin of a hypothetical open volume and
orders at the market's observable price (the mark price, or the indicative price
in an opening auction), worst case with the market's slippage factors and best
case without; search, initial and release levels are the maintenance margin
scaled and rounded. Liquidation price (spec 0012-POSR): the price at which the
collateral would just cover the position's maintenance margin, for the open volume
alone and then adding buy (highest first) or sell (lowest first) orders while they
would fill before liquidation. Prices in asset decimals; Vega's decimal division.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from devops.engine.vega_decimal import decimal_div, plain

ZERO = Decimal(0)


class EstimateError(ValueError):
    """An estimate Vega's data node refuses to give."""


@dataclass(slots=True)
class OrderInfo:
    size: int
    price: Decimal  # asset decimals
    is_market_order: bool


@dataclass(frozen=True, slots=True)
class Factors:
    position_factor: Decimal
    linear_slippage: Decimal
    quadratic_slippage: Decimal
    risk_long: Decimal
    risk_short: Decimal


def _slippage(volume: Decimal, linear: Decimal, quadratic: Decimal) -> Decimal:
    return linear * abs(volume) + quadratic * volume * volume


def maintenance_margin(
    open_volume: int,
    buys: list[OrderInfo],
    sells: list[OrderInfo],
    observable: Decimal,
    factors: Factors,
    *,
    with_slippage: bool,
    auction: bool,
) -> Decimal:
    """Vega's `CalculateMaintenanceMarginWithSlippageFactors`."""
    linear = factors.linear_slippage if with_slippage else ZERO
    quadratic = factors.quadratic_slippage if with_slippage else ZERO
    position = open_volume
    buy_sum = sell_sum = ZERO
    buy_size = sell_size = 0
    for order in buys:
        if order.is_market_order:
            position += order.size
        else:
            buy_sum += order.size * order.price
            buy_size += order.size
    for order in sells:
        if order.is_market_order:
            position -= order.size
        else:
            sell_sum += order.size * order.price
            sell_size += order.size
    pf = factors.position_factor
    volume = decimal_div(Decimal(position), pf)
    long_margin = short_margin = ZERO
    if volume + decimal_div(Decimal(buy_size), pf) > 0:
        slip_volume = max(volume, ZERO)
        cap = observable * _slippage(slip_volume, linear, quadratic)
        if auction:
            long_margin = cap + slip_volume * observable * factors.risk_long
            long_margin += decimal_div(buy_sum, pf) * factors.risk_long
        else:
            long_margin = max(ZERO, cap) + slip_volume * factors.risk_long * observable
            if buy_size > 0:
                long_margin += decimal_div(Decimal(buy_size), pf) * factors.risk_long * observable
    if volume - decimal_div(Decimal(sell_size), pf) < 0:
        slip_volume = min(volume, ZERO)
        cap = observable * _slippage(slip_volume, linear, quadratic)
        if auction:
            short_margin = cap + abs(slip_volume) * observable * factors.risk_short
            short_margin += decimal_div(sell_sum, pf) * factors.risk_short
        else:
            short_margin = max(ZERO, cap) + abs(slip_volume) * observable * factors.risk_short
            if sell_size > 0:
                short_margin += (
                    abs(decimal_div(Decimal(sell_size), pf)) * observable * factors.risk_short
                )
    if long_margin > short_margin and long_margin > 0:
        return long_margin
    return short_margin if short_margin > 0 else ZERO


def round_half_away(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _liquidation_price(
    volume: Decimal,
    price: Decimal,
    collateral: Decimal,
    factors: Factors,
    linear: Decimal,
    quadratic: Decimal,
) -> Decimal:
    if volume == 0:
        return ZERO
    risk = factors.risk_short if volume < 0 else factors.risk_long
    denominator = _slippage(volume, linear, quadratic) + abs(volume) * risk - volume
    if denominator == 0:
        raise EstimateError("liquidation price not defined")
    result = decimal_div(collateral - volume * price, denominator)
    return ZERO if result < 0 else result


def _with_orders(
    open_only: Decimal,
    orders: list[OrderInfo],
    buy_side: bool,
    volume: Decimal,
    price: Decimal,
    collateral: Decimal,
    factors: Factors,
    linear: Decimal,
    quadratic: Decimal,
) -> Decimal:
    liquidation = open_only
    exposure = volume
    for order in orders:
        if exposure != 0 and (
            (buy_side and exposure > 0 and order.price < liquidation)
            or (not buy_side and exposure < 0 and order.price > liquidation)
        ):
            break
        collateral += exposure * (order.price - price)
        price = order.price
        step = decimal_div(Decimal(order.size), factors.position_factor)
        exposure = exposure + step if buy_side else exposure - step
        liquidation = _liquidation_price(
            exposure, order.price, collateral, factors, linear, quadratic
        )
    return liquidation


def liquidation_prices(
    open_volume: int,
    buys: list[OrderInfo],
    sells: list[OrderInfo],
    price: Decimal,
    collateral: Decimal,
    factors: Factors,
    *,
    with_slippage: bool,
) -> tuple[Decimal, Decimal, Decimal]:
    """(open volume only, including buy orders, including sell orders)."""
    linear = factors.linear_slippage if with_slippage else ZERO
    quadratic = factors.quadratic_slippage if with_slippage else ZERO
    volume = decimal_div(Decimal(open_volume), factors.position_factor)
    open_only = (
        _liquidation_price(volume, price, collateral, factors, linear, quadratic)
        if open_volume
        else ZERO
    )
    if not buys and not sells:
        return open_only, open_only, open_only
    for order in (*buys, *sells):
        if order.is_market_order:
            order.price = price
    buys = sorted(buys, key=lambda o: o.price, reverse=True)
    sells = sorted(sells, key=lambda o: o.price)
    args = (volume, price, collateral, factors, linear, quadratic)
    with_buys = _with_orders(open_only, buys, True, *args)
    with_sells = _with_orders(open_only, sells, False, *args)
    return open_only, with_buys, with_sells


def decimal_text(value: Decimal) -> str:
    """A decimal as Vega prints it: no exponent, no trailing zeros."""
    return str(plain(value))
