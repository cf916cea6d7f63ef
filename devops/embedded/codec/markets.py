"""Market configuration between vega-sim's governance protos and the engine.

A new-market proposal carries a `NewMarketConfiguration`; the engine needs a
`MarketConfig`. Fees and margin scaling are not in the proposal: as in Vega
v0.72 they come from the network parameters at enactment. The data node's
`Market` message is rebuilt from the proposal, so `GetMarket` answers with what
was proposed, plus the market's live state and trading mode.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from vega_sim.proto.vega import markets_pb2

from devops.embedded.codec.transactions import CommandError, decimal_field
from devops.engine.netparams.params import NetworkParameters
from devops.engine.types import (
    NANOS_PER_SECOND,
    FeeFactors,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarginScalingFactors,
    MarketConfig,
    PriceMonitoringTrigger,
    SimpleRiskModel,
    TargetStakeParameters,
)

Market = markets_pb2.Market


def _decimal(text: str, default: Decimal, field: str) -> Decimal:
    """A decimal field of the proposal, or `default` when left empty."""
    return decimal_field(text, field) if text else default


def risk_model(changes: Any) -> LogNormalRiskModel | SimpleRiskModel:
    if changes.HasField("simple"):
        simple = changes.simple
        return SimpleRiskModel(
            factor_long=Decimal(repr(simple.factor_long)),
            factor_short=Decimal(repr(simple.factor_short)),
            max_move_up=Decimal(repr(simple.max_move_up)),
            min_move_down=Decimal(repr(simple.min_move_down)),
            probability_of_trading=Decimal(repr(simple.probability_of_trading)),
        )
    if not changes.HasField("log_normal"):
        raise CommandError("proposal_submission.terms.changes.risk_parameters (is required)")
    model = changes.log_normal
    if model.tau <= 0 or model.params.sigma <= 0:
        raise CommandError(
            "proposal_submission.terms.changes.risk_parameters.log_normal (must be positive)"
        )
    return LogNormalRiskModel(
        risk_aversion=Decimal(repr(model.risk_aversion_parameter)),
        tau=Decimal(repr(model.tau)),
        mu=Decimal(repr(model.params.mu)),
        r=Decimal(repr(model.params.r)),
        sigma=Decimal(repr(model.params.sigma)),
    )


def price_monitoring(parameters: Any) -> tuple[PriceMonitoringTrigger, ...]:
    triggers = []
    for trigger in parameters.triggers:
        probability = _decimal(trigger.probability, Decimal(0), "price_monitoring.probability")
        if not (0 < probability < 1):
            raise CommandError(
                "proposal_submission.terms.changes.price_monitoring_parameters.triggers."
                "probability (should be between 0 (exclusive) and 1 (exclusive))"
            )
        if trigger.horizon <= 0 or trigger.auction_extension <= 0:
            raise CommandError(
                "proposal_submission.terms.changes.price_monitoring_parameters.triggers."
                "horizon (must be positive)"
            )
        triggers.append(
            PriceMonitoringTrigger(trigger.horizon, probability, trigger.auction_extension)
        )
    return tuple(triggers)


def liquidity_monitoring(parameters: Any) -> LiquidityMonitoringParameters:
    target = parameters.target_stake_parameters
    return LiquidityMonitoringParameters(
        target_stake=TargetStakeParameters(
            time_window=target.time_window or 3600,
            scaling_factor=(
                Decimal(repr(target.scaling_factor)) if target.scaling_factor else Decimal(0)
            ),
        ),
        triggering_ratio=_decimal(parameters.triggering_ratio, Decimal(0), "triggering_ratio"),
        auction_extension=parameters.auction_extension or 1,
    )


def _oracle(definition: Any) -> tuple[str, str, int, int]:
    """(signers, property name, number decimal places, time trigger) of a data source."""
    if definition.HasField("internal"):
        conditions = definition.internal.time.conditions
        deadline = int(conditions[0].value) if conditions else 0
        return "", "vegaprotocol.builtin.timestamp", 0, deadline * NANOS_PER_SECOND
    oracle = definition.external.oracle
    signers = ",".join(
        s.pub_key.key or s.eth_address.address for s in oracle.signers if s.WhichOneof("signer")
    )
    if not oracle.filters:
        return signers, "", 0, 0
    key = oracle.filters[0].key
    return signers, key.name, key.number_decimal_places, 0


def margin_scaling(netparams: NetworkParameters) -> MarginScalingFactors:
    factors = json.loads(netparams.get("market.margin.scalingFactors"))
    return MarginScalingFactors(
        search=Decimal(str(factors["search_level"])),
        initial=Decimal(str(factors["initial_margin"])),
        release=Decimal(str(factors["collateral_release"])),
    )


def fee_factors(netparams: NetworkParameters) -> FeeFactors:
    return FeeFactors(
        maker=netparams.get_decimal("market.fee.factors.makerFee"),
        infrastructure=netparams.get_decimal("market.fee.factors.infrastructureFee"),
    )


def market_config(
    market_id: str,
    changes: Any,
    *,
    asset_decimals: int,
    netparams: NetworkParameters,
    opening_auction_seconds: int,
) -> MarketConfig:
    """The engine's configuration for a proposed future market; CommandError when invalid."""
    future = changes.instrument.future
    if not changes.instrument.HasField("future"):
        raise CommandError("proposal_submission.terms.changes.instrument.product (is required)")
    if not future.settlement_asset:
        raise CommandError(
            "proposal_submission.terms.changes.instrument.product.future.settlement_asset "
            "(is required)"
        )
    if changes.decimal_places > asset_decimals:
        raise CommandError(
            "proposal_submission.terms.changes.decimal_places "
            "(should be lower than or equal to the asset decimal places)"
        )
    settlement_signers, settlement_property, settlement_decimals, _ = _oracle(
        future.data_source_spec_for_settlement_data
    )
    termination_signers, termination_property, _, termination_time = _oracle(
        future.data_source_spec_for_trading_termination
    )
    binding = future.data_source_spec_binding
    return MarketConfig(
        id=market_id,
        asset=future.settlement_asset,
        risk_model=risk_model(changes),
        name=changes.instrument.name,
        quote_name=future.quote_name,
        decimal_places=changes.decimal_places,
        position_decimal_places=changes.position_decimal_places,
        asset_decimals=asset_decimals,
        margin_scaling=margin_scaling(netparams),
        fees=fee_factors(netparams),
        price_monitoring=price_monitoring(changes.price_monitoring_parameters),
        liquidity_monitoring=liquidity_monitoring(changes.liquidity_monitoring_parameters),
        opening_auction_duration=max(1, opening_auction_seconds),
        linear_slippage_factor=_decimal(
            changes.linear_slippage_factor, Decimal("0.001"), "linear_slippage_factor"
        ),
        quadratic_slippage_factor=_decimal(
            changes.quadratic_slippage_factor, Decimal(0), "quadratic_slippage_factor"
        ),
        lp_price_range=_decimal(changes.lp_price_range, Decimal(1), "lp_price_range"),
        settlement_data_decimals=settlement_decimals,
        settlement_oracle=settlement_signers,
        termination_oracle=termination_signers,
        settlement_property=binding.settlement_data_property or settlement_property,
        termination_property=binding.trading_termination_property or termination_property,
        termination_time=termination_time,
    )


