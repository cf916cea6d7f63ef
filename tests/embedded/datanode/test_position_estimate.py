"""The data node's position estimates (0019-MCAL), with figures worked from the rules."""

from __future__ import annotations

from decimal import Decimal

from devops.embedded.datanode.position_estimate import (
    Factors,
    liquidation_prices,
    maintenance_margin,
)


def test_position_estimate_for_a_long_of_one() -> None:
    factors = Factors(Decimal(10), Decimal("0.1"), Decimal(0), Decimal("0.05"), Decimal("0.07"))
    price = Decimal(1000)
    worst = maintenance_margin(10, [], [], price, factors, with_slippage=True, auction=False)
    best = maintenance_margin(10, [], [], price, factors, with_slippage=False, auction=False)
    assert (worst, best) == (Decimal(150), Decimal(50))  # 1000 x 0.1 + 1000 x 0.05
    open_only, _, _ = liquidation_prices(
        10, [], [], price, Decimal(500), factors, with_slippage=True
    )
    assert open_only == Decimal("588.2352941176470588")  # -500 / (0.1 + 0.05 - 1)
