"""A market end to end (0012-POSR, 0019-MCAL): Vega's position resolution case 3 figures."""

from decimal import Decimal

import pytest

from devops.engine.commands import OrderCancellation, OrderSubmission
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.types import (
    AccountType,
    FeeFactors,
    MarginScalingFactors,
    MarketConfig,
    OrderStatus,
    Side,
    SimpleRiskModel,
    TimeInForce,
    TradingMode,
)

MARKET = "ETH/DEC19"
NANOS_PER_SECOND = 1_000_000_000


class Market:
    def __init__(self) -> None:
        self.engine = ExecutionEngine()
        self.engine.netparams.update("market.auction.minimumDuration", "1s")
        self.engine.netparams.update("network.markPriceUpdateMaximumFrequency", "0s")
        self.engine.enable_asset("BTC", 0)
        self.engine.submit_market(
            MarketConfig(
                id=MARKET,
                asset="BTC",
                risk_model=SimpleRiskModel(
                    Decimal(0), Decimal(0), Decimal(0), Decimal("0.016"), Decimal("0.2")
                ),
                margin_scaling=MarginScalingFactors(Decimal("3.2"), Decimal(4), Decimal(5)),
                fees=FeeFactors(Decimal(0), Decimal(0), Decimal(0)),
                opening_auction_duration=1,
                linear_slippage_factor=Decimal("0.5349"),
                quadratic_slippage_factor=Decimal(0),
            )
        )
        self.engine.start_opening_auction(MARKET)

    def order(self, party: str, side: Side, size: int, price: int):
        submission = OrderSubmission(MARKET, side, size, TimeInForce.GTC, price=price)
        return self.engine.submit_order(submission, party)

    def block(self) -> None:
        self.engine.block_end()
        self.engine.on_tick(self.engine.now + NANOS_PER_SECOND)

    def balance(self, party: str, kind: AccountType) -> int:
        market = "" if kind == AccountType.GENERAL else MARKET
        return self.engine.collateral.balance(party, "BTC", market, kind)


@pytest.fixture
def market() -> Market:
    m = Market()
    for party, amount in [
        ("sellSideProvider", 10**12),
        ("buySideProvider", 10**12),
        ("designatedLooser", 12000),
        ("aux", 10**12),
        ("aux2", 10**12),
    ]:
        m.engine.collateral.deposit(party, "BTC", amount)
    m.order("sellSideProvider", Side.SELL, 291, 150)
    m.order("buySideProvider", Side.BUY, 1, 140)
    m.order("aux", Side.SELL, 1, 155)
    m.order("aux2", Side.BUY, 1, 150)
    m.order("aux2", Side.BUY, 1, 140)
    auction_end = m.engine.markets[MARKET].auction.end
    m.engine.on_tick(m.engine.now + 2 * (auction_end - m.engine.now))
    return m


def test_opening_auction_uncrosses_at_150(market: Market) -> None:
    data = market.engine.market_data(MARKET)
    assert data.trading_mode == TradingMode.CONTINUOUS
    assert data.mark_price == 150


def test_margin_levels_from_the_slippage_cap(market: Market) -> None:
    confirmation = market.order("designatedLooser", Side.BUY, 290, 150)
    assert [(t.price, t.size) for t in confirmation.trades] == [(150, 290)]
    market.block()
    levels = market.engine.margin_levels("designatedLooser", MARKET)
    assert levels is not None
    assert (levels.maintenance, levels.search, levels.initial, levels.release) == (
        23269,
        74460,
        93076,
        116345,
    )
    assert market.balance("designatedLooser", AccountType.MARGIN) == 12000
    assert market.balance("designatedLooser", AccountType.GENERAL) == 0


def test_distressed_party_is_closed_out_and_money_is_conserved(market: Market) -> None:
    market.order("designatedLooser", Side.BUY, 290, 150)
    market.block()
    provider_bid = next(
        o for o in market.engine.markets[MARKET].orders.values() if o.party == "buySideProvider"
    )
    result = market.engine.cancel_order(
        OrderCancellation(provider_bid.id, MARKET), "buySideProvider"
    )
    assert result.cancelled and result.cancelled[0].status == OrderStatus.CANCELLED
    market.order("buySideProvider", Side.BUY, 300, 40)
    market.block()
    market.order("sellSideProvider", Side.SELL, 1, 120)
    market.block()
    market.order("buySideProvider", Side.BUY, 1, 120)
    market.block()
    assert market.balance("designatedLooser", AccountType.MARGIN) == 0
    assert market.balance("designatedLooser", AccountType.GENERAL) == 0
    assert market.engine.position("designatedLooser", MARKET) is None
    collateral = market.engine.collateral
    assert collateral.total("BTC") == collateral.net_deposits["BTC"]
