"""Steps for successor markets (spec 0081-SUCM), as Vega's `steps/the_markets.go`."""

from __future__ import annotations

from devops.engine.events.bus import EventType
from devops.engine.execution.succession import SuccessionError
from devops.fidelity.step_patterns import step
from devops.fidelity.table import StepError, expect
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]


@step(r"^the successor market \"([^\"]+)\" is enacted$")
def successor_enacted(world: World, table: Table, market_id: str) -> None:
    config = world.markets.get(market_id)
    if config is None:
        raise StepError(f"couldn't enact successor market {market_id} - no such market ID")
    try:
        world.network.succession.enact(market_id)
    except SuccessionError as error:
        raise StepError(f"couldn't enact the successor market {market_id}: {error}") from None


@step(r"^the last market state should be \"([^\"]+)\" for the market \"([^\"]+)\"$")
def last_market_state(world: World, table: Table, state: str, market_id: str) -> None:
    """The state in the market's latest published update, as Vega's broker keeps it."""
    updates = [
        e.payload
        for e in world.events
        if e.type in (EventType.MARKET_UPDATED, EventType.MARKET_CREATED)
        and e.payload.market_id == market_id
    ]
    if not updates:
        raise StepError(f"no market updates for market {market_id}")
    expect(f"last state of market {market_id}", state, f"STATE_{updates[-1].state.name}")
