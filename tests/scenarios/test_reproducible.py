"""A seed fixes a run: the same seed gives byte-identical per-step state."""

from __future__ import annotations

from devops.harness.reports import states_jsonl
from devops.harness.simulation import run_scenario


def test_same_seed_same_bytes_different_seed_different_run() -> None:
    first = run_scenario("ETHUSD", seed=3, steps=30)
    again = run_scenario("ETHUSD", seed=3, steps=30)
    other = run_scenario("ETHUSD", seed=4, steps=30)
    assert first.error is None, first.error
    assert states_jsonl(first) == states_jsonl(again)
    assert states_jsonl(first) != states_jsonl(other)
