"""Trading fees: maker, infrastructure and liquidity fees per trade.

Implements 0029-FEES. Each fee is `ceil(price · size / position factor · factor)`.
In continuous trading the aggressor pays all three and the maker receives the
maker fee; in a monitoring auction each side pays half of the infrastructure
and liquidity fees (rounded up) and there is no maker fee; the opening auction
is free. Distressed parties share a close-out's fees by their position size.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from devops.engine.types import FeeFactors, PositionFactor, Side, Trade, TransferType


@dataclass(frozen=True, slots=True)
class Fee:
    maker: int = 0
    infrastructure: int = 0
    liquidity: int = 0

    @property
    def total(self) -> int:
        return self.maker + self.infrastructure + self.liquidity

    def as_dict(self) -> dict[str, int]:
        return {
            "maker_fee": self.maker,
            "infrastructure_fee": self.infrastructure,
            "liquidity_fee": self.liquidity,
        }


@dataclass(frozen=True, slots=True)
class FeeTransfer:
    owner: str
    type: TransferType
    amount: int


@dataclass(frozen=True, slots=True)
class FeeBill:
    """The transfers to make, in order, and what each party must be able to pay."""

    transfers: tuple[FeeTransfer, ...]
    totals: dict[str, int]


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def trade_fee(trade: Trade, factors: FeeFactors, position_factor: PositionFactor) -> Fee:
    notional = Decimal(trade.price * trade.size) / position_factor
    return Fee(
        _ceil(notional * factors.maker),
        _ceil(notional * factors.infrastructure),
        _ceil(notional * factors.liquidity),
    )


def continuous_fees(
    trades: list[Trade], factors: FeeFactors, position_factor: PositionFactor
) -> FeeBill:
    """The aggressor pays; fees are written onto each trade."""
    pays: list[FeeTransfer] = []
    receives: list[FeeTransfer] = []
    total = infrastructure = liquidity = 0
    aggressor = maker = ""
    for trade in trades:
        fee = trade_fee(trade, factors, position_factor)
        if trade.aggressor == Side.BUY:
            trade.buyer_fee, trade.seller_fee = fee.as_dict(), Fee().as_dict()
            aggressor, maker = trade.buyer, trade.seller
        else:
            trade.seller_fee, trade.buyer_fee = fee.as_dict(), Fee().as_dict()
            aggressor, maker = trade.seller, trade.buyer
        total += fee.total
        infrastructure += fee.infrastructure
        liquidity += fee.liquidity
        pays.append(FeeTransfer(aggressor, TransferType.MAKER_FEE_PAY, fee.maker))
        receives.append(FeeTransfer(maker, TransferType.MAKER_FEE_RECEIVE, fee.maker))
    pays.append(FeeTransfer(aggressor, TransferType.INFRASTRUCTURE_FEE_PAY, infrastructure))
    pays.append(FeeTransfer(aggressor, TransferType.LIQUIDITY_FEE_PAY, liquidity))
    totals = {aggressor: total}
    totals.setdefault(maker, 0)
    return FeeBill(tuple(pays + receives), totals)


def auction_fees(
    trades: list[Trade], factors: FeeFactors, position_factor: PositionFactor
) -> FeeBill:
    """Each side pays half the infrastructure and liquidity fees, rounded up."""
    transfers: list[FeeTransfer] = []
    totals: dict[str, int] = {}
    for trade in trades:
        full = trade_fee(trade, factors, position_factor)
        half = Fee(0, _ceil(Decimal(full.infrastructure) / 2), _ceil(Decimal(full.liquidity) / 2))
        for party in (trade.seller, trade.buyer):
            transfers.append(
                FeeTransfer(party, TransferType.INFRASTRUCTURE_FEE_PAY, half.infrastructure)
            )
            transfers.append(FeeTransfer(party, TransferType.LIQUIDITY_FEE_PAY, half.liquidity))
            totals[party] = totals.get(party, 0) + half.total
        trade.buyer_fee = trade.seller_fee = half.as_dict()
    return FeeBill(tuple(transfers), totals)


def closeout_fees(
    trades: list[Trade],
    distressed_sizes: dict[str, int],
    factors: FeeFactors,
    position_factor: PositionFactor,
) -> tuple[FeeBill, dict[str, Fee]]:
    """Fees of the network's close-out trades, charged to the distressed parties pro rata."""
    total_size = sum(abs(s) for s in distressed_sizes.values())
    shares = {
        party: Decimal(abs(size)) / Decimal(total_size) if total_size else Decimal(0)
        for party, size in distressed_sizes.items()
    }
    transfers: list[FeeTransfer] = []
    totals: dict[str, int] = {}
    party_fees = {party: Fee() for party in distressed_sizes}
    for trade in trades:
        fee = trade_fee(trade, factors, position_factor)
        good_party = trade.buyer
        trade.seller_fee = fee.as_dict()
        if good_party == "network":
            good_party = trade.seller
            trade.seller_fee = Fee().as_dict()
            trade.buyer_fee = fee.as_dict()
        for party, share in shares.items():
            part = Fee(
                _ceil(fee.maker * share),
                _ceil(fee.infrastructure * share),
                _ceil(fee.liquidity * share),
            )
            transfers.append(FeeTransfer(party, TransferType.MAKER_FEE_PAY, part.maker))
            transfers.append(
                FeeTransfer(party, TransferType.INFRASTRUCTURE_FEE_PAY, part.infrastructure)
            )
            transfers.append(FeeTransfer(party, TransferType.LIQUIDITY_FEE_PAY, part.liquidity))
            totals[party] = totals.get(party, 0) + part.total
            before = party_fees[party]
            party_fees[party] = Fee(
                before.maker + part.maker,
                before.infrastructure + part.infrastructure,
                before.liquidity + part.liquidity,
            )
        transfers.append(FeeTransfer(good_party, TransferType.MAKER_FEE_RECEIVE, fee.maker))
    return FeeBill(tuple(transfers), totals), party_fees
