"""Data-node reads over the stored histories, with Vega's data-node semantics (v0.72.6).

- `ListLedgerEntries` (`datanode/sqlstore/ledger.go`, `ledgerentry_filter.go`): at
  most one party per side and at least one party overall; each side's filter ANDs
  its asset, party, markets and account types; with both sides given the entry must
  match both when `close_on_account_filters` is set, either otherwise; transfer types
  are ORed and then ANDed; the date range is `start <= time < end`.
- `GetMarketDataHistoryByID` (`datanode/sqlstore/market_data.go`): the records with
  `start <= time <= end`, an unset bound being time 0 as Vega reads it.
- `ListMarginLevels`: each party's levels as last published, stamped with the block
  time they were computed at.
- Position status (`datanode/entities/position.go`): distressed, orders closed or
  closed out, as the distressed events and the close-out settlement leave it.
"""

from __future__ import annotations

from typing import Any

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

from devops.embedded.codec.records import margin_levels_proto, market_data_proto
from devops.embedded.datanode.store import DataNodeStore
from devops.engine.collateral import AccountSnapshot, LedgerEntry

_POSITION_STATUS = {
    "DISTRESSED": vega_pb2.POSITION_STATUS_DISTRESSED,
    "ORDERS_CLOSED": vega_pb2.POSITION_STATUS_ORDERS_CLOSED,
    "CLOSED_OUT": vega_pb2.POSITION_STATUS_CLOSED_OUT,
}


class InvalidArgumentError(ValueError):
    """A request a data node refuses (gRPC INVALID_ARGUMENT)."""


def position_status(status: str) -> int:
    """Vega's `PositionStatus` for the positions view's status name."""
    return _POSITION_STATUS.get(status, vega_pb2.POSITION_STATUS_UNSPECIFIED)


def market_data_history(store: DataNodeStore, request: Any) -> list[vega_pb2.MarketData]:
    start, end = request.start_timestamp, request.end_timestamp
    return [
        market_data_proto(data)
        for data in store.market_data_history.get(request.market_id, [])
        if start <= data.timestamp <= end
    ]


def margin_levels(store: DataNodeStore, request: Any) -> list[vega_pb2.MarginLevels]:
    return [
        margin_levels_proto(levels)
        for (market_id, party), levels in store.margin_levels.items()
        if (not request.party_id or party == request.party_id)
        and (not request.market_id or market_id == request.market_id)
    ]


def _owner(account: AccountSnapshot) -> str:
    return "" if account.owner == "*" else account.owner


def _side_matches(account: AccountSnapshot, wanted: Any, asset_id: str) -> bool:
    return (
        (not asset_id or account.asset == asset_id)
        and (not wanted.party_ids or _owner(account) == wanted.party_ids[0])
        and (not wanted.market_ids or account.market_id in wanted.market_ids)
        and (not wanted.account_types or int(account.type) in wanted.account_types)
    )


def _side_given(wanted: Any) -> bool:
    return bool(wanted.asset_id or wanted.party_ids or wanted.market_ids or wanted.account_types)


def ledger_entries(store: DataNodeStore, request: Any) -> list[td.AggregatedLedgerEntry]:
    wanted = request.filter
    senders, receivers = wanted.from_account_filter, wanted.to_account_filter
    if len(senders.party_ids) > 1 or len(receivers.party_ids) > 1:
        raise InvalidArgumentError("filtering ledger entries should be limited to a single party")
    if not senders.party_ids and not receivers.party_ids:
        raise InvalidArgumentError("filtering ledger entries should be limited to a single party")
    from_given, to_given = _side_given(senders), _side_given(receivers)
    types = set(wanted.transfer_types)
    start = request.date_range.start_timestamp
    end = request.date_range.end_timestamp if request.date_range.HasField("end_timestamp") else None
    nodes = []
    for time, movement in store.ledger:
        if time < start or (end is not None and time >= end):
            continue
        for entry in movement.entries:
            from_ok = from_given and _side_matches(entry.from_account, senders, senders.asset_id)
            to_ok = to_given and _side_matches(entry.to_account, receivers, receivers.asset_id)
            if from_given and to_given:
                chosen = (
                    (from_ok and to_ok) if wanted.close_on_account_filters else from_ok or to_ok
                )
            else:
                chosen = from_ok if from_given else to_ok
            if chosen and (not types or int(entry.type) in types):
                nodes.append(_aggregated(entry, time))
    return nodes


def _aggregated(entry: LedgerEntry, time: int) -> td.AggregatedLedgerEntry:
    sender, receiver = entry.from_account, entry.to_account
    message = td.AggregatedLedgerEntry(
        timestamp=time,
        quantity=str(entry.amount),
        transfer_type=int(entry.type),
        asset_id=sender.asset,
        from_account_type=int(sender.type),
        to_account_type=int(receiver.type),
        from_account_balance=str(sender.balance),
        to_account_balance=str(receiver.balance),
    )
    for field, value in (
        ("from_account_party_id", _owner(sender)),
        ("to_account_party_id", _owner(receiver)),
        ("from_account_market_id", sender.market_id),
        ("to_account_market_id", receiver.market_id),
    ):
        if value:
            setattr(message, field, value)
    return message
