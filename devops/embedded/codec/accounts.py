"""Accounts, ledger entries, margin levels and positions as vega-sim's messages.

The system owner `*` of the engine's accounts is the empty owner of Vega's
messages; an asset-level account has no market.
"""

from __future__ import annotations

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

from devops.embedded.datanode.positions import PositionRecord
from devops.engine.collateral import AccountSnapshot, LedgerEntry, LedgerMovement
from devops.engine.events.payloads import MarginLevelsEvent

_POSITION_STATUS = {
    "DISTRESSED": vega_pb2.POSITION_STATUS_DISTRESSED,
    "ORDERS_CLOSED": vega_pb2.POSITION_STATUS_ORDERS_CLOSED,
    "CLOSED_OUT": vega_pb2.POSITION_STATUS_CLOSED_OUT,
}


def owner(account: AccountSnapshot) -> str:
    """The owner as Vega names it: empty for the network's own accounts."""
    return "" if account.owner == "*" else account.owner


def _details(account: AccountSnapshot) -> vega_pb2.AccountDetails:
    details = vega_pb2.AccountDetails(asset_id=account.asset, type=int(account.type))
    if account.owner != "*":
        details.owner = account.owner
    if account.market_id:
        details.market_id = account.market_id
    return details


def ledger_entry_proto(entry: LedgerEntry) -> vega_pb2.LedgerEntry:
    return vega_pb2.LedgerEntry(
        from_account=_details(entry.from_account),
        to_account=_details(entry.to_account),
        amount=str(entry.amount),
        type=int(entry.type),
        timestamp=entry.timestamp,
        from_account_balance=str(entry.from_account.balance),
        to_account_balance=str(entry.to_account.balance),
    )


def ledger_movement_proto(movement: LedgerMovement) -> vega_pb2.LedgerMovement:
    return vega_pb2.LedgerMovement(entries=[ledger_entry_proto(e) for e in movement.entries])


def margin_levels_proto(levels: MarginLevelsEvent) -> vega_pb2.MarginLevels:
    return vega_pb2.MarginLevels(
        maintenance_margin=str(levels.maintenance),
        search_level=str(levels.search),
        initial_margin=str(levels.initial),
        collateral_release_level=str(levels.release),
        party_id=levels.party,
        market_id=levels.market_id,
        asset=levels.asset,
        timestamp=levels.timestamp,
    )


def account_balance_proto(account: AccountSnapshot) -> td.AccountBalance:
    return td.AccountBalance(
        owner=owner(account),
        balance=str(account.balance),
        asset=account.asset,
        market_id=account.market_id,
        type=int(account.type),
    )


def aggregated_ledger_entry(entry: LedgerEntry, time: int) -> td.AggregatedLedgerEntry:
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
        ("from_account_party_id", owner(sender)),
        ("to_account_party_id", owner(receiver)),
        ("from_account_market_id", sender.market_id),
        ("to_account_market_id", receiver.market_id),
    ):
        if value:
            setattr(message, field, value)
    return message


def position_proto(record: PositionRecord, price_factor: int) -> vega_pb2.Position:
    """The positions view's record; its average entry price in market decimals."""
    return vega_pb2.Position(
        market_id=record.market_id,
        party_id=record.party,
        open_volume=record.open_volume,
        realised_pnl=str(record.realised),
        unrealised_pnl=str(record.unrealised),
        average_entry_price=str(record.average_entry // price_factor),
        loss_socialisation_amount=str(int(record.loss_socialisation)),
        updated_at=record.updated_at,
        position_status=_POSITION_STATUS.get(record.status, vega_pb2.POSITION_STATUS_UNSPECIFIED),
    )
