"""Market activity: the fees each party paid and received per market this epoch.

As Vega core's market activity tracker (spec 0056-REWA): maker fees paid, maker
fees received and liquidity fees received are summed per market and party from
the fee transfers, and cleared when an epoch starts. A market's score for a
dispatch metric is its share of the metric's total over the markets in scope
(all markets when none are named) settled in the metric's asset; a party's score
in a market is its share of that market's fees of one kind. For the market
creation metric, every in-scope market whose traded value exceeds its asset's
quantum times `rewards.marketCreationQuantumMultiple`, and whose proposer this
funder has not yet paid from this asset for this scope, scores equally. Built
from the market, trade and ledger events on the bus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from devops.engine.banking.transfers import DispatchMetric, DispatchStrategy
from devops.engine.epochtime import Epoch, EpochAction
from devops.engine.events.bus import Event, EventBus, EventType
from devops.engine.types import TransferType
from devops.engine.vega_decimal import decimal_div

_METRIC_OF = {
    TransferType.MAKER_FEE_PAY: DispatchMetric.MAKER_FEES_PAID,
    TransferType.MAKER_FEE_RECEIVE: DispatchMetric.MAKER_FEES_RECEIVED,
    TransferType.LIQUIDITY_FEE_DISTRIBUTE: DispatchMetric.LP_FEES_RECEIVED,
}


@dataclass(slots=True)
class _MarketFees:
    asset: str
    by_metric: dict[DispatchMetric, dict[str, int]] = field(default_factory=dict)
    proposer: str = ""
    value_traded: int = 0
    proposers_paid: set[str] = field(default_factory=set)

    def total(self, metric: DispatchMetric) -> int:
        return sum(self.by_metric.get(metric, {}).values())


class MarketActivity:
    """Fee activity per market and party for the current epoch."""

    def __init__(
        self,
        bus: EventBus,
        *,
        proposer_of: Callable[[str], str] = lambda market: "",
        position_factor: Callable[[str], Decimal] = lambda market: Decimal(1),
        bonus_threshold: Callable[[str], Decimal] = lambda asset: Decimal(0),
    ) -> None:
        self.markets: dict[str, _MarketFees] = {}
        self._proposer_of = proposer_of
        self._position_factor = position_factor
        self._bonus_threshold = bonus_threshold  # asset -> quantum x creation multiple
        bus.subscribe(self._on_ledger, (EventType.LEDGER_MOVEMENTS,))
        bus.subscribe(self._on_market, (EventType.MARKET_CREATED,))
        bus.subscribe(self._on_trade, (EventType.TRADE,))

    def _on_market(self, event: Event) -> None:
        update = event.payload
        if update.market_id not in self.markets:
            self.markets[update.market_id] = _MarketFees(
                update.config.asset, proposer=self._proposer_of(update.market_id)
            )

    def _on_trade(self, event: Event) -> None:
        trade = event.payload
        fees = self.markets.get(trade.market_id)
        if fees is not None:
            value = Decimal(trade.price * trade.size) / self._position_factor(trade.market_id)
            fees.value_traded += int(value.to_integral_value(rounding=ROUND_DOWN))

    def proposer(self, market: str) -> str:
        fees = self.markets.get(market)
        return fees.proposer if fees is not None else ""

    def _on_ledger(self, event: Event) -> None:
        for entry in event.payload.entries:
            metric = _METRIC_OF.get(entry.type)
            if metric is None:
                continue
            if entry.type == TransferType.MAKER_FEE_PAY:
                party, market = entry.from_account.owner, entry.to_account.market_id
            else:
                party, market = entry.to_account.owner, entry.from_account.market_id
            fees = self.markets.setdefault(market, _MarketFees(entry.to_account.asset))
            by_party = fees.by_metric.setdefault(metric, {})
            by_party[party] = by_party.get(party, 0) + entry.amount

    def on_epoch(self, epoch: Epoch) -> None:
        if epoch.action is EpochAction.START:
            for fees in self.markets.values():
                fees.by_metric.clear()

    def market_scores(
        self, strategy: DispatchStrategy, payout_asset: str = "", funder: str = ""
    ) -> list[tuple[str, Decimal]]:
        """Each in-scope market's share of the metric's total, in market id order."""
        if strategy.metric == DispatchMetric.MARKET_VALUE:
            return self._eligible_proposers(strategy, payout_asset, funder)
        in_scope = sorted(strategy.markets or self.markets)
        metric, asset = strategy.metric, strategy.asset_for_metric
        totals = {
            m: self.markets[m].total(metric)
            for m in in_scope
            if m in self.markets and self.markets[m].asset == asset
        }
        grand_total = sum(totals.values())
        if grand_total == 0:
            return []
        scores = [(m, decimal_div(Decimal(t), Decimal(grand_total))) for m, t in totals.items()]
        scores = [(m, s) for m, s in scores if s > 0]
        total_score = sum((s for _, s in scores), Decimal(0))
        if total_score > 1:  # rounding may overshoot: trim the highest-scoring market
            top = max(range(len(scores)), key=lambda i: (scores[i][1], -i))
            market, score = scores[top]
            scores[top] = (market, max(Decimal(0), score - (total_score - 1)))
        return scores

    @staticmethod
    def _paid_key(strategy: DispatchStrategy, payout_asset: str, funder: str) -> str:
        return f"{payout_asset}:{funder}:{'_'.join(strategy.markets) or 'all'}"

    def _eligible_proposers(
        self, strategy: DispatchStrategy, payout_asset: str, funder: str
    ) -> list[tuple[str, Decimal]]:
        key = self._paid_key(strategy, payout_asset, funder)
        eligible = [
            market
            for market in sorted(strategy.markets or self.markets)
            if (fees := self.markets.get(market)) is not None
            and (not strategy.asset_for_metric or fees.asset == strategy.asset_for_metric)
            and key not in fees.proposers_paid
            and fees.value_traded > self._bonus_threshold(fees.asset)
        ]
        if not eligible:
            return []
        share = decimal_div(Decimal(1), Decimal(len(eligible)))
        return [(market, share) for market in eligible]

    def mark_paid(
        self, market: str, strategy: DispatchStrategy, payout_asset: str, funder: str
    ) -> None:
        fees = self.markets.get(market)
        if fees is not None:
            fees.proposers_paid.add(self._paid_key(strategy, payout_asset, funder))

    def party_scores(self, market: str, fee_type: TransferType) -> list[tuple[str, Decimal]]:
        """Each party's share of a market's fees of `fee_type`, in party order."""
        fees = self.markets.get(market)
        metric = _METRIC_OF.get(fee_type)
        if fees is None or metric is None:
            return []
        by_party = fees.by_metric.get(metric, {})
        total = sum(by_party.values())
        return [
            (party, decimal_div(Decimal(by_party[party]), Decimal(total)) if total else Decimal(0))
            for party in sorted(by_party)
        ]
