"""Proposals, votes, assets and network parameters as vega-sim's messages.

Governance keeps each proposal as the message the data node returns, so its
state changes are made on that message; these functions build and copy them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vega_sim.proto.vega import assets_pb2, governance_pb2, vega_pb2

Asset = assets_pb2.Asset
Proposal = governance_pb2.Proposal
Vote = governance_pb2.Vote
State = governance_pb2.Proposal.State
ProposalError = governance_pb2.ProposalError
VoteValue = governance_pb2.Vote.Value


def proposal_proto(
    proposal_id: str, party: str, submission: Any, *, timestamp: int
) -> governance_pb2.Proposal:
    """An OPEN proposal from a `ProposalSubmission`."""
    return governance_pb2.Proposal(
        id=proposal_id,
        reference=submission.reference,
        party_id=party,
        state=State.STATE_OPEN,
        timestamp=timestamp,
        terms=submission.terms,
        rationale=submission.rationale,
    )


def vote_proto(party: str, value: int, proposal_id: str, timestamp: int) -> governance_pb2.Vote:
    return governance_pb2.Vote(
        party_id=party, value=value, proposal_id=proposal_id, timestamp=timestamp
    )


def is_vote(message: object) -> bool:
    return isinstance(message, governance_pb2.Vote)


def copy(message: Any) -> Any:
    """A copy of any message, for one the sender may go on changing."""
    duplicate = type(message)()
    duplicate.CopyFrom(message)
    return duplicate


def governance_data(
    proposal: governance_pb2.Proposal, votes: Iterable[governance_pb2.Vote] = ()
) -> governance_pb2.GovernanceData:
    """A proposal with its votes, split into yes and no."""
    data = governance_pb2.GovernanceData(proposal=proposal)
    for vote in votes:
        target = data.yes if vote.value == VoteValue.VALUE_YES else data.no
        target.append(vote)
    return data


def enacted_parameter(proposal: governance_pb2.Proposal) -> tuple[str, str] | None:
    """(key, value) of an enacted network-parameter proposal, else None."""
    if proposal.state != State.STATE_ENACTED:
        return None
    if proposal.terms.WhichOneof("change") != "update_network_parameter":
        return None
    change = proposal.terms.update_network_parameter.changes
    return change.key, change.value


def network_parameter_proto(key: str, value: str) -> vega_pb2.NetworkParameter:
    return vega_pb2.NetworkParameter(key=key, value=value)


def asset_proto(
    asset_id: str, details: Any, *, decimals: int, quantum: int, faucet_limit: int
) -> assets_pb2.Asset:
    """An enabled asset: a proposal's details, or a genesis asset's own figures."""
    message = assets_pb2.Asset(id=asset_id, status=assets_pb2.Asset.Status.STATUS_ENABLED)
    if details is not None:
        message.details.CopyFrom(details)
    else:  # a genesis asset
        message.details.name = asset_id
        message.details.symbol = asset_id
        message.details.decimals = decimals
        message.details.quantum = str(quantum)
        message.details.builtin_asset.max_faucet_amount_mint = str(faucet_limit)
    return message


def builtin_faucet_limit(details: Any) -> int | None:
    """A proposed asset's faucet maximum, or None when it is not a builtin asset."""
    if not details.HasField("builtin_asset"):
        return None
    return int(details.builtin_asset.max_faucet_amount_mint or 0)


def new_market_changes(proposal: governance_pb2.Proposal) -> tuple[Any, str, str]:
    """A new-market proposal's (`NewMarketConfiguration` copy, successor's parent id,
    insurance pool fraction text)."""
    changes = proposal.terms.new_market.changes
    successor = changes.successor
    return copy(changes), successor.parent_market_id, successor.insurance_pool_fraction


def enacted_market_update(proposal: governance_pb2.Proposal) -> tuple[str, Any] | None:
    """(market id, `UpdateMarketConfiguration`) of an enacted market update, else None."""
    if proposal.state != State.STATE_ENACTED:
        return None
    if proposal.terms.WhichOneof("change") != "update_market":
        return None
    update = proposal.terms.update_market
    return update.market_id, update.changes
