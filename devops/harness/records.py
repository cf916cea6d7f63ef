"""What one scenario run records: the state after every step, and the run as a whole.

These records are the only thing invariants and reports read, so a run can be
checked and drawn again from its saved files without re-simulating. Figures are
in the market's human units (vega-sim's floats, already divided by decimals),
except balances, which stay exact integers in asset decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PartyState:
    """One agent's standing at the end of a step."""

    name: str  # the agent's key name, e.g. "market_maker"
    position: float  # open volume, in market position units
    margin: float  # margin account balance, in asset units
    general: float  # general account balance, in asset units


@dataclass(frozen=True, slots=True)
class StepState:
    """The market and every party after step `step` (0-based) has been simulated."""

    step: int
    vega_time: int  # nanoseconds since the epoch, Vega's block time
    trading_mode: str  # Vega's enum name, e.g. "TRADING_MODE_CONTINUOUS"
    mark_price: float
    external_price: float  # the price process the agents followed at this step
    best_bid: float
    best_ask: float
    maker_position: float
    parties: tuple[PartyState, ...]
    close_outs: tuple[str, ...]  # key names of parties closed out during this step
    total_balance: int  # sum of every account of the settlement asset, asset decimals
    net_deposits: int  # deposits minus withdrawals of that asset so far, asset decimals
    agent_errors: tuple[str, ...] = ()  # "agent name: error" for agents that raised


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A whole run: what was asked for and what happened, step by step."""

    scenario: str  # registry name, e.g. "ETHUSD"
    seed: int
    steps_requested: int
    step_length_seconds: int
    backend: str  # "embedded", "nullchain" or a network name
    maker_name: str  # the market maker's key name
    maker_lower_boundary: float  # inventory boundaries of the market maker
    maker_upper_boundary: float
    states: tuple[StepState, ...] = field(default_factory=tuple)
    error: str | None = None  # set when the run stopped early, with the reason
    interrupted: bool = False  # stopped by the user (a signal); `error` says at which step
    # agent errors raised in the step that did not finish (a simulation stops at one)
    unrecorded_agent_errors: tuple[str, ...] = ()
