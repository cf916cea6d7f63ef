"""Position decimals may be negative (sizes in tens, hundreds...): no float may appear."""

from __future__ import annotations

from decimal import Decimal

from devops.engine.types import MarketConfig, SimpleRiskModel


def _config(position_decimals: int) -> MarketConfig:
    return MarketConfig(
        id="M",
        asset="USD",
        risk_model=SimpleRiskModel(Decimal("0.1"), Decimal("0.1")),
        position_decimal_places=position_decimals,
    )


def test_positive_position_decimals_give_an_integer_factor() -> None:
    assert _config(3).position_factor == 1000
    assert isinstance(_config(3).position_factor, int)


def test_negative_position_decimals_give_an_exact_decimal_factor() -> None:
    """Found by the fidelity suite: 10**-2 was the float 0.01, and target stakes came out
    as floats one unit short (1099998.0 for 1100000)."""
    factor = _config(-2).position_factor
    assert isinstance(factor, Decimal)
    assert factor == Decimal("0.01")
