"""Engine throughput: the order book alone, orders through the whole market, and blocks.

The two submission benchmarks replay one plan against a book held at a fixed depth:
`depth` resting limit orders of size 1, half bids in [950, 999] and half asks in
[1001, 1050]. The plan alternates a crossing order and a replenishing order:

- a crossing order of size 1 from a taker (a buy at 1050 or a sell at 950) fills
  against exactly one resting order, the best of the other side (one trade);
- the replenishing order of size 1 from the maker rests, at a random price of the
  side just taken from, without crossing.

So exactly half of the submissions cross, and the book holds `depth` resting orders
before every crossing order and `depth - 1` until its replenishment. Takers never rest
and the maker never crosses, so no order meets its own party's; each taker buys and
then sells, so takers end flat, and one maker holds the whole book, so every party's
position stays within -1..1. Every benchmark checks after measuring that the state it
states is the one it measured, and raises `BenchCheckError` otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from devops.bench.figures import Figure, Stopwatch, Target, check
from devops.engine.commands import OrderCancellation, OrderConfirmation, OrderSubmission
from devops.engine.events.bus import EventRecorder
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.matching.book import MatchResult, OrderBook
from devops.engine.types import (
    NANOS_PER_SECOND,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarketConfig,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TargetStakeParameters,
    TimeInForce,
    TradingMode,
)

MARKET = "BENCH"
BIDS = (950, 999)  # resting bids' prices, inclusive
ASKS = (1001, 1050)  # resting asks' prices, inclusive
MAKER = "maker"  # holds the whole book: its position stays within -1..1
TAKERS = 10

MARKET_SUBMISSIONS_TARGET = Target(50_000, at_least=True)
BLOCKS_TARGET = Target(10_000, at_least=True)


# ---- the fixed-depth plan --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    party: str
    side: Side
    price: int
    crossing: bool


def _resting(side: Side, rng: random.Random) -> PlannedOrder:
    low, high = BIDS if side == Side.BUY else ASKS
    return PlannedOrder(MAKER, side, rng.randint(low, high), crossing=False)


def initial_book(depth: int, rng: random.Random) -> list[PlannedOrder]:
    """`depth` resting orders from the maker, bids and asks alternating."""
    if depth < 2 or depth % 2:
        raise ValueError(f"the depth must be even and at least 2, got {depth}")
    return [_resting(Side.BUY if index % 2 == 0 else Side.SELL, rng) for index in range(depth)]


def fixed_depth_plan(orders: int, rng: random.Random) -> list[PlannedOrder]:
    """`orders` submissions: (crossing, replenishing) pairs, as the module describes."""
    if orders < 4 or orders % 4:
        raise ValueError(f"the order count must be a positive multiple of 4, got {orders}")
    plan = []
    for pair in range(orders // 2):
        taker = f"t{(pair // 2) % TAKERS}"
        if pair % 2 == 0:  # the taker buys the best ask; a maker puts an ask back
            plan.append(PlannedOrder(taker, Side.BUY, ASKS[1], crossing=True))
            plan.append(_resting(Side.SELL, rng))
        else:  # the same taker sells to the best bid; a maker puts a bid back
            plan.append(PlannedOrder(taker, Side.SELL, BIDS[0], crossing=True))
            plan.append(_resting(Side.BUY, rng))
    return plan


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one submission did: trades it made, and whether it was stopped or rejected."""

    trades: int
    refused: bool


def outcome_of(trades: int, status: OrderStatus) -> Outcome:
    return Outcome(trades, status in (OrderStatus.STOPPED, OrderStatus.REJECTED))


