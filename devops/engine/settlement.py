"""Settlement: mark-to-market cash flows and final settlement at expiry.

Implements 0003-MTMK and 0002-STTL. At each mark price update a party's flow
is `open·(mark − last mark) + Σ trade size·(mark − trade price)` over the
trades since the previous update, divided by the position factor and truncated.
Losers pay first; if the wins then exceed what was collected, the rounding
remainder goes to the largest winner (and a unit to each zero winner first),
exactly as Vega settles. Final settlement pays `position·(settlement − mark)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devops.engine.positions import MarketPosition
from devops.engine.types import PositionFactor, Trade, TransferType

NETWORK_PARTY = "network"


@dataclass(slots=True)
class SettlementTrade:
    price: int
    market_price: int
    size: int  # signed: bought > 0
    new_size: int


@dataclass(slots=True)
class MTMTransfer:
    """One party's mark-to-market flow; `amount` 0 means nothing moves."""

    party: str
    type: TransferType
    amount: int
    position: MarketPosition | None = None


@dataclass(frozen=True, slots=True)
class SettlePosition:
    """The SETTLE_POSITION event: what a party was settled on."""

    party: str
    market_id: str
    price: int
    trades: tuple[SettlementTrade, ...]
    position_factor: PositionFactor
    timestamp: int


@dataclass(slots=True)
class Settlement:
    market_id: str
    position_factor: PositionFactor
    settled_positions: dict[str, int] = field(default_factory=dict)
    trades: dict[str, list[SettlementTrade]] = field(default_factory=dict)
    last_mark_price: int = 0

    @property
    def has_traded(self) -> bool:
        return bool(self.trades)

    def add_trade(self, trade: Trade) -> None:
        for party, signed in ((trade.buyer, trade.size), (trade.seller, -trade.size)):
            history = self.trades.get(party)
            if not history:
                history = self.trades[party] = []
                before = self.settled_positions.get(party, 0)
            else:
                before = history[-1].new_size
            history.append(
                SettlementTrade(trade.price, trade.market_price, signed, before + signed)
            )

    def settle_mtm(
        self,
        mark_price: int,
        positions: list[MarketPosition],
        now: int,
        with_events: bool = True,
    ) -> tuple[list[MTMTransfer], list[SettlePosition]]:
        """Losses first (in position order), then wins, as Vega hands them to collateral."""
        trades, self.trades = self.trades, {}
        losses: list[MTMTransfer] = []
        wins: list[MTMTransfer] = []
        events: list[SettlePosition] = []
        zero_wins: list[MTMTransfer] = []
        largest: MTMTransfer | None = None
        largest_exact = 0
        loss_total = win_total = 0

        def classify(transfer: MTMTransfer, share: int, exact: int, negative: bool) -> None:
            nonlocal largest, largest_exact, loss_total, win_total
            if not negative:
                wins.append(transfer)
                win_total += share
                if share == 0:
                    zero_wins.append(transfer)
                if exact > largest_exact:
                    largest, largest_exact = transfer, exact
            elif share == 0:
                wins.append(transfer)
            else:
                losses.append(transfer)
                loss_total += share

        network_trades = trades.get(NETWORK_PARTY)
        if network_trades:
            share, exact, negative = _mtm(
                mark_price, mark_price, 0, network_trades, self.position_factor
            )
            transfer = MTMTransfer(NETWORK_PARTY, _type(negative), share)
            classify(transfer, share, exact, negative)
            if not negative:
                largest, largest_exact = transfer, exact

        for position in positions:
            party = position.party
            if party in self.settled_positions:
                current, last_price = self.settled_positions[party], self.last_mark_price
            else:
                self.settled_positions[party] = position.size
                current, last_price = 0, 0
            history = trades.get(party)
            if with_events:
                events.append(
                    SettlePosition(
                        party,
                        self.market_id,
                        position.price,
                        tuple(history or ()),
                        self.position_factor,
                        now,
                    )
                )
            if not history and last_price == mark_price:
                continue
            share, exact, negative = _mtm(
                mark_price, last_price, current, history or [], self.position_factor
            )
            self.settled_positions[party] = position.size
            if position.size == 0 and position.buy == 0 and position.sell == 0:
                del self.settled_positions[party]
            snapshot = position.copy()
            snapshot.price = mark_price
            classify(MTMTransfer(party, _type(negative), share, snapshot), share, exact, negative)

        delta = loss_total - win_total
        if delta != 0 and largest is not None:
            for transfer in zero_wins:
                if delta == 0:
                    break
                transfer.amount += 1
                transfer.type = TransferType.MTM_WIN
                delta -= 1
            largest.amount += delta
        self.last_mark_price = mark_price
        return losses + wins, events

    def remove_distressed(self, parties: list[str]) -> None:
        for party in parties:
            self.settled_positions.pop(party, None)
            self.trades.pop(party, None)

    def final_settlement(
        self, settlement_price: int, position_factor: PositionFactor
    ) -> tuple[list[MTMTransfer], int]:
        """Loss transfers then win transfers for settlement at `settlement_price` (asset decimals).

        Returns the transfers and the rounding remainder Vega tracks (wins are truncated).
        """
        losses: list[MTMTransfer] = []
        wins: list[MTMTransfer] = []
        remainder_units = 0
        for party in sorted(self.settled_positions):
            size = self.settled_positions[party]
            if size == 0:
                continue
            numerator = size * (settlement_price - self.last_mark_price)
            quotient, remainder = divmod(abs(numerator), position_factor)
            amount, fraction = int(quotient), int(remainder)
            if numerator < 0:
                losses.append(MTMTransfer(party, TransferType.LOSS, amount))
                remainder_units -= fraction
            else:
                wins.append(MTMTransfer(party, TransferType.WIN, amount))
                remainder_units += fraction
        rounding = int(max(0, remainder_units) // position_factor)
        return losses + wins, rounding


def _type(negative: bool) -> TransferType:
    return TransferType.MTM_LOSS if negative else TransferType.MTM_WIN


def _mtm(
    mark_price: int,
    price: int,
    size: int,
    trades: list[SettlementTrade],
    position_factor: PositionFactor,
) -> tuple[int, int, bool]:
    """(amount truncated to units, exact numerator, is a loss), following Vega's sign rules."""
    negative = mark_price < price
    if size < 0:
        size, negative = -size, not negative
    share = abs(mark_price - price) * size
    for trade in trades:
        trade_negative = mark_price < trade.price
        volume = trade.size
        if volume < 0:
            volume, trade_negative = -volume, not trade_negative
        add = abs(mark_price - trade.price) * volume
        if share == 0:
            share, negative = add, trade_negative
        elif trade_negative == negative:
            share += add
        elif share >= add:
            share -= add
        else:
            share, negative = add - share, trade_negative
    return int(share // position_factor), share, negative


@dataclass(frozen=True, slots=True)
class SettleDistressed:
    """The SETTLE_DISTRESSED event: a party closed out with what it still held."""

    party: str
    market_id: str
    price: int
    margin: int
    timestamp: int


@dataclass(frozen=True, slots=True)
class LossSocialization:
    """The LOSS_SOCIALIZATION event: `amount` is negative for a loss."""

    party: str
    market_id: str
    amount: int
    timestamp: int
