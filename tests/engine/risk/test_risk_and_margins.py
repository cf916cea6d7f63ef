"""Risk factors (0018-RSKM), the normal quantile, and margin levels (0019-MCAL, 0010-MARG)."""

import math
from decimal import Decimal

import pytest
from scipy.stats import norm

from devops.engine.risk import normal
from devops.engine.risk.margins import maintenance_margin, margin_levels, scaled_levels
from devops.engine.risk.models import RiskFactors, price_range, risk_factors
from devops.engine.types import (
    LogNormalRiskModel,
    MarginScalingFactors,
    Side,
    SimpleRiskModel,
)

LOG_NORMAL = LogNormalRiskModel(
    Decimal("0.001"), Decimal("0.00011407711613050422"), Decimal(0), Decimal("0.016"), Decimal("2")
)


@pytest.mark.parametrize("p", [1e-9, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.9999999])
def test_normal_quantile_agrees_with_an_independent_implementation(p: float) -> None:
    assert normal.quantile(p) == pytest.approx(norm.ppf(p), rel=1e-12, abs=1e-12)
    assert normal.cdf(normal.quantile(p)) == pytest.approx(p, rel=1e-9)


def test_log_normal_risk_factors_are_expected_shortfalls() -> None:
    """The 0018-RSKM formulas, evaluated independently with scipy."""
    lam, tau, mu, sigma = 0.001, 0.00011407711613050422, 0.0, 2.0
    mu_bar, sigma_bar = (mu - sigma**2 / 2) * tau, sigma * tau**0.5
    growth = math.exp(mu_bar + sigma_bar**2 / 2)
    expected_long = 1 - growth * norm.cdf(norm.ppf(lam) - sigma_bar) / lam
    expected_short = growth * (1 - norm.cdf(norm.ppf(1 - lam) - sigma_bar)) / lam - 1
    factors = risk_factors(LOG_NORMAL)
    assert float(factors.long) == pytest.approx(expected_long, rel=1e-9)
    assert float(factors.short) == pytest.approx(expected_short, rel=1e-9)
    assert factors.long < factors.short  # the right tail is longer


def test_simple_model_takes_its_factors_and_moves() -> None:
    model = SimpleRiskModel(Decimal("0.1"), Decimal("0.2"), Decimal(10), Decimal(-5))
    assert risk_factors(model) == RiskFactors(Decimal("0.1"), Decimal("0.2"))
    assert price_range(model, Decimal(100), Decimal(0), Decimal("0.99")) == (95, 110)


def test_price_range_brackets_the_price_and_widens_with_probability() -> None:
    low, high = price_range(LOG_NORMAL, Decimal(1000), Decimal("0.0001"), Decimal("0.9"))
    wide_low, wide_high = price_range(
        LOG_NORMAL, Decimal(1000), Decimal("0.0001"), Decimal("0.999")
    )
    assert wide_low < low < 1000 < high < wide_high


def test_scaled_levels_truncate_factors_and_round_down() -> None:
    levels = scaled_levels(
        Decimal("23268.3"), MarginScalingFactors(Decimal("3.2"), Decimal(4), Decimal(5))
    )
    assert (levels.maintenance, levels.search, levels.initial, levels.release) == (
        23269,
        74460,
        93076,
        116345,
    )


def _levels(position: int, exit_price, in_auction: bool = False, **extra):
    inputs = dict(
        position=position,
        buy_orders=0,
        sell_orders=0,
        buy_sum_product=0,
        sell_sum_product=0,
        mark_price=150,
        risk_factors=RiskFactors(Decimal(0), Decimal(0)),
        linear_slippage=Decimal("0.5349"),
        quadratic_slippage=Decimal(0),
        position_factor=1,
        exit_price=exit_price,
        in_auction=in_auction,
    )
    inputs.update(extra)
    return margin_levels(
        maintenance_margin(**inputs), MarginScalingFactors(Decimal(1), Decimal(1), Decimal(1))
    )


def test_slippage_is_capped_by_the_linear_factor_without_an_exit_price() -> None:
    assert _levels(290, lambda volume, side: None).maintenance == 23269  # 150·0.5349·290


def test_slippage_uses_the_exit_price_when_it_is_cheaper() -> None:
    asked: list[tuple[int, Side]] = []

    def exit_price(volume: int, side: Side) -> int:
        asked.append((volume, side))
        return 140

    assert _levels(290, exit_price).maintenance == 2900  # (150 − 140)·290
    assert asked == [(290, Side.BUY)]  # a long exits into the bids


def test_open_orders_count_with_the_risk_factor() -> None:
    levels = _levels(
        0,
        lambda volume, side: None,
        buy_orders=10,
        buy_sum_product=1400,
        risk_factors=RiskFactors(Decimal("0.1"), Decimal("0.1")),
    )
    assert levels.maintenance == 150  # 10 · 0.1 · mark 150
    in_auction = _levels(
        0,
        lambda volume, side: None,
        in_auction=True,
        buy_orders=10,
        buy_sum_product=1400,
        risk_factors=RiskFactors(Decimal("0.1"), Decimal("0.1")),
    )
    assert in_auction.maintenance == 140  # in auction orders count at their own prices
