"""Transfer commands and their validity rules (spec 0057-TRAN).

A party moves money from its general account to another party's general account
or to a reward pool, once (optionally delivered at a later time) or every epoch
from a start epoch to an optional end epoch, the amount scaled by `factor` to the
power of the epochs elapsed. The checks and their messages are Vega's
(`core/types/banking.go`), in Vega's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import IntEnum

from devops.engine.types import AccountType

GLOBAL_REWARD_PARTY = "0" * 64
_VEGA_KEY = re.compile(r"^[0-9a-f]{64}$")

REWARD_ACCOUNT_TYPES = frozenset(
    {
        AccountType.REWARD_LP_RECEIVED_FEES,
        AccountType.REWARD_MAKER_RECEIVED_FEES,
        AccountType.REWARD_MAKER_PAID_FEES,
        AccountType.REWARD_MARKET_PROPOSERS,
    }
)


class TransferStatus(IntEnum):
    """Vega's `events.v1.Transfer.Status`, same numbers."""

    UNSPECIFIED = 0
    PENDING = 1
    DONE = 2
    REJECTED = 3
    STOPPED = 4
    CANCELLED = 5


class DispatchMetric(IntEnum):
    """Vega's `DispatchMetric`: what a recurring transfer's reward pool is shared by."""

    UNSPECIFIED = 0
    MAKER_FEES_PAID = 1
    MAKER_FEES_RECEIVED = 2
    LP_FEES_RECEIVED = 3
    MARKET_VALUE = 4


@dataclass(frozen=True, slots=True)
class DispatchStrategy:
    asset_for_metric: str
    metric: DispatchMetric
    markets: tuple[str, ...] = ()


@dataclass(slots=True)
class Transfer:
    """A one-off (`deliver_on` set or not) or recurring (`start_epoch` > 0) transfer."""

    id: str
    from_party: str
    from_account_type: AccountType
    to: str
    to_account_type: AccountType
    asset: str
    amount: int
    reference: str = ""
    deliver_on: int | None = None  # one-off: nanoseconds; None delivers at once
    recurring: bool = False
    start_epoch: int = 0
    end_epoch: int | None = None
    factor: Decimal = Decimal(1)
    dispatch_strategy: DispatchStrategy | None = None
    status: TransferStatus = TransferStatus.PENDING
    timestamp: int = 0
    reason: str = ""


def is_vega_key(value: str) -> bool:
    return bool(_VEGA_KEY.match(value))


def validity_error(transfer: Transfer) -> str | None:
    """Vega's `TransferBase.IsValid` (and `RecurringTransfer.IsValid`), first failure first."""
    if not is_vega_key(transfer.from_party):
        return "invalid from account"
    if not is_vega_key(transfer.to):
        return "invalid to account"
    if transfer.amount <= 0:
        return "cannot transfer zero funds"
    if transfer.from_account_type != AccountType.GENERAL:
        return "unsupported from account type"
    if transfer.to_account_type == AccountType.GLOBAL_REWARD:
        if transfer.to != GLOBAL_REWARD_PARTY:
            return "to party is invalid for reward account type"
    elif (
        transfer.to_account_type != AccountType.GENERAL
        and transfer.to_account_type not in REWARD_ACCOUNT_TYPES
    ):
        return "unsupported to account type"
    if not transfer.recurring:
        return None
    if transfer.end_epoch is not None and transfer.end_epoch == 0:
        return "end epoch is zero"
    if transfer.start_epoch == 0:
        return "start epoch is zero"
    if transfer.end_epoch is not None and transfer.start_epoch > transfer.end_epoch:
        return "start epoch after end epoch"
    if transfer.factor <= 0:
        return "invalid factor"
    return None


def snapshot(transfer: Transfer) -> Transfer:
    """A copy to publish: the engine keeps changing its own record's status."""
    return replace(transfer)
