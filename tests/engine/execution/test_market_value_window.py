"""The market value window decides when traded value grows LPs' virtual stakes (0042-LIQF).

A value window closes once more time than its length has passed since it opened; closing
one grows every virtual stake by the change in average traded value. With a zero-length
window (what Vega's integration harness markets keep, never receiving the parameter's
default) a window closes on every tick that moves time, so an early LP's virtual stake
follows the traded value from one second to the next.
"""

from decimal import Decimal

from devops.engine.commands import LiquidityOrder, LiquidityProvisionSubmission
from devops.engine.types import NANOS_PER_SECOND, PeggedReference, Side
from tests.engine.execution.test_close_out import MARKET, Market


def lp_virtual_stake_after_trading(window_length: str) -> Decimal:
    market = Market()
    market.engine.netparams.update("market.value.windowLength", window_length)
    for party in ("lp", "b", "c"):
        market.engine.collateral.deposit(party, "BTC", 10**9)
    submission = LiquidityProvisionSubmission(
        MARKET,
        2_000,
        Decimal("0.01"),
        (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),),
        (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),),
    )
    assert market.engine.submit_liquidity_provision(submission, "lp") is None
    market.order("lp", Side.BUY, 20, 140)
    market.order("lp", Side.SELL, 20, 150)
    market.order("b", Side.SELL, 1, 145)
    market.order("c", Side.BUY, 1, 145)
    end = market.engine.markets[MARKET].auction.end
    market.engine.on_tick(market.engine.now + 2 * (end - market.engine.now))
    market.block()
    # ten times the opening auction's traded value, in one block
    market.order("b", Side.SELL, 10, 145)
    market.order("c", Side.BUY, 10, 145)
    market.block()
    market.engine.on_tick(market.engine.now + NANOS_PER_SECOND)
    return market.engine.markets[MARKET].equity_shares.providers["lp"].virtual_stake


def test_a_zero_length_window_grows_virtual_stakes_on_every_tick() -> None:
    assert lp_virtual_stake_after_trading("0s") > 2_000


def test_a_week_long_window_keeps_virtual_stakes_until_it_closes() -> None:
    assert lp_virtual_stake_after_trading("168h0m0s") == 2_000
