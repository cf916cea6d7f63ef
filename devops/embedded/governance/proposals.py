"""Governance (Vega's `core/governance`): proposals, votes, and enactment on time.

A proposal is checked when submitted (the proposer's governance-token balance,
closing and enactment times within the network parameters' bounds, valid
terms) and is then OPEN or REJECTED with Vega's reason. At its closing time the
votes are weighed by the voters' governance-token balances: it PASSES when
participation and the yes-majority reach the required levels, else it is
DECLINED. A passed new market is created at once and holds its opening auction
until enactment; assets, market updates and network parameters change at the
enactment time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from devops.embedded.codec.governance import (
    Proposal,
    ProposalError,
    State,
    Vote,
    VoteValue,
    is_vote,
    proposal_proto,
    vote_proto,
)
from devops.embedded.codec.markets import market_config, updated_market_changes
from devops.embedded.codec.transactions import CommandError
from devops.embedded.governance.market_update_checks import changes_rejection, market_rejection
from devops.engine.events.bus import EventBus, EventType
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.execution.succession import Succession, SuccessionError
from devops.engine.ids import IdGenerator
from devops.engine.netparams.params import NetworkParameterError
from devops.engine.types import NANOS_PER_SECOND, AccountType


@dataclass(slots=True)
class ProposalRecord:
    """One proposal and its votes; `message` is what the data node returns."""

    message: Proposal
    votes: dict[str, int] = field(default_factory=dict)  # party -> VoteValue
    enacted: bool = False

    @property
    def kind(self) -> str:
        return self.message.terms.WhichOneof("change") or ""

    @property
    def prefix(self) -> str:
        """The network-parameter family of this kind of proposal."""
        return {
            "new_market": "market",
            "update_market": "updateMarket",
            "new_asset": "asset",
            "update_asset": "updateAsset",
            "update_network_parameter": "updateNetParam",
        }.get(self.kind, "freeform")


class Governance:
    """Proposals by id, in submission order; driven by the chain's clock."""

    def __init__(
        self,
        engine: ExecutionEngine,
        ids: IdGenerator,
        governance_asset: str,
        bus: EventBus,
    ) -> None:
        self.engine = engine
        self.ids = ids
        self.governance_asset = governance_asset
        self.proposals: dict[str, ProposalRecord] = {}
        self.asset_details: dict[str, Any] = {}  # asset id -> AssetDetails proto
        self.market_changes: dict[str, Any] = {}  # market id -> NewMarketConfiguration proto
        self.market_times: dict[str, tuple[int, int]] = {}  # market id -> (proposed, pending)
        self._bus = bus
        self.succession: Succession | None = None  # set by the node that owns the markets

    def _publish(self, message: Proposal | Vote) -> None:
        kind = EventType.VOTE if is_vote(message) else EventType.PROPOSAL
        self._bus.publish(kind, message)

    # ---- submissions ------------------------------------------------------------------------

    def _balance(self, party: str) -> int:
        return self.engine.collateral.balance(party, self.governance_asset, "", AccountType.GENERAL)

    def submit(self, party: str, submission: Any) -> ProposalRecord:
        now = self.engine.now
        proposal = proposal_proto(self.ids.next(), party, submission, timestamp=now)
        record = ProposalRecord(proposal)
        prefix = f"governance.proposal.{record.prefix}"
        proposal.required_majority = self.engine.netparams.get(f"{prefix}.requiredMajority")
        proposal.required_participation = self.engine.netparams.get(
            f"{prefix}.requiredParticipation"
        )
        reason = self._check(record, party, now)
        if reason is not None:
            proposal.state = State.STATE_REJECTED
            proposal.reason, proposal.error_details = reason
        self.proposals[proposal.id] = record
        self._publish(proposal)
        return record

    def _check(self, record: ProposalRecord, party: str, now: int) -> tuple[int, str] | None:
        terms = record.message.terms
        params = self.engine.netparams
        prefix = f"governance.proposal.{record.prefix}"
        if not record.kind:
            return ProposalError.PROPOSAL_ERROR_UNSUPPORTED_PROPOSAL, "no change in the terms"
        # a market update checks its market and the proposer's share after the times, as Vega
        if record.kind != "update_market" and not self._holds_enough_tokens(party, prefix):
            return (
                ProposalError.PROPOSAL_ERROR_INSUFFICIENT_TOKENS,
                "proposer does not hold enough governance tokens",
            )
        closing = terms.closing_timestamp * NANOS_PER_SECOND - now
        if closing < params.get_duration_seconds(f"{prefix}.minClose") * NANOS_PER_SECOND:
            return ProposalError.PROPOSAL_ERROR_CLOSE_TIME_TOO_SOON, "closing time too soon"
        if closing > params.get_duration_seconds(f"{prefix}.maxClose") * NANOS_PER_SECOND:
            return ProposalError.PROPOSAL_ERROR_CLOSE_TIME_TOO_LATE, "closing time too late"
        if record.kind != "new_freeform":
            if terms.enactment_timestamp < terms.closing_timestamp:
                return (
                    ProposalError.PROPOSAL_ERROR_INCOMPATIBLE_TIMESTAMPS,
                    "enactment before closing",
                )
            enact = terms.enactment_timestamp * NANOS_PER_SECOND - now
            if enact < params.get_duration_seconds(f"{prefix}.minEnact") * NANOS_PER_SECOND:
                return (
                    ProposalError.PROPOSAL_ERROR_ENACT_TIME_TOO_SOON,
                    "enactment time too soon",
                )
            if enact > params.get_duration_seconds(f"{prefix}.maxEnact") * NANOS_PER_SECOND:
                return (
                    ProposalError.PROPOSAL_ERROR_ENACT_TIME_TOO_LATE,
                    "enactment time too late",
                )
        if record.kind == "update_market":
            rejection = self._check_market_update(record, party, prefix)
            if rejection is not None:
                return rejection
        try:
            return self._check_change(record)
        except CommandError as error:
            return ProposalError.PROPOSAL_ERROR_INVALID_MARKET, str(error)

    def _holds_enough_tokens(self, party: str, prefix: str) -> bool:
        return self._balance(party) >= int(
            self.engine.netparams.get(f"{prefix}.minProposerBalance")
        )

    def _check_market_update(
        self, record: ProposalRecord, party: str, prefix: str
    ) -> tuple[int, str] | None:
        """Vega's `validateMarketUpdate`: the market, then equity-like share or tokens."""
        market_id = record.message.terms.update_market.market_id
        own_proposal = self.proposals.get(market_id)
        rejection = market_rejection(
            market_id,
            exists=market_id in self.engine.markets,
            awaiting_enactment=own_proposal is not None and not own_proposal.enacted,
        )
        if rejection is not None:
            return rejection
        providers = self.engine.markets[market_id].equity_shares.providers
        share = providers[party].share if party in providers else Decimal(0)
        minimum = Decimal(self.engine.netparams.get(f"{prefix}.minProposerEquityLikeShare"))
        if share < minimum and not self._holds_enough_tokens(party, prefix):
            return (
                ProposalError.PROPOSAL_ERROR_INSUFFICIENT_TOKENS,
                "proposer does not hold enough governance tokens",
            )
        return None

    def _check_change(self, record: ProposalRecord) -> tuple[int, str] | None:
        terms = record.message.terms
        if record.kind == "new_market":
            asset = terms.new_market.changes.instrument.future.settlement_asset
            if asset not in self.engine.assets:
                return ProposalError.PROPOSAL_ERROR_INVALID_ASSET, f"unknown asset {asset!r}"
            self._new_market_config(record)  # raises CommandError when the terms are invalid
            return self._successor_rejection(record)
        elif record.kind == "update_market":
            return changes_rejection(terms.update_market, terms.enactment_timestamp)
        elif record.kind == "update_network_parameter":
            change = terms.update_network_parameter.changes
            try:
                self.engine.netparams.validate(change.key, change.value)
            except NetworkParameterError as error:
                return ProposalError.PROPOSAL_ERROR_NETWORK_PARAMETER_VALIDATION_FAILED, str(error)
        elif record.kind == "new_asset":
            details = terms.new_asset.changes
            if not details.symbol or details.decimals > 18:
                return ProposalError.PROPOSAL_ERROR_INVALID_ASSET_DETAILS, "invalid asset details"
        elif record.kind not in ("new_freeform",):
            return ProposalError.PROPOSAL_ERROR_UNSUPPORTED_PROPOSAL, record.kind
        return None

    def _new_market_config(self, record: ProposalRecord) -> Any:
        terms = record.message.terms
        changes = terms.new_market.changes
        asset = changes.instrument.future.settlement_asset
        return market_config(
            record.message.id,
            changes,
            asset_decimals=self.engine.assets.get(asset, 0),
            netparams=self.engine.netparams,
            opening_auction_seconds=terms.enactment_timestamp - terms.closing_timestamp,
        )

    def vote(self, party: str, submission: Any) -> str | None:
        """Record a vote; Vega's reason when it cannot be taken."""
        record = self.proposals.get(submission.proposal_id)
        if record is None:
            return "proposal does not exist"
        if record.message.state != State.STATE_OPEN:
            return "proposal is not open for votes"
        if submission.value not in (VoteValue.VALUE_YES, VoteValue.VALUE_NO):
            return "vote_submission.value (is not a valid value)"
        prefix = f"governance.proposal.{record.prefix}"
        if self._balance(party) < int(self.engine.netparams.get(f"{prefix}.minVoterBalance")):
            return "vote requires more governance tokens"
        record.votes[party] = submission.value
        self._publish(vote_proto(party, submission.value, record.message.id, self.engine.now))
        return None

    # ---- time -------------------------------------------------------------------------------

    def on_tick(self, now: int) -> None:
        """Close proposals whose time has come, then enact passed ones, in submission order."""
        for record in list(self.proposals.values()):
            terms = record.message.terms
            if (
                record.message.state == State.STATE_OPEN
                and now >= terms.closing_timestamp * NANOS_PER_SECOND
            ):
                self._close(record)
        for record in list(self.proposals.values()):
            terms = record.message.terms
            if (
                record.message.state == State.STATE_PASSED
                and not record.enacted
                and now >= terms.enactment_timestamp * NANOS_PER_SECOND
            ):
                self._enact(record)

    def _close(self, record: ProposalRecord) -> None:
        supply = self.engine.collateral.total(self.governance_asset)
        yes = sum(self._balance(p) for p, v in record.votes.items() if v == VoteValue.VALUE_YES)
        no = sum(self._balance(p) for p, v in record.votes.items() if v == VoteValue.VALUE_NO)
        participation = Decimal(yes + no) / supply if supply else Decimal(0)
        majority = Decimal(yes) / (yes + no) if yes + no else Decimal(0)
        message = record.message
        passed = participation >= Decimal(message.required_participation) and majority >= Decimal(
            message.required_majority
        )
        if not passed:
            message.state = State.STATE_DECLINED
            message.reason = (
                ProposalError.PROPOSAL_ERROR_PARTICIPATION_THRESHOLD_NOT_REACHED
                if participation < Decimal(message.required_participation)
                else ProposalError.PROPOSAL_ERROR_MAJORITY_THRESHOLD_NOT_REACHED
            )
            self._publish(message)
            return
        message.state = State.STATE_PASSED
        if record.kind == "new_market":
            self._create_market(record)
        self._publish(message)

    def _successor_rejection(self, record: ProposalRecord) -> tuple[int, str] | None:
        """Spec 0081-SUCM: a successor names a parent that exists and is not succeeded."""
        successor = record.message.terms.new_market.changes.successor
        if not successor.parent_market_id or self.succession is None:
            return None
        try:
            self.succession.check_parent(successor.parent_market_id)
        except SuccessionError as error:
            return ProposalError.PROPOSAL_ERROR_INVALID_SUCCESSOR_MARKET, str(error)
        return None

    def _create_market(self, record: ProposalRecord) -> None:
        rejection = self._successor_rejection(record)  # the parent may be gone by now
        if rejection is not None:
            record.message.state = State.STATE_REJECTED
            record.message.reason, record.message.error_details = rejection
            return
        config = self._new_market_config(record)
        self.market_changes[config.id] = record.message.terms.new_market.changes
        self.market_times[config.id] = (record.message.timestamp, self.engine.now)
        self.engine.submit_market(config)
        self.engine.start_opening_auction(config.id)
        successor = record.message.terms.new_market.changes.successor
        if successor.parent_market_id and self.succession is not None:
            fraction = Decimal(successor.insurance_pool_fraction or "0")
            self.succession.register(config.id, successor.parent_market_id, fraction)

    def _enact(self, record: ProposalRecord) -> None:
        terms = record.message.terms
        if record.kind == "new_asset":
            details = terms.new_asset.changes
            self.asset_details[record.message.id] = details
            self.engine.enable_asset(record.message.id, details.decimals, int(details.quantum or 1))
        elif record.kind == "update_network_parameter":
            change = terms.update_network_parameter.changes
            self.engine.netparams.update(change.key, change.value)
        elif record.kind == "update_market":
            self._update_market(terms.update_market)
        record.enacted = True
        record.message.state = State.STATE_ENACTED
        self._publish(record.message)

    def _update_market(self, update: Any) -> None:
        market = self.engine.markets[update.market_id]
        changes = updated_market_changes(self.market_changes[update.market_id], update.changes)
        config = market_config(
            update.market_id,
            changes,
            asset_decimals=market.config.asset_decimals,
            netparams=self.engine.netparams,
            opening_auction_seconds=market.config.opening_auction_duration,
        )
        config.fees = market.config.fees
        config.margin_scaling = market.config.margin_scaling
        self.market_changes[update.market_id] = changes
        self.engine.update_market(config)
