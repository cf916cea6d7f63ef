"""The engine benchmarks run at tiny sizes, and their self-checks hold and bite.

Nothing here asserts a time: benchmarks measure, tests check what they measure.
"""

from __future__ import annotations

import random

import pytest

from devops.bench import engine_bench
from devops.bench.engine_bench import Outcome, PlannedOrder, check_fixed_depth
from devops.bench.figures import BenchCheckError
from devops.engine.types import Side


def test_plan_alternates_crossing_and_replenishing_orders() -> None:
    plan = engine_bench.fixed_depth_plan(400, random.Random(1))
    assert [p.crossing for p in plan] == [True, False] * 200
    for crossing, replenishing in zip(plan[::2], plan[1::2], strict=True):
        # the replenishing order goes back on the side the crossing order took from
        assert replenishing.side != crossing.side
        low, high = engine_bench.BIDS if replenishing.side == Side.BUY else engine_bench.ASKS
        assert low <= replenishing.price <= high
        assert crossing.party.startswith("t") and replenishing.party == engine_bench.MAKER


@pytest.mark.parametrize("orders", [3, 6, 0])
def test_plan_refuses_counts_that_leave_a_pair_or_a_taker_unfinished(orders: int) -> None:
    with pytest.raises(ValueError):
        engine_bench.fixed_depth_plan(orders, random.Random(1))


def test_book_benchmark_holds_its_depth_and_crossing_fraction() -> None:
    figure = engine_bench.book_submissions(orders=400, depth=20)
    assert figure.value > 0 and figure.unit == "orders/s"
    assert "200 of 400 orders crossed (50.0%)" in figure.checked
    assert "10 bids + 10 asks at the end" in figure.checked
    assert (
        "20 resting orders" in figure.measured and "half of the orders crossing" in figure.measured
    )


@pytest.mark.parametrize("listened", [False, True])
def test_market_benchmark_holds_its_depth_in_continuous_trading(listened: bool) -> None:
    figure = engine_bench.market_submissions(
        orders=200, depth=20, orders_per_block=40, listened=listened
    )
    assert figure.value > 0
    assert "100 of 200 orders crossed (50.0%)" in figure.checked
    assert "continuous trading at every block end" in figure.checked
    assert "takers flat" in figure.checked
    assert "ExecutionEngine.submit_order" in figure.measured
    assert (figure.target is None) == listened  # the target is for the figure without reader


@pytest.mark.parametrize("listened", [False, True])
def test_blocks_benchmark_makes_one_trade_per_block(listened: bool) -> None:
    figure = engine_bench.blocks(blocks=15, positions=4, listened=listened)
    assert figure.value > 0 and figure.unit == "blocks/s"
    assert "one trade per block" in figure.checked
    assert "the 4 positions unchanged" in figure.checked


def _plan_and_outcomes(pairs: int) -> tuple[list[PlannedOrder], list[Outcome]]:
    plan = engine_bench.fixed_depth_plan(4 * pairs, random.Random(2))
    return plan, [Outcome(1 if p.crossing else 0, refused=False) for p in plan]


def test_fixed_depth_check_accepts_what_the_plan_states() -> None:
    plan, outcomes = _plan_and_outcomes(5)
    text = check_fixed_depth(plan, outcomes, depth=10, bids_after=5, asks_after=5)
    assert "depth 10 before every crossing order (9 until its replenishment)" in text
    assert "10 of 20 orders crossed (50.0%)" in text


def test_fixed_depth_check_refuses_a_crossing_order_that_did_not_trade() -> None:
    plan, outcomes = _plan_and_outcomes(5)
    outcomes[0] = Outcome(0, refused=False)
    with pytest.raises(BenchCheckError, match="did not make exactly one trade"):
        check_fixed_depth(plan, outcomes, depth=10, bids_after=5, asks_after=5)


def test_fixed_depth_check_refuses_a_refused_replenishing_order() -> None:
    plan, outcomes = _plan_and_outcomes(5)
    outcomes[1] = Outcome(0, refused=True)
    with pytest.raises(BenchCheckError, match="replenishing orders traded or were refused"):
        check_fixed_depth(plan, outcomes, depth=10, bids_after=5, asks_after=5)


def test_fixed_depth_check_refuses_a_book_that_grew() -> None:
    plan, outcomes = _plan_and_outcomes(5)
    with pytest.raises(BenchCheckError, match="rested"):
        check_fixed_depth(plan, outcomes, depth=10, bids_after=6, asks_after=5)
