"""Vega's decimal arithmetic: division keeps 16 places, rounded half away from zero.

Vega's decimal type divides to a fixed precision; matching it to the digit is
what makes bounds, shares and PnL agree with Vega's own figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

_PLACES = Decimal(1).scaleb(-16)
_WIDE = Context(prec=80)
_ONE = Decimal(1)
_SCALE = 10**16
_ZERO = Decimal(0)
_NEGATIVE_ZERO = Decimal("-0")
# The exact integer path below agrees with the 80-digit division then rounding to
# 16 places whenever the quotient's denominator D and size obey D < 10**(63 - E),
# E = floor(log10 |quotient|): a quotient that is not itself a half-way point lies at
# least 1 / (2 * 10**16 * D) from every half-way point, more than the 80-digit
# division's error (half a unit of its 80th digit, 10**(E - 79) / 2). With
# |quotient| < 10**20 (E <= 19) any D < 10**44 qualifies; the bounds keep a margin.
_MAX_DENOMINATOR = 10**38
_MAX_QUOTIENT = 10**20


def decimal_div(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Divide as Vega's decimal type: 16 places, half away from zero."""
    if type(numerator) is Decimal and type(denominator) is Decimal and denominator:
        try:
            top, bottom = numerator.as_integer_ratio()
            divisor_top, divisor_bottom = denominator.as_integer_ratio()
        except (ValueError, OverflowError):  # NaN or infinity: Decimal decides
            return _divide(numerator, denominator)
        num = top * divisor_bottom
        den = bottom * divisor_top
        if den < 0:
            num, den = -num, -den
        negative = num < 0
        if negative:
            num = -num
        if den < _MAX_DENOMINATOR and num < _MAX_QUOTIENT * den:
            scaled, rest = divmod(num * _SCALE, den)
            if 2 * rest >= den:  # half away from zero
                scaled += 1
            if scaled == 0:  # the sign of a zero quotient is the operands' (as Decimal's)
                if numerator.is_signed() != denominator.is_signed():
                    return _NEGATIVE_ZERO
                return _ZERO
            whole, fraction = divmod(scaled, _SCALE)
            if fraction == 0:
                return Decimal(-whole if negative else whole)
            digits = f"{'-' if negative else ''}{whole}.{fraction:016d}".rstrip("0")
            return Decimal(digits)
    return _divide(numerator, denominator)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """The reference: divide to 80 digits, round to 16 places, drop trailing zeros."""
    with localcontext(_WIDE):
        rounded = (numerator / denominator).quantize(_PLACES, rounding=ROUND_HALF_UP)
        return plain(rounded)


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros and without an exponent (as Vega prints decimals)."""
    normal = value.normalize(_WIDE)
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, str):  # NaN or infinity: no exponent to compare (as before)
        raise TypeError("'>' not supported between instances of 'str' and 'int'")
    return normal.quantize(_ONE) if exponent > 0 else normal


def vega_text(value: Decimal) -> str:
    """The decimal as Vega's String() prints it: fixed notation, no trailing zeros."""
    return format(plain(Decimal(value)), "f")
