"""The `BusEvent`s the data node streams to `ObserveEventBus` readers and the cache."""

from __future__ import annotations

from typing import Any

from vega_sim.proto.vega.events.v1 import events_pb2

from devops.embedded.codec.accounts import ledger_movement_proto
from devops.engine.collateral import LedgerMovement

BusEvent = events_pb2.BusEvent
TimeUpdate = events_pb2.TimeUpdate
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


def bus_event(field: str, message: Any, block: int) -> events_pb2.BusEvent:
    """`message` in the BusEvent field `field`, published in block `block`."""
    return events_pb2.BusEvent(type=_STREAMED[field], block=str(block), **{field: message})


def time_update(timestamp: int) -> events_pb2.TimeUpdate:
    return events_pb2.TimeUpdate(timestamp=timestamp)


def ledger_movements(movement: LedgerMovement) -> events_pb2.LedgerMovements:
    return events_pb2.LedgerMovements(ledger_movements=[ledger_movement_proto(movement)])
