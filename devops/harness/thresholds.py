"""Thresholds a scenario must meet; each registry entry carries its own.

Defaults are the project's standard gates. A user may override any of them from
the command line (`--expect NAME=VALUE`), never by editing a test.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class ScenarioExpectations:
    # share of the steps after the opening auction spent in price or liquidity
    # monitoring auctions
    max_monitoring_auction_fraction: float = 0.05
    # close-outs one party may suffer in any 100 consecutive steps (the market maker excepted)
    max_closeouts_per_party_per_100_steps: float = 1.0
    # close-outs the market maker may suffer over the whole run
    max_maker_closeouts: int = 0
    # the maker's position must stay within this multiple of its inventory boundaries
    maker_boundary_tolerance: float = 1.1
    # once outside its boundaries, the maker must be back inside within this many steps
    maker_return_within_steps: int = 60

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) < 0:
                raise ValueError(f"expectation {item.name} cannot be negative")

    def overridden(self, overrides: dict[str, str]) -> ScenarioExpectations:
        """A copy with `overrides` (field name to text value) applied; unknown names raise."""
        known = {f.name: f.type for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, text in overrides.items():
            if name not in known:
                raise ValueError(f"unknown expectation {name!r}; known: {', '.join(sorted(known))}")
            current = getattr(self, name)
            try:
                changes[name] = type(current)(text)
            except ValueError:
                raise ValueError(
                    f"expectation {name} needs a {type(current).__name__}, got {text!r}"
                ) from None
        return replace(self, **changes)