def market_proto(
    config: MarketConfig,
    changes: Any,
    *,
    state: int,
    trading_mode: int,
    proposed_at: int,
    pending_at: int,
    open_at: int,
) -> markets_pb2.Market:
    """The data node's `Market`: the proposal's terms, the engine's factors and state."""
    message = markets_pb2.Market(
        id=config.id,
        decimal_places=config.decimal_places,
        position_decimal_places=config.position_decimal_places,
        lp_price_range=str(config.lp_price_range),
        linear_slippage_factor=str(config.linear_slippage_factor),
        quadratic_slippage_factor=str(config.quadratic_slippage_factor),
        state=state,
        trading_mode=trading_mode,
    )
    instrument = message.tradable_instrument.instrument
    instrument.id = config.id
    instrument.code = changes.instrument.code
    instrument.name = changes.instrument.name
    instrument.metadata.tags.extend(changes.metadata)
    future = changes.instrument.future
    instrument.future.settlement_asset = future.settlement_asset
    instrument.future.quote_name = future.quote_name
    instrument.future.data_source_spec_for_settlement_data.id = f"{config.id}-settlement"
    instrument.future.data_source_spec_for_settlement_data.data.CopyFrom(
        future.data_source_spec_for_settlement_data
    )
    instrument.future.data_source_spec_for_trading_termination.id = f"{config.id}-termination"
    instrument.future.data_source_spec_for_trading_termination.data.CopyFrom(
        future.data_source_spec_for_trading_termination
    )
    instrument.future.data_source_spec_binding.CopyFrom(future.data_source_spec_binding)
    scaling = message.tradable_instrument.margin_calculator.scaling_factors
    scaling.search_level = float(config.margin_scaling.search)
    scaling.initial_margin = float(config.margin_scaling.initial)
    scaling.collateral_release = float(config.margin_scaling.release)
    if changes.HasField("simple"):
        message.tradable_instrument.simple_risk_model.params.CopyFrom(changes.simple)
    else:
        message.tradable_instrument.log_normal_risk_model.CopyFrom(changes.log_normal)
    message.fees.factors.maker_fee = str(config.fees.maker)
    message.fees.factors.infrastructure_fee = str(config.fees.infrastructure)
    message.fees.factors.liquidity_fee = str(config.fees.liquidity)
    message.opening_auction.duration = config.opening_auction_duration
    message.price_monitoring_settings.parameters.CopyFrom(changes.price_monitoring_parameters)
    message.liquidity_monitoring_parameters.CopyFrom(changes.liquidity_monitoring_parameters)
    message.market_timestamps.proposed = proposed_at
    message.market_timestamps.pending = pending_at
    message.market_timestamps.open = open_at
    return message


