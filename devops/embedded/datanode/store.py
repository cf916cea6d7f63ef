"""The data node's stores: what Vega's data node keeps, built from the event bus.

Histories (every order version, trades, proposals and votes, liquidity
provisions, positions and PnL, ledger movements, each block's market data, each
party's latest margin levels) come from the bus alone, converted to vega-sim's
protos the moment they are published when the engine goes on mutating its own
records (immutable records are converted when read). Current balances, market
data and depth are the engine's live state at the last block, which is what a
data node in sync with its core returns.

The `retention` policy (`devops.embedded.datanode.retention`) bounds the histories, as a
Vega data node's retention period does: order versions and final orders, trades,
ledger movements, market-data history and rejected transactions older than the
period are dropped; live orders, positions, proposals, assets, provisions and
close-outs are kept whatever their age.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vega_sim.proto.vega import assets_pb2, vega_pb2
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.embedded.codec.markets import market_proto
from devops.embedded.codec.records import (
    ledger_movement_proto,
    liquidity_provision_proto,
    market_data_proto,
    order_proto,
    trade_proto,
)
from devops.embedded.datanode.network_store import NetworkStore
from devops.embedded.datanode.positions import PositionsView
from devops.embedded.datanode.retention import ARCHIVE, RetentionPolicy, drop_before, prune_versions
from devops.embedded.node import EmbeddedNode, TransactionResult
from devops.engine.collateral import LedgerMovement
from devops.engine.events.bus import Event, EventType
from devops.engine.events.payloads import MarginLevelsEvent, MarketData

LIVE_STATUSES = (vega_pb2.Order.Status.STATUS_ACTIVE, vega_pb2.Order.Status.STATUS_PARKED)
BusEventListener = Callable[[events_pb2.BusEvent], None]
# the BusEvent field each streamed record goes into, and its event type
_STREAMED = {
    "order": events_pb2.BUS_EVENT_TYPE_ORDER,
    "trade": events_pb2.BUS_EVENT_TYPE_TRADE,
    "asset": events_pb2.BUS_EVENT_TYPE_ASSET,
    "market_created": events_pb2.BUS_EVENT_TYPE_MARKET_CREATED,
    "market_data": events_pb2.BUS_EVENT_TYPE_MARKET_DATA,
    "time_update": events_pb2.BUS_EVENT_TYPE_TIME_UPDATE,
    "ledger_movements": events_pb2.BUS_EVENT_TYPE_LEDGER_MOVEMENTS,
    "transfer": events_pb2.BUS_EVENT_TYPE_TRANSFER,
    "epoch_event": events_pb2.BUS_EVENT_TYPE_EPOCH_UPDATE,
    "stake_linking": events_pb2.BUS_EVENT_TYPE_STAKE_LINKING,
    "delegation_balance": events_pb2.BUS_EVENT_TYPE_DELEGATION_BALANCE,
    "validator_score": events_pb2.BUS_EVENT_TYPE_VALIDATOR_SCORE,
    "reward_payout": events_pb2.BUS_EVENT_TYPE_REWARD_PAYOUT_EVENT,
}


class DataNodeStore:
    """Every record a query may ask for, kept in publication order."""

    def __init__(
        self,
        node: EmbeddedNode,
        *,
        keep_ledger: bool = False,
        retention: RetentionPolicy = ARCHIVE,
    ) -> None:
        """`keep_ledger` streams ledger movements to listeners (the high-volume stream);
        the store keeps them either way, as a data node always stores ledger entries."""
        self.node = node
        self.retention = retention
        self._next_prune = retention.next_prune(node.vega_time)
        self.orders: dict[str, list[vega_pb2.Order]] = {}  # id -> versions, oldest first
        # the ids of live orders, in the order they were first seen (Vega's `orders_live`)
        self.live_orders: dict[str, None] = {}
        self.trades: list[vega_pb2.Trade] = []
        self.last_trade: dict[str, vega_pb2.Trade] = {}  # market id -> its latest trade
        self.proposals: dict[str, Any] = {}  # id -> governance Proposal proto
        self.votes: dict[str, list[Any]] = {}  # proposal id -> Vote protos
        self.provisions: dict[tuple[str, str], vega_pb2.LiquidityProvision] = {}
        self.assets: dict[str, assets_pb2.Asset] = {}
        self.ledger: list[tuple[int, LedgerMovement]] = []  # (block time, movement)
        self.market_data_history: dict[str, list[MarketData]] = {}  # market id -> per block
        self.margin_levels: dict[tuple[str, str], MarginLevelsEvent] = {}  # (market, party)
        self.rejections: list[TransactionResult] = []
        self.close_outs: list[tuple[int, str, str]] = []  # (block, market id, party)
        self.positions = PositionsView(node.engine.bus)
        self.stream_listeners: list[BusEventListener] = []
        # told the cutoff after each prune, so caches fed from the stream keep the same window
        self.prune_listeners: list[Callable[[int], None]] = []
        self._keep_ledger = keep_ledger
        types = [
            EventType.ORDER,
            EventType.TRADE,
            EventType.PROPOSAL,
            EventType.VOTE,
            EventType.LIQUIDITY_PROVISION,
            EventType.ASSET,
            EventType.TRANSACTION_RESULT,
            EventType.SETTLE_DISTRESSED,
            EventType.MARKET_CREATED,
            EventType.TIME_UPDATE,
            EventType.LEDGER_MOVEMENTS,
            EventType.MARGIN_LEVELS,
        ]
        node.engine.bus.subscribe(self._on_event, types)
        self.network = NetworkStore(self)
        node.block_listeners.append(self._on_block_end)

    # ---- intake -----------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        kind = event.type
        if kind is EventType.ORDER:
            message = order_proto(payload)
            if message.id:
                self.orders.setdefault(message.id, []).append(message)
                if message.status in LIVE_STATUSES:
                    self.live_orders[message.id] = None
                else:
                    self.live_orders.pop(message.id, None)
            self._stream(order=message)
        elif kind is EventType.TRADE:
            message = trade_proto(payload)
            self.trades.append(message)
            self.last_trade[message.market_id] = message
            self._stream(trade=message)
        elif kind is EventType.PROPOSAL:
            copy = type(payload)()
            copy.CopyFrom(payload)
            self.proposals[copy.id] = copy
        elif kind is EventType.VOTE:
            self.votes.setdefault(payload.proposal_id, []).append(payload)
        elif kind is EventType.LIQUIDITY_PROVISION:
            message = liquidity_provision_proto(payload)
            self.provisions[(message.market_id, message.party_id)] = message
        elif kind is EventType.ASSET:
            self._asset(*payload)
        elif kind is EventType.TRANSACTION_RESULT:
            self.rejections.append(payload)
        elif kind is EventType.SETTLE_DISTRESSED:
            self.close_outs.append((self.node.height + 1, payload.market_id, payload.party))
        elif kind is EventType.MARKET_CREATED:
            self._stream(market_created=self.market_proto(payload.market_id))
        elif kind is EventType.TIME_UPDATE:
            self._stream(time_update=events_pb2.TimeUpdate(timestamp=payload))
        elif kind is EventType.LEDGER_MOVEMENTS:
            # the movement is immutable: kept as published, converted when read
            self.ledger.append((self.node.next_block_time, payload))
            if self._keep_ledger:
                movement = ledger_movement_proto(payload)
                self._stream(
                    ledger_movements=events_pb2.LedgerMovements(ledger_movements=[movement])
                )
        elif kind is EventType.MARGIN_LEVELS:
            self.margin_levels[(payload.market_id, payload.party)] = payload

    def _asset(self, asset_id: str, decimals: int, quantum: int) -> None:
        details = self.node.governance.asset_details.get(asset_id)
        message = assets_pb2.Asset(id=asset_id, status=assets_pb2.Asset.Status.STATUS_ENABLED)
        if details is not None:
            message.details.CopyFrom(details)
        else:  # a genesis asset
            message.details.name = asset_id
            message.details.symbol = asset_id
            message.details.decimals = decimals
            message.details.quantum = str(quantum)
            limit = self.node.faucet_limits.get(asset_id, 0)
            message.details.builtin_asset.max_faucet_amount_mint = str(limit)
        self.assets[asset_id] = message
        self._stream(asset=message)

    def _on_block_end(self) -> None:
        """Vega publishes every market's data at the end of each block; the node keeps it."""
        for market_id in self.node.engine.markets:
            if market_id in self.node.governance.market_changes:
                data = self.node.engine.market_data(market_id)
                self.market_data_history.setdefault(market_id, []).append(data)
                if self.stream_listeners:
                    self._stream(market_data=market_data_proto(data))
        if self._next_prune is not None and self.node.vega_time >= self._next_prune:
            self.prune()

    def prune(self) -> None:
        """Drop the history older than the retention period (nothing under ARCHIVE)."""
        now = self.node.vega_time
        cutoff = self.retention.cutoff(now)
        self._next_prune = self.retention.next_prune(now)
        if cutoff is None:
            return
        prune_versions(self.orders, cutoff, _order_time, _order_is_live)
        drop_before(self.trades, cutoff, _trade_time)
        drop_before(self.ledger, cutoff, _first)
        for history in self.market_data_history.values():
            drop_before(history, cutoff, _market_data_time)
        oldest_block = self.node.height - (now - cutoff) // self.node.block_duration
        drop_before(self.rejections, oldest_block, _block)
        # the node's delivery log is the data node's transaction-results table
        drop_before(self.node.results, oldest_block, _block)
        for listener in self.prune_listeners:
            listener(cutoff)

    def _stream(self, **event: Any) -> None:
        if not self.stream_listeners:
            return
        ((field, message),) = event.items()
        kind = _STREAMED[field]
        bus_event = events_pb2.BusEvent(type=kind, block=str(self.node.height + 1))
        getattr(bus_event, field).CopyFrom(message)
        for listener in list(self.stream_listeners):
            listener(bus_event)

    # ---- live reads -------------------------------------------------------------------------

    def market_proto(self, market_id: str) -> Any:
        market = self.node.engine.markets[market_id]
        proposed, pending = self.node.governance.market_times.get(market_id, (0, 0))
        message = market_proto(
            market.config,
            self.node.governance.market_changes[market_id],
            state=int(market.state),
            trading_mode=int(market.trading_mode),
            proposed_at=proposed,
            pending_at=pending,
            open_at=getattr(market, "opened_at", 0) or 0,
        )
        succession = self.node.network.succession
        successor = succession.proposed.get(market_id)
        if successor is not None:  # spec 0081-SUCM: the data node shows the lineage
            message.parent_market_id = successor.parent_id
            message.insurance_pool_fraction = str(successor.insurance_fraction)
        if market_id in succession.succeeded_by:
            message.successor_market_id = succession.succeeded_by[market_id]
        return message

    def market_data_proto(self, market_id: str) -> vega_pb2.MarketData:
        return market_data_proto(self.node.engine.market_data(market_id))


def _order_time(order: vega_pb2.Order) -> int:
    return order.updated_at or order.created_at


def _order_is_live(order: vega_pb2.Order) -> bool:
    return order.status in LIVE_STATUSES


def _trade_time(trade: vega_pb2.Trade) -> int:
    return trade.timestamp


def _market_data_time(data: MarketData) -> int:
    return data.timestamp


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _block(result: TransactionResult) -> int:
    return result.block
