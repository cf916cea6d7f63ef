"""Mark-to-market (0003-MTMK): flows from price moves and trades, conserved to the unit."""

from devops.engine.positions import MarketPosition
from devops.engine.settlement import Settlement
from devops.engine.types import Side, Trade, TransferType


def trade(buyer: str, seller: str, price: int, size: int) -> Trade:
    return Trade("t", "M", price, size, buyer, seller, Side.BUY, "b", "s", 0)


def test_first_mark_settles_trades_against_the_mark_price() -> None:
    s = Settlement("M", position_factor=1)
    s.add_trade(trade("long", "short", 100, 2))
    positions = [MarketPosition("long", size=2), MarketPosition("short", size=-2)]
    transfers, events = s.settle_mtm(110, positions, now=1)
    by_party = {t.party: (t.type, t.amount) for t in transfers}
    assert by_party == {"long": (TransferType.MTM_WIN, 20), "short": (TransferType.MTM_LOSS, 20)}
    assert [t.party for t in transfers] == ["short", "long"]  # losses are collected first
    assert [e.party for e in events] == ["long", "short"]


def test_open_position_is_valued_from_the_previous_mark() -> None:
    s = Settlement("M", position_factor=1)
    s.add_trade(trade("long", "short", 100, 1))
    positions = [MarketPosition("long", size=1), MarketPosition("short", size=-1)]
    s.settle_mtm(100, positions, now=1)
    transfers, _ = s.settle_mtm(95, positions, now=2)
    by_party = {t.party: (t.type, t.amount) for t in transfers}
    assert by_party == {"long": (TransferType.MTM_LOSS, 5), "short": (TransferType.MTM_WIN, 5)}


def test_unchanged_mark_without_trades_moves_nothing() -> None:
    s = Settlement("M", position_factor=1)
    s.add_trade(trade("a", "b", 50, 1))
    positions = [MarketPosition("a", size=1), MarketPosition("b", size=-1)]
    s.settle_mtm(50, positions, now=1)
    transfers, _ = s.settle_mtm(50, positions, now=2)
    assert transfers == []


def test_position_decimals_truncate_and_the_largest_winner_absorbs_the_remainder() -> None:
    s = Settlement("M", position_factor=10)
    s.add_trade(trade("w1", "l", 100, 3))
    s.add_trade(trade("w2", "l", 100, 4))
    positions = [
        MarketPosition("w1", size=3),
        MarketPosition("w2", size=4),
        MarketPosition("l", size=-7),
    ]
    transfers, _ = s.settle_mtm(103, positions, now=1)
    loss = sum(t.amount for t in transfers if t.type == TransferType.MTM_LOSS)
    win = sum(t.amount for t in transfers if t.type == TransferType.MTM_WIN)
    # l loses 7·3/10 = 2.1 -> 2; wins 0.9 -> 0 and 1.2 -> 1; the extra unit goes to the zero winner
    assert loss == win == 2
    amounts = {t.party: t.amount for t in transfers}
    assert amounts == {"l": 2, "w1": 1, "w2": 1}


def test_final_settlement_pays_position_times_price_difference() -> None:
    s = Settlement("M", position_factor=1)
    s.add_trade(trade("long", "short", 100, 2))
    positions = [MarketPosition("long", size=2), MarketPosition("short", size=-2)]
    s.settle_mtm(100, positions, now=1)
    transfers, rounding = s.final_settlement(130, position_factor=1)
    assert {(t.party, t.type, t.amount) for t in transfers} == {
        ("long", TransferType.WIN, 60),
        ("short", TransferType.LOSS, 60),
    }
    assert rounding == 0