def check_fixed_depth(
    plan: Sequence[PlannedOrder],
    outcomes: Sequence[Outcome],
    depth: int,
    bids_after: int,
    asks_after: int,
) -> str:
    """Raise unless the plan ran as the module describes; the achieved figures as text.

    Every crossing order must have made exactly one trade (taking one resting order of
    size 1 off the book) and every replenishing order none without being refused; then
    the book's count at the end tells how many replenishing orders rested, and all must
    have, which holds the depth at `depth` before every crossing order.
    """
    check(len(outcomes) == len(plan), f"{len(outcomes)} outcomes for {len(plan)} orders")
    pairs = list(zip(plan, outcomes, strict=True))
    crossing = [o for p, o in pairs if p.crossing]
    replenishing = [o for p, o in pairs if not p.crossing]
    one_trade = sum(1 for o in crossing if o.trades == 1 and not o.refused)
    check(
        one_trade == len(crossing),
        f"{len(crossing) - one_trade} of {len(crossing)} crossing orders did not make exactly "
        "one trade",
    )
    untouched = sum(1 for o in replenishing if o.trades == 0 and not o.refused)
    check(
        untouched == len(replenishing),
        f"{len(replenishing) - untouched} replenishing orders traded or were refused",
    )
    rested = bids_after + asks_after - depth + one_trade  # each trade took one order off
    check(
        rested == len(replenishing),
        f"{rested} of {len(replenishing)} replenishing orders rested",
    )
    check(
        bids_after == asks_after == depth // 2,
        f"the book ended with {bids_after} bids and {asks_after} asks, not {depth // 2} each",
    )
    lowest = highest = current = depth  # the depth before each order, and after the last
    for p in plan:
        current += -1 if p.crossing else 1
        lowest, highest = min(lowest, current), max(highest, current)
    check(
        (lowest, highest) == (depth - 1, depth),
        f"the depth ranged {lowest}..{highest}, not {depth - 1}..{depth}",
    )
    return (
        f"depth {highest:,} before every crossing order ({lowest:,} until its replenishment), "
        f"{bids_after:,} bids + {asks_after:,} asks at the end; {one_trade:,} of {len(plan):,} "
        f"orders crossed ({100 * one_trade / len(plan):.1f}%), each making exactly one trade; "
        f"{rested:,} rested without trading"
    )


def _side_counts(book: OrderBook) -> tuple[int, int]:
    """(resting bids, resting asks) on `book`."""
    bids = sum(len(level.orders) for level in book.buy.levels.values())
    asks = sum(len(level.orders) for level in book.sell.levels.values())
    return bids, asks


# ---- the order book alone --------------------------------------------------------------------


def book_submissions(orders: int = 100_000, depth: int = 1_000, seed: int = 7) -> Figure:
    """Orders per second through `OrderBook.submit` alone, on the fixed-depth plan."""
    book = OrderBook(MARKET, in_auction=False, next_trade_id=lambda: "t")
    rng = random.Random(seed)
    sequence = iter(range(1, 10**12))

    def order(index: int, planned: PlannedOrder) -> Order:
        return Order(
            f"o{index}",
            MARKET,
            planned.party,
            planned.side,
            planned.price,
            1,
            1,
            TimeInForce.GTC,
            sequence=next(sequence),
        )

    for index, planned in enumerate(initial_book(depth, rng)):
        book.submit(order(index, planned), 0)
    plan = fixed_depth_plan(orders, rng)
    incoming = [order(depth + index, planned) for index, planned in enumerate(plan)]
    with Stopwatch() as watch:
        results: list[MatchResult] = [book.submit(o, 0) for o in incoming]
    wall_rate, cpu_rate = watch.rates(orders)
    checked = check_fixed_depth(
        plan,
        [outcome_of(len(r.trades), r.order.status) for r in results],
        depth,
        *_side_counts(book),
    )
    return Figure(
        "engine.book_submissions_per_second",
        wall_rate,
        "orders/s",
        f"{orders:,} GTC limit orders of size 1 through OrderBook.submit alone (matching "
        "only: no margins, fees, positions or events), the Order objects built before the "
        f"clock starts; the book held at {depth:,} resting orders of size 1 (bids "
        f"{BIDS[0]}-{BIDS[1]}, asks {ASKS[0]}-{ASKS[1]}), exactly half of the orders crossing "
        "(each taking the best resting order of the other side) and half replenishing the "
        "side just taken from.",
        checked,
        cpu_value=cpu_rate,
    )


# ---- the whole market ------------------------------------------------------------------------


