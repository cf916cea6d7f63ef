"""Epochs, staking, delegation and staking rewards through vega-sim on the embedded service.

Specs 0050-EPOC, 0059-STKG and 0061-REWP with vega-sim's genesis (five-minute
epochs, `reward.asset` VOTE with 5 decimals, delegator share 0.8, one genesis
validator). Two parameters are changed through governance so the lone genesis
validator scores: `minimumValidatorStake` 0 (it has no self-stake) and
`minValidators` 1 (with five, the anti-whaling optimum is a fifth of the stake and a
single validator's score clamps to zero). Expected rewards follow the rules:
the pot times the validator's normalised score (1), of which the delegators share
0.8 times their part of its stake (all of it), floored.
"""

from __future__ import annotations

import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega.commands.v1 import commands_pb2

from devops.embedded import EmbeddedVegaService

VOTE_DECIMALS = 5
UNIT = 10**VOTE_DECIMALS


def next_epoch(service: EmbeddedVegaService) -> int:
    start = service.statistics().epoch_seq
    while service.statistics().epoch_seq == start:
        service.wait_fn(1)
    return service.statistics().epoch_seq


def genesis_validator(service: EmbeddedVegaService) -> tuple[str, str]:
    ((node_id, pub_key),) = service.node.network.topology.validators.items()
    return node_id, pub_key


def delegate(service: EmbeddedVegaService, key: str, node_id: str, amount: int) -> str | None:
    command = commands_pb2.DelegateSubmission(node_id=node_id, amount=str(amount))
    service.wallet.submit_transaction(command, key, "delegate_submission")
    service.wait_fn(1)
    return service.node.results[-1].error


def rewards_of(service: EmbeddedVegaService, party: str) -> list:
    request = td.ListRewardsRequest(party_id=party)
    response = service.trading_data_client_v2.ListRewards(request)
    return [e.node for e in response.rewards.edges]


def delegations(service: EmbeddedVegaService, key: str, epoch: int) -> dict[str, str]:
    request = td.ListDelegationsRequest(
        party_id=service.wallet.public_key(key), epoch_id=str(epoch)
    )
    response = service.trading_data_client_v2.ListDelegations(request)
    return {e.node.node_id: e.node.amount for e in response.delegations.edges}


@pytest.fixture()
def staked(service: EmbeddedVegaService) -> EmbeddedVegaService:
    for name in ("staker", "funder", "proposer"):
        service.create_key(name)
    service.mint("proposer", asset="VOTE", amount=1_000)
    service.mint("funder", asset="VOTE", amount=1_000)
    service.stake(1_000, "staker")
    return service


def test_stake_is_associated_without_touching_the_general_account(staked) -> None:
    service = staked
    staker = service.wallet.public_key("staker")
    assert service.get_stake(staker) == 1_000
    vote = service.find_asset_id("VOTE")
    assert service.node.engine.collateral.balance(staker, vote, "", 4) == 0
    response = service.trading_data_client_v2.GetStake(td.GetStakeRequest(party_id=staker))
    (linking,) = [e.node for e in response.stake_linkings.edges]
    assert (linking.amount, linking.type) == (str(1_000 * UNIT), 1)  # TYPE_LINK


def test_epochs_count_from_the_genesis_block(service) -> None:
    first = service.statistics().epoch_seq
    assert next_epoch(service) == first + 1
    epoch = service.trading_data_client_v2.GetEpoch(td.GetEpochRequest()).epoch
    assert epoch.seq == first + 1
    length = epoch.timestamps.expiry_time - epoch.timestamps.start_time
    assert length == 5 * 60 * 1_000_000_000  # validators.epoch.length in the genesis


def test_delegation_counts_from_the_next_epoch(staked) -> None:
    service = staked
    node_id, _ = genesis_validator(service)
    epoch = service.statistics().epoch_seq
    assert delegate(service, "staker", node_id, 600 * UNIT) is None
    assert delegations(service, "staker", epoch + 1) == {node_id: str(600 * UNIT)}
    assert delegations(service, "staker", epoch) == {}
    next_epoch(service)
    assert delegations(service, "staker", epoch + 1) == {node_id: str(600 * UNIT)}


