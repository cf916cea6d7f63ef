"""Banking: transfers between parties and to reward pools (spec 0057-TRAN).

As Vega core's `banking` engine: a transfer pays a fee of `transfer.fee.factor`
times the amount (rounded down) to the asset's infrastructure-fee account, must be
at least `transfer.minTransferQuantumMultiple` times the asset's quantum, and the
sender's general account must hold amount plus fee. The amount goes to the
asset's pending-transfers account, then on to its destination, at once or, for a
one-off transfer delivered later, at the first tick at or after its delivery
time. Recurring transfers run at each epoch end from their start epoch; one that
falls under the minimum or cannot be paid stops; with a dispatch strategy the
amount is shared between the markets in scope by their scores and nothing moves
when no market scores. Every change is a TRANSFER event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, Decimal

from devops.engine.banking.transfers import (
    DispatchMetric,
    DispatchStrategy,
    Transfer,
    TransferStatus,
    snapshot,
    validity_error,
)
from devops.engine.collateral import NETWORK, Collateral, account_id
from devops.engine.epochtime import Epoch, EpochAction
from devops.engine.events.bus import EventBus, EventType
from devops.engine.netparams.params import NetworkParameters
from devops.engine.types import AccountType, Clock, TransferType

# (strategy, payout asset, funder) -> [(market, score)], scores summing to at most 1
MarketScores = Callable[[DispatchStrategy, str, str], Sequence[tuple[str, Decimal]]]
# a market's proposer was paid its creation bonus: (market, strategy, payout asset, funder)
ProposerPaid = Callable[[str, DispatchStrategy, str, str], None]


class TransferError(Exception):
    """A transfer Vega refuses, with Vega's message; nothing has moved."""


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_DOWN))


