"""Transfers, epochs, stake, delegations, validator scores and rewards as vega-sim's messages.

The network domains' bus records become the `events.v1` messages a data node
stores and streams, and the responses of its queries over them.
"""

from __future__ import annotations

from collections.abc import Iterable

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.engine.banking.transfers import Transfer
from devops.engine.delegation import DelegationBalance
from devops.engine.epochtime import Epoch
from devops.engine.rewards import RewardPayout
from devops.engine.staking import StakeLinking
from devops.engine.types import NANOS_PER_SECOND
from devops.engine.validators import ValidatorScore


def transfer_proto(transfer: Transfer) -> events_pb2.Transfer:
    message = events_pb2.Transfer(
        id=transfer.id,
        to=transfer.to,
        from_account_type=int(transfer.from_account_type),
        to_account_type=int(transfer.to_account_type),
        asset=transfer.asset,
        amount=str(transfer.amount),
        reference=transfer.reference,
        status=int(transfer.status),
        timestamp=transfer.timestamp,
    )
    setattr(message, "from", transfer.from_party)  # a Python keyword
    if transfer.reason:
        message.reason = transfer.reason
    if not transfer.recurring:
        message.one_off.deliver_on = transfer.deliver_on or 0
        return message
    recurring = message.recurring
    recurring.start_epoch = transfer.start_epoch
    if transfer.end_epoch is not None:
        recurring.end_epoch = transfer.end_epoch
    recurring.factor = str(transfer.factor)
    strategy = transfer.dispatch_strategy
    if strategy is not None:
        recurring.dispatch_strategy.asset_for_metric = strategy.asset_for_metric
        recurring.dispatch_strategy.metric = int(strategy.metric)
        recurring.dispatch_strategy.markets.extend(strategy.markets)
    return message


def epoch_event_proto(epoch: Epoch) -> events_pb2.EpochEvent:
    return events_pb2.EpochEvent(
        seq=epoch.seq,
        action=epoch.action.value,
        start_time=epoch.start_time,
        expire_time=epoch.expire_time,
        end_time=epoch.end_time,
    )


def epoch_proto(epoch: Epoch, delegations: list[vega_pb2.Delegation]) -> vega_pb2.Epoch:
    message = vega_pb2.Epoch(seq=epoch.seq)
    message.timestamps.start_time = epoch.start_time
    message.timestamps.expiry_time = epoch.expire_time
    message.timestamps.end_time = epoch.end_time
    message.delegations.extend(delegations)
    return message


def stake_linking_proto(linking: StakeLinking, block: int) -> events_pb2.StakeLinking:
    kind = events_pb2.StakeLinking.Type
    return events_pb2.StakeLinking(
        id=f"{linking.party}:{linking.timestamp}",
        type=kind.TYPE_LINK if linking.deposited else kind.TYPE_UNLINK,
        ts=linking.timestamp // NANOS_PER_SECOND,
        party=linking.party,
        amount=str(linking.amount),
        status=events_pb2.StakeLinking.Status.STATUS_ACCEPTED,
        finalized_at=linking.timestamp,
        block_height=block,
        block_time=linking.timestamp // NANOS_PER_SECOND,
    )


def _delegation_fields(balance: DelegationBalance) -> dict[str, str]:
    """A delegation's fields, the same in the data node's record and in the bus event."""
    return {
        "party": balance.party,
        "node_id": balance.node_id,
        "amount": str(balance.amount),
        "epoch_seq": str(balance.epoch_seq),
    }


def delegation_proto(balance: DelegationBalance) -> vega_pb2.Delegation:
    return vega_pb2.Delegation(**_delegation_fields(balance))


def delegation_event_proto(balance: DelegationBalance) -> events_pb2.DelegationBalanceEvent:
    return events_pb2.DelegationBalanceEvent(**_delegation_fields(balance))


def validator_score_proto(score: ValidatorScore) -> events_pb2.ValidatorScoreEvent:
    return events_pb2.ValidatorScoreEvent(
        node_id=score.node_id,
        epoch_seq=str(score.epoch_seq),
        validator_score=str(score.validator_score),
        normalised_score=str(score.normalised_score),
        validator_performance=str(score.performance),
        raw_validator_score=str(score.raw_score),
        validator_status=score.status,
    )


def reward_event_proto(payout: RewardPayout) -> events_pb2.RewardPayoutEvent:
    return events_pb2.RewardPayoutEvent(
        party=payout.party,
        epoch_seq=str(payout.epoch_seq),
        asset=payout.asset,
        amount=str(payout.amount),
        percent_of_total_reward=str(payout.percent_of_total),
        timestamp=payout.timestamp,
        reward_type=vega_pb2.AccountType.Name(int(payout.reward_type)),
        market=payout.market or "-",
    )


def reward_proto(payout: RewardPayout) -> vega_pb2.Reward:
    return vega_pb2.Reward(
        asset_id=payout.asset,
        party_id=payout.party,
        epoch=payout.epoch_seq,
        amount=str(payout.amount),
        percentage_of_total=str(payout.percent_of_total),
        received_at=payout.timestamp,
        market_id=payout.market or "-",
        reward_type=vega_pb2.AccountType.Name(int(payout.reward_type)),
    )


def stake_response(
    balance: int, linkings: Iterable[events_pb2.StakeLinking]
) -> td.GetStakeResponse:
    response = td.GetStakeResponse(current_stake_available=str(balance))
    for linking in linkings:
        response.stake_linkings.edges.add(node=linking)
    response.stake_linkings.page_info.has_next_page = False
    return response


def epoch_response(
    epoch: Epoch | None, delegations: list[vega_pb2.Delegation]
) -> td.GetEpochResponse:
    if epoch is None:
        return td.GetEpochResponse()
    return td.GetEpochResponse(epoch=epoch_proto(epoch, delegations))


def reward_summaries_response(
    totals: Iterable[tuple[tuple[str, str], int]],
) -> td.ListRewardSummariesResponse:
    """One summary per ((party, asset), total amount)."""
    response = td.ListRewardSummariesResponse()
    for (party, asset), amount in totals:
        response.summaries.add(party_id=party, asset_id=asset, amount=str(amount))
    return response