def _continuous_market(parties: Sequence[str], listened: bool = False) -> ExecutionEngine:
    """A market out of its opening auction, `parties` funded; the opening leaves a bid at
    800 and an ask at 1200 on its book. `listened` attaches a reader that keeps every event."""
    engine = ExecutionEngine(seed=1)
    if listened:
        EventRecorder(engine.bus)
    # a new mark price, and mark-to-market, at every block end that follows a trade
    engine.netparams.update("network.markPriceUpdateMaximumFrequency", "0s")
    engine.enable_asset("USD", 0)
    config = MarketConfig(
        id=MARKET,
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
    engine.start_opening_auction(MARKET)
    for party in ("opening-buyer", "opening-seller", *parties):
        engine.collateral.deposit(party, "USD", 10**15)
    opening = [
        (Side.BUY, 1000, "opening-buyer"),
        (Side.SELL, 1000, "opening-seller"),
        (Side.BUY, 800, "opening-buyer"),
        (Side.SELL, 1200, "opening-seller"),
    ]
    for side, price, party in opening:  # an uncrossing trade, and a book on both sides after
        engine.submit_order(OrderSubmission(MARKET, side, 1, TimeInForce.GTC, price=price), party)
    engine.on_tick(engine.now + 2 * NANOS_PER_SECOND)
    engine.block_end()
    check(
        engine.markets[MARKET].trading_mode == TradingMode.CONTINUOUS,
        "the benchmark market did not leave its opening auction",
    )
    return engine


def _clear_opening_orders(engine: ExecutionEngine) -> None:
    for party in ("opening-buyer", "opening-seller"):
        engine.cancel_order(OrderCancellation(market_id=MARKET), party)


def _next_block(engine: ExecutionEngine) -> None:
    engine.on_tick(engine.now + NANOS_PER_SECOND)
    engine.block_end()


def _submit_all(
    engine: ExecutionEngine,
    submissions: Sequence[tuple[OrderSubmission, str]],
    orders_per_block: int,
    after_block: Callable[[], None],
) -> tuple[list[OrderConfirmation], Stopwatch]:
    """Submit in blocks of `orders_per_block`, a 1-second tick and block end after each;
    (confirmations, seconds spent inside `ExecutionEngine.submit_order` alone)."""
    confirmations: list[OrderConfirmation] = []
    watch = Stopwatch()
    submit = engine.submit_order
    for first in range(0, len(submissions), orders_per_block):
        block = submissions[first : first + orders_per_block]
        with watch:
            for submission, party in block:
                confirmations.append(submit(submission, party))
        _next_block(engine)
        after_block()
    return confirmations, watch


def market_submissions(
    orders: int = 20_000,
    depth: int = 1_000,
    orders_per_block: int = 100,
    seed: int = 7,
    listened: bool = False,
) -> Figure:
    """Orders per second through `ExecutionEngine.submit_order` into one market, on the
    fixed-depth plan, after a warm-up of `depth` orders on the same plan."""
    parties = [MAKER] + [f"t{i}" for i in range(TAKERS)]
    engine = _continuous_market(parties, listened=listened)
    market = engine.markets[MARKET]
    rng = random.Random(seed)
    for planned in initial_book(depth, rng):
        engine.submit_order(
            OrderSubmission(MARKET, planned.side, 1, TimeInForce.GTC, price=planned.price),
            planned.party,
        )
    _clear_opening_orders(engine)
    _next_block(engine)
    warmup = depth - depth % 4 or 4

    def continuous() -> None:
        check(
            market.trading_mode == TradingMode.CONTINUOUS,
            f"the market left continuous trading: {market.trading_mode.name}",
        )

    def submissions(plan: list[PlannedOrder]) -> list[tuple[OrderSubmission, str]]:
        return [
            (OrderSubmission(MARKET, p.side, 1, TimeInForce.GTC, price=p.price), p.party)
            for p in plan
        ]

    warmup_plan = fixed_depth_plan(warmup, rng)
    _submit_all(engine, submissions(warmup_plan), orders_per_block, continuous)
    check(_side_counts(market.book) == (depth // 2, depth // 2), "the warm-up changed the depth")
    plan = fixed_depth_plan(orders, rng)
    timed = submissions(plan)
    events_before = engine.bus.published
    confirmations, watch = _submit_all(engine, timed, orders_per_block, continuous)
    wall_rate, cpu_rate = watch.rates(orders)
    checked = check_fixed_depth(
        plan,
        [outcome_of(len(c.trades), c.order.status) for c in confirmations],
        depth,
        *_side_counts(market.book),
    )
    takers = [engine.position(f"t{i}", MARKET) for i in range(TAKERS)]
    check(all(p is None or p.size == 0 for p in takers), "a taker ended with a position")
    maker = engine.position(MAKER, MARKET)
    check(maker is not None and abs(maker.size) <= 1, "the maker's position left -1..1")
    events = engine.bus.published - events_before
    reader = (
        "every event also delivered to an EventRecorder that keeps it"
        if listened
        else "no event reader attached (so the market builds no order snapshots)"
    )
    kept = f"; the reader kept {events:,} events of the timed orders' blocks" if listened else ""
    return Figure(
        "engine.market_submissions_per_second" + ("_with_event_reader" if listened else ""),
        wall_rate,
        "orders/s",
        f"{orders:,} GTC limit orders of size 1 through ExecutionEngine.submit_order -> "
        "Market.submit_order (validation, margin check, price-monitoring check, fees, "
        "matching, positions, settlement bookkeeping, events) into one continuous market "
        "(no price-monitoring trigger, no liquidity commitment) with one maker holding the "
        f"book and {TAKERS} takers (every position within -1..1); the book held at "
        f"{depth:,} resting orders of size 1, exactly half of the orders crossing (one "
        "trade each) and half replenishing; after a warm-up of "
        f"{warmup:,} orders on the same plan. Only the loops of submit_order calls are "
        f"timed: blocks of {orders_per_block} orders, each followed (untimed) by a 1 s "
        "tick and a block end with mark-to-market; " + reader + ".",
        f"{checked}; continuous trading at every block end; takers flat at the end, the "
        f"maker's position {maker.size if maker else 0}{kept}",
        MARKET_SUBMISSIONS_TARGET if not listened else None,
        cpu_rate,
    )


def blocks(blocks: int = 2_000, positions: int = 20, listened: bool = False) -> Figure:
    """Blocks per second of one continuous market with `positions` open positions."""
    holders = [f"h{i}" for i in range(positions)]
    engine = _continuous_market([*holders, "a0", "a1"], listened=listened)
    market = engine.markets[MARKET]
    for index, party in enumerate(holders):  # pairs trade at 1000: every holder holds 1
        side = Side.BUY if index % 2 == 0 else Side.SELL
        engine.submit_order(OrderSubmission(MARKET, side, 1, TimeInForce.GTC, price=1000), party)
    _next_block(engine)
    check(
        _each_holds_one(engine, holders),
        "the holders did not all open a position of 1",
    )
    plan = []
    for block in range(blocks):
        buyer, seller = ("a0", "a1") if block % 2 == 0 else ("a1", "a0")
        price = 1000 + (block % 7) - 3
        plan.append(
            (
                OrderSubmission(MARKET, Side.BUY, 1, TimeInForce.GTC, price=price),
                buyer,
                OrderSubmission(
                    MARKET, Side.SELL, 1, TimeInForce.IOC, type=OrderType.LIMIT, price=price
                ),
                seller,
            )
        )
    confirmations: list[tuple[OrderConfirmation, OrderConfirmation]] = []
    events_before = engine.bus.published
    with Stopwatch() as watch:
        for bid, buyer, ioc, seller in plan:
            confirmations.append(
                (engine.submit_order(bid, buyer), engine.submit_order(ioc, seller))
            )
            engine.on_tick(engine.now + NANOS_PER_SECOND)
            engine.block_end()
    wall_rate, cpu_rate = watch.rates(blocks)
    events = engine.bus.published - events_before
    check(
        all(len(b.trades) == 0 and len(s.trades) == 1 for b, s in confirmations),
        "a block did not make exactly one trade (its bid filled by its IOC sell)",
    )
    check(market.trading_mode == TradingMode.CONTINUOUS, "the market left continuous trading")
    check(
        _each_holds_one(engine, holders),
        "a holder's position changed",
    )
    check(
        market.mark_price == 1000 + ((blocks - 1) % 7) - 3,
        "the last block's trade did not set the mark price",
    )
    check(
        _side_counts(market.book) == (1, 1), "orders other than the bid at 800 and ask at 1200 rest"
    )
    reader = (
        "every event also delivered to an EventRecorder that keeps it"
        if listened
        else "no event reader attached"
    )
    kept = f"; the reader kept {events:,} events" if listened else ""
    return Figure(
        "engine.blocks_per_second" + ("_with_event_reader" if listened else ""),
        wall_rate,
        "blocks/s",
        f"{blocks:,} blocks of one continuous market, each: a GTC limit buy of size 1 "
        "(it rests: the book holds besides only a bid at 800 and an ask at 1200, which keep "
        "both sides present) and an IOC limit sell that fills it (one trade, "
        "its price cycling 997..1003 so the mark price moves every block) through "
        "ExecutionEngine.submit_order, then on_tick 1 s later and block_end (new mark price, "
        "mark-to-market and margin recheck of every open position: the "
        f"{positions} holders' and the two opening parties', 1 each, and the two traders', "
        "alternating between 1 and 0); all timed; " + reader + ".",
        f"one trade per block; continuous trading at the end; the {positions} positions "
        f"unchanged; the mark price is the last trade's; only the 800 bid and 1200 ask left{kept}",
        BLOCKS_TARGET if not listened else None,
        cpu_rate,
    )


def _each_holds_one(engine: ExecutionEngine, parties: Sequence[str]) -> bool:
    positions = [engine.position(party, MARKET) for party in parties]
    return all(p is not None and abs(p.size) == 1 for p in positions)
