"""Delegation: parties nominate validators with their associated stake (spec 0059-STKG).

As Vega core's `delegation` engine: a delegation counts from the next epoch; an
undelegation takes effect at the end of the epoch or, "now", at once. A party can
never have more delegated for the next epoch than its stake. Every 30 seconds and
at each epoch end, delegations are reconciled with the stake: a party whose stake
fell below its delegation is undelegated pro rata over its validators (the
remainder one by one in node order). A party that delegated at least 95% of its
stake is in auto-delegation mode: stake it associates later is delegated at the
next epoch end in the same proportions, until it undelegates. Balances are
published per party, node and epoch as DELEGATION_BALANCE events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from devops.engine.epochtime import Epoch
from devops.engine.events.bus import EventBus, EventType
from devops.engine.staking import StakingAccounts
from devops.engine.types import NANOS_PER_SECOND
from devops.engine.vega_decimal import decimal_div

RECONCILIATION_INTERVAL = 30 * NANOS_PER_SECOND
AUTO_DELEGATION_RATIO = Decimal("0.95")


class DelegationError(Exception):
    """A delegation or undelegation Vega refuses, with Vega's message; nothing changes."""


@dataclass(frozen=True, slots=True)
class DelegationBalance:
    party: str
    node_id: str
    amount: int
    epoch_seq: int


@dataclass(slots=True)
class PartyDelegation:
    total: int = 0
    nodes: dict[str, int] = field(default_factory=dict)

    def copy(self) -> PartyDelegation:
        return PartyDelegation(self.total, dict(self.nodes))


@dataclass(frozen=True, slots=True)
class ValidatorData:
    """A validator's stake for the epoch that ended, as the rewards see it."""

    node_id: str
    pub_key: str
    self_stake: int
    delegators: dict[str, int]

    @property
    def stake_by_delegators(self) -> int:
        return sum(self.delegators.values())

    @property
    def total_stake(self) -> int:
        return self.self_stake + self.stake_by_delegators


State = dict[str, PartyDelegation]


