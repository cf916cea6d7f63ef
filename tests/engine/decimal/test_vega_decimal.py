"""`decimal_div`'s integer path gives the digits of the Decimal division it replaced."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from devops.engine.vega_decimal import decimal_div, plain

_PLACES = Decimal(1).scaleb(-16)
_WIDE = Context(prec=80)


def reference_div(numerator: Decimal, denominator: Decimal) -> Decimal:
    """The implementation before the integer path, verbatim."""
    with localcontext(_WIDE):
        rounded = (numerator / denominator).quantize(_PLACES, rounding=ROUND_HALF_UP)
        normal = rounded.normalize(_WIDE)
        exponent = normal.as_tuple().exponent
        assert isinstance(exponent, int)
        return normal.quantize(Decimal(1)) if exponent > 0 else normal


def same(a: Decimal, b: Decimal) -> bool:
    return a.as_tuple() == b.as_tuple() and str(a) == str(b)


decimals = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(Decimal),
    st.decimals(allow_nan=False, allow_infinity=False, places=16).map(Decimal),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.builds(
        lambda c, e: Decimal(c).scaleb(e),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.integers(min_value=-40, max_value=20),
    ),
)


@settings(max_examples=3000, deadline=None)
@given(decimals, decimals)
@example(Decimal(1), Decimal(3))
@example(Decimal(-1), Decimal(3))
@example(Decimal(2), Decimal(3))
@example(Decimal("-0"), Decimal(5))
@example(Decimal(0), Decimal(-5))
@example(Decimal("-1E-20"), Decimal(1))
@example(Decimal("1E-20"), Decimal(-1))
@example(Decimal("0.00000000000000005"), Decimal(1))
@example(Decimal("-0.00000000000000005"), Decimal(1))
@example(Decimal("0.00000000000000015"), Decimal(1))
@example(Decimal("100.000"), Decimal("1.0"))
@example(Decimal("1E+5"), Decimal("1E-3"))
@example(Decimal(10**40), Decimal(3))
@example(Decimal(1), Decimal(10**45 + 7))
def test_decimal_div_matches_the_decimal_division(a: Decimal, b: Decimal) -> None:
    if b == 0:
        with pytest.raises(ArithmeticError):
            decimal_div(a, b)
        return
    try:
        expected = reference_div(a, b)
    except ArithmeticError:
        with pytest.raises(ArithmeticError):
            decimal_div(a, b)
        return
    assert same(decimal_div(a, b), expected)


@settings(max_examples=2000, deadline=None)
@given(
    st.integers(min_value=-(10**24), max_value=10**24),
    st.integers(min_value=1, max_value=10**24),
    st.integers(min_value=0, max_value=18),
)
def test_ratios_of_integers_and_half_way_points(p: int, q: int, shift: int) -> None:
    """Integer ratios (the hot path's inputs) and quotients landing on half-way points."""
    for a, b in (
        (Decimal(p), Decimal(q)),
        (Decimal(2 * p + 1), Decimal(2 * 10**shift)),
        (Decimal(p).scaleb(-shift), Decimal(q)),
    ):
        assert same(decimal_div(a, b), reference_div(a, b))


def test_plain_drops_trailing_zeros_and_exponents() -> None:
    assert str(plain(Decimal("1.2300"))) == "1.23"
    assert str(plain(Decimal("1E+3"))) == "1000"
    assert str(plain(Decimal("-0E-16"))) == "-0"
    with pytest.raises(TypeError):
        plain(Decimal("NaN"))
