"""Network parameters (0054-NETP): Vega's defaults, the genesis overlay, validation, watchers."""

from decimal import Decimal

import pytest

from devops.engine.netparams.params import NetworkParameterError, NetworkParameters, parse_duration


def test_vega_defaults_and_typed_reads() -> None:
    params = NetworkParameters()
    assert params.get_duration_seconds("network.markPriceUpdateMaximumFrequency") == 5
    assert params.get_decimal("market.fee.factors.makerFee") == Decimal("0.00025")
    assert params.get_json("market.margin.scalingFactors")["initial_margin"] == 1.2


def test_overrides_overlay_the_defaults_and_unknown_keys_are_ignored() -> None:
    params = NetworkParameters({"governance.proposal.market.minEnact": "2s", "no.such": "1"})
    assert params.get("governance.proposal.market.minEnact") == "2s"
    assert "no.such" not in params


@pytest.mark.parametrize(
    "text, seconds", [("5s", 5), ("1h0m0s", 3600), ("30m", 1800), ("0s", 0), ("1.5h", 5400)]
)
def test_go_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "key, value",
    [
        ("no.such.parameter", "1"),
        ("market.auction.minimumDuration", "1"),  # a duration needs its unit
        ("market.fee.factors.makerFee", "1.5"),  # out of [0, 1]
        ("network.markPriceUpdateMaximumFrequency", "2h"),  # over one hour
    ],
)
def test_bad_updates_are_refused_and_change_nothing(key: str, value: str) -> None:
    params = NetworkParameters()
    before = params.items()
    with pytest.raises(NetworkParameterError):
        params.update(key, value)
    assert params.items() == before


def test_watchers_hear_updates_in_registration_order() -> None:
    heard: list[str] = []
    params = NetworkParameters(on_update=lambda key, value: heard.append(f"bus:{value}"))
    params.watch("market.fee.factors.makerFee", lambda value: heard.append(f"a:{value}"))
    params.watch("market.fee.factors.makerFee", lambda value: heard.append(f"b:{value}"))
    params.update("market.fee.factors.makerFee", "0.001")
    assert heard == ["bus:0.001", "a:0.001", "b:0.001"]
