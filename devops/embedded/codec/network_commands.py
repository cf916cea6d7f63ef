"""Transfer and (un)delegation commands decoded from vega-sim's messages.

Malformed fields are refused with the messages Vega's command validation gives
(`commands/transfer.go`, `commands/delegate.go`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from devops.embedded.codec.transactions import CommandError, base10_digits
from devops.engine.banking.transfers import DispatchMetric, DispatchStrategy, Transfer
from devops.engine.types import AccountType


def _amount(text: str, field: str) -> int:
    if not text:
        raise CommandError(f"{field} (is required)")
    if not base10_digits(text):
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


def delegation_amount(message: Any, field: str, *, allow_zero: bool = False) -> int:
    text = message.amount
    if allow_zero and text in ("", "0"):
        return 0
    return _amount(text, field)


def undelegation(message: Any) -> tuple[str, int, int]:
    """(node id, amount, method) of an `UndelegateSubmission`; method 1 is now, 2 at
    the end of the epoch, anything else is refused by the node."""
    amount = delegation_amount(message, "undelegate_submission.amount", allow_zero=True)
    return message.node_id, amount, message.method


def delegation(message: Any) -> tuple[str, int]:
    """(node id, amount) of a `DelegateSubmission`."""
    return message.node_id, delegation_amount(message, "delegate_submission.amount")


def cancelled_transfer(message: Any) -> str:
    """The transfer id a `CancelTransfer` names."""
    return str(message.transfer_id)
