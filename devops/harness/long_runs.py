"""Flat step time in long runs: what has lived through many steps is kept out of the
cyclic collector's way.

A run's history (its recorded steps, the data node's retained records, the agents' price
series) lives until the run ends. Python's cyclic collector rescans every tracked object at
each full collection, so the time of a step would grow with the steps before it. Every
`FREEZE_EVERY` steps the run freezes what has survived so far (`gc.freeze`), which the
collector then skips; when the run ends it is unfrozen, so a cycle left among it is still
collected. Collection never decides an outcome, so the run's bytes are the same either way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FREEZE_EVERY = 500


class HistoryFreezer:
    """A step callback that freezes the surviving objects every `every` steps."""

    def __init__(self, every: int = FREEZE_EVERY) -> None:
        self.every = every
        self.steps = 0

    def __call__(self) -> None:
        self.steps += 1
        if self.steps % self.every == 0:
            gc.freeze()


@contextmanager
def history_kept_frozen(step_callbacks: list[Any], every: int = FREEZE_EVERY) -> Iterator[None]:
    """Freeze a run's survivors every `every` steps while the block runs; unfreeze after."""
    step_callbacks.append(HistoryFreezer(every))
    try:
        yield
    finally:
        gc.unfreeze()
