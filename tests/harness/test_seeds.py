"""Seeds, the Wilson bound and the gate's rule over many verdicts."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from devops.harness.seeds import (
    GateRule,
    decide,
    pass_rates,
    probability,
    seed_range,
    wilson_lower_bound,
)
from devops.harness.thresholds import ScenarioExpectations
from devops.harness.verdicts import Verdict, VerdictKey

KEY = VerdictKey.of(
    "ETHUSD",
    seed=0,
    steps=10,
    step_length_seconds=10,
    backend="embedded",
    expectations=ScenarioExpectations(),
)


def verdict(seed: int, passed: bool) -> Verdict:
    key = dataclasses.replace(KEY, seed=seed)
    figure = 0.5 if passed else 2.0
    results = (("maker_within_boundaries", passed, figure), ("run_completed", True, 0.0))
    failures = () if passed else (f"maker_within_boundaries (figure {figure}, threshold 1.1): x",)
    return Verdict(key, passed, failures, None, results)


def test_seed_ranges() -> None:
    assert seed_range("3") == (0, 1, 2)
    assert seed_range("5:8") == (5, 6, 7)
    for bad in ("0", "4:4", "-1:2", "a", "1:b"):
        with pytest.raises(argparse.ArgumentTypeError):
            seed_range(bad)
    assert probability("0.8") == 0.8
    for bad in ("0", "1.5", "nan", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            probability(bad)


def test_wilson_lower_bound_against_known_values() -> None:
    # z = 1.959964 at 95%: 8 of 10 -> 0.4902, 10 of 10 -> 0.7225, 50 of 100 -> 0.4038
    assert wilson_lower_bound(8, 10, 0.95) == pytest.approx(0.4902, abs=1e-4)
    assert wilson_lower_bound(10, 10, 0.95) == pytest.approx(0.7225, abs=1e-4)
    assert wilson_lower_bound(50, 100, 0.95) == pytest.approx(0.4038, abs=1e-4)
    assert wilson_lower_bound(0, 10, 0.95) == 0.0


def test_every_seed_must_pass_by_default() -> None:
    verdicts = [verdict(0, True), verdict(1, False), verdict(2, True)]
    decision = decide(verdicts, GateRule())
    assert not decision.deploy
    assert decision.reason.startswith("2 of 3 seeds passed (every seed must pass); first failing")
    assert "seed 1" in decision.reason
    assert decide([verdict(0, True), verdict(1, True)], GateRule()).deploy


def test_a_minimum_pass_rate_is_judged_by_its_lower_bound() -> None:
    nine_of_ten = [verdict(s, s != 3) for s in range(10)]
    # 9 of 10 is a 90% rate, but its lower bound at 95% is 0.596
    assert not decide(nine_of_ten, GateRule(min_pass_rate=0.6)).deploy
    assert decide(nine_of_ten, GateRule(min_pass_rate=0.55)).deploy
    assert decide(nine_of_ten, GateRule(min_pass_rate=0.6)).seed == 0


def test_a_missing_verdict_never_deploys() -> None:
    missing = Verdict.unavailable(dataclasses.replace(KEY, seed=1), "no binaries")
    decision = decide([verdict(0, True), missing], GateRule(min_pass_rate=0.1))
    assert not decision.deploy and "no binaries" in decision.reason


def test_pass_rates_per_invariant() -> None:
    rates = {r.invariant: r for r in pass_rates([verdict(0, True), verdict(1, False)], 0.95)}
    boundary = rates["maker_within_boundaries"]
    assert (boundary.passes, boundary.trials, boundary.worst_figure) == (1, 2, 2.0)
    assert rates["run_completed"].passes == 2
