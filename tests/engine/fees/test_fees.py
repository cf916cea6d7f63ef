"""Fees (0029-FEES): ceil(notional × factor); the aggressor pays; auctions split."""

from decimal import Decimal

from devops.engine.fees import auction_fees, continuous_fees, trade_fee
from devops.engine.types import FeeFactors, Side, Trade, TransferType

FACTORS = FeeFactors(
    maker=Decimal("0.005"), infrastructure=Decimal("0.002"), liquidity=Decimal("0.001")
)


def trade(aggressor: Side = Side.BUY, price: int = 1002, size: int = 3) -> Trade:
    return Trade("t", "M", price, size, "buyer", "seller", aggressor, "b", "s", 0)


def test_each_fee_rounds_up() -> None:
    fee = trade_fee(trade(), FACTORS, position_factor=1)
    # notional 3006: 15.03 -> 16, 6.012 -> 7, 3.006 -> 4
    assert (fee.maker, fee.infrastructure, fee.liquidity) == (16, 7, 4)


def test_position_decimals_scale_the_notional() -> None:
    fee = trade_fee(trade(size=30), FACTORS, position_factor=10)
    assert (fee.maker, fee.infrastructure, fee.liquidity) == (16, 7, 4)


def test_continuous_aggressor_pays_and_maker_receives() -> None:
    t = trade(aggressor=Side.SELL)
    bill = continuous_fees([t], FACTORS, 1)
    kinds = [(f.owner, f.type, f.amount) for f in bill.transfers]
    assert ("seller", TransferType.MAKER_FEE_PAY, 16) in kinds
    assert ("buyer", TransferType.MAKER_FEE_RECEIVE, 16) in kinds
    assert bill.totals == {"seller": 27, "buyer": 0}
    assert t.seller_fee["maker_fee"] == 16 and t.buyer_fee["maker_fee"] == 0


def test_auction_splits_infrastructure_and_liquidity_fees_between_sides() -> None:
    bill = auction_fees([trade()], FACTORS, 1)
    # infrastructure 7 -> 4 each side, liquidity 4 -> 2 each side, no maker fee
    assert bill.totals == {"seller": 6, "buyer": 6}
    assert all(f.type != TransferType.MAKER_FEE_PAY for f in bill.transfers)
