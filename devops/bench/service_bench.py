"""Service throughput: vega-sim's own `submit_order` + `wait_fn(1)` round trips.

Each round trip is what an agent's step costs at the least: vega-sim builds the
command, the wallet hands it to the embedded node, a block is produced, and the
data node and the local data cache take in its events.
"""

from __future__ import annotations

import time

from devops.embedded import EmbeddedVegaService
from devops.embedded.demo import open_market, start_trading


def round_trips_per_second(count: int = 2_000) -> float:
    with EmbeddedVegaService(seed=3, transactions_per_block=4096) as vega:
        _, market_id = open_market(vega)
        start_trading(vega, market_id)
        vega.data_cache  # noqa: B018 - start the cache's feeds, as agents do
        sides = ("SIDE_BUY", "SIDE_SELL")
        start = time.perf_counter()
        for index in range(count):
            vega.submit_order(
                "buyer" if index % 2 == 0 else "seller",
                market_id,
                "TYPE_LIMIT",
                "TIME_IN_FORCE_GTC",
                sides[index % 2],
                1,
                1000 + (index % 7) - 3,  # between the resting 990 bid and 1010 ask
                wait=False,
            )
            vega.wait_fn(1)
        return count / (time.perf_counter() - start)