def updated_market_changes(original: Any, new: Any) -> Any:
    """The market's configuration after an `update_market` proposal's `changes`.

    What the update sets replaces the original's; the product and its settlement
    asset stay as they were.
    """
    changes = type(original)()
    changes.CopyFrom(original)
    for name in (
        "price_monitoring_parameters",
        "liquidity_monitoring_parameters",
        "simple",
        "log_normal",
    ):
        if new.HasField(name):
            getattr(changes, name).CopyFrom(getattr(new, name))
    for name in ("lp_price_range", "linear_slippage_factor", "quadratic_slippage_factor"):
        if getattr(new, name):
            setattr(changes, name, getattr(new, name))
    if new.metadata:
        del changes.metadata[:]
        changes.metadata.extend(new.metadata)
    if new.HasField("instrument"):
        changes.instrument.code = new.instrument.code or changes.instrument.code
        future = new.instrument.future
        for name in (
            "data_source_spec_for_settlement_data",
            "data_source_spec_for_trading_termination",
            "data_source_spec_binding",
        ):
            if future.HasField(name):
                getattr(changes.instrument.future, name).CopyFrom(getattr(future, name))
        if future.quote_name:
            changes.instrument.future.quote_name = future.quote_name
    return changes


def lineage(message: markets_pb2.Market, parent: str, fraction: object, successor: str) -> None:
    """Spec 0081-SUCM: the parent (with its insurance fraction) and the successor, if any."""
    if parent:
        message.parent_market_id = parent
        message.insurance_pool_fraction = str(fraction)
    if successor:
        message.successor_market_id = successor
