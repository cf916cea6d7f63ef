"""The whole network: markets plus the domains that live beside them.

Vega core ticks its services in a fixed order at each block's start (epochs,
banking, delegation, then execution) and tells the epoch service when a block
ends. `Network` holds the execution engine with the epoch service, banking
(transfers, 0057-TRAN), staking and delegation (0059-STKG), the validators, the
market activity tracker and rewards (0056-REWA, 0061-REWP) and successor markets
(0081-SUCM), and drives them in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from devops.engine.banking.engine import Banking
from devops.engine.delegation import Delegation
from devops.engine.epochtime import EpochService
from devops.engine.execution.activity import MarketActivity
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.execution.succession import Succession
from devops.engine.netparams.params import parse_duration
from devops.engine.rewards import Rewards
from devops.engine.staking import StakingAccounts
from devops.engine.types import NANOS_PER_SECOND
from devops.engine.validators import Topology


class Network:
    """Execution, epochs and banking of one network, deterministic from its inputs.

    `genesis=True` reads the epoch length and transfer parameters as a network does
    at genesis; Vega's integration harness instead starts them at zero until a
    step sets them (`genesis=False`).
    """

    def __init__(
        self,
        engine: ExecutionEngine,
        *,
        quantum: Callable[[str], Decimal | None],
        genesis: bool = True,
        proposer_of: Callable[[str], str] = lambda market: "",
    ) -> None:
        self.engine = engine
        netparams = engine.netparams
        length = netparams.get_duration_seconds("validators.epoch.length") if genesis else 0
        self.epochs = EpochService(engine.bus, int(length * NANOS_PER_SECOND))
        netparams.watch("validators.epoch.length", self._set_epoch_length)
        self.activity = MarketActivity(
            engine.bus,
            proposer_of=proposer_of,
            position_factor=lambda market: Decimal(10)
            ** engine.markets[market].config.position_decimal_places,
            bonus_threshold=lambda asset: (quantum(asset) or Decimal(0))
            * netparams.get_decimal("rewards.marketCreationQuantumMultiple"),
        )
        self.banking = Banking(
            engine.bus,
            engine.collateral,
            netparams,
            engine,
            quantum,
            market_scores=self.activity.market_scores,
            proposer_paid=self.activity.mark_paid,
            read_parameters=genesis,
        )
        self.staking = StakingAccounts(engine.bus, engine)
        self.topology = Topology(engine.bus)
        min_delegation = netparams.get_decimal("validators.delegation.minAmount") if genesis else 0
        self.delegation = Delegation(
            engine.bus, self.staking, self.topology.nodes, int(min_delegation)
        )
        netparams.watch("validators.delegation.minAmount", self._set_min_delegation)
        self.rewards = Rewards(
            engine.bus,
            engine.collateral,
            netparams,
            self.delegation,
            self.topology,
            self.activity,
            engine,
            proposer=self.activity.proposer,
        )
        self.succession = Succession(engine)
        for listener in (
            self.activity.on_epoch,
            self.banking.on_epoch,
            self.delegation.on_epoch,
            self.rewards.on_epoch,
        ):
            self.epochs.on_epoch(listener)

    def _set_min_delegation(self, value: str) -> None:
        self.delegation.min_amount = int(Decimal(value))

    def _set_epoch_length(self, value: str) -> None:
        self.epochs.length = int(parse_duration(value) * NANOS_PER_SECOND)

    @property
    def now(self) -> int:
        return self.engine.now

    def on_tick(self, now: int) -> None:
        """A block starts at `now`: epochs, banking, delegation, then the markets."""
        self.engine.now = now  # every service reads the new time during its tick
        self.epochs.on_tick(now)
        self.banking.on_tick(now)
        self.delegation.on_tick(now)
        self.succession.before_tick()
        self.engine.on_tick(now)
        self.succession.on_tick()

    def epoch_block_end(self) -> None:
        """The block ends for the epoch service (Vega's harness tells it only when moving
        ahead whole blocks)."""
        self.epochs.on_block_end()

    def block_end(self) -> None:
        self.engine.block_end()
