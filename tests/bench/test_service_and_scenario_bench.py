"""The service round trips stay continuous; the scenario runs compare the same work."""

from __future__ import annotations

import pytest

from devops.bench import long_run, scenario_bench, service_bench
from devops.bench.figures import BenchCheckError


def test_service_round_trips_stay_in_continuous_trading() -> None:
    figure = service_bench.round_trips(count=16)
    assert figure.value > 0
    assert "continuous trading at the start, at all 16 blocks" in figure.checked
    assert "8 trades, each with an aggressor" in figure.checked


def test_service_plan_alternates_resting_and_filling_orders() -> None:
    plan = service_bench._plan(8)
    assert [(party, side) for party, side, _ in plan[:4]] == [
        ("buyer", "SIDE_BUY"),
        ("seller", "SIDE_SELL"),
        ("buyer", "SIDE_SELL"),
        ("seller", "SIDE_BUY"),
    ]
    # each filling order is at its resting order's price
    assert [price for _, _, price in plan] == [997, 997, 998, 998, 999, 999, 1000, 1000]


def _in_this_process(runs: int, steps: int | None = None, seed: int = 0) -> dict[str, object]:
    return scenario_bench.measure(runs, steps, seed)


def test_scenario_figures_compare_runs_of_the_same_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    # the fresh processes are replaced by this one: what is checked here is the comparison
    monkeypatch.setattr(scenario_bench, "in_fresh_process", _in_this_process)
    figures = {f.name: f for f in scenario_bench.figures(runs=2, steps=2)}
    ratio = figures["scenario.ethusd_tenth_over_first"]
    assert ratio.value > 0 and ratio.target is not None
    assert "SAME seed (0)" in ratio.measured
    assert "all 2 runs finished, ran 2 steps and produced the same states" in ratio.checked
    assert figures["scenario.ethusd_full_run_peak_memory"].value > 0
    assert figures["scenario.ethusd_full_run_seconds"].target is not None


def test_scenario_figures_refuse_runs_that_did_different_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def diverging(runs: int, steps: int | None = None, seed: int = 0) -> dict[str, object]:
        result = scenario_bench.measure(runs, steps, seed)
        digests = result["digests"]
        assert isinstance(digests, list)
        result["digests"] = digests[:-1] + ["another"]
        return result

    monkeypatch.setattr(scenario_bench, "in_fresh_process", diverging)
    with pytest.raises(BenchCheckError, match="different states"):
        scenario_bench.figures(runs=2, steps=2)


def test_scenario_runs_in_a_fresh_process() -> None:
    result = scenario_bench.in_fresh_process(1, steps=2)
    assert result["steps"] == [2]
    assert isinstance(result["peak_mb"], float) and result["peak_mb"] > 0


def test_long_figures_compare_two_run_lengths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(long_run, "in_fresh_process", long_run.measure)
    figures = {f.name: f for f in long_run.long_figures(short_steps=2, long_steps=3, repeats=3)}
    assert figures["long.peak_memory_long_over_short"].value > 0
    ratio = figures["long.last_2_over_first_2"]
    assert ratio.cpu_value is not None
    assert "the median over the runs" in ratio.measured
    assert ratio.measured.count(" s then ") == 3  # each run's two windows
    assert "fresh interpreter" in figures["long.ethusd_3_steps_peak_memory"].measured
