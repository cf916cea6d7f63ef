"""The data node's and the core's gRPC services, answered by the in-process clients.

Every unary RPC is delegated, under the engine lock, to the stand-in of
`devops.embedded.clients` with the RPC's own name, so the wire and in-process
paths give the same answers; an unknown id is NOT_FOUND, a malformed request
(a ValueError) INVALID_ARGUMENT and an RPC the embedded node does not serve
UNIMPLEMENTED, each with the stand-in's one-line message.
`ObserveEventBus` blocks waiting for events and ends when the client goes away
or the network stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import grpc
from vega_sim.proto.data_node.api.v2 import trading_data_pb2, trading_data_pb2_grpc
from vega_sim.proto.vega.api.v1 import core_pb2, core_pb2_grpc

from devops.embedded.clients import NotFoundError, UnsupportedCallError
from devops.harness.local_ports import HOST
from devops.localnet.chain import LocalChain
from devops.localnet.streams import EventSubscription

STREAM_POLL_SECONDS = 0.25  # how often a waiting stream notices the client has gone
_WORKERS = 32  # each open event stream holds one worker while it lasts
_MESSAGE_LIMIT = 20 * 1024 * 1024  # vega-sim's channel limit
SERVER_OPTIONS = (
    # without this a second server could bind a port already served, and neither would know
    ("grpc.so_reuseport", 0),
    ("grpc.max_send_message_length", _MESSAGE_LIMIT),
    ("grpc.max_receive_message_length", _MESSAGE_LIMIT),
)


class PortBindError(OSError):
    """A gRPC port could not be bound."""

    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} on {HOST} is already in use")
        self.port = port


class EventStreams:
    """Open event-bus streams, so that stopping the network ends them all."""

    def __init__(self, chain: LocalChain) -> None:
        self._chain = chain
        self._open: set[EventSubscription] = set()
        self._guard = threading.Lock()
        self._stopping = False

    def observe(
        self, response_type: Any, request_iterator: Iterator[Any], context: grpc.ServicerContext
    ) -> Iterator[Any]:
        request = next(request_iterator, None)
        if request is None:
            return
        subscription = EventSubscription(request.type, request.market_id, request.party_id)
        with self._guard:
            if self._stopping:
                return
            self._open.add(subscription)
        context.add_callback(subscription.close)
        store = self._chain.service.store
        assert store is not None
        with self._chain.lock:
            store.stream_listeners.append(subscription)
        try:
            for batch in subscription.batches(STREAM_POLL_SECONDS):
                yield response_type(events=batch)
        finally:
            with self._chain.lock:
                store.stream_listeners.remove(subscription)
            with self._guard:
                self._open.discard(subscription)

    def close_all(self) -> None:
        with self._guard:
            self._stopping = True
            subscriptions = list(self._open)
        for subscription in subscriptions:
            subscription.close()


class DelegatingServicer:
    """Any RPC of a service by attribute: a stream of `streams` or a delegated call."""

    def __init__(
        self, client: Any, lock: threading.RLock, streams: dict[str, Callable[..., Any]]
    ) -> None:
        self._client = client
        self._lock = lock
        self._streams = streams

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._streams:
            return self._streams[name]
        return partial(self._call, name)

    def _call(self, name: str, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            with self._lock:
                return getattr(self._client, name)(request)
        except NotFoundError as error:
            context.abort(grpc.StatusCode.NOT_FOUND, str(error))
        except UnsupportedCallError as error:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, str(error))
        except ValueError as error:  # the stand-ins' rejection of a malformed request
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except Exception as error:  # noqa: BLE001 - one line to the client, not a traceback
            context.abort(grpc.StatusCode.INTERNAL, f"{name}: {type(error).__name__}: {error}")


def _server(port: int) -> grpc.Server:
    server = grpc.server(
        ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix=f"localnet-grpc-{port}"),
        options=SERVER_OPTIONS,
    )
    try:
        bound = server.add_insecure_port(f"{HOST}:{port}")
    except RuntimeError:
        bound = 0
    if bound != port:
        server.stop(None)
        raise PortBindError(port)
    return server


def _delegating_server(
    client: Any, chain: LocalChain, streams: EventStreams, response: Any, add: Any, port: int
) -> grpc.Server:
    """`client`'s service bound to `port` (not yet started), its event bus streamed."""
    server = _server(port)
    servicer = DelegatingServicer(
        client, chain.lock, {"ObserveEventBus": partial(streams.observe, response)}
    )
    add(servicer, server)
    return server


def data_node_server(chain: LocalChain, streams: EventStreams, port: int) -> grpc.Server:
    """The data node's TradingDataService (API v2), bound to `port`, not yet started."""
    return _delegating_server(
        chain.service.trading_data_client_v2,
        chain,
        streams,
        trading_data_pb2.ObserveEventBusResponse,
        trading_data_pb2_grpc.add_TradingDataServiceServicer_to_server,
        port,
    )


def core_server(chain: LocalChain, streams: EventStreams, port: int) -> grpc.Server:
    """The core's CoreService, bound to `port`, not yet started."""
    return _delegating_server(
        chain.service.core_client,
        chain,
        streams,
        core_pb2.ObserveEventBusResponse,
        core_pb2_grpc.add_CoreServiceServicer_to_server,
        port,
    )
