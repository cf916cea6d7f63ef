"""Engine throughput: order submissions into a deep book, and blocks with mark-to-market.

Both figures go through the whole market (validation, margins, fees, matching,
positions, events), not the order book alone.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

from devops.engine.commands import OrderSubmission
from devops.engine.events.bus import EventRecorder
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.types import (
    NANOS_PER_SECOND,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarketConfig,
    OrderType,
    Side,
    TargetStakeParameters,
    TimeInForce,
    TradingMode,
)


def _continuous_market(parties: int, listened: bool = False) -> ExecutionEngine:
    """A market out of its opening auction; `listened` attaches a reader of every event."""
    engine = ExecutionEngine(seed=1)
    if listened:
        EventRecorder(engine.bus)
    engine.netparams.update("network.markPriceUpdateMaximumFrequency", "0s")
    engine.enable_asset("USD", 0)
    config = MarketConfig(
        id="BENCH",
        asset="USD",
        risk_model=LogNormalRiskModel(
            Decimal("0.000001"),
            Decimal("0.00011407711613050422"),
            Decimal(0),
            Decimal(0),
            Decimal("1.5"),
        ),
        opening_auction_duration=1,
        # no liquidity commitment here: a zero target stake lets the market open without one
        liquidity_monitoring=LiquidityMonitoringParameters(
            TargetStakeParameters(scaling_factor=Decimal(0))
        ),
    )
    engine.submit_market(config)
    engine.start_opening_auction("BENCH")
    for index in range(parties):
        engine.collateral.deposit(f"p{index}", "USD", 10**15)
    opening = [
        (Side.BUY, 1000, "p0"),
        (Side.SELL, 1000, "p1"),
        (Side.BUY, 800, "p0"),
        (Side.SELL, 1200, "p1"),
    ]
    for side, price, party in opening:  # an uncrossing trade, and a book on both sides after
        engine.submit_order(OrderSubmission("BENCH", side, 1, TimeInForce.GTC, price=price), party)
    engine.on_tick(engine.now + 2 * NANOS_PER_SECOND)
    engine.block_end()
    if engine.markets["BENCH"].trading_mode != TradingMode.CONTINUOUS:
        raise RuntimeError("the benchmark market did not leave its opening auction")
    return engine


def resting_prices(count: int, rng: random.Random) -> list[tuple[Side, int]]:
    """Bids below 900 and asks above 1100, alternating: a book no new order crosses by chance."""
    return [
        (Side.BUY, 900 - rng.randrange(50))
        if index % 2 == 0
        else (Side.SELL, 1100 + rng.randrange(50))
        for index in range(count)
    ]


def incoming_prices(count: int, rng: random.Random) -> list[tuple[Side, int]]:
    """Alternating sides; the first two of every four cross the spread, the others rest."""
    plan = []
    for index in range(count):
        side = Side.BUY if index % 2 == 0 else Side.SELL
        crossing = index % 4 < 2
        if (side == Side.BUY) == crossing:
            plan.append((side, 1100 + rng.randrange(50)))
        else:
            plan.append((side, 900 - rng.randrange(50)))
    return plan


def order_submissions_per_second(
    orders: int = 20_000, resting: int = 1_000, seed: int = 7, listened: bool = False
) -> float:
    """Limit orders into a book of `resting` orders, half of them crossing."""
    engine = _continuous_market(parties=20, listened=listened)
    rng = random.Random(seed)
    for index, (side, price) in enumerate(resting_prices(resting, rng)):
        engine.submit_order(
            OrderSubmission("BENCH", side, 1 + rng.randrange(5), TimeInForce.GTC, price=price),
            f"p{index % 20}",
        )
    plan = [
        (OrderSubmission("BENCH", side, 1, TimeInForce.GTC, price=price), f"p{index % 20}")
        for index, (side, price) in enumerate(incoming_prices(orders, rng))
    ]
    start = time.perf_counter()
    for submission, party in plan:
        engine.submit_order(submission, party)
    return orders / (time.perf_counter() - start)


def blocks_per_second(blocks: int = 2_000, positions: int = 20, listened: bool = False) -> float:
    """A continuous market with `positions` open positions marking to market every block."""
    engine = _continuous_market(parties=positions + 2, listened=listened)
    for index in range(positions):
        side = Side.BUY if index % 2 == 0 else Side.SELL
        engine.submit_order(
            OrderSubmission("BENCH", side, 1, TimeInForce.GTC, price=1000), f"p{index + 2}"
        )
    start = time.perf_counter()
    for block in range(blocks):
        price = 1000 + (block % 7) - 3
        engine.submit_order(
            OrderSubmission("BENCH", Side.BUY, 1, TimeInForce.GTC, price=price), "p0"
        )
        engine.submit_order(
            OrderSubmission(
                "BENCH", Side.SELL, 1, TimeInForce.IOC, type=OrderType.LIMIT, price=price
            ),
            "p1",
        )
        engine.on_tick(engine.now + NANOS_PER_SECOND)
        engine.block_end()
    return blocks / (time.perf_counter() - start)


def book_submissions_per_second(
    orders: int = 100_000, resting: int = 1_000, seed: int = 7
) -> float:
    """The order book alone: limit orders into `resting` orders, half of them crossing."""
    import itertools

    from devops.engine.matching.book import OrderBook
    from devops.engine.types import Order

    counter = itertools.count()
    book = OrderBook("BENCH", in_auction=False, next_trade_id=lambda: "t")
    rng = random.Random(seed)

    def make(index: int, side: Side, price: int) -> Order:
        size = 1 + rng.randrange(5)
        return Order(
            f"o{index}",
            "BENCH",
            f"p{index % 20}",
            side,
            price,
            size,
            size,
            TimeInForce.GTC,
            sequence=next(counter),
        )

    for index, (side, price) in enumerate(resting_prices(resting, rng)):
        book.submit(make(index, side, price), 0)
    plan = [
        make(resting + index, side, price)
        for index, (side, price) in enumerate(incoming_prices(orders, rng))
    ]
    start = time.perf_counter()
    for order in plan:
        book.submit(order, 0)
    return orders / (time.perf_counter() - start)
