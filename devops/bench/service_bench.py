"""Service throughput: vega-sim's own `submit_order` + `wait_fn(1)` round trips.

Each round trip is what an agent's step costs at the least: vega-sim builds the
command, the embedded wallet hands it to the embedded node, the node produces one
block, and the data node and vega-sim's local data cache take in its events.

The orders keep the market in continuous trading for the whole measurement: they come
in fours, `buyer` bids at P, `seller` sells at P (filling that bid), `buyer` offers at
P' and `seller` buys at P' (filling that offer), so every other order trades, both
parties' positions return to where they were, and open interest (hence the target
stake against the LP's commitment) stays flat. P and P' cycle through 997..1003,
inside the spread the demo market leaves (a 990 bid, a 1010 ask) and inside every
price-monitoring bound, which the benchmark reads and checks before it starts. After
the measurement it checks that the market was continuous before, at every block of
the measurement and after, that every filling order made exactly one trade with an
aggressor (no auction uncrossing), and that both positions are back where they began.
"""

from __future__ import annotations

from devops.bench.figures import BenchCheckError, Figure, Stopwatch, check
from devops.embedded import EmbeddedVegaService
from devops.embedded.demo import open_market, start_trading
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.types import TradingMode

_SIDE_UNSPECIFIED = 0


def _plan(count: int) -> list[tuple[str, str, int]]:
    """(party, side, price) of each round trip, in the fours the module describes."""
    fours = (
        ("buyer", "SIDE_BUY"),
        ("seller", "SIDE_SELL"),
        ("buyer", "SIDE_SELL"),
        ("seller", "SIDE_BUY"),
    )
    return [(*fours[index % 4], 1000 + (index // 2) % 7 - 3) for index in range(count)]


def _engine(vega: EmbeddedVegaService) -> ExecutionEngine:
    if vega.node is None:
        raise BenchCheckError("the service is not running")
    return vega.node.engine


def _mode(vega: EmbeddedVegaService, market_id: str) -> TradingMode:
    return _engine(vega).markets[market_id].trading_mode


def _open_volume(vega: EmbeddedVegaService, market_id: str, party: str) -> int:
    position = _engine(vega).position(vega.wallet.public_key(name=party), market_id)
    return position.size if position is not None else 0


def round_trips(count: int = 2_000) -> Figure:
    """Round trips per second; raises `BenchCheckError` if an auction was entered."""
    if count < 4 or count % 4:
        raise ValueError(f"the round-trip count must be a positive multiple of 4, got {count}")
    plan = _plan(count)
    with EmbeddedVegaService(seed=3, transactions_per_block=4096) as vega:
        _, market_id = open_market(vega)
        start_trading(vega, market_id)
        vega.data_cache  # noqa: B018 - start the cache's feeds, as agents do
        lowest, highest = vega.price_bounds(market_id)
        prices = [price for _, _, price in plan]
        if lowest is None or highest is None:
            raise BenchCheckError("the market has no price-monitoring bounds to stay inside")
        check(
            lowest < min(prices) and max(prices) < highest,
            f"prices {min(prices)}..{max(prices)} are not inside the bounds {lowest}..{highest}",
        )
        check(
            _mode(vega, market_id) == TradingMode.CONTINUOUS,
            "the market is not continuous at the start",
        )
        store = vega.store
        if store is None:
            raise BenchCheckError("the service has no data node store")
        trades_before = len(store.trades)
        history_before = len(store.market_data_history[market_id])
        positions_before = {p: _open_volume(vega, market_id, p) for p in ("buyer", "seller")}
        with Stopwatch() as watch:
            for party, side, price in plan:
                vega.submit_order(
                    party, market_id, "TYPE_LIMIT", "TIME_IN_FORCE_GTC", side, 1, price, wait=False
                )
                vega.wait_fn(1)
        wall_rate, cpu_rate = watch.rates(count)
        blocks = store.market_data_history[market_id][history_before:]
        trades = [t for t in store.trades[trades_before:] if t.market_id == market_id]
        modes = {data.trading_mode for data in blocks}
        check(
            modes == {TradingMode.CONTINUOUS},
            f"the market left continuous trading during the measurement: {sorted(modes)}",
        )
        check(
            _mode(vega, market_id) == TradingMode.CONTINUOUS,
            "the market is not continuous at the end",
        )
        check(
            len(trades) == count // 2,
            f"{len(trades)} trades for {count // 2} filling orders",
        )
        check(
            all(t.aggressor != _SIDE_UNSPECIFIED for t in trades),
            "a trade had no aggressor: an auction uncrossed",
        )
        mtm_seconds = _engine(vega).netparams.get_duration_seconds(
            "network.markPriceUpdateMaximumFrequency"
        )
        positions_after = {p: _open_volume(vega, market_id, p) for p in ("buyer", "seller")}
        check(positions_after == positions_before, "the parties' positions did not return")
    return Figure(
        "service.round_trips_per_second",
        wall_rate,
        "round trips/s",
        f"{count:,} round trips through EmbeddedVegaService, each vega-sim's submit_order "
        "(a GTC limit order of size 1, wait=False: vega-sim builds the command, the "
        "embedded wallet signs it and hands it to the embedded node) then wait_fn(1) (the "
        "node produces one 1 s block holding that one transaction, and its block end, "
        f"with mark-to-market at most every {mtm_seconds:g} s as the network parameter "
        "sets; the data node store and vega-sim's local data cache take in its events); "
        "half the orders rest inside the spread and the next one fills it (one trade), "
        f"prices {min(prices)}..{max(prices)}, in continuous trading with one LP "
        "commitment.",
        f"price-monitoring bounds {lowest}..{highest} contain every price; continuous "
        f"trading at the start, at all {len(blocks):,} blocks of the measurement and at the "
        f"end; {len(trades):,} trades, each with an aggressor; the two positions back "
        f"to buyer {positions_before['buyer']}, seller {positions_before['seller']} "
        "(in the market's position units)",
        cpu_value=cpu_rate,
    )
