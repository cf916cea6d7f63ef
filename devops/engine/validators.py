"""Validators and their reward scores (spec 0061-REWP, anti-whaling stake score).

A validator whose self-stake is below `reward.staking.delegation.minimumValidatorStake`
scores zero for performance. Its stake score is its stake less the flat penalty
above the optimal stake and the steep penalty above `optimalStakeMultiplier` times
it, over the total stake, clamped to [0, 1]; the optimal stake is the total over
max(`minValidators`, validators / `competitionLevel`). Scores are normalised to
sum to one and published as VALIDATOR_SCORE events (status "tendermint"). Every
validator here is a consensus validator with performance one, as on a null chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from devops.engine.delegation import ValidatorData
from devops.engine.events.bus import EventBus, EventType
from devops.engine.vega_decimal import decimal_div


@dataclass(frozen=True, slots=True)
class StakeScoreParameters:
    min_validators: Decimal
    competition_level: Decimal
    optimal_stake_multiplier: Decimal


@dataclass(frozen=True, slots=True)
class ValidatorScore:
    node_id: str
    epoch_seq: int
    validator_score: Decimal
    normalised_score: Decimal
    raw_score: Decimal
    performance: Decimal
    status: str = "tendermint"


class Topology:
    """The validator set: node id -> Vega public key, in node id order."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self.validators: dict[str, str] = {}
        self.min_self_stake = Decimal(0)

    def add(self, node_id: str, pub_key: str) -> None:
        self.validators[node_id] = pub_key

    def nodes(self) -> dict[str, str]:
        return self.validators

    def reward_scores(
        self, epoch_seq: int, stakes: list[ValidatorData], params: StakeScoreParameters
    ) -> dict[str, Decimal]:
        """Normalised score per node; VALIDATOR_SCORE events in node order."""
        performance = {
            v.node_id: Decimal(1) if Decimal(v.self_stake) >= self.min_self_stake else Decimal(0)
            for v in stakes
        }
        total = Decimal(sum(v.total_stake for v in stakes))
        optimal = _optimal_stake(total, len(stakes), params)
        raw = {
            v.node_id: _anti_whaling(Decimal(v.total_stake), total, optimal, params) for v in stakes
        }
        scores = {node: raw[node] * performance[node] for node in raw}
        score_sum = sum(scores.values(), Decimal(0))
        normalised = {
            node: decimal_div(score, score_sum) if score_sum > 0 else Decimal(0)
            for node, score in scores.items()
        }
        for node in sorted(raw):
            self._bus.publish(
                EventType.VALIDATOR_SCORE,
                ValidatorScore(
                    node, epoch_seq, scores[node], normalised[node], raw[node], performance[node]
                ),
            )
        return normalised


def _optimal_stake(total: Decimal, count: int, params: StakeScoreParameters) -> Decimal:
    if total <= 0:
        return Decimal(0)
    divisor = max(params.min_validators, decimal_div(Decimal(count), params.competition_level))
    return decimal_div(total, divisor)


def _anti_whaling(
    stake: Decimal, total: Decimal, optimal: Decimal, params: StakeScoreParameters
) -> Decimal:
    if total <= 0:
        return Decimal(0)
    flat = max(Decimal(0), stake - optimal)
    steep = max(Decimal(0), stake - params.optimal_stake_multiplier * optimal)
    linear = decimal_div(stake - flat - steep, total)
    return min(Decimal(1), max(Decimal(0), linear))
