"""The named market defaults of Vega's integration tests (risk models, fees, oracles...).

Features refer to them by name in `the markets:`; steps may define more by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from devops.engine.types import (
    FeeFactors,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarginScalingFactors,
    PriceMonitoringTrigger,
    SimpleRiskModel,
    TargetStakeParameters,
)


@dataclass(frozen=True, slots=True)
class OracleConfig:
    settlement_signers: tuple[str, ...]
    settlement_property: str
    settlement_decimals: int
    termination_signers: tuple[str, ...]
    termination_property: str
    termination_time: int = 0  # built-in timestamp oracle: terminate at or after this time


def _d(value: object) -> Decimal:
    return Decimal(str(value))


def _risk_model(data: dict) -> LogNormalRiskModel | SimpleRiskModel:
    if "simpleRiskModel" in data:
        p = data["simpleRiskModel"]["params"]
        return SimpleRiskModel(
            _d(p.get("factorLong", 0)),
            _d(p.get("factorShort", 0)),
            _d(p.get("maxMoveUp", 0)),
            _d(p.get("minMoveDown", 0)),
            _d(p.get("probabilityOfTrading", 0)),
        )
    m = data["logNormalRiskModel"]
    p = m["params"]
    return LogNormalRiskModel(
        _d(m["riskAversionParameter"]),
        _d(m["tau"]),
        _d(p.get("mu", 0)),
        _d(p.get("r", 0)),
        _d(p["sigma"]),
    )


def _signers(spec: dict) -> tuple[str, ...]:
    oracle = spec["data"]["external"]["oracle"]
    return tuple(s["pubKey"]["key"] for s in oracle.get("signers", []))


def _oracle(data: dict) -> OracleConfig:
    settlement = data["dataSourceSpecForSettlementData"]
    termination = data["dataSourceSpecForTradingTermination"]
    binding = data["dataSourceSpecBinding"]
    decimals = 0
    for item in settlement["data"]["external"]["oracle"].get("filters", []):
        if item["key"]["name"] == binding["settlementDataProperty"]:
            decimals = int(item["key"].get("numberDecimalPlaces", 0) or 0)
    return OracleConfig(
        _signers(settlement),
        binding["settlementDataProperty"],
        decimals,
        _signers(termination),
        binding["tradingTerminationProperty"],
    )


def _liquidity_monitoring(data: dict) -> LiquidityMonitoringParameters:
    """A field the file leaves out keeps the engine's default for it."""
    default = LiquidityMonitoringParameters()
    ts = data.get("target_stake_parameters", {})
    return LiquidityMonitoringParameters(
        TargetStakeParameters(
            int(ts.get("time_window", default.target_stake.time_window)),
            _d(ts.get("scaling_factor", default.target_stake.scaling_factor)),
        ),
        _d(data.get("triggering_ratio", default.triggering_ratio)),
        int(data.get("auction_extension") or default.auction_extension),
    )


@dataclass(slots=True)
class NamedDefaults:
    risk_models: dict[str, LogNormalRiskModel | SimpleRiskModel] = field(default_factory=dict)
    margin_calculators: dict[str, MarginScalingFactors] = field(default_factory=dict)
    price_monitoring: dict[str, tuple[PriceMonitoringTrigger, ...]] = field(default_factory=dict)
    fees: dict[str, FeeFactors] = field(default_factory=dict)
    oracles: dict[str, OracleConfig] = field(default_factory=dict)
    liquidity_monitoring: dict[str, LiquidityMonitoringParameters] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> NamedDefaults:
        named = cls()
        for path in sorted(folder.rglob("*.json")):
            data = json.loads(path.read_text())
            name, kind = path.stem, path.parent.name
            if path.parent.parent.name == "risk-model" or kind == "risk-model":
                named.risk_models[name] = _risk_model(data)
            elif kind == "margin-calculator":
                s = data["scalingFactors"]
                named.margin_calculators[name] = MarginScalingFactors(
                    _d(s["searchLevel"]), _d(s["initialMargin"]), _d(s["collateralRelease"])
                )
            elif kind == "price-monitoring":
                named.price_monitoring[name] = tuple(
                    PriceMonitoringTrigger(
                        int(t["horizon"]), _d(t["probability"]), int(t["auctionExtension"])
                    )
                    for t in data["parameters"].get("triggers", [])
                )
            elif kind == "fees-config":
                f = data["factors"]
                named.fees[name] = FeeFactors(
                    _d(f.get("makerFee", 0)),
                    _d(f.get("infrastructureFee", 0)),
                    _d(f.get("liquidityFee", 0)),
                )
            elif kind == "oracle-config":
                named.oracles[name] = _oracle(data)
            elif kind == "liquidity-monitoring":
                named.liquidity_monitoring[name] = _liquidity_monitoring(data)
        return named
