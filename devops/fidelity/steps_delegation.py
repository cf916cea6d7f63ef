"""Steps for validators, staking, delegation and their rewards (0059-STKG, 0061-REWP).

Read as Vega's step code reads them: a row with a non-empty `error` cell must fail
with that message; balances, scores and rewards are read from the
events published for the epoch named in the step.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import ParamSpec

from devops.engine.delegation import DelegationError
from devops.engine.events.bus import EventType
from devops.engine.staking import StakingError
from devops.fidelity.step_patterns import step
from devops.fidelity.table import Row, StepError, expect, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

P = ParamSpec("P")


def _attempt(row: Row, action: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None:
    """Vega's `checkExpectedError`: a non-empty `error` cell expects that failure."""
    reference = row.str("reference", "") or row.str("party", "")
    try:
        action(*args, **kwargs)
    except (DelegationError, StakingError) as error:
        if not row.optional("error"):
            raise StepError(f'action on "{reference}" has failed: {error}') from None
        expect(f'error of the action on "{reference}"', row.str("error"), str(error))
        return
    if row.optional("error"):
        raise StepError(f'action on "{reference}" should have failed')


@step(r"^the validators:$")
def validators(world: World, table: Table) -> None:
    network = world.network
    for row in rows(table):
        node_id = row.str("id")
        pub_key = row.optional("pub_key") or node_id
        network.topology.add(node_id, pub_key)
        network.staking.associate(pub_key, row.int("staking account balance"))


@step(r"^the parties deposit on staking account the following amount:$")
def associate(world: World, table: Table) -> None:
    staking = world.network.staking
    for row in rows(table):
        _attempt(row, staking.associate, row.str("party"), row.int("amount"))


@step(r"^the parties withdraw from staking account the following amount:$")
def dissociate(world: World, table: Table) -> None:
    staking = world.network.staking
    for row in rows(table):
        _attempt(row, staking.dissociate, row.str("party"), row.int("amount"))


@step(r"^the parties should have the following staking account balances:$")
def staking_balances(world: World, table: Table) -> None:
    for row in rows(table):
        party = row.str("party")
        balance = world.network.staking.balance(party)
        if balance is None:
            raise StepError("party not found")
        expect(f"staking account balance of {party}", row.int("amount"), balance)


@step(r"^the parties submit the following delegations:$")
def delegate(world: World, table: Table) -> None:
    delegation = world.network.delegation
    for row in rows(table):
        _attempt(row, delegation.delegate, row.str("party"), row.str("node id"), row.int("amount"))


@step(r"^the parties submit the following undelegations:$")
def undelegate(world: World, table: Table) -> None:
    delegation = world.network.delegation
    for row in rows(table):
        method = (
            delegation.undelegate_now
            if row.str("when") == "now"
            else delegation.undelegate_at_epoch_end
        )
        _attempt(row, method, row.str("party"), row.str("node id"), row.int("amount"))


def _payloads(world: World, event_type: EventType, epoch: int) -> list:
    return [
        e.payload
        for e in world.events
        if e.type is event_type and getattr(e.payload, "epoch_seq", None) == epoch
    ]


@step(r"^the parties should have the following delegation balances for epoch (\d+):$")
def delegation_balances(world: World, table: Table, epoch: str) -> None:
    latest = {
        (b.party, b.node_id): b.amount
        for b in _payloads(world, EventType.DELEGATION_BALANCE, int(epoch))
    }
    for row in rows(table):
        key = (row.str("party"), row.str("node id"))
        expect(f"delegation balance of {key[0]} on {key[1]}", row.str("amount"), latest.get(key, 0))


def _fixed5(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP))


@step(r"^the validators should have the following val scores for epoch (\d+):$")
def validator_scores(world: World, table: Table, epoch: str) -> None:
    scores = {
        s.node_id: s
        for s in _payloads(world, EventType.VALIDATOR_SCORE, int(epoch))
        if s.status == "tendermint"
    }
    for row in rows(table):
        node = row.str("node id")
        score = scores.get(node)
        if score is None:
            raise StepError(f"no validator score for {node} in epoch {epoch}")
        expect(
            f"validator score of {node}", row.str("validator score"), _fixed5(score.validator_score)
        )
        expect(
            f"normalised score of {node}",
            row.str("normalised score"),
            _fixed5(score.normalised_score),
        )


@step(r"^the parties receive the following reward for epoch (\d+):$")
def rewards_received(world: World, table: Table, epoch: str) -> None:
    latest = {
        (p.asset, p.party): p.amount for p in _payloads(world, EventType.REWARD_PAYOUT, int(epoch))
    }
    for row in rows(table):
        key = (row.str("asset"), row.str("party"))
        expect(f"reward of {key[1]} in {key[0]}", row.str("amount"), latest.get(key, 0))
