"""How long the embedded data node keeps history, as a Vega data node's retention policy.

A Vega data node (v0.72, `datanode/sqlstore/config.go`) is run with a retention
period: `forever` (archive), `standard`, or `1 day` (lite). Its time-series tables
(order history, trades, ledger entries, market data) drop rows older than the
period, while the current state (live orders, positions, accounts, markets,
proposals) is kept whatever the period, as `orders_live` is beside
`orders_history`. The embedded store follows the same split: `history_seconds`
bounds the history in block time, `None` keeps everything.

Pruning runs at the end of a block, once every eighth of the period, so the
store holds between one and 1.125 periods of history and the cost of pruning is
spread over many blocks. It only ever removes records older than the cutoff, in
publication order, so it never changes what the engine does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, MutableMapping, MutableSequence
from dataclasses import dataclass
from typing import Any, TypeVar

from devops.engine.types import NANOS_PER_SECOND

Record = TypeVar("Record")


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """`history_seconds` of block time kept for histories; `None` keeps all of it."""

    history_seconds: int | None = None

    def __post_init__(self) -> None:
        if self.history_seconds is not None and self.history_seconds <= 0:
            raise ValueError(
                "history_seconds must be a positive number of seconds, or None to keep everything"
            )

    @property
    def bounded(self) -> bool:
        return self.history_seconds is not None

    def cutoff(self, now: int) -> int | None:
        """The oldest block time (ns) still kept at `now`, or None when nothing expires."""
        if self.history_seconds is None:
            return None
        return now - self.history_seconds * NANOS_PER_SECOND

    def next_prune(self, now: int) -> int | None:
        """When to prune next: an eighth of the period after `now` (at least one second)."""
        if self.history_seconds is None:
            return None
        return now + max(self.history_seconds * NANOS_PER_SECOND // 8, NANOS_PER_SECOND)


ARCHIVE = RetentionPolicy(None)  # Vega's "forever": every record of the run
LITE = RetentionPolicy(86_400)  # Vega's "1 day"
# what the harness's runs need: the agents read live orders and the latest market state,
# the recorder reads balances, positions and close-outs each step; an hour of history
# is left for anyone reading a run's recent trades or ledger from its service
HARNESS = RetentionPolicy(3_600)


def drop_before(
    records: MutableSequence[Record], cutoff: int, time_of: Callable[[Any], int]
) -> None:
    """Drop the records older than `cutoff` from a list kept in time order."""
    index = bisect_left(records, cutoff, key=time_of)
    if index:
        del records[:index]


def prune_versions(
    versions_by_id: MutableMapping[str, list[Any]],
    cutoff: int,
    time_of: Callable[[Any], int],
    is_live: Callable[[Any], bool],
) -> None:
    """Old versions go; a record whose latest version is final and old goes entirely.

    The latest version of a live record is always kept, as Vega keeps live orders.
    """
    expired: list[str] = []
    trimmed: list[tuple[str, list[Any]]] = []
    for record_id, versions in versions_by_id.items():
        latest = versions[-1]
        if not is_live(latest) and time_of(latest) < cutoff:
            expired.append(record_id)
        elif len(versions) > 1 and time_of(versions[0]) < cutoff:
            kept = [v for v in versions[:-1] if time_of(v) >= cutoff]
            kept.append(latest)
            trimmed.append((record_id, kept))
    for record_id in expired:
        del versions_by_id[record_id]
    for record_id, kept in trimmed:
        versions_by_id[record_id] = kept
