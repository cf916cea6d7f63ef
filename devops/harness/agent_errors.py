"""Every exception an agent raises while stepping, recorded with the agent's name.

vega-sim's network environment logs an agent's exception and goes on (its
`raise_step_errors=False`), and its simulated environment swallows faucet errors,
so without this log an agent that fails every step would go unseen. Each agent's
`step` is wrapped: the exception is recorded, then raised again, so the
environment behaves exactly as before and the recorder reads the log at step end.
"""

from __future__ import annotations

import functools
from typing import Any


class AgentErrorLog:
    """Errors raised by agents since the last `drain`, as "key name: Type: message"."""

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._watched: list[Any] = []  # the agents wrapped, so each is wrapped once

    def watch(self, agent: Any) -> None:
        """Wrap `agent.step` (once) so its exceptions are recorded before they propagate."""
        if any(agent is seen for seen in self._watched):
            return
        self._watched.append(agent)
        step = agent.step
        name = getattr(agent, "key_name", None) or type(agent).__name__

        @functools.wraps(step)
        def recorded_step(*args: Any, **kwargs: Any) -> Any:
            try:
                return step(*args, **kwargs)
            except Exception as error:
                text = " ".join(str(error).split()) or "(no message)"
                self._pending.append(f"{name}: {type(error).__name__}: {text}")
                raise

        agent.step = recorded_step

    def drain(self) -> tuple[str, ...]:
        """The errors recorded since the last call, oldest first."""
        errors, self._pending = tuple(self._pending), []
        return errors
