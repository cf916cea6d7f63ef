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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devops.embedded.codec.accounts import aggregated_ledger_entry, margin_levels_proto, owner
from devops.embedded.codec.market_data import market_data_proto
from devops.embedded.datanode.store import DataNodeStore

if TYPE_CHECKING:
    from devops.engine.collateral import AccountSnapshot


class InvalidArgumentError(ValueError):
    """A request a data node refuses (gRPC INVALID_ARGUMENT)."""


def market_data_history(store: DataNodeStore, request: Any) -> list[Any]:
    start, end = request.start_timestamp, request.end_timestamp
    return [
        market_data_proto(data)
        for data in store.market_data_history.get(request.market_id, [])
        if start <= data.timestamp <= end
    ]


def margin_levels(store: DataNodeStore, request: Any) -> list[Any]:
    return [
        margin_levels_proto(levels)
        for (market_id, party), levels in store.margin_levels.items()
        if (not request.party_id or party == request.party_id)
        and (not request.market_id or market_id == request.market_id)
    ]


def _side_matches(account: AccountSnapshot, wanted: Any, asset_id: str) -> bool:
    return (
        (not asset_id or account.asset == asset_id)
        and (not wanted.party_ids or owner(account) == wanted.party_ids[0])
        and (not wanted.market_ids or account.market_id in wanted.market_ids)
        and (not wanted.account_types or int(account.type) in wanted.account_types)
    )


def _side_given(wanted: Any) -> bool:
    return bool(wanted.asset_id or wanted.party_ids or wanted.market_ids or wanted.account_types)


def ledger_entries(store: DataNodeStore, request: Any) -> list[Any]:
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
                nodes.append(aggregated_ledger_entry(entry, time))
    return nodes
