"""Agent exceptions are recorded with the agent's name and still propagate."""

from __future__ import annotations

import pytest

from devops.harness.agent_errors import AgentErrorLog


class Agent:
    key_name = "momentum_trader_a"

    def __init__(self) -> None:
        self.calls = 0

    def step(self, state: object) -> None:
        self.calls += 1
        if self.calls == 2:
            raise ValueError("no\nbest bid")


def test_errors_are_recorded_once_per_raise_and_drained() -> None:
    log, agent = AgentErrorLog(), Agent()
    log.watch(agent)
    log.watch(agent)  # watching twice wraps once
    agent.step(None)
    assert log.drain() == ()
    with pytest.raises(ValueError):
        agent.step(None)
    assert log.drain() == ("momentum_trader_a: ValueError: no best bid",)
    assert log.drain() == ()
