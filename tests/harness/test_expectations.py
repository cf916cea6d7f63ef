"""Thresholds: defaults, overrides from the command line, and refusals."""

from __future__ import annotations

import pytest

from devops.harness.thresholds import ScenarioExpectations


def test_defaults_are_the_project_gates() -> None:
    gates = ScenarioExpectations()
    assert gates.max_monitoring_auction_fraction == 0.05
    assert gates.max_closeouts_per_party_per_100_steps == 1.0
    assert gates.max_maker_closeouts == 0
    assert gates.maker_boundary_tolerance == 1.1


def test_override_converts_to_the_field_type() -> None:
    changed = ScenarioExpectations().overridden({"max_maker_closeouts": "2"})
    assert changed.max_maker_closeouts == 2 and isinstance(changed.max_maker_closeouts, int)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"no_such_gate": "1"}, "unknown expectation 'no_such_gate'"),
        ({"max_maker_closeouts": "two"}, "needs a int"),
        ({"maker_boundary_tolerance": "-1"}, "cannot be negative"),
    ],
)
def test_bad_overrides_are_refused_clearly(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScenarioExpectations().overridden(overrides)
