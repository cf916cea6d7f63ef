"""Where a local network listens: Vega's default ports on loopback, shifted by one offset.

The data node's gRPC API on 3007, the core's on 3002 and the wallet's HTTP API
on 1789 are what vega-sim and the Vega wallet expect; `--port-offset N` adds N
to each so that several networks (parallel test workers) can run side by side.
The data node's REST and GraphQL address (3008) is only written into the
network config, because vega-sim requires the three host lists; nothing serves it.
Both sides use this: `python -m devops.localnet` binds these ports, and the
harness (`devops.harness.local_network`) picks free ones and connects to them.
"""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass

HOST = "127.0.0.1"
WALLET_PORT = 1789
CORE_GRPC_PORT = 3002
DATA_NODE_GRPC_PORT = 3007
DATA_NODE_REST_PORT = 3008  # listed in the config only
_HIGHEST_PORT = 65535
# test offsets are drawn from here: above the well-known and registered ranges of the
# default ports, below the kernel's usual ephemeral range
_TEST_OFFSETS = range(20_000, 29_000)


@dataclass(frozen=True, slots=True)
class Ports:
    """The local network's ports for one offset."""

    offset: int = 0

    def __post_init__(self) -> None:
        if self.offset < 0 or DATA_NODE_REST_PORT + self.offset > _HIGHEST_PORT:
            raise ValueError(
                f"port offset {self.offset} is out of range: choose 0 to "
                f"{_HIGHEST_PORT - DATA_NODE_REST_PORT}"
            )

    @property
    def wallet(self) -> int:
        return WALLET_PORT + self.offset

    @property
    def core_grpc(self) -> int:
        return CORE_GRPC_PORT + self.offset

    @property
    def data_node_grpc(self) -> int:
        return DATA_NODE_GRPC_PORT + self.offset

    @property
    def data_node_rest(self) -> int:
        return DATA_NODE_REST_PORT + self.offset

    def served(self) -> tuple[int, ...]:
        """The ports the network listens on, in the order they are bound."""
        return (self.data_node_grpc, self.core_grpc, self.wallet)

    @property
    def wallet_url(self) -> str:
        return f"http://{HOST}:{self.wallet}"

    @property
    def data_node_grpc_url(self) -> str:
        return f"{HOST}:{self.data_node_grpc}"

    @property
    def core_grpc_url(self) -> str:
        return f"{HOST}:{self.core_grpc}"

    @property
    def data_node_rest_url(self) -> str:
        return f"http://{HOST}:{self.data_node_rest}"


def port_in_use(port: int) -> bool:
    """True when something already listens on (or holds) `port` on loopback."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # the same address reuse the servers ask for, so a closed port in TIME_WAIT is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((HOST, port))
    except OSError:
        return True
    finally:
        probe.close()
    return False


def first_port_in_use(ports: Ports) -> int | None:
    """The first served port that is taken, or None when all are free."""
    return next((port for port in ports.served() if port_in_use(port)), None)


def free_port_offset(attempts: int = 50) -> int:
    """An offset whose every served port is free now, for tests running in parallel.

    Offsets are drawn at random so that parallel workers rarely try the same one;
    a port can still be taken between this check and the network binding it, in
    which case the network exits with status 2 and the caller may try again.
    """
    chooser = random.SystemRandom()
    for _ in range(attempts):
        ports = Ports(chooser.choice(_TEST_OFFSETS))
        if first_port_in_use(ports) is None:
            return ports.offset
    raise RuntimeError(f"no free port offset found in {attempts} attempts")
