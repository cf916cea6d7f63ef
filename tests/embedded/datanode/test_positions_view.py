"""Positions as the data node reports them (0006-POSI): realised and unrealised PnL."""

from decimal import Decimal

from devops.embedded.datanode.positions import PositionsView
from devops.engine.events.bus import EventBus, EventType
from devops.engine.settlement import (
    LossSocialization,
    SettleDistressed,
    SettlementTrade,
    SettlePosition,
)


def settle(bus: EventBus, mark: int, *trades: tuple[int, int], factor: int = 1) -> None:
    settled = tuple(SettlementTrade(price, price, size, 0) for price, size in trades)
    bus.publish(EventType.SETTLE_POSITION, SettlePosition("p", "M", mark, settled, factor, 1))


def test_opening_then_partly_closing_realises_pnl_against_the_average_entry() -> None:
    bus = EventBus()
    view = PositionsView(bus)
    settle(bus, 100, (100, 2), (110, 2))  # long 4 at 105
    record = view.get("p", "M")
    assert record is not None
    assert record.open_volume == 4 and record.average_entry == 105
    assert record.unrealised == -20
    settle(bus, 120, (120, -3))  # close 3 at 120: realised 3·15
    assert record.realised == 45 and record.open_volume == 1
    assert record.unrealised == 15


def test_flipping_the_position_opens_the_remainder_at_the_trade_price() -> None:
    bus = EventBus()
    view = PositionsView(bus)
    settle(bus, 100, (100, 1))
    settle(bus, 90, (90, -3))
    record = view.get("p", "M")
    assert record is not None
    assert (record.open_volume, record.average_entry, record.realised) == (-2, 90, -10)


def test_position_decimals_divide_pnl() -> None:
    bus = EventBus()
    view = PositionsView(bus)
    settle(bus, 110, (100, 15), factor=10)
    record = view.get("p", "M")
    assert record is not None and record.unrealised_pnl == Decimal(15)


def test_close_out_realises_everything_minus_the_margin_lost() -> None:
    bus = EventBus()
    view = PositionsView(bus)
    settle(bus, 100, (100, 1))
    bus.publish(EventType.SETTLE_DISTRESSED, SettleDistressed("p", "M", 100, 12000, 2))
    bus.publish(EventType.LOSS_SOCIALIZATION, LossSocialization("p", "M", -5, 3))
    record = view.get("p", "M")
    assert record is not None
    assert (record.open_volume, record.realised, record.closed_out) == (0, -12005, True)
