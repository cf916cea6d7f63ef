"""Delegation (0059-STKG), validator scores and staking rewards (0061-REWP), with figures
worked from the rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devops.engine.delegation import Delegation, DelegationError, ValidatorData
from devops.engine.epochtime import Epoch, EpochAction
from devops.engine.events.bus import EventBus, EventRecorder, EventType
from devops.engine.rewards import by_stake
from devops.engine.staking import StakingAccounts
from devops.engine.validators import StakeScoreParameters, Topology

NANOS_PER_SECOND = 1_000_000_000


class Clock:
    now = 0


def setup() -> tuple[Delegation, StakingAccounts, Clock, EventRecorder]:
    bus, clock = EventBus(), Clock()
    recorder = EventRecorder(bus, (EventType.DELEGATION_BALANCE,))
    staking = StakingAccounts(bus, clock)
    nodes = {"n1": "k1", "n2": "k2"}
    delegation = Delegation(bus, staking, lambda: nodes, min_amount=10)
    delegation.on_epoch(Epoch(0, 0, 10 * NANOS_PER_SECOND, 0, EpochAction.START))
    staking.associate("p", 1_000)
    return delegation, staking, clock, recorder


def test_delegation_counts_next_epoch_and_is_bounded_by_stake() -> None:
    delegation, _, _, recorder = setup()
    delegation.delegate("p", "n1", 600)
    (event,) = recorder.of_type(EventType.DELEGATION_BALANCE)
    assert (event.node_id, event.amount, event.epoch_seq) == ("n1", 600, 1)
    for node, amount, reason in (
        ("n2", 401, "insufficient balance for delegation"),
        ("n2", 9, "delegation amount is lower than the minimum amount"),
        ("n9", 100, "invalid node ID"),
    ):
        with pytest.raises(DelegationError, match=reason):
            delegation.delegate("p", node, amount)
    assert delegation.next["p"].nodes == {"n1": 600}
    with pytest.raises(DelegationError, match="cannot find staking account"):
        delegation.delegate("q", "n1", 100)


def test_dissociation_undelegates_pro_rata_at_reconciliation() -> None:
    delegation, staking, clock, _ = setup()
    delegation.delegate("p", "n1", 600)
    delegation.delegate("p", "n2", 300)
    staking.dissociate("p", 400)  # 600 staked for 900 delegated: 300 too many
    delegation.on_tick(29 * NANOS_PER_SECOND)
    assert delegation.next["p"].nodes == {"n1": 600, "n2": 300}  # not yet 30 s
    clock.now = 30 * NANOS_PER_SECOND
    delegation.on_tick(30 * NANOS_PER_SECOND)
    # 600 x 300 / 900 = 200 and 300 x 300 / 900 = 100 come off
    assert delegation.next["p"].nodes == {"n1": 400, "n2": 200}
    assert delegation.next["p"].total == 600


def test_anti_whaling_scores_zero_an_oversized_validator() -> None:
    bus = EventBus()
    topology = Topology(bus)
    stakes = [
        ValidatorData("a", "a", 100, {}),
        ValidatorData("b", "b", 100, {}),
        ValidatorData("c", "c", 800, {}),
    ]
    params = StakeScoreParameters(Decimal(5), Decimal("1.1"), Decimal(3))
    scores = topology.reward_scores(1, stakes, params)
    # optimal stake 1000 / max(5, 3 / 1.1) = 200; c loses 600 flat and 200 steep
    assert scores == {"a": Decimal("0.5"), "b": Decimal("0.5"), "c": Decimal(0)}


def test_rewards_by_stake_split_and_cap() -> None:
    validator = ValidatorData("n", "v", 100, {"p1": 300, "p2": 600})
    uncapped = by_stake(1_000, {"n": Decimal(1)}, [validator], Decimal("0.5"), 0)
    # delegators' fraction 0.5 x 900 / 1000 = 0.45: 450 shared 1:2, the validator keeps 550;
    # p1's weight 1/3 is 0.3333333333333333 (Vega divides to 16 places), so 149.99.. floors to
    # 149, and the one unit left over is too small for a second round to place
    assert uncapped == {"v": 550, "p1": 149, "p2": 300}
    capped = by_stake(1_000, {"n": Decimal(1)}, [validator], Decimal("0.5"), 200)
    assert capped == {"v": 200, "p1": 200, "p2": 200}
