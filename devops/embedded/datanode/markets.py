"""The data node's markets, from MARKET_CREATED, MARKET_UPDATED and proposal events.

Each governance market's latest definition and state as the core published
them, the proposal terms it was created from (kept in step with enacted market
updates, as governance applies them), when it was proposed and created, and the
parent it succeeds. Risk factors are derived from the risk model alone, as Vega
derives them, so they need no event of their own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from devops.embedded.codec.governance import enacted_market_update, new_market_changes
from devops.embedded.codec.markets import updated_market_changes
from devops.engine.events.bus import Event, EventType
from devops.engine.events.payloads import MarketUpdate
from devops.engine.risk.models import RiskFactors, risk_factors
from devops.engine.types import MarketConfig

if TYPE_CHECKING:
    from devops.embedded.datanode.store import DataNodeStore


class MarketsStore:
    """Governance markets by id, in creation order."""

    def __init__(self, store: DataNodeStore) -> None:
        self._store = store
        self.updates: dict[str, MarketUpdate] = {}  # market id -> latest published state
        self.changes: dict[str, Any] = {}  # market id -> NewMarketConfiguration proto
        self.times: dict[str, tuple[int, int]] = {}  # market id -> (proposed, created)
        self.parents: dict[str, tuple[str, Decimal]] = {}  # successor -> (parent, fraction)
        self._risk: dict[str, tuple[object, RiskFactors]] = {}  # market id -> (model, factors)
        store.node.engine.bus.subscribe(
            self._on_event, (EventType.MARKET_CREATED, EventType.MARKET_UPDATED, EventType.PROPOSAL)
        )

    def __contains__(self, market_id: str) -> bool:
        return market_id in self.updates

    def ids(self) -> list[str]:
        return list(self.updates)

    def config(self, market_id: str) -> MarketConfig:
        config = self.updates[market_id].config
        assert isinstance(config, MarketConfig)
        return config

    def risk_factors(self, market_id: str) -> RiskFactors:
        model = self.config(market_id).risk_model
        cached = self._risk.get(market_id)
        if cached is None or cached[0] != model:
            cached = self._risk[market_id] = (model, risk_factors(model))
        return cached[1]

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        if event.type is EventType.PROPOSAL:
            update = enacted_market_update(payload)
            if update is not None and update[0] in self.changes:
                market_id, new = update
                self.changes[market_id] = updated_market_changes(self.changes[market_id], new)
            return
        if event.type is EventType.MARKET_CREATED:
            proposal = self._store.proposals.get(payload.market_id)
            if proposal is None or proposal.terms.WhichOneof("change") != "new_market":
                return  # not a governance market: the data node does not list it
            changes, parent, fraction = new_market_changes(proposal)
            self.changes[payload.market_id] = changes
            self.times[payload.market_id] = (proposal.timestamp, payload.timestamp)
            if parent:
                self.parents[payload.market_id] = (parent, Decimal(fraction or "0"))
        if payload.market_id in self.changes:
            self.updates[payload.market_id] = payload
