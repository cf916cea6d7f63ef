"""Commands for transfers, staking and delegation, from vega-sim's protobuf messages.

Converts `commands.v1.Transfer`, `CancelTransfer`, `DelegateSubmission` and
`UndelegateSubmission` into engine calls, refusing malformed fields with the
messages Vega's command validation gives (`commands/transfer.go`,
`commands/delegate.go`), and applies the per-epoch transfer limit of Vega's spam
policy (`spam.protection.maxUserTransfersPerEpoch`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from devops.embedded.codec.transactions import CommandError
from devops.engine.banking.transfers import DispatchMetric, DispatchStrategy, Transfer
from devops.engine.network import Network
from devops.engine.types import AccountType


def _amount(text: str, field: str) -> int:
    if not text:
        raise CommandError(f"{field} (is required)")
    if not text.isdigit():
        raise CommandError(f"{field} (is not a valid number)")
    if int(text) == 0:
        raise CommandError(f"{field} (is required)")
    return int(text)


def _account_type(value: int) -> AccountType:
    try:
        return AccountType(value)
    except ValueError:
        return AccountType.UNSPECIFIED


def transfer(party: str, message: Any, transfer_id: str) -> Transfer:
    """A banking transfer from a `commands.v1.Transfer` message."""
    amount = _amount(message.amount, "transfer.amount")
    base = {
        "id": transfer_id,
        "from_party": party,
        "from_account_type": _account_type(message.from_account_type),
        "to": message.to,
        "to_account_type": _account_type(message.to_account_type),
        "asset": message.asset,
        "amount": amount,
        "reference": message.reference,
    }
    kind = message.WhichOneof("kind")
    if kind == "one_off":
        deliver_on = message.one_off.deliver_on or None
        return Transfer(**base, deliver_on=deliver_on)
    if kind != "recurring":
        raise CommandError("transfer.kind (is required)")
    recurring = message.recurring
    try:
        factor = Decimal(recurring.factor or "0")
    except InvalidOperation:
        raise CommandError("transfer.recurring.factor (is not a valid number)") from None
    strategy = None
    if recurring.HasField("dispatch_strategy"):
        ds = recurring.dispatch_strategy
        strategy = DispatchStrategy(
            ds.asset_for_metric, DispatchMetric(ds.metric), tuple(ds.markets)
        )
    return Transfer(
        **base,
        recurring=True,
        start_epoch=recurring.start_epoch,
        end_epoch=recurring.end_epoch if recurring.HasField("end_epoch") else None,
        factor=factor,
        dispatch_strategy=strategy,
    )


class TransferLimit:
    """Vega's simple spam policy for transfers: at most N per party per epoch."""

    def __init__(self, network: Network) -> None:
        self._network = network
        self._epoch = -1
        self._counts: dict[str, int] = {}

    def admit(self, party: str) -> None:
        epoch = self._network.epochs.seq
        if epoch != self._epoch:
            self._epoch, self._counts = epoch, {}
        limit = self._network.engine.netparams.get_int("spam.protection.maxUserTransfersPerEpoch")
        if self._counts.get(party, 0) >= limit:
            raise CommandError(
                "party has already submitted the maximum number of transfer requests per epoch"
            )
        self._counts[party] = self._counts.get(party, 0) + 1


def delegation_amount(message: Any, field: str, *, allow_zero: bool = False) -> int:
    text = message.amount
    if allow_zero and text in ("", "0"):
        return 0
    return _amount(text, field)
