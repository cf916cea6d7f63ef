"""Network parameters: Vega's named, governable settings (spec 0054-NETP).

Values are stored as the strings Vega stores; typed accessors parse them
(Go durations such as "1h0m0s", decimals, JSON). An update is validated before
it takes effect — an unknown key or a value of the wrong kind is refused and
nothing changes — and then watchers are told, in the order they registered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from devops.engine.netparams.defaults import DEFAULTS

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "ms": Decimal("1e-3"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}

# Range rules for the parameters markets read, as Vega checks them on update.
_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "market.fee.factors.makerFee": (Decimal(0), Decimal(1)),
    "market.fee.factors.infrastructureFee": (Decimal(0), Decimal(1)),
    "market.liquidity.bondPenaltyParameter": (Decimal(0), Decimal(1)),
    "market.liquidity.targetstake.triggering.ratio": (Decimal(0), Decimal(1)),
    "market.liquidity.probabilityOfTrading.tau.scaling": (Decimal(1), Decimal(1000)),
    "market.liquidity.minimum.probabilityOfTrading.lpOrders": (Decimal("1e-12"), Decimal("0.1")),
    "market.liquidity.maximumLiquidityFeeFactorLevel": (Decimal(0), Decimal(1)),
    "market.stake.target.scalingFactor": (Decimal(0), Decimal(100)),
    "network.markPriceUpdateMaximumFrequency": (Decimal(0), Decimal(3600)),
    "market.auction.minimumDuration": (Decimal(1), Decimal(86400)),
}


class NetworkParameterError(ValueError):
    """An update Vega would refuse; the parameters are unchanged."""


@lru_cache(maxsize=256)
def parse_duration(text: str) -> Decimal:
    """A Go duration ("1h0m0s", "30m", "5s", "0s", "1.5h") in seconds."""
    value = text.strip()
    if value in ("0", ""):
        return Decimal(0)
    position = 0
    total = Decimal(0)
    for match in _DURATION_PART.finditer(value):
        if match.start() != position:
            break
        total += Decimal(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position != len(value):
        raise NetworkParameterError(f"invalid duration {text!r}")
    return total


class NetworkParameters:
    """All network parameters of one network, with change watchers."""

    def __init__(
        self,
        overrides: dict[str, str] | None = None,
        on_update: Callable[[str, str], None] | None = None,
    ) -> None:
        self._values = {key: default for key, (_, default) in DEFAULTS.items()}
        self._watchers: list[tuple[str, Callable[[str], None]]] = []
        self._on_update = on_update
        for key, value in (overrides or {}).items():
            if key in self._values:
                self._values[key] = str(value)

    # ---- reading --------------------------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get(self, key: str) -> str:
        try:
            return self._values[key]
        except KeyError:
            raise NetworkParameterError(f"unknown network parameter: {key}") from None

    get_str = get

    def get_decimal(self, key: str) -> Decimal:
        return Decimal(self.get(key))

    def get_int(self, key: str) -> int:
        return int(self.get(key))

    def get_duration_seconds(self, key: str) -> Decimal:
        return parse_duration(self.get(key))

    def get_json(self, key: str) -> Any:
        return json.loads(self.get(key))

    def items(self) -> list[tuple[str, str]]:
        return sorted(self._values.items())

    # ---- changing -------------------------------------------------------------------------

    def validate(self, key: str, value: str) -> None:
        if key not in DEFAULTS:
            raise NetworkParameterError(f"unknown network parameter: {key}")
        kind = DEFAULTS[key][0]
        number: Decimal | None = None
        try:
            if kind == "Duration":
                number = parse_duration(value)
            elif kind in ("Decimal", "Int", "Uint"):
                number = Decimal(value)
                if kind != "Decimal" and number != number.to_integral_value():
                    raise NetworkParameterError(f"{key}: {value!r} is not a whole number")
                if kind == "Uint" and number < 0:
                    raise NetworkParameterError(f"{key}: {value!r} must not be negative")
            elif kind == "JSON":
                json.loads(value)
        except (InvalidOperation, ValueError) as error:
            if isinstance(error, NetworkParameterError):
                raise
            raise NetworkParameterError(f"{key}: invalid value {value!r} ({kind})") from None
        if number is not None and key in _RANGES:
            low, high = _RANGES[key]
            if (low is not None and number < low) or (high is not None and number > high):
                raise NetworkParameterError(
                    f"{key}: {value!r} is outside the allowed range [{low}, {high}]"
                )

    def update(self, key: str, value: str) -> None:
        value = str(value)
        self.validate(key, value)
        self._values[key] = value
        if self._on_update is not None:
            self._on_update(key, value)
        for watched, callback in list(self._watchers):
            if watched == key:
                callback(value)

    def watch(self, key: str, callback: Callable[[str], None]) -> None:
        """Call `callback(new value)` after every update of `key`."""
        if key not in DEFAULTS:
            raise NetworkParameterError(f"unknown network parameter: {key}")
        self._watchers.append((key, callback))
