"""The response messages of the data node's and the core's APIs.

Every data-node response is `<Rpc>Response` of `trading_data_pb2`; lists come
back in one page (`has_next_page` false), which vega-sim's pagination expects.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega.api.v1 import core_pb2
from vega_sim.proto.vega.events.v1 import events_pb2


def response(rpc: str, **fields: Any) -> Any:
    """The data node's `<rpc>Response` with `fields` set."""
    return getattr(td, f"{rpc}Response")(**fields)


def _fill_page(connection: Any, nodes: Iterable[Any]) -> None:
    for node in nodes:
        connection.edges.add(node=node)
    connection.page_info.has_next_page = False


def page(rpc: str, field: str, nodes: Iterable[Any], **fields: Any) -> Any:
    """The data node's `<rpc>Response` whose connection `field` holds every node."""
    message = response(rpc, **fields)
    _fill_page(getattr(message, field), nodes)
    return message


# ---- the core node's CoreService ---------------------------------------------------------------


def core_time(timestamp: int) -> core_pb2.GetVegaTimeResponse:
    return core_pb2.GetVegaTimeResponse(timestamp=timestamp)


def core_height(height: int) -> core_pb2.LastBlockHeightResponse:
    return core_pb2.LastBlockHeightResponse(height=height)


def _iso(nanoseconds: int) -> str:
    moment = datetime.datetime.fromtimestamp(nanoseconds / 1e9, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def statistics(
    *,
    height: int,
    backlog: int,
    markets: int,
    vega_time: int,
    chain_id: str,
    epoch_seq: int,
    epoch_start: int | None,
    epoch_expiry: int | None,
) -> core_pb2.StatisticsResponse:
    """The core's statistics; an epoch that has not started has empty times."""
    return core_pb2.StatisticsResponse(
        statistics=core_pb2.Statistics(
            block_height=height,
            backlog_length=backlog,
            total_markets=markets,
            current_time=_iso(vega_time),
            vega_time=_iso(vega_time),
            chain_id=chain_id,
            app_version="v0.72.6",
            status=1,
            epoch_seq=epoch_seq,
            epoch_start_time=_iso(epoch_start) if epoch_start is not None else "",
            epoch_expiry_time=_iso(epoch_expiry) if epoch_expiry is not None else "",
        )
    )


def bus_request(requests: Iterable[Any]) -> Any:
    """The first `ObserveEventBusRequest` of a stream, or an empty one."""
    return next(iter(requests), core_pb2.ObserveEventBusRequest())


def bus_response(events: list[events_pb2.BusEvent]) -> core_pb2.ObserveEventBusResponse:
    return core_pb2.ObserveEventBusResponse(events=events)
