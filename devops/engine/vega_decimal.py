"""Vega's decimal arithmetic: division keeps 16 places, rounded half away from zero.

Vega's decimal type divides to a fixed precision; matching it to the digit is
what makes bounds, shares and PnL agree with Vega's own figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

_PLACES = Decimal(1).scaleb(-16)
_WIDE = Context(prec=80)


def decimal_div(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Divide as Vega's decimal type: 16 places, half away from zero."""
    with localcontext(_WIDE):
        rounded = (numerator / denominator).quantize(_PLACES, rounding=ROUND_HALF_UP)
        return plain(rounded)


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros and without an exponent (as Vega prints decimals)."""
    normal = value.normalize(_WIDE)
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


def vega_text(value: Decimal) -> str:
    """The decimal as Vega's String() prints it: fixed notation, no trailing zeros."""
    return format(plain(Decimal(value)), "f")
