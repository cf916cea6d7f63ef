"""The local network's chain: the embedded engine, one lock, and blocks on the wall clock.

The engine is single-threaded, so every thread that touches it (gRPC handlers,
wallet requests, the clock) holds `LocalChain.lock`. The chain starts an hour in
the past so that preparing the network (a few simulated minutes) ends before
wall time; it then catches up in a few large blocks and from then on produces
one block every `block_seconds`, each stamped with the wall time it was due, so
chain time is wall time to within one block.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devops.embedded import EmbeddedVegaService
from devops.embedded.node import EmbeddedNode
from devops.engine.types import NANOS_PER_SECOND
from devops.harness import agent_keys
from devops.localnet.preparation import prepare_local_network

GENESIS_HEADROOM_SECONDS = 3600
CATCH_UP_BLOCK_SECONDS = 60
PREPARATION_TRANSACTIONS_PER_BLOCK = 4096
# once serving, blocks follow the clock alone, however many transactions arrive
SERVING_TRANSACTIONS_PER_BLOCK = 10**9


class PreparationError(RuntimeError):
    """The network could not be prepared; the message says why."""


class LocalChain:
    """An `EmbeddedVegaService` whose blocks follow `clock` (nanoseconds, wall time)."""

    def __init__(
        self,
        scenario: str,
        *,
        seed: int = 0,
        block_seconds: int = 1,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        if block_seconds <= 0:
            raise ValueError("block_seconds must be a positive whole number of seconds")
        self.scenario = scenario
        self.seed = seed
        self.lock = threading.RLock()
        self._clock = clock
        self.service = EmbeddedVegaService(
            seed=seed,
            seconds_per_block=block_seconds,
            transactions_per_block=PREPARATION_TRANSACTIONS_PER_BLOCK,
            genesis_time=clock() - GENESIS_HEADROOM_SECONDS * NANOS_PER_SECOND,
        )
        self.wallet_name = agent_keys.wallet_name()

    @property
    def node(self) -> EmbeddedNode:
        node = self.service.node
        if node is None:
            raise PreparationError("the chain has not been prepared yet")
        return node

    def prepare(self) -> None:
        """Open the scenario's market, fund its keys, then catch up with wall time."""
        with self.lock:
            self.service.start()
            prepare_local_network(self.service, self.scenario, self.seed)
            self.service.stop()  # drops the in-process data cache: clients come over sockets
            for key_name in agent_keys.all_key_names():
                self.service.wallet.create_key(key_name, wallet_name=self.wallet_name)
            self.node.transactions_per_block = SERVING_TRANSACTIONS_PER_BLOCK
            self.catch_up()

    def catch_up(self) -> None:
        """Blocks of up to a minute until the last block is at wall time, to the nanosecond."""
        with self.lock:
            node = self.node
            target = self._clock()
            if node.vega_time > target:
                raise PreparationError(
                    f"preparing {self.scenario} ran {(node.vega_time - target) / NANOS_PER_SECOND:.0f} s "
                    f"past wall time; it must fit in {GENESIS_HEADROOM_SECONDS} s of chain time"
                )
            while node.vega_time < target:
                node.next_block_time = min(
                    node.vega_time + CATCH_UP_BLOCK_SECONDS * NANOS_PER_SECOND, target
                )
                node.produce_block()

    def public_keys(self) -> dict[str, str]:
        """Every key of the network's wallet, by name."""
        with self.lock:
            return dict(self.service.wallet.pub_keys.get(self.wallet_name, {}))

    def tick(self) -> float:
        """Produce every block that is due; the seconds until the next one is."""
        with self.lock:
            node = self.node
            while node.next_block_time <= self._clock():
                node.produce_block()
            return max(0.0, (node.next_block_time - self._clock()) / NANOS_PER_SECOND)

    def run_clock(self, stop: threading.Event) -> None:
        """Tick until `stop` is set; meant for its own thread."""
        while not stop.wait(self.tick()):
            pass
