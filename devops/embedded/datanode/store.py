"""The data node's stores: what Vega's data node keeps, built from the event bus.

Histories (every order version, trades, proposals and votes, liquidity
provisions, positions and PnL, ledger movements, each block's market data, each
party's latest margin levels) come from the bus alone, converted to vega-sim's
protos the moment they are published when the engine goes on mutating its own
records (immutable records are converted when read). Balances, network
parameters, markets (`markets`) and stake come from the bus too (ACCOUNT events,
enacted proposals, market events, stake linkings), over the state the store was
started on. Each market's data is taken from the core at the end of each block,
as Vega's core publishes it; book depth, successor take-overs and chain
statistics, which no event carries, are the core's state at the last block
(`core_view`), which is what a data node in sync with its core returns.

The `retention` policy (`devops.embedded.datanode.retention`) bounds the histories, as a
Vega data node's retention period does: order versions and final orders, trades,
ledger movements, market-data history and rejected transactions older than the
period are dropped; live orders, positions, proposals, assets, provisions and
close-outs are kept whatever their age.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from devops.embedded.codec.bus import BusEvent, bus_event, ledger_movements, time_update
from devops.embedded.codec.governance import asset_proto, copy, enacted_parameter
from devops.embedded.codec.market_data import market_data_proto
from devops.embedded.codec.markets import lineage, market_proto
from devops.embedded.codec.orders import (
    LIVE_ORDER_STATUSES,
    liquidity_provision_proto,
    order_proto,
    trade_proto,
)
from devops.embedded.datanode.core_view import CoreView
from devops.embedded.datanode.markets import MarketsStore
from devops.embedded.datanode.network_store import NetworkStore
from devops.embedded.datanode.positions import PositionsView
from devops.embedded.datanode.retention import ARCHIVE, RetentionPolicy, drop_before, prune_versions
from devops.embedded.node import EmbeddedNode, TransactionResult
from devops.engine.collateral import AccountSnapshot, LedgerMovement
from devops.engine.events.bus import Event, EventType
from devops.engine.events.payloads import MarginLevelsEvent, MarketData
from devops.engine.types import AccountType

LIVE_STATUSES = LIVE_ORDER_STATUSES
BusEventListener = Callable[[BusEvent], None]


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
        self.core = CoreView(node)
        self.retention = retention
        self._next_prune = retention.next_prune(node.vega_time)
        self.orders: dict[str, list[Any]] = {}  # id -> versions, oldest first
        # the ids of live orders, in the order they were first seen (Vega's `orders_live`)
        self.live_orders: dict[str, None] = {}
        self.trades: list[Any] = []  # Trade protos
        self.last_trade: dict[str, Any] = {}  # market id -> its latest Trade proto
        self.proposals: dict[str, Any] = {}  # id -> governance Proposal proto
        self.votes: dict[str, list[Any]] = {}  # proposal id -> Vote protos
        self.provisions: dict[tuple[str, str], Any] = {}  # LiquidityProvision protos
        self.assets: dict[str, Any] = {}  # Asset protos
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
        # what the store starts from, as a data node restores the network's state
        self.accounts: dict[str, AccountSnapshot] = {
            account.id: _snapshot(account)
            for account in node.engine.collateral.accounts.values()
            if account.type != AccountType.EXTERNAL
        }
        self.network_parameters: dict[str, str] = dict(node.engine.netparams.items())
        # each event type's intake, looked up once per event rather than tested in turn
        self._intake: dict[EventType, Callable[[Any], None]] = {
            EventType.ORDER: self._order,
            EventType.TRADE: self._trade,
            EventType.PROPOSAL: self._proposal,
            EventType.VOTE: self._vote,
            EventType.LIQUIDITY_PROVISION: self._provision,
            EventType.ASSET: self._asset_event,
            EventType.TRANSACTION_RESULT: self.rejections.append,
            EventType.SETTLE_DISTRESSED: self._close_out,
            EventType.MARKET_CREATED: self._market_created,
            EventType.TIME_UPDATE: self._time_update,
            EventType.LEDGER_MOVEMENTS: self._ledger_movement,
            EventType.MARGIN_LEVELS: self._margin_levels,
            EventType.ACCOUNT: self._account,
        }
        # first, so each market is known when its own events reach the store
        self.markets = MarketsStore(self)
        node.engine.bus.subscribe(self._on_event, list(self._intake))
        self.network = NetworkStore(self)
        node.block_listeners.append(self._on_block_end)

    # ---- intake -----------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        self._intake[event.type](event.payload)

    def _order(self, payload: Any) -> None:
        message = order_proto(payload)
        order_id = message.id
        if order_id:
            versions = self.orders.get(order_id)
            if versions is None:
                self.orders[order_id] = [message]
            else:
                versions.append(message)
            if message.status in LIVE_STATUSES:
                self.live_orders[order_id] = None
            else:
                self.live_orders.pop(order_id, None)
        if self.stream_listeners:
            self._stream("order", message)

    def _trade(self, payload: Any) -> None:
        message = trade_proto(payload)
        self.trades.append(message)
        self.last_trade[message.market_id] = message
        if self.stream_listeners:
            self._stream("trade", message)

    def _proposal(self, payload: Any) -> None:
        self.proposals[payload.id] = copy(payload)
        parameter = enacted_parameter(payload)
        if parameter is not None:
            key, value = parameter
            self.network_parameters[key] = value

    def _vote(self, payload: Any) -> None:
        self.votes.setdefault(payload.proposal_id, []).append(payload)

    def _provision(self, payload: Any) -> None:
        message = liquidity_provision_proto(payload)
        self.provisions[(message.market_id, message.party_id)] = message

    def _asset_event(self, payload: Any) -> None:
        self._asset(*payload)

    def _close_out(self, payload: Any) -> None:
        self.close_outs.append((self.node.height + 1, payload.market_id, payload.party))

    def _market_created(self, payload: Any) -> None:
        self._stream("market_created", self.market_proto(payload.market_id))

    def _time_update(self, payload: Any) -> None:
        if self.stream_listeners:
            self._stream("time_update", time_update(payload))

    def _ledger_movement(self, payload: LedgerMovement) -> None:
        # the movement is immutable: kept as published, converted when read
        self.ledger.append((self.node.next_block_time, payload))
        if self._keep_ledger and self.stream_listeners:
            self._stream("ledger_movements", ledger_movements(payload))

    def _margin_levels(self, payload: MarginLevelsEvent) -> None:
        self.margin_levels[(payload.market_id, payload.party)] = payload

    def _account(self, payload: AccountSnapshot) -> None:
        if payload.type != AccountType.EXTERNAL:
            self.accounts[payload.id] = payload

    def _asset(self, asset_id: str, decimals: int, quantum: int) -> None:
        message = asset_proto(
            asset_id,
            self.node.governance.asset_details.get(asset_id),
            decimals=decimals,
            quantum=quantum,
            faucet_limit=self.node.faucet_limits.get(asset_id, 0),
        )
        self.assets[asset_id] = message
        self._stream("asset", message)

    def _on_block_end(self) -> None:
        """Vega publishes every market's data at the end of each block; the node keeps it."""
        for market_id in self.markets.ids():
            data = self.core.market_data(market_id)
            self.market_data_history.setdefault(market_id, []).append(data)
            if self.stream_listeners:
                self._stream("market_data", market_data_proto(data))
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

    def _stream(self, field: str, message: Any) -> None:
        """`message` to every stream listener, in the BusEvent field `field`."""
        listeners = self.stream_listeners
        if not listeners:
            return
        event = bus_event(field, message, self.node.height + 1)
        if len(listeners) == 1:
            listeners[0](event)
            return
        for listener in list(listeners):
            listener(event)

    # ---- live reads -------------------------------------------------------------------------

    def market_proto(self, market_id: str) -> Any:
        """The data node's `Market`: the proposal's terms, the core's factors and state."""
        update = self.markets.updates[market_id]
        proposed, created = self.markets.times[market_id]
        message = market_proto(
            self.markets.config(market_id),
            self.markets.changes[market_id],
            state=int(update.state),
            trading_mode=int(update.trading_mode),
            proposed_at=proposed,
            pending_at=created,
            open_at=0,  # the core publishes no opening time
        )
        parent, fraction = self.markets.parents.get(market_id, ("", Decimal(0)))
        lineage(message, parent, fraction, self.core.successor(market_id))
        return message

    def latest_market_data(self, market_id: str) -> MarketData:
        """The data the market published at the end of the last block."""
        return self.market_data_history[market_id][-1]

    def market_data_proto(self, market_id: str) -> Any:
        return market_data_proto(self.latest_market_data(market_id))

    def stake_balance(self, party: str) -> int:
        return self.network.stake_balances.get(party, 0)


def _snapshot(account: Any) -> AccountSnapshot:
    return AccountSnapshot(
        account.id, account.owner, account.asset, account.market_id, account.type, account.balance
    )


def _order_time(order: Any) -> int:
    return order.updated_at or order.created_at


def _order_is_live(order: Any) -> bool:
    return order.status in LIVE_STATUSES


def _trade_time(trade: Any) -> int:
    return trade.timestamp


def _market_data_time(data: MarketData) -> int:
    return data.timestamp


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _block(result: TransactionResult) -> int:
    return result.block
