"""Risk models: risk factors and price ranges (spec 0018-RSKM).

The log-normal model projects the price over `tau` years with drift `mu` and
volatility `sigma`: with μ̄ = (μ − σ²/2)τ and σ̄ = σ√τ the long risk factor is
1 − e^(μ̄+σ̄²/2)·Φ(Φ⁻¹(λ) − σ̄)/λ and the short one its mirror (expected
shortfall at risk aversion λ). As Vega, the maths runs in float64 and its
results become decimals through their shortest round-tripping text. The simple
model takes its factors and price moves as given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from devops.engine.risk import normal
from devops.engine.types import LogNormalRiskModel, SimpleRiskModel

RiskModel = LogNormalRiskModel | SimpleRiskModel


@dataclass(frozen=True, slots=True)
class RiskFactors:
    long: Decimal
    short: Decimal


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


_normal_cdf = normal.cdf
_normal_quantile = normal.quantile


def risk_factors(model: RiskModel) -> RiskFactors:
    if isinstance(model, SimpleRiskModel):
        return RiskFactors(model.factor_long, model.factor_short)
    lam, tau = float(model.risk_aversion), float(model.tau)
    mu, sigma = float(model.mu), float(model.sigma)
    mu_bar = (mu - 0.5 * sigma * sigma) * tau
    sigma_bar = math.sqrt(tau) * sigma
    growth = math.exp(mu_bar + sigma_bar * sigma_bar * 0.5)
    shortfall_long = -(1.0 / lam) * growth * _normal_cdf(_normal_quantile(lam) - sigma_bar)
    shortfall_short = (
        (1.0 / lam) * growth * (1 - _normal_cdf(_normal_quantile(1.0 - lam) - sigma_bar))
    )
    return RiskFactors(_decimal(shortfall_long + 1.0), _decimal(shortfall_short - 1.0))


@dataclass(frozen=True, slots=True)
class LogNormalDistribution:
    """The projected price distribution of the log-normal model."""

    mu: float
    sigma: float

    @classmethod
    def projected(
        cls, model: LogNormalRiskModel, price: float, horizon: float
    ) -> LogNormalDistribution:
        mu, sigma = float(model.mu), float(model.sigma)
        return cls(
            math.log(price) + (mu - 0.5 * sigma * sigma) * horizon, sigma * math.sqrt(horizon)
        )

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        if self.sigma == 0:
            return 1.0 if math.log(x) >= self.mu else 0.0
        return 0.5 * math.erfc(-(math.log(x) - self.mu) / (math.sqrt(2) * self.sigma))

    def quantile(self, p: float) -> float:
        return math.exp(self.mu + self.sigma * _normal_quantile(p))


def price_range(
    model: RiskModel, price: Decimal, horizon_years: Decimal, probability: Decimal
) -> tuple[Decimal, Decimal]:
    """The price interval holding `probability` of the mass after `horizon_years`."""
    if isinstance(model, SimpleRiskModel):
        return max(price - abs(model.min_move_down), Decimal(0)), price + model.max_move_up
    distribution = LogNormalDistribution.projected(model, float(price), float(horizon_years))
    alpha = float(probability)
    tail = (1 - alpha) / 2
    return _decimal(distribution.quantile(tail)), _decimal(distribution.quantile(alpha + tail))


def probability_of_trading(
    model: RiskModel,
    current_price: Decimal,
    order_price: Decimal,
    min_price: Decimal,
    max_price: Decimal,
    horizon_years: Decimal,
    is_bid: bool,
    apply_min_max: bool,
) -> Decimal:
    """Chance that an order at `order_price` trades within the horizon (0034-PROB)."""
    if isinstance(model, SimpleRiskModel):
        if apply_min_max and (order_price < min_price or order_price > max_price):
            return Decimal(0)
        return model.probability_of_trading
    distribution = LogNormalDistribution.projected(
        model, float(current_price), float(horizon_years)
    )
    price = float(order_price)
    low, high, scale = 0.0, 1.0, 1.0
    if apply_min_max:
        if price < max(float(min_price), 0.0) or price > float(max_price):
            return Decimal(0)
        low = distribution.cdf(max(float(min_price), 0.0))
        high = distribution.cdf(float(max_price))
        scale = high - low
    if is_bid:
        return _decimal((distribution.cdf(price) - low) / scale)
    return _decimal((high - distribution.cdf(price)) / scale)
