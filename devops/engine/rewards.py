"""Rewards: paying out reward accounts at each epoch's end (specs 0056-REWA, 0061-REWP).

As Vega core's `rewards` engine: when an epoch ends, delegations are processed,
validators scored, and every non-empty reward account paid out in Vega's order
(global reward, infrastructure fees, maker fees received, maker fees paid, LP
fees received, market proposers). The global reward account of `reward.asset` and
the infrastructure-fee accounts go to validators by normalised score, each
validator keeping its share less `delegatorShare` times its delegators' part of
its stake, delegators sharing the rest by stake (at most
`maxPayoutPerParticipant` each, when set, in up to ten rounds). Market reward
accounts go to the market's parties by their share of the epoch's fees of the
account's kind. Payouts are REWARD_PAYOUT ledger moves to general accounts and
REWARD_PAYOUT events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Context, Decimal, localcontext

from devops.engine.collateral import NO_MARKET, Account, Collateral
from devops.engine.delegation import Delegation, ValidatorData
from devops.engine.epochtime import Epoch, EpochAction
from devops.engine.events.bus import EventBus, EventType
from devops.engine.execution.activity import MarketActivity
from devops.engine.netparams.params import NetworkParameters
from devops.engine.types import AccountType, Clock, TransferType
from devops.engine.validators import StakeScoreParameters, Topology
from devops.engine.vega_decimal import decimal_div

_WIDE = Context(prec=80)
_MIN_LEFTOVER = Decimal("0.001")  # of the cap: delegator rounds stop below this
REWARD_ACCOUNT_ORDER = (
    AccountType.GLOBAL_REWARD,
    AccountType.FEES_INFRASTRUCTURE,
    AccountType.REWARD_MAKER_RECEIVED_FEES,
    AccountType.REWARD_MAKER_PAID_FEES,
    AccountType.REWARD_LP_RECEIVED_FEES,
    AccountType.REWARD_MARKET_PROPOSERS,
)
_FEE_TYPE = {
    AccountType.REWARD_MAKER_RECEIVED_FEES: TransferType.MAKER_FEE_RECEIVE,
    AccountType.REWARD_MAKER_PAID_FEES: TransferType.MAKER_FEE_PAY,
    AccountType.REWARD_LP_RECEIVED_FEES: TransferType.LIQUIDITY_FEE_DISTRIBUTE,
}


@dataclass(frozen=True, slots=True)
class RewardPayout:
    party: str
    epoch_seq: int
    asset: str
    amount: int
    percent_of_total: Decimal
    reward_type: AccountType
    market: str
    timestamp: int


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_DOWN))


def _mul(a: Decimal, b: Decimal) -> Decimal:
    with localcontext(_WIDE):
        return a * b


class Rewards:
    """Pays the reward accounts out when an epoch ends."""

    def __init__(
        self,
        bus: EventBus,
        collateral: Collateral,
        netparams: NetworkParameters,
        delegation: Delegation,
        topology: Topology,
        activity: MarketActivity,
        clock: Clock,
        proposer: Callable[[str], str] = lambda market: "",
    ) -> None:
        self._bus = bus
        self._collateral = collateral
        self._netparams = netparams
        self._delegation = delegation
        self._topology = topology
        self._activity = activity
        self._clock = clock
        self._proposer = proposer

    def on_epoch(self, epoch: Epoch) -> None:
        if epoch.action is EpochAction.END:
            self._pay_out(epoch)

    def _param(self, key: str) -> Decimal:
        return self._netparams.get_decimal(key)

    def _pay_out(self, epoch: Epoch) -> None:
        stakes = self._delegation.process_epoch(epoch)
        params = StakeScoreParameters(
            self._param("reward.staking.delegation.minValidators"),
            self._param("reward.staking.delegation.competitionLevel"),
            self._param("reward.staking.delegation.optimalStakeMultiplier"),
        )
        self._topology.min_self_stake = self._param(
            "reward.staking.delegation.minimumValidatorStake"
        )
        scores = self._topology.reward_scores(epoch.seq, stakes, params)
        validator_factor = Decimal(1) if sum(v.total_stake for v in stakes) > 0 else Decimal(0)
        reward_asset = self._netparams.get("reward.asset")
        accounts = sorted(
            (a for a in self._collateral.accounts.values() if a.owner == "*"),
            key=lambda a: a.id,
        )
        for reward_type in REWARD_ACCOUNT_ORDER:
            for account in accounts:
                if account.type != reward_type or account.balance == 0:
                    continue
                shares = self._shares(account, reward_asset, stakes, scores, validator_factor)
                if shares:
                    self._distribute(epoch, account, shares)

    def _shares(
        self,
        account: Account,
        reward_asset: str,
        stakes: list[ValidatorData],
        scores: dict[str, Decimal],
        validator_factor: Decimal,
    ) -> dict[str, int]:
        kind = account.type
        if kind in (AccountType.GLOBAL_REWARD, AccountType.FEES_INFRASTRUCTURE):
            if kind == AccountType.GLOBAL_REWARD and account.asset != reward_asset:
                return {}
            cap = 0
            if kind == AccountType.GLOBAL_REWARD:
                cap = _floor(self._param("reward.staking.delegation.maxPayoutPerParticipant"))
            pot = _floor(_mul(Decimal(account.balance), validator_factor))
            share = self._param("reward.staking.delegation.delegatorShare")
            return by_stake(pot, scores, stakes, share, cap)
        if not account.market_id or account.market_id == NO_MARKET:
            return {}
        if kind == AccountType.REWARD_MARKET_PROPOSERS:
            proposer = self._proposer(account.market_id)
            return {proposer: account.balance} if proposer else {}
        parties = self._activity.party_scores(account.market_id, _FEE_TYPE[kind])
        shares = {p: _floor(_mul(Decimal(account.balance), s)) for p, s in parties}
        return {p: amount for p, amount in shares.items() if amount > 0}

    def _distribute(self, epoch: Epoch, account: Account, shares: dict[str, int]) -> None:
        total = sum(shares.values())
        if total <= 0:
            return
        collateral = self._collateral
        now = self._clock.now
        market = account.market_id if account.market_id != NO_MARKET else ""
        for party in sorted(shares):
            if shares[party] > 0:
                general = collateral.general(party, account.asset)
                collateral.move([account], [general], shares[party], TransferType.REWARD_PAYOUT)
        for party in sorted(shares):
            percent = _mul(decimal_div(Decimal(shares[party]), Decimal(total)), Decimal(100))
            self._bus.publish(
                EventType.REWARD_PAYOUT,
                RewardPayout(
                    party,
                    epoch.seq,
                    account.asset,
                    shares[party],
                    percent,
                    account.type,
                    market,
                    now,
                ),
            )


def by_stake(
    pot: int,
    scores: dict[str, Decimal],
    stakes: list[ValidatorData],
    delegator_share: Decimal,
    cap: int,
) -> dict[str, int]:
    """Split `pot` between validators by score, and within a validator between itself
    and its delegators (Vega's `calculateRewardsByStake`); `cap` 0 means no cap."""
    rewards: dict[str, int] = {}
    if pot == 0:
        return rewards
    min_leftover = _floor(_mul(_MIN_LEFTOVER, Decimal(cap))) if cap else 0
    for validator in stakes:
        score = scores.get(validator.node_id, Decimal(0))
        if score == 0:
            continue
        for_node = _mul(score, Decimal(pot))
        by_delegators = Decimal(validator.stake_by_delegators)
        delegator_fraction = decimal_div(
            _mul(delegator_share, by_delegators), Decimal(validator.total_stake)
        )
        to_delegators = _floor(_mul(delegator_fraction, for_node))
        to_validator = _floor(_mul(Decimal(1) - delegator_fraction, for_node))
        # Vega reads the running total under the node id, not the validator's key
        so_far = rewards.get(validator.node_id, 0)
        if cap == 0 or so_far + to_validator <= cap:
            rewards[validator.pub_key] = so_far + to_validator
        else:
            rewards[validator.pub_key] = cap
        remaining = to_delegators
        if remaining == 0:
            continue
        weights: dict[str, Decimal] = {}
        weight_sum = Decimal(0)
        for party, amount in validator.delegators.items():
            weight = decimal_div(Decimal(amount), by_delegators)
            weight_sum += weight
            if amount:
                weights[party] = weight
        parties = sorted(weights)
        while weight_sum > 1:  # rounding may overshoot: trim the heaviest delegator
            heaviest = max(parties, key=lambda p: weights[p])  # the first, in party order
            weights[heaviest] = max(Decimal(0), weights[heaviest] - (weight_sum - 1))
            weight_sum = sum(weights.values(), Decimal(0))
        for _ in range(10):
            awarded = 0
            for party in parties:
                current = rewards.get(party, 0)
                reward = _floor(_mul(weights[party], Decimal(remaining)))
                if cap == 0 or current + reward <= cap:
                    rewards[party] = current + reward
                    awarded += reward
                else:
                    rewards[party] = cap
                    awarded += cap - current
            remaining -= awarded
            if remaining < min_leftover or awarded == 0:
                break
    return rewards
