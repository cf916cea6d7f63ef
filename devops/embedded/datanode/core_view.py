"""The core's state that no bus event carries, as at the last block end.

The engine publishes no book depth, no end-of-block market data, no successor
take-over and no chain statistics; a data node in sync with its core answers
them from the core's state at the last block. Nothing happens between blocks,
so reading them when asked gives what the last block left. Every read of the
engine on behalf of a client is here, nowhere else.
"""

from __future__ import annotations

from devops.embedded.codec.orders import DepthLevel
from devops.embedded.node import EmbeddedNode
from devops.engine.epochtime import Epoch
from devops.engine.events.payloads import MarketData
from devops.engine.types import Side


class CoreView:
    """Read-only views of one node's core state."""

    def __init__(self, node: EmbeddedNode) -> None:
        self._node = node

    # ---- the chain ------------------------------------------------------------------------------

    @property
    def vega_time(self) -> int:
        return self._node.vega_time

    @property
    def height(self) -> int:
        return self._node.height

    @property
    def backlog(self) -> int:
        """Transactions waiting for the next block."""
        return len(self._node.pending)

    @property
    def market_count(self) -> int:
        return len(self._node.engine.markets)

    @property
    def epoch_seq(self) -> int:
        return self._node.network.epochs.seq

    @property
    def epoch(self) -> Epoch | None:
        return self._node.network.epochs.current

    # ---- markets --------------------------------------------------------------------------------

    def market_data(self, market_id: str) -> MarketData:
        return self._node.engine.market_data(market_id)

    def successor(self, market_id: str) -> str:
        """The market that took over from `market_id`, or "" (no event says so)."""
        return self._node.network.succession.succeeded_by.get(market_id, "")

    def depth(self, market_id: str, max_depth: int) -> tuple[list[DepthLevel], list[DepthLevel]]:
        """(bids, asks) in market decimals, best first; a level's volume is what is
        visible (an iceberg's peak, not its reserve), as the data node shows it."""
        market = self._node.engine.markets[market_id]
        factor = market.config.price_factor
        book = market.book
        bids, asks = book.depth(max_depth)

        def visible(levels: list[tuple[int, int, int]], side: Side) -> list[DepthLevel]:
            return [
                (str(price // factor), book.visible_volume_at(side, price), count)
                for price, _, count in levels
            ]

        return visible(bids, Side.BUY), visible(asks, Side.SELL)