@pytest.mark.parametrize(
    ("amount", "node", "reason"),
    [
        (1_001 * UNIT, None, "insufficient balance for delegation"),
        (10 * UNIT, "unknown", "invalid node ID"),
    ],
)
def test_refused_delegation_changes_nothing(staked, amount, node, reason) -> None:
    service = staked
    node_id, _ = genesis_validator(service)
    epoch = service.statistics().epoch_seq
    assert delegate(service, "staker", node or node_id, amount) == reason
    assert delegations(service, "staker", epoch + 1) == {}
    assert service.get_stake(service.wallet.public_key("staker")) == 1_000


def test_delegators_share_the_global_reward(staked) -> None:
    service = staked
    service.update_network_parameter(
        "proposer", "reward.staking.delegation.minimumValidatorStake", "0"
    )
    service.update_network_parameter("proposer", "reward.staking.delegation.minValidators", "1")
    node_id, validator_key = genesis_validator(service)
    assert delegate(service, "staker", node_id, 600 * UNIT) is None
    vote = service.find_asset_id("VOTE")
    service.one_off_transfer(
        "funder",
        "funder",
        vega_protos.vega.ACCOUNT_TYPE_GENERAL,
        vega_protos.vega.ACCOUNT_TYPE_GLOBAL_REWARD,
        vote,
        100,
    )
    service.wait_fn(1)
    # the funder's key is replaced by the reward pool's all-zero key only for pools
    assert service.node.results[-1].error == "to party is invalid for reward account type"
    command = commands_pb2.Transfer(
        from_account_type=vega_protos.vega.ACCOUNT_TYPE_GENERAL,
        to="0" * 64,
        to_account_type=vega_protos.vega.ACCOUNT_TYPE_GLOBAL_REWARD,
        asset=vote,
        amount=str(100 * UNIT),
    )
    command.one_off.SetInParent()
    service.wallet.submit_transaction(command, "funder", "transfer")
    service.wait_fn(1)
    assert service.node.results[-1].error is None
    first = next_epoch(service)  # the delegation becomes active; nothing was active before
    staker = service.wallet.public_key("staker")
    assert rewards_of(service, staker) == []
    next_epoch(service)  # the first epoch with the delegation active ends
    pot = 100 * UNIT
    fee = pot // 1_000  # transfer.fee.factor 0.001, paid into the infrastructure-fee account
    to_delegators = pot * 8 // 10  # delegator share 0.8 of a stake wholly delegated
    fee_to_delegators = fee * 8 // 10  # infrastructure fees go to validators the same way
    rewards = rewards_of(service, staker)
    assert [(r.amount, r.epoch, r.reward_type) for r in rewards] == [
        (str(to_delegators), first, "ACCOUNT_TYPE_GLOBAL_REWARD"),
        (str(fee_to_delegators), first, "ACCOUNT_TYPE_FEES_INFRASTRUCTURE"),
    ]
    received = to_delegators + fee_to_delegators
    assert service.node.engine.collateral.balance(staker, vote, "", 4) == received
    validator_general = service.node.engine.collateral.balance(validator_key, vote, "", 4)
    assert validator_general == pot + fee - received
    summaries = service.trading_data_client_v2.ListRewardSummaries(
        td.ListRewardSummariesRequest(party_id=staker)
    ).summaries
    assert [(s.asset_id, s.amount) for s in summaries] == [(vote, str(received))]


def test_undelegating_now_takes_effect_at_once(staked) -> None:
    service = staked
    node_id, _ = genesis_validator(service)
    assert delegate(service, "staker", node_id, 600 * UNIT) is None
    epoch = next_epoch(service)
    assert delegations(service, "staker", epoch) == {node_id: str(600 * UNIT)}
    command = commands_pb2.UndelegateSubmission(
        node_id=node_id, amount=str(200 * UNIT), method=commands_pb2.UndelegateSubmission.METHOD_NOW
    )
    service.wallet.submit_transaction(command, "staker", "undelegate_submission")
    service.wait_fn(1)
    assert delegations(service, "staker", epoch) == {node_id: str(400 * UNIT)}
    assert delegations(service, "staker", epoch + 1) == {node_id: str(400 * UNIT)}
    too_much = commands_pb2.UndelegateSubmission(
        node_id=node_id, amount=str(401 * UNIT), method=commands_pb2.UndelegateSubmission.METHOD_NOW
    )
    service.wallet.submit_transaction(too_much, "staker", "undelegate_submission")
    service.wait_fn(1)
    assert service.node.results[-1].error == "incorrect token amount for undelegation"
    assert delegations(service, "staker", epoch) == {node_id: str(400 * UNIT)}
