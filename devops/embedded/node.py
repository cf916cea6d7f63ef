"""The embedded node: a null blockchain driving the engine and governance.

As Vega's null blockchain does, transactions wait in a pending list; a block
is produced when `transactions_per_block` of them are pending or when time is
forwarded. Each block: time moves to the block's time (the engine's and
governance's ticks), the pending transactions are delivered in arrival order,
the block ends (mark-to-market, margins, auctions), and the next block's time
is one block duration later. Nothing happens between blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from devops.embedded.codec.network_commands import (
    cancelled_transfer,
    delegation,
    transfer,
    undelegation,
)
from devops.embedded.codec.transactions import (
    CommandError,
    Transaction,
    batch_market_instructions,
    liquidity_amendment,
    liquidity_cancellation,
    liquidity_submission,
    oracle_data,
    order_amendment,
    order_cancellation,
    order_submission,
    withdrawal,
)
from devops.embedded.governance.proposals import Governance
from devops.embedded.network_commands import TransferLimit
from devops.engine.banking.engine import TransferError
from devops.engine.collateral import CollateralError
from devops.engine.delegation import DelegationError
from devops.engine.events.bus import EventType
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.ids import IdGenerator
from devops.engine.netparams.params import NetworkParameters
from devops.engine.network import Network
from devops.engine.staking import StakingError
from devops.engine.types import NANOS_PER_SECOND

GOVERNANCE_ASSET = "VOTE"


@dataclass(frozen=True, slots=True)
class TransactionResult:
    """What became of one delivered transaction: `error` is Vega's reason, if rejected."""

    party: str
    kind: str
    block: int
    error: str | None = None


