"""Skipping LP order refreshes that would change nothing leaves the event stream as it was.

An LP whose own limit orders supply its obligation on both sides deploys no LP orders;
`update_liquidity_orders` then returns early instead of re-deriving every shape. Run
with the shortcut and without it, a market publishes the same events, in order.
"""

from decimal import Decimal

import pytest

from devops.engine.commands import LiquidityOrder, LiquidityProvisionSubmission, OrderAmendment
from devops.engine.events.bus import EventRecorder
from devops.engine.execution.market_liquidity import MarketLiquidity
from devops.engine.types import PeggedReference, Side
from tests.engine.execution.test_close_out import MARKET, Market


def run_once() -> tuple[list[str], int]:
    market = Market()
    recorder = EventRecorder(market.engine.bus)
    for party, amount in [("lp", 10**9), ("b", 10**9), ("c", 10**9)]:
        market.engine.collateral.deposit(party, "BTC", amount)
    error = market.engine.submit_liquidity_provision(
        LiquidityProvisionSubmission(
            MARKET,
            2_000,
            Decimal("0.01"),
            (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),),
            (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),),
        ),
        "lp",
    )
    assert error is None
    bid = market.order("lp", Side.BUY, 20, 140).order.id
    ask = market.order("lp", Side.SELL, 20, 150).order.id
    market.order("b", Side.SELL, 1, 145)
    market.order("c", Side.BUY, 1, 145)
    end = market.engine.markets[MARKET].auction.end
    market.engine.on_tick(market.engine.now + 2 * (end - market.engine.now))
    deployed = 0
    events: list[str] = []
    # own orders move and shrink below the obligation (LP orders deploy) and grow back
    for step, (price, delta) in enumerate([(139, 0), (141, -15), (138, 0), (140, 15), (142, 0)]):
        for order_id, side_price in ((bid, price), (ask, price + 10)):
            amendment = OrderAmendment(order_id, MARKET, price=side_price, size_delta=delta)
            assert market.engine.amend_order(amendment, "lp").error is None
        market.order("b", Side.SELL, 1, price + 5 + step % 2)
        market.order("c", Side.BUY, 1, price + 5)
        deployed += sum(
            1 for o in market.engine.markets[MARKET].orders.values() if o.liquidity_provision_id
        )
        market.block()
        scores = market.engine.markets[MARKET].liquidity.average_scores
        events.append(f"scores:{scores!r}:{market.engine.market_data(MARKET)!r}")
    events += [f"{e.type.name}:{e.block}:{e.payload!r}" for e in recorder.events]
    return events, deployed


def test_skipped_refreshes_publish_what_full_refreshes_publish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skipped = []
    check = MarketLiquidity._lp_orders_stay_undeployed

    def counting(self: MarketLiquidity, low: int, high: int) -> bool:
        result = check(self, low, high)
        skipped.append(result)
        return result

    monkeypatch.setattr(MarketLiquidity, "_lp_orders_stay_undeployed", counting)
    fast, fast_deployed = run_once()
    monkeypatch.setattr(MarketLiquidity, "_lp_orders_stay_undeployed", lambda *_: False)
    full, full_deployed = run_once()
    assert any(skipped) and not all(skipped)  # both paths were taken
    assert fast_deployed == full_deployed > 0  # LP orders did deploy at times
    assert fast == full
