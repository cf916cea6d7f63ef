"""Stopping a command-line run cleanly on Ctrl-C (SIGINT) or SIGTERM.

Python's default turns SIGINT into a KeyboardInterrupt wherever the program is,
which vega-sim and the runner do not catch, so the steps done are lost with a
traceback. Instead the first signal only raises a flag, and the step callback
raises `RunInterrupted` at the end of the step in progress: an ordinary
exception, which the runner records as the reason the run ended, keeping every
step done. A second signal stops at once, wherever the run is.
"""

from __future__ import annotations

import signal
from types import FrameType, TracebackType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunInterrupted(Exception):
    """The run was asked to stop; `steps_done` of `steps_requested` had been recorded."""

    def __init__(self, steps_done: int, steps_requested: int) -> None:
        super().__init__(f"interrupted at step {steps_done} of {steps_requested}")
        self.steps_done = steps_done
        self.steps_requested = steps_requested


class StopSignals:
    """Within `with StopSignals() as stop:`, SIGINT and SIGTERM ask the run to stop."""

    def __init__(self) -> None:
        self.signal_number: int | None = None
        self.simulating = False  # only then may a second signal cut a step short
        self.raised = False  # whether RunInterrupted was raised to stop the run
        self._progress = (0, 0)  # (steps done, steps requested) at the last step's end
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for number in SIGNALS:
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        if self.signal_number is None:
            self.signal_number = number
        elif self.simulating:  # asked twice: stop now rather than at the end of the step
            self.raised = True
            raise RunInterrupted(*self._progress)

    @property
    def requested(self) -> bool:
        """Whether a stop signal has arrived."""
        return self.signal_number is not None

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number."""
        return 128 + (self.signal_number or 0)

    def check(self, steps_done: int, steps_requested: int) -> None:
        """Called after every step: raise `RunInterrupted` once a stop was asked for."""
        self._progress = (steps_done, steps_requested)
        if self.signal_number is not None:
            self.raised = True
            raise RunInterrupted(steps_done, steps_requested)