class Delegation:
    """Active (this epoch) and next-epoch delegations of every party."""

    def __init__(
        self,
        bus: EventBus,
        staking: StakingAccounts,
        validators: Callable[[], dict[str, str]],  # node id -> vega public key
        min_amount: int = 0,
    ) -> None:
        self._bus = bus
        self._staking = staking
        self._validators = validators
        self.min_amount = min_amount
        self.active: State = {}
        self.next: State = {}
        self.auto: set[str] = set()
        self.epoch: Epoch | None = None
        self._last_reconciliation: int | None = None

    @property
    def _seq(self) -> int:
        return self.epoch.seq if self.epoch is not None else 0

    # ---- commands ---------------------------------------------------------------------------

    def delegate(self, party: str, node_id: str, amount: int) -> None:
        if node_id not in self._validators():
            raise DelegationError("invalid node ID")
        balance = self._staking.balance(party)
        if balance is None:
            raise DelegationError("cannot find staking account for the party")
        if amount < self.min_amount:
            raise DelegationError(
                "delegation amount is lower than the minimum amount for delegation for a validator"
            )
        next_total = self.next[party].total if party in self.next else 0
        if next_total + amount > balance:
            raise DelegationError("insufficient balance for delegation")
        state = self.next.setdefault(party, PartyDelegation(0, {node_id: 0}))
        state.total += amount
        state.nodes[node_id] = state.nodes.get(node_id, 0) + amount
        self._publish(party, node_id, self._seq + 1, state.nodes[node_id])

    def undelegate_at_epoch_end(self, party: str, node_id: str, amount: int) -> None:
        if node_id not in self._validators():
            raise DelegationError("invalid node ID")
        on_node = self.next[party].nodes.get(node_id, 0) if party in self.next else 0
        amount = amount or on_node
        if amount > on_node:
            raise DelegationError("incorrect token amount for undelegation")
        self._decrease(party, node_id, amount, self._seq + 1, self.next, cleanup=True, publish=True)
        self.auto.discard(party)

    def undelegate_now(self, party: str, node_id: str, amount: int) -> None:
        if node_id not in self._validators():
            raise DelegationError("invalid node ID")
        current = self.active[party].nodes.get(node_id, 0) if party in self.active else 0
        upcoming = self.next[party].nodes.get(node_id, 0) if party in self.next else 0
        on_node = max(current, upcoming)
        amount = amount or on_node
        if amount > on_node:
            raise DelegationError("incorrect token amount for undelegation")
        if min(current, amount):
            self._decrease(party, node_id, min(current, amount), self._seq, self.active, True, True)
        if min(upcoming, amount):
            self._decrease(
                party, node_id, min(upcoming, amount), self._seq + 1, self.next, True, True
            )
        self.auto.discard(party)

    # ---- time -------------------------------------------------------------------------------

    def on_tick(self, now: int) -> None:
        last = self._last_reconciliation
        if last is not None and now - last >= RECONCILIATION_INTERVAL and self.epoch is not None:
            self._reconcile_with_stake(self.epoch.start_time, now, self._seq)

    def on_epoch(self, epoch: Epoch) -> None:
        if self._last_reconciliation is None:
            self._last_reconciliation = epoch.start_time
        if self.epoch is not None and epoch.seq != self.epoch.seq:
            for party in sorted(self.next):
                for node_id in sorted(self.next[party].nodes):
                    self._publish(party, node_id, epoch.seq + 1, self.next[party].nodes[node_id])
        self.epoch = epoch

    def process_epoch(self, epoch: Epoch) -> list[ValidatorData]:
        """At an epoch's end: reconcile, report the epoch's stakes, promote next-epoch
        delegations and auto-delegate (Vega's `ProcessEpochDelegations`)."""
        self._reconcile_with_stake(epoch.start_time, epoch.end_time, epoch.seq)
        for_rewards = self.validator_data()
        changed = set()
        for party, state in self.next.items():
            current = self.active.get(party)
            for node_id, amount in state.nodes.items():
                if current is None or current.nodes.get(node_id) != amount:
                    changed.add(party)
        promoted: State = {}
        for party, state in self.next.items():
            kept = PartyDelegation(state.total, {})
            for node_id, amount in state.nodes.items():
                previous = self.active.get(party)
                if amount or (previous is not None and previous.nodes.get(node_id)):
                    kept.nodes[node_id] = amount
            promoted[party] = kept
        self.active, self.next = self.next, promoted
        self._auto_delegate(changed, epoch.seq + 1)
        for party, state in self.active.items():
            if party in self.auto:
                continue
            balance = self._staking.balance(party)
            if balance and decimal_div(Decimal(state.total), Decimal(balance)) >= (
                AUTO_DELEGATION_RATIO
            ):
                self.auto.add(party)
        return for_rewards

    def validator_data(self) -> list[ValidatorData]:
        validators = self._validators()
        self_stake: dict[str, int] = dict.fromkeys(validators, 0)
        delegators: dict[str, dict[str, int]] = {node: {} for node in validators}
        for party, state in self.active.items():
            for node_id, amount in state.nodes.items():
                if node_id not in validators:
                    continue
                if party == validators[node_id]:
                    self_stake[node_id] = amount
                else:
                    delegators[node_id][party] = amount
        return [
            ValidatorData(node, validators[node], self_stake[node], delegators[node])
            for node in sorted(validators)
        ]

    # ---- internals --------------------------------------------------------------------------

    def _reconcile_with_stake(self, start: int, end: int, seq: int) -> None:
        staking = self._staking
        self._reconcile(self.active, lambda p: staking.balance_in_range(p, start, end), seq)
        self._reconcile(self.next, staking.balance, seq + 1)
        self._last_reconciliation = end

    def _reconcile(self, state: State, stake: Callable[[str], int | None], seq: int) -> None:
        for party in sorted(state):
            balance = stake(party)
            if balance is None or balance >= state[party].total:
                continue
            delegated = state[party]
            excess = delegated.total - balance
            total = delegated.total
            taken = 0
            nodes = sorted(delegated.nodes)
            for node_id in nodes:
                share = delegated.nodes[node_id] * excess // total
                if share:
                    self._decrease(party, node_id, share, seq, state, cleanup=False, publish=False)
                    taken += share
            for node_id in nodes:
                if taken >= excess:
                    break
                if delegated.nodes.get(node_id):
                    self._decrease(party, node_id, 1, seq, state, cleanup=False, publish=False)
                    taken += 1
            for node_id in sorted(delegated.nodes):
                self._publish(party, node_id, seq, delegated.nodes[node_id])
                if delegated.nodes[node_id] == 0:
                    del delegated.nodes[node_id]
            if delegated.total == 0:
                del state[party]
            self.auto.discard(party)

    def _decrease(
        self,
        party: str,
        node_id: str,
        amount: int,
        seq: int,
        state: State,
        cleanup: bool,
        publish: bool,
    ) -> None:
        delegated = state.get(party)
        if delegated is None:
            return
        delegated.total = max(0, delegated.total - amount)
        if node_id in delegated.nodes:
            delegated.nodes[node_id] = max(0, delegated.nodes[node_id] - amount)
            if publish:
                self._publish(party, node_id, seq, delegated.nodes[node_id])
            if cleanup and delegated.nodes[node_id] == 0:
                del delegated.nodes[node_id]
        if cleanup and delegated.total == 0:
            del state[party]

    def _auto_delegate(self, excluded: set[str], seq: int) -> None:
        available: dict[str, int] = {}
        for party in self.auto:
            if party not in self.active or party in excluded:
                continue
            balance = self._staking.balance(party)
            delegated = self.active[party].total
            if balance is None or delegated >= balance:
                continue
            available[party] = balance - delegated
        for party in sorted(available):
            state = self.active[party]
            total = Decimal(state.total)
            for node_id in sorted(state.nodes):
                ratio = decimal_div(Decimal(state.nodes[node_id]), total)
                extra = int((ratio * available[party]).to_integral_value(rounding=ROUND_DOWN))
                if extra:
                    state.total += extra
                    state.nodes[node_id] += extra
                    self._publish(party, node_id, seq, state.nodes[node_id])
                    upcoming = self.next[party]
                    upcoming.total += extra
                    upcoming.nodes[node_id] = upcoming.nodes.get(node_id, 0) + extra

    def _publish(self, party: str, node_id: str, seq: int, amount: int) -> None:
        self._bus.publish(
            EventType.DELEGATION_BALANCE, DelegationBalance(party, node_id, amount, seq)
        )
