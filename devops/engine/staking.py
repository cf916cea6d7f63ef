"""Staking accounts: governance tokens associated with Vega keys (spec 0059-STKG).

On a real network the staking bridge reports associations and dissociations; on
a null chain (and in Vega's integration harness) they are booked directly. The
balance that counts for an epoch is the smallest the account held over it, so
stake dissociated during an epoch earns nothing for that epoch (Vega's
`GetAvailableBalanceInRange`). Every change is a STAKE_LINKING event.
"""

from __future__ import annotations

from dataclasses import dataclass

from devops.engine.events.bus import EventBus, EventType
from devops.engine.types import Clock


class StakingError(Exception):
    """A dissociation Vega refuses; nothing changes."""


@dataclass(frozen=True, slots=True)
class StakeLinking:
    """One association (`deposited`) or dissociation (`removed`) as published."""

    party: str
    amount: int
    deposited: bool
    timestamp: int
    balance: int


class StakingAccounts:
    """Each party's associated stake and its history, for balances over an epoch."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock
        self._history: dict[str, list[tuple[int, int]]] = {}  # party -> [(time, balance)]

    @property
    def _now(self) -> int:
        return self._clock.now

    def has_account(self, party: str) -> bool:
        return party in self._history

    def balance(self, party: str) -> int | None:
        history = self._history.get(party)
        return history[-1][1] if history else None

    def balance_in_range(self, party: str, start: int, end: int) -> int | None:
        """The smallest balance held from `start` to `end` (None: no account)."""
        history = self._history.get(party)
        if not history:
            return None
        at_start = 0
        lowest: int | None = None
        for moment, balance in history:
            if moment <= start:
                at_start = balance
            elif moment <= end:
                lowest = balance if lowest is None else min(lowest, balance)
        return at_start if lowest is None else min(at_start, lowest)

    def associate(self, party: str, amount: int) -> None:
        current = self.balance(party) or 0
        self._record(party, amount, True, current + amount)

    def dissociate(self, party: str, amount: int) -> None:
        current = self.balance(party)
        if current is None:
            raise StakingError("party staking accoung is missing")
        if current < amount:
            raise StakingError("incorrect balance for unstaking")
        self._record(party, amount, False, current - amount)

    def _record(self, party: str, amount: int, deposited: bool, balance: int) -> None:
        self._history.setdefault(party, []).append((self._now, balance))
        self._bus.publish(
            EventType.STAKE_LINKING, StakeLinking(party, amount, deposited, self._now, balance)
        )