class Banking:
    """One-off, scheduled and recurring transfers; deterministic from its inputs."""

    def __init__(
        self,
        bus: EventBus,
        collateral: Collateral,
        netparams: NetworkParameters,
        clock: Clock,
        quantum: Callable[[str], Decimal | None],
        *,
        market_scores: MarketScores | None = None,
        proposer_paid: ProposerPaid | None = None,
        read_parameters: bool = True,
    ) -> None:
        self._bus = bus
        self._collateral = collateral
        self._clock = clock
        self._quantum = quantum
        self.market_scores: MarketScores = market_scores or (lambda strategy, asset, funder: [])
        self.proposer_paid: ProposerPaid = proposer_paid or (lambda *args: None)
        self.fee_factor = Decimal(0)
        self.min_quantum_multiple = Decimal(0)
        self.current_epoch = 0
        self.scheduled: list[Transfer] = []  # in arrival order; delivered by time, then order
        self.recurring: list[Transfer] = []
        self.transfers: dict[str, Transfer] = {}
        netparams.watch("transfer.fee.factor", self._set_fee_factor)
        netparams.watch("transfer.minTransferQuantumMultiple", self._set_min_multiple)
        if read_parameters:  # a network reads its parameters at genesis; Vega's harness does not
            self.fee_factor = netparams.get_decimal("transfer.fee.factor")
            self.min_quantum_multiple = netparams.get_decimal("transfer.minTransferQuantumMultiple")

    def _set_fee_factor(self, value: str) -> None:
        self.fee_factor = Decimal(value)

    def _set_min_multiple(self, value: str) -> None:
        self.min_quantum_multiple = Decimal(value)

    @property
    def _now(self) -> int:
        return self._clock.now

    # ---- commands ---------------------------------------------------------------------------

    def transfer_funds(self, transfer: Transfer) -> None:
        """Accept a one-off or recurring transfer, or raise TransferError with Vega's reason."""
        transfer.timestamp = self._now
        try:
            if transfer.recurring:
                self._accept_recurring(transfer)
            else:
                self._one_off(transfer)
        except TransferError as error:
            transfer.status = TransferStatus.REJECTED
            transfer.reason = str(error)
            self._publish(transfer)
            raise
        self.transfers[transfer.id] = transfer
        self._publish(transfer)

    def cancel(self, party: str, transfer_id: str) -> None:
        transfer = next((t for t in self.recurring if t.id == transfer_id), None)
        if transfer is None:
            raise TransferError("recurring transfer does not exists")
        if transfer.from_party != party:
            raise TransferError("cannot cancel other parties recurring transfers")
        self.recurring.remove(transfer)
        transfer.status = TransferStatus.CANCELLED
        transfer.reason = "transfer cancelled"
        self._publish(transfer)

    def _check_asset(self, asset: str, prefix: str = "could not transfer funds: ") -> Decimal:
        quantum = self._quantum(asset)
        if quantum is None:
            raise TransferError(f"{prefix}asset does not exist")
        return quantum

    def _ensure_minimum(self, quantum: Decimal, amount: int) -> None:
        if amount < _floor(quantum * self.min_quantum_multiple):
            raise TransferError(
                "could not transfer funds, less than minimal amount requested to transfer"
            )

    def _one_off(self, transfer: Transfer) -> None:
        quantum = self._check_asset(transfer.asset)
        error = validity_error(transfer)
        if error:
            raise TransferError(error)
        self._ensure_minimum(quantum, transfer.amount)
        deliver_now = transfer.deliver_on is None or transfer.deliver_on < self._now
        self._pay(transfer, transfer.amount, "", deliver=deliver_now)
        if deliver_now:
            transfer.status = TransferStatus.DONE
        else:
            self.scheduled.append(transfer)

    def _accept_recurring(self, transfer: Transfer) -> None:
        quantum = self._check_asset(transfer.asset)
        strategy = transfer.dispatch_strategy
        if strategy is not None and strategy.asset_for_metric:
            self._check_asset(
                strategy.asset_for_metric, "could not transfer funds, invalid asset for metric: "
            )
        error = validity_error(transfer)
        if error:
            raise TransferError(error)
        self._ensure_minimum(quantum, transfer.amount)
        for other in self.recurring:
            if (
                other.from_party == transfer.from_party
                and other.to == transfer.to
                and other.asset == transfer.asset
                and other.from_account_type == transfer.from_account_type
                and other.to_account_type == transfer.to_account_type
                and other.dispatch_strategy == transfer.dispatch_strategy
            ):
                raise TransferError(
                    "cannot submit duplicate recurring transfer with same from and to"
                )
        if transfer.start_epoch < self.current_epoch:
            raise TransferError("start epoch in the past")
        self.recurring.append(transfer)

    # ---- money ------------------------------------------------------------------------------

    def fee(self, amount: int) -> int:
        return _floor(Decimal(amount) * self.fee_factor)

    def _check_funds(self, party: str, asset: str, amount: int) -> int:
        """The fee, when the general account covers amount plus fee (Vega's wording if not)."""
        fee = self.fee(amount)
        general = self._collateral.find("", party, asset, AccountType.GENERAL)
        if general is None:
            missing = account_id("", party, asset, AccountType.GENERAL)
            raise TransferError(f"account does not exist: {missing}")
        if general.balance < amount + fee:
            raise TransferError("not enough funds to transfer")
        return fee

    def _pay(self, transfer: Transfer, amount: int, market: str, *, deliver: bool) -> None:
        try:
            fee = self._check_funds(transfer.from_party, transfer.asset, amount)
        except TransferError as error:
            raise TransferError(f"could not pay the fee for transfer: {error}") from None
        collateral = self._collateral
        asset = transfer.asset
        general = collateral.general(transfer.from_party, asset)
        pending = collateral.get("", NETWORK, asset, AccountType.PENDING_TRANSFERS)
        collateral.move([general], [pending], amount, TransferType.TRANSFER_FUNDS_SEND)
        if deliver:
            self._deliver(transfer, amount, market)
        infrastructure = collateral.get("", NETWORK, asset, AccountType.FEES_INFRASTRUCTURE)
        collateral.move([general], [infrastructure], fee, TransferType.INFRASTRUCTURE_FEE_PAY)

    def _deliver(self, transfer: Transfer, amount: int, market: str) -> None:
        collateral = self._collateral
        asset = transfer.asset
        pending = collateral.get("", NETWORK, asset, AccountType.PENDING_TRANSFERS)
        if transfer.to_account_type == AccountType.GENERAL:
            target = collateral.general(transfer.to, asset)
        else:
            target = collateral.get(market, NETWORK, asset, transfer.to_account_type)
        collateral.move([pending], [target], amount, TransferType.TRANSFER_FUNDS_DISTRIBUTE)

    # ---- time -------------------------------------------------------------------------------

    def on_tick(self, now: int) -> None:
        """Deliver the scheduled one-off transfers that are due, earliest first."""
        due = [t for t in self.scheduled if t.deliver_on is not None and t.deliver_on <= now]
        if not due:
            return
        self.scheduled = [t for t in self.scheduled if t not in due]
        due.sort(key=lambda t: t.deliver_on or 0)  # stable: arrival order within a time
        for transfer in due:
            self._deliver(transfer, transfer.amount, "")
            transfer.status = TransferStatus.DONE
            self._publish(transfer)

    def on_epoch(self, epoch: Epoch) -> None:
        if epoch.action is EpochAction.START:
            self.current_epoch = epoch.seq
        else:
            self._distribute_recurring(self.current_epoch)

    def _distribute_recurring(self, epoch: int) -> None:
        finished: list[Transfer] = []
        for transfer in self.recurring:
            if transfer.start_epoch > epoch:
                continue
            scale = transfer.factor ** (epoch - transfer.start_epoch)
            amount = _floor(Decimal(transfer.amount) * scale)
            try:
                quantum = self._check_asset(transfer.asset)
                self._ensure_minimum(quantum, amount)
                self._pay_recurring(transfer, amount)
            except TransferError as error:
                transfer.status = TransferStatus.STOPPED
                transfer.reason = str(error)
                finished.append(transfer)
                continue
            if transfer.end_epoch is not None and transfer.end_epoch == self.current_epoch:
                transfer.status = TransferStatus.DONE
                finished.append(transfer)
        for transfer in finished:
            self.recurring.remove(transfer)
            self._publish(transfer)

    def _pay_recurring(self, transfer: Transfer, amount: int) -> None:
        strategy = transfer.dispatch_strategy
        if strategy is None:
            self._pay(transfer, amount, "", deliver=True)
            return
        try:
            self._check_funds(transfer.from_party, transfer.asset, amount)
        except TransferError as error:
            raise TransferError(f"could not pay the fee for transfer: {error}") from None
        scores = self.market_scores(strategy, transfer.asset, transfer.from_party)
        for market, score in scores:
            share = _floor(Decimal(amount) * score)
            if share > 0:
                self._pay(transfer, share, market, deliver=True)
                if strategy.metric == DispatchMetric.MARKET_VALUE and score > 0:
                    self.proposer_paid(market, strategy, transfer.asset, transfer.from_party)

    def _publish(self, transfer: Transfer) -> None:
        self._bus.publish(EventType.TRANSFER, snapshot(transfer))
