"""Verdict keys name every input; the store never hands out a verdict for another key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from devops.harness.invariants import InvariantResult
from devops.harness.thresholds import ScenarioExpectations
from devops.harness.verdicts import Verdict, VerdictKey, VerdictStore


def key(**changes: object) -> VerdictKey:
    base = VerdictKey.of(
        "ETHUSD",
        seed=0,
        steps=10,
        step_length_seconds=10,
        backend="embedded",
        expectations=ScenarioExpectations(),
    )
    return dataclasses.replace(base, **changes)


def result(name: str, passed: bool) -> InvariantResult:
    return InvariantResult(name, passed, 2.0 if not passed else 0.0, 1.0, None, f"{name} said so")


def test_every_input_changes_the_key() -> None:
    strict = VerdictKey.of(
        "ETHUSD",
        seed=0,
        steps=10,
        step_length_seconds=10,
        backend="embedded",
        expectations=ScenarioExpectations(maker_boundary_tolerance=0.5),
    )
    variants = [
        key(scenario="BTCUSD"),
        key(seed=1),
        key(steps=11),
        key(step_length_seconds=5),
        key(backend="nullchain"),
        key(code="older"),
        strict,
    ]
    digests = {k.digest() for k in variants} | {key().digest()}
    assert len(digests) == len(variants) + 1


def test_a_verdict_names_each_failing_invariant_with_figure_and_threshold() -> None:
    verdict = Verdict.judge(key(), [result("a", True), result("maker_closeouts", False)])
    assert not verdict.passed
    assert "maker_closeouts (figure 2, threshold 1): maker_closeouts said so" in verdict.reason()
    assert Verdict.from_json(verdict.to_json()) == verdict


def test_the_store_judges_once_and_reuses(tmp_path: Path) -> None:
    store, calls = VerdictStore(tmp_path), []

    def judge() -> Verdict:
        calls.append(1)
        return Verdict.judge(key(), [result("a", True)])

    assert store.obtain(key(), judge).passed
    assert store.obtain(key(), judge).passed
    assert len(calls) == 1


def test_a_file_holding_another_keys_verdict_is_ignored(tmp_path: Path) -> None:
    store = VerdictStore(tmp_path)
    stale = Verdict.judge(key(code="older"), [result("a", True)])
    # a passing verdict of older code, planted at the current key's file name
    path = tmp_path / f"ETHUSD-{key().digest()}.json"
    path.write_text(stale.to_json())
    assert store.read(key()) is None
    fresh = store.obtain(key(), lambda: Verdict.judge(key(), [result("a", False)]))
    assert not fresh.passed


def test_an_interrupted_judgement_stores_nothing(tmp_path: Path) -> None:
    store = VerdictStore(tmp_path)

    def interrupted() -> Verdict:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.obtain(key(), interrupted)
    assert store.read(key()) is None
    assert not list(tmp_path.glob("*.json"))


def test_an_unavailable_backend_never_passes() -> None:
    verdict = Verdict.unavailable(key(), "the binaries are missing")
    assert not verdict.passed
    assert verdict.reason().startswith("no verdict for ETHUSD seed 0, 10 steps")
