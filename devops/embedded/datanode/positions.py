"""Positions as the data node reports them: open volume, average entry price and PnL.

Built from the event stream alone (SETTLE_POSITION, SETTLE_DISTRESSED,
LOSS_SOCIALIZATION, DISTRESSED_POSITIONS), as Vega's positions plugin does:
each settled trade first closes volume against the average entry price
(realised PnL) then opens the rest at the trade price; unrealised PnL is the
open volume valued at the mark price. Figures keep full precision and are
rounded half away from zero when read, as Vega's decimals are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from devops.engine.events.bus import Event, EventBus, EventType
from devops.engine.settlement import LossSocialization, SettleDistressed, SettlePosition
from devops.engine.vega_decimal import decimal_div


@dataclass(slots=True)
class PositionRecord:
    """As Vega's plugin keeps it: full-precision figures and the rounded ones it reports.

    The rounded realised PnL is refreshed from the precise one only when a trade
    settles; close-outs and loss socialisation adjust both, so the two can differ.
    """

    market_id: str
    party: str
    open_volume: int = 0
    average_entry_price: Decimal = field(default_factory=Decimal)
    realised_pnl: Decimal = field(default_factory=Decimal)
    unrealised_pnl: Decimal = field(default_factory=Decimal)
    realised: int = 0
    unrealised: int = 0
    loss_socialisation: Decimal = field(default_factory=Decimal)
    closed_out: bool = False
    distressed: bool = False
    status: str = "UNSPECIFIED"  # Vega's PositionStatus name: DISTRESSED, CLOSED_OUT, ...
    updated_at: int = 0

    @property
    def average_entry(self) -> int:
        return _round(self.average_entry_price)


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


class PositionsView:
    """Subscribes to a bus and answers position queries per market and party."""

    def __init__(self, bus: EventBus) -> None:
        self.records: dict[tuple[str, str], PositionRecord] = {}
        bus.subscribe(
            self._on_event,
            [
                EventType.SETTLE_POSITION,
                EventType.SETTLE_DISTRESSED,
                EventType.LOSS_SOCIALIZATION,
                EventType.DISTRESSED_POSITIONS,
                EventType.DISTRESSED_ORDERS,
            ],
        )

    def get(self, party: str, market_id: str) -> PositionRecord | None:
        return self.records.get((market_id, party))

    def of_party(self, party: str) -> list[PositionRecord]:
        return [r for (_, p), r in self.records.items() if p == party]

    def _record(self, market_id: str, party: str) -> PositionRecord:
        key = (market_id, party)
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = PositionRecord(market_id, party)
        return record

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        if event.type is EventType.SETTLE_POSITION:
            self._settle(payload)
        elif event.type is EventType.SETTLE_DISTRESSED:
            self._distressed(payload)
        elif event.type is EventType.LOSS_SOCIALIZATION:
            self._loss(payload)
        elif event.type is EventType.DISTRESSED_POSITIONS:
            market_id, parties = payload
            for party in parties:
                if (market_id, party) in self.records:
                    self.records[(market_id, party)].distressed = True
                    self.records[(market_id, party)].status = "DISTRESSED"
        elif event.type is EventType.DISTRESSED_ORDERS:
            market_id, parties = payload
            for party in parties:
                if (market_id, party) in self.records:
                    self.records[(market_id, party)].status = "ORDERS_CLOSED"

    def _settle(self, event: SettlePosition) -> None:
        record = self._record(event.market_id, event.party)
        factor = Decimal(event.position_factor)
        for trade in event.trades:
            price = Decimal(trade.price)
            opened, closed = _open_closed(record.open_volume, trade.size)
            if closed:
                record.realised_pnl += decimal_div(
                    (price - record.average_entry_price) * closed, factor
                )
                record.open_volume -= closed
            total = record.open_volume + opened
            if total == 0:
                record.average_entry_price = Decimal(0)
            else:
                record.average_entry_price = decimal_div(
                    record.average_entry_price * record.open_volume + price * opened, Decimal(total)
                )
            record.open_volume = total
            record.realised = _round(record.realised_pnl)
        if record.open_volume == 0:
            record.unrealised_pnl = Decimal(0)
        else:
            record.unrealised_pnl = decimal_div(
                record.open_volume * (Decimal(event.price) - record.average_entry_price), factor
            )
        record.unrealised = _round(record.unrealised_pnl)
        record.updated_at = event.timestamp

    def _distressed(self, event: SettleDistressed) -> None:
        record = self._record(event.market_id, event.party)
        record.realised += record.unrealised - event.margin
        record.realised_pnl += record.unrealised_pnl - event.margin
        record.open_volume = 0
        record.unrealised_pnl = Decimal(0)
        record.unrealised = 0
        record.average_entry_price = Decimal(0)
        record.closed_out = True
        record.status = "CLOSED_OUT"
        record.updated_at = event.timestamp

    def _loss(self, event: LossSocialization) -> None:
        record = self.records.get((event.market_id, event.party))
        if record is None:
            return
        record.loss_socialisation += event.amount
        record.realised_pnl += event.amount
        record.realised += event.amount
        record.updated_at = event.timestamp


def _open_closed(open_volume: int, traded: int) -> tuple[int, int]:
    """Split a trade into the volume it opens and the volume it closes."""
    if open_volume != 0 and (open_volume > 0) != (traded > 0):
        closed = open_volume if abs(traded) > abs(open_volume) else -traded
        return traded + closed, closed
    return traded, 0
