"""vega-sim's local data cache, fed synchronously from the embedded data node.

vega-sim's `LocalDataCache` reads the event stream on two threads. Here the
same conversions (vega-sim's own subscription handlers) run inside the block
that published the event, so after `wait_fn` returns the cache already holds
every order, trade and market-data update: no threads, no catch-up, no races.
"""

from __future__ import annotations

from typing import Any

import vega_sim.api.data as data
from vega_sim.local_data_cache import LocalDataCache

from devops.embedded.codec.bus import BusEvent, TimeUpdate
from devops.embedded.codec.governance import Asset
from devops.embedded.codec.markets import Market
from devops.embedded.codec.orders import ACTIVE_ORDER
from devops.embedded.datanode.retention import drop_before
from devops.embedded.datanode.store import DataNodeStore


class SynchronousDataCache(LocalDataCache):
    def __init__(self, store: DataNodeStore, trading_data_client: Any, *decimals: Any) -> None:
        super().__init__(trading_data_client, trading_data_client, *decimals)
        self._store = store
        self._handlers: dict[int, Any] = {}

    def start_live_feeds(
        self,
        market_ids: str | list[str] | None = None,
        party_ids: str | list[str] | None = None,
        start_high_load_feeds: bool = False,
    ) -> None:
        """Load the current state, then follow the stream; calling again only reloads."""
        market_list = [market_ids] if isinstance(market_ids, str) else market_ids
        party_list = [party_ids] if isinstance(party_ids, str) else party_ids
        self.initialise_assets()
        self.initialise_markets()
        self.initialise_time_update_monitoring()
        self.initialise_order_monitoring(market_ids=market_list, party_ids=party_list)
        self.initialise_transfer_monitoring()
        self.initialise_market_data(market_list)
        registry = self.stream_registry + (
            self._high_load_stream_registry if start_high_load_feeds else []
        )
        for kinds, handler in registry:
            for kind in kinds:
                self._handlers[kind] = handler
        if self._on_bus_event not in self._store.stream_listeners:
            self._store.stream_listeners.append(self._on_bus_event)
        if self._prune not in self._store.prune_listeners:
            self._store.prune_listeners.append(self._prune)

    def stop(self) -> None:
        if self._on_bus_event in self._store.stream_listeners:
            self._store.stream_listeners.remove(self._on_bus_event)
        if self._prune in self._store.prune_listeners:
            self._store.prune_listeners.remove(self._prune)

    def _prune(self, cutoff: int) -> None:
        """Keep the data node's retention window: trades and final orders older than the
        cutoff go (live orders stay), so a long run's cache does not grow with it."""
        drop_before(self._trades_from_feed, cutoff, _timestamp)
        for parties in self._dead_order_state_from_feed.values():
            for party, orders in parties.items():
                parties[party] = {
                    order_id: order
                    for order_id, order in orders.items()
                    if (order.updated_at or order.created_at) >= cutoff
                }

    def _on_bus_event(self, event: BusEvent) -> None:
        handler = self._handlers.get(event.type)
        if handler is None:
            return
        output = handler(event)
        if isinstance(output, list):
            for update in output:
                self._apply(update)
        else:
            self._apply(output)

    def _apply(self, update: Any) -> None:
        """One update into the cache, with the same rules as vega-sim's stream monitor."""
        kind = type(update)
        if kind is data.Order:
            self._apply_order(update)
        elif kind is data.MarketData:
            self.market_data_from_feed_store[update.market_id] = update
        elif kind is data.Trade:
            self._trades_from_feed.append(update)
        elif update is not None:
            self._apply_other(update)

    def _apply_other(self, update: Any) -> None:
        """The rarer updates, and subclasses of the frequent ones."""
        if isinstance(update, data.Order):
            self._apply_order(update)
        elif isinstance(update, data.Trade):
            self._trades_from_feed.append(update)
        elif isinstance(update, data.MarketData):
            self.market_data_from_feed_store[update.market_id] = update
        elif isinstance(update, data.LedgerEntry):
            self._ledger_entries_from_feed.append(update)
        elif isinstance(update, data.Transfer):
            self._transfer_state_from_feed.setdefault(update.party_to, {})[update.id] = update
        elif isinstance(update, TimeUpdate):
            self._time_update_from_feed = int(update.timestamp)
        elif isinstance(update, Market):
            self._market_from_feed[update.id] = update
            for decimals in (self._market_pos_decimals, self._market_price_decimals):
                decimals[update.id]  # noqa: B018 - fills the lazily loaded decimals now
            self._market_to_asset[update.id]  # noqa: B018
        elif isinstance(update, Asset):
            self._asset_from_feed[update.id] = update
            self._asset_decimals[update.id]  # noqa: B018

    def _apply_order(self, order: data.Order) -> None:
        live = self._live_order_state_from_feed.setdefault(order.market_id, {}).setdefault(
            order.party_id, {}
        )
        known = live.get(order.id)
        if known is not None and order.version < known.version:
            return  # an older version arriving late changes nothing
        if order.status == ACTIVE_ORDER:
            live[order.id] = order
            return
        live.pop(order.id, None)
        dead = self._dead_order_state_from_feed.setdefault(order.market_id, {})
        dead.setdefault(order.party_id, {})[order.id] = order


def _timestamp(trade: data.Trade) -> int:
    return trade.timestamp
