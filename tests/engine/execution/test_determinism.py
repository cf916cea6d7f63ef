"""Same inputs, same event stream: the engine has no hidden source of variation."""

from devops.engine.events.bus import EventRecorder
from devops.engine.types import Side
from tests.engine.execution.test_close_out import MARKET, Market


def run_once() -> list[str]:
    market = Market()
    recorder = EventRecorder(market.engine.bus)
    for party, amount in [("a", 10**9), ("b", 10**9), ("c", 5_000)]:
        market.engine.collateral.deposit(party, "BTC", amount)
    market.order("a", Side.SELL, 10, 150)
    market.order("b", Side.BUY, 1, 140)
    market.order("a", Side.SELL, 1, 145)
    market.order("b", Side.BUY, 1, 145)
    end = market.engine.markets[MARKET].auction.end
    market.engine.on_tick(market.engine.now + 2 * (end - market.engine.now))
    for price in (150, 120, 160, 100):
        market.order("c", Side.BUY, 3, price)
        market.order("b", Side.SELL, 2, price)
        market.block()
    return [f"{e.type.name}:{e.block}:{e.payload!r}" for e in recorder.events]


def test_two_runs_publish_identical_event_streams() -> None:
    first, second = run_once(), run_once()
    assert len(first) > 50
    assert first == second
