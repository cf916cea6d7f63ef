"""Epochs: the network's slow clock for transfers, staking, delegation and rewards.

As Vega core's `epochtime` service (spec 0050-EPOC): the first tick opens epoch 0,
expiring one epoch length (`validators.epoch.length`) later. The first block whose
time is past the expiry is the epoch's last: when it ends the service is ready, and
the next tick closes the epoch (an END notice) and opens the next one (a START
notice) at that tick's time. Listeners are told in the order they registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from devops.engine.events.bus import EventBus, EventType


class EpochAction(Enum):
    START = 1
    END = 2


@dataclass(frozen=True, slots=True)
class Epoch:
    """One epoch as published: `end_time` is 0 until the epoch ends."""

    seq: int
    start_time: int
    expire_time: int
    end_time: int
    action: EpochAction


EpochListener = Callable[[Epoch], None]


class EpochService:
    """Counts epochs from block times; publishes EPOCH_UPDATE events."""

    def __init__(self, bus: EventBus, length: int = 0) -> None:
        self._bus = bus
        self.length = length  # nanoseconds; Vega's harness starts at 0 until a step sets it
        self.listeners: list[EpochListener] = []
        self.current: Epoch | None = None
        self._ready_to_end = False
        self._ready_to_start = False

    def on_epoch(self, listener: EpochListener) -> None:
        self.listeners.append(listener)

    @property
    def seq(self) -> int:
        return self.current.seq if self.current is not None else 0

    def on_block_end(self) -> None:
        if self._ready_to_end:
            self._ready_to_start = True
            self._ready_to_end = False

    def on_tick(self, now: int) -> None:
        current = self.current
        if current is None:
            self._notify(Epoch(0, now, now + self.length, 0, EpochAction.START))
            return
        if self._ready_to_start:
            self._ready_to_start = False
            ended = Epoch(
                current.seq, current.start_time, current.expire_time, now, EpochAction.END
            )
            self._notify(ended)
            self._notify(Epoch(current.seq + 1, now, now + self.length, 0, EpochAction.START))
            return
        if current.expire_time < now:
            self._ready_to_end = True

    def _notify(self, epoch: Epoch) -> None:
        self.current = epoch
        self._bus.publish(EventType.EPOCH_UPDATE, epoch)
        for listener in self.listeners:
            listener(epoch)
