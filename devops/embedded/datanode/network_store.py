"""The data node's stores for transfers, epochs, staking, delegations and rewards.

Built from the event bus alone, converted to protos as published: every
transfer's latest state (in order of first appearance), each epoch, stake
linkings, delegation balances per epoch, validator scores and reward payouts.
Each record is also streamed to `ObserveEventBus` readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devops.embedded.codec.network import (
    delegation_event_proto,
    delegation_proto,
    epoch_event_proto,
    reward_event_proto,
    reward_proto,
    stake_linking_proto,
    transfer_proto,
    validator_score_proto,
)
from devops.engine.epochtime import Epoch, EpochAction
from devops.engine.events.bus import Event, EventType

if TYPE_CHECKING:
    from devops.embedded.datanode.store import DataNodeStore

_TYPES = (
    EventType.TRANSFER,
    EventType.EPOCH_UPDATE,
    EventType.STAKE_LINKING,
    EventType.DELEGATION_BALANCE,
    EventType.VALIDATOR_SCORE,
    EventType.REWARD_PAYOUT,
)


class NetworkStore:
    """What a data node keeps of the non-market domains."""

    def __init__(self, store: DataNodeStore) -> None:
        self._store = store
        self.transfers: dict[str, Any] = {}  # id -> Transfer event proto
        self.epochs: dict[int, Epoch] = {}
        self.stake_linkings: list[Any] = []  # StakeLinking event protos
        self.stake_balances: dict[str, int] = {}  # party -> associated stake
        self.delegations: dict[tuple[str, str, int], Any] = {}  # -> Delegation proto
        self.validator_scores: list[Any] = []  # ValidatorScoreEvent protos
        self.rewards: list[Any] = []  # Reward protos
        store.node.engine.bus.subscribe(self._on_event, _TYPES)

    @property
    def current_epoch(self) -> Epoch | None:
        return self.epochs[max(self.epochs)] if self.epochs else None

    def _on_event(self, event: Event) -> None:
        payload = event.payload
        kind = event.type
        stream = self._store._stream  # noqa: SLF001 - the store's one streaming path
        if kind is EventType.TRANSFER:
            message = transfer_proto(payload)
            self.transfers[message.id] = message
            stream("transfer", message)
        elif kind is EventType.EPOCH_UPDATE:
            if payload.action is EpochAction.START or payload.seq in self.epochs:
                self.epochs[payload.seq] = payload
            stream("epoch_event", epoch_event_proto(payload))
        elif kind is EventType.STAKE_LINKING:
            message = stake_linking_proto(payload, self._store.node.height + 1)
            self.stake_linkings.append(message)
            self.stake_balances[payload.party] = payload.balance
            stream("stake_linking", message)
        elif kind is EventType.DELEGATION_BALANCE:
            key = (payload.party, payload.node_id, payload.epoch_seq)
            self.delegations[key] = delegation_proto(payload)
            stream("delegation_balance", delegation_event_proto(payload))
        elif kind is EventType.VALIDATOR_SCORE:
            message = validator_score_proto(payload)
            self.validator_scores.append(message)
            stream("validator_score", message)
        elif kind is EventType.REWARD_PAYOUT:
            self.rewards.append(reward_proto(payload))
            stream("reward_payout", reward_event_proto(payload))

    def delegations_for(
        self, party: str = "", node_id: str = "", epoch: int | None = None
    ) -> list[Any]:
        """The latest balance per party and node for `epoch` (the current one by default)."""
        if epoch is None:
            current = self.current_epoch
            epoch = current.seq if current is not None else 0
        return [
            message
            for (p, n, seq), message in self.delegations.items()
            if seq == epoch and (not party or p == party) and (not node_id or n == node_id)
        ]
