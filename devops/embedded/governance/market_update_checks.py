"""Whether an `update_market` proposal is valid, as Vega's governance engine decides (v0.72.6).

`core/governance/engine.go::validateMarketUpdate`: the market must exist and must
not still be waiting for its own proposal's enactment; a proposer with at least
`governance.proposal.updateMarket.minProposerEquityLikeShare` of the market's
equity-like share needs no governance tokens. `core/governance/market.go::
validateUpdateMarketChange`: the instrument must be a future whose settlement
data comes from an external source, with a trading-termination source, a binding,
and any timestamp condition after enactment; risk parameters must be present (a
log-normal model within Vega's bounds); the LP price range in (0, 100]; the
slippage factors in [0, 1000000].
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from devops.embedded.codec.governance import ProposalError

Rejection = tuple[int, str]

_TIMESTAMP_KEY = 5  # PropertyKey.TYPE_TIMESTAMP
_LOG_NORMAL_BOUNDS = {  # Vega's validateLogNormalRiskParams, inclusive
    "risk_aversion_parameter": (Decimal("1e-8"), Decimal("0.1")),
    "tau": (Decimal("1e-8"), Decimal(1)),
    "mu": (Decimal("-1e-6"), Decimal("1e-6")),
    "r": (Decimal(-1), Decimal(1)),
    "sigma": (Decimal("1e-3"), Decimal(50)),
}


def market_rejection(market_id: str, *, exists: bool, awaiting_enactment: bool) -> Rejection | None:
    """Vega's market checks, made before the proposer's tokens are looked at."""
    if not exists:
        return ProposalError.PROPOSAL_ERROR_INVALID_MARKET, "market does not exist"
    if awaiting_enactment:
        # Vega's message for a market whose proposal is still active
        return ProposalError.PROPOSAL_ERROR_INVALID_MARKET, "market has been enacted yet"
    return None


def changes_rejection(update: Any, enactment_seconds: int) -> Rejection | None:
    """Vega's `validateUpdateMarketChange` on the proposal's `changes`."""
    changes = update.changes
    rejection = _instrument_rejection(changes.instrument, enactment_seconds)
    if rejection is None:
        rejection = _risk_rejection(changes)
    if rejection is None:
        rejection = _lp_price_range_rejection(changes.lp_price_range)
    for name, error in (
        (
            "linear_slippage_factor",
            ProposalError.PROPOSAL_ERROR_LINEAR_SLIPPAGE_FACTOR_OUT_OF_RANGE,
        ),
        (
            "quadratic_slippage_factor",
            ProposalError.PROPOSAL_ERROR_QUADRATIC_SLIPPAGE_FACTOR_OUT_OF_RANGE,
        ),
    ):
        if rejection is None:
            rejection = _slippage_rejection(getattr(changes, name), error)
    return rejection


def _instrument_rejection(instrument: Any, enactment_seconds: int) -> Rejection | None:
    invalid = ProposalError.PROPOSAL_ERROR_INVALID_FUTURE_PRODUCT
    if instrument.WhichOneof("product") != "future":
        return ProposalError.PROPOSAL_ERROR_NO_PRODUCT, "missing product"
    future = instrument.future
    settlement = future.data_source_spec_for_settlement_data
    if settlement.WhichOneof("source_type") != "external":
        return invalid, "settlement with internal data source is not allwed"
    termination = future.data_source_spec_for_trading_termination
    if termination.WhichOneof("source_type") is None:
        return invalid, "missing data source spec for trading termination"
    for condition in _timestamp_conditions(termination):
        try:
            value = int(condition.value)
        except ValueError:
            return invalid, f"invalid timestamp condition {condition.value!r}"
        if value <= enactment_seconds:
            return invalid, "data source spec termination time before enactment"
    binding = future.data_source_spec_binding
    if not future.HasField("data_source_spec_binding") or not binding.settlement_data_property:
        return invalid, "missing data source spec binding"
    return None


def _timestamp_conditions(definition: Any) -> list[Any]:
    if definition.WhichOneof("source_type") == "internal":
        return list(definition.internal.time.conditions)
    oracle = definition.external.oracle
    return [
        condition
        for spec_filter in oracle.filters
        if spec_filter.key.type == _TIMESTAMP_KEY
        for condition in spec_filter.conditions
    ]


def _risk_rejection(changes: Any) -> Rejection | None:
    model = changes.WhichOneof("risk_parameters")
    if model is None:
        return ProposalError.PROPOSAL_ERROR_NO_RISK_PARAMETERS, "missing risk parameters"
    if model == "simple":
        return None
    log_normal = changes.log_normal
    values = {
        "risk_aversion_parameter": log_normal.risk_aversion_parameter,
        "tau": log_normal.tau,
        "mu": log_normal.params.mu,
        "r": log_normal.params.r,
        "sigma": log_normal.params.sigma,
    }
    for name, value in values.items():
        low, high = _LOG_NORMAL_BOUNDS[name]
        if not log_normal.HasField("params") or not low <= Decimal(repr(value)) <= high:
            return ProposalError.PROPOSAL_ERROR_INVALID_RISK_PARAMETER, "invalid risk parameter"
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _lp_price_range_rejection(text: str) -> Rejection | None:
    value = _decimal(text)
    if value is None or value <= 0 or value > 100:
        return (
            ProposalError.PROPOSAL_ERROR_LP_PRICE_RANGE_NONPOSITIVE,
            f"proposal LP price range has incorrect value, expected value in (0,100], got {text}",
        )
    return None


def _slippage_rejection(text: str, error: int) -> Rejection | None:
    value = _decimal(text)
    if value is None or value < 0 or value > 1_000_000:
        return (
            error,
            "proposal slippage factor has incorrect value, expected value in [0,1000000], "
            f"got {text}",
        )
    return None