class EmbeddedNode:
    """Engine, governance and the null blockchain's clock, deterministic from `seed`."""

    def __init__(
        self,
        *,
        seed: int,
        genesis_time: int,
        seconds_per_block: int,
        transactions_per_block: int,
        netparams: NetworkParameters,
        genesis_assets: dict[str, tuple[int, int]],  # asset id -> (decimals, max faucet mint)
    ) -> None:
        if seconds_per_block <= 0:
            raise ValueError("seconds_per_block must be a positive whole number of seconds")
        if transactions_per_block <= 0:
            raise ValueError("transactions_per_block must be positive")
        self.engine = ExecutionEngine(netparams=netparams, start_time=genesis_time, seed=seed)
        # epochs, transfers, staking, delegation and rewards beside the markets
        self.network = Network(
            self.engine, quantum=self._asset_quantum, proposer_of=self._market_proposer
        )
        self.asset_quanta: dict[str, Decimal] = {}
        self._transfer_ids = IdGenerator(f"{seed}:transfers")
        self._transfer_limit = TransferLimit(self.network)
        self.governance = Governance(
            self.engine,
            IdGenerator(f"{seed}:governance"),
            GOVERNANCE_ASSET,
            self.engine.bus,
        )
        self.governance.succession = self.network.succession
        self.block_duration = seconds_per_block * NANOS_PER_SECOND
        self.transactions_per_block = transactions_per_block
        self.height = 0
        self.vega_time = genesis_time  # the time of the last block
        self.next_block_time = genesis_time + self.block_duration
        self.pending: list[Transaction] = []
        self.results: list[TransactionResult] = []
        self.faucet_limits: dict[str, int] = {}
        self.block_listeners: list[Callable[[], None]] = []
        for asset, (decimals, max_mint) in genesis_assets.items():
            self.engine.enable_asset(asset, decimals)
            self.faucet_limits[asset] = max_mint
        self._handlers: dict[str, Callable[[str, Any], str | None]] = {
            "order_submission": self._submit_order,
            "order_amendment": self._amend_order,
            "order_cancellation": self._cancel_order,
            "batch_market_instructions": self._batch,
            "liquidity_provision_submission": self._submit_liquidity,
            "liquidity_provision_amendment": self._amend_liquidity,
            "liquidity_provision_cancellation": self._cancel_liquidity,
            "proposal_submission": self._propose,
            "vote_submission": self.governance.vote,
            "oracle_data_submission": self._oracle_data,
            "withdraw_submission": self._withdraw,
            "deposit": self._deposit,
            "transfer": self._transfer,
            "cancel_transfer": self._cancel_transfer,
            "delegate_submission": self._delegate,
            "undelegate_submission": self._undelegate,
            "stake": self._stake,
        }

    # ---- the chain --------------------------------------------------------------------------

    def submit(self, transaction: Transaction) -> None:
        """Queue a transaction; a full block is produced at once, as the null chain does."""
        self.pending.append(transaction)
        if len(self.pending) >= self.transactions_per_block:
            self.produce_block()

    def forward(self, seconds: float) -> None:
        """Produce as many blocks as fit in `seconds` (none for less than one block)."""
        blocks = int(seconds * NANOS_PER_SECOND) // self.block_duration
        for _ in range(blocks):
            self.produce_block()

    def produce_block(self) -> None:
        now = self.next_block_time
        self.network.on_tick(now)
        self.governance.on_tick(now)
        pending, self.pending = self.pending, []
        for transaction in pending:
            self._deliver(transaction)
        self.engine.block_end()
        self.network.epoch_block_end()
        self.height += 1
        self.vega_time = now
        self.next_block_time = now + self.block_duration
        for listener in self.block_listeners:
            listener()

    def _deliver(self, transaction: Transaction) -> None:
        handler = self._handlers.get(transaction.kind)
        if handler is None:
            error: str | None = f"{transaction.kind} is not supported by the embedded nullchain"
        else:
            try:
                error = handler(transaction.party, transaction.command)
            except (
                CommandError,
                CollateralError,
                TransferError,
                DelegationError,
                StakingError,
            ) as rejection:
                error = str(rejection)
        result = TransactionResult(transaction.party, transaction.kind, self.height + 1, error)
        self.results.append(result)
        if error is not None:
            self.engine.bus.publish(EventType.TRANSACTION_RESULT, result)

    # ---- commands ---------------------------------------------------------------------------

    def _submit_order(self, party: str, message: Any) -> str | None:
        confirmation = self.engine.submit_order(order_submission(message), party)
        return confirmation.error.name if confirmation.error else None

    def _amend_order(self, party: str, message: Any) -> str | None:
        confirmation = self.engine.amend_order(order_amendment(message), party)
        return confirmation.error.name if confirmation.error else None

    def _cancel_order(self, party: str, message: Any) -> str | None:
        result = self.engine.cancel_order(order_cancellation(message), party)
        return result.error.name if result.error else None

    def _batch(self, party: str, message: Any) -> str | None:
        """Each instruction stands alone; the batch fails when any was rejected, with
        Vega's `commands.Errors` text: `index (reason)` per rejection, sorted, where the
        index counts cancellations, then amendments, then submissions."""
        limit = self.engine.netparams.get_int("spam.protection.max.batchSize")
        results = self.engine.batch_market_instructions(
            party, batch_market_instructions(message, limit)
        )
        errors = sorted(
            f"{index} ({result.error.name})"
            for index, result in enumerate(results)
            if result.error is not None
        )
        return ", ".join(errors) or None

    def _submit_liquidity(self, party: str, message: Any) -> str | None:
        return self.engine.submit_liquidity_provision(liquidity_submission(message), party)

    def _amend_liquidity(self, party: str, message: Any) -> str | None:
        return self.engine.amend_liquidity_provision(liquidity_amendment(message), party)

    def _cancel_liquidity(self, party: str, message: Any) -> str | None:
        return self.engine.cancel_liquidity_provision(liquidity_cancellation(message), party)

    def _propose(self, party: str, message: Any) -> str | None:
        record = self.governance.submit(party, message)
        return record.message.error_details or None

    def _oracle_data(self, party: str, message: Any) -> str | None:
        self.engine.submit_oracle_data([party], oracle_data(message))
        return None

    def _withdraw(self, party: str, message: Any) -> str | None:
        asset, amount = withdrawal(message)
        self.engine.collateral.withdraw(party, asset, amount)
        return None

    def _deposit(self, party: str, message: Any) -> str | None:
        asset, amount = message
        self.engine.collateral.deposit(party, asset, amount)
        return None

    # ---- transfers, staking and delegation ----------------------------------------------------

    def _asset_quantum(self, asset: str) -> Decimal | None:
        if asset not in self.engine.assets:
            return None
        details = self.governance.asset_details.get(asset)
        if details is not None and details.quantum:
            return Decimal(details.quantum)
        return self.asset_quanta.get(asset, Decimal(1))

    def _market_proposer(self, market_id: str) -> str:
        """A market's id is its proposal's id: the proposer is that proposal's party."""
        record = self.governance.proposals.get(market_id)
        return record.message.party_id if record is not None else ""

    def _transfer(self, party: str, message: Any) -> str | None:
        command = transfer(party, message, self._transfer_ids.next())
        self._transfer_limit.admit(party)
        self.network.banking.transfer_funds(command)
        return None

    def _cancel_transfer(self, party: str, message: Any) -> str | None:
        self.network.banking.cancel(party, cancelled_transfer(message))
        return None

    def _delegate(self, party: str, message: Any) -> str | None:
        node_id, amount = delegation(message)
        self.network.delegation.delegate(party, node_id, amount)
        return None

    def _undelegate(self, party: str, message: Any) -> str | None:
        node_id, amount, method = undelegation(message)
        if method == 1:  # METHOD_NOW
            self.network.delegation.undelegate_now(party, node_id, amount)
        elif method == 2:  # METHOD_AT_END_OF_EPOCH
            self.network.delegation.undelegate_at_epoch_end(party, node_id, amount)
        else:
            return "undelegate_submission.method (is required)"
        return None

    def _stake(self, party: str, message: Any) -> str | None:
        """The staking bridge reports an association of governance tokens with a key."""
        self.network.staking.associate(party, int(message))
        return None
