"""Steps for transfers (spec 0057-TRAN), as Vega's `steps/transfers.go` reads them.

A row with an `error` column must fail with exactly that message; a row without
one must succeed. Every row is tried, and all mismatches are reported together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import ParamSpec

from devops.engine.banking.engine import TransferError
from devops.engine.banking.transfers import DispatchMetric, DispatchStrategy, Transfer
from devops.engine.collateral import NETWORK
from devops.engine.types import NANOS_PER_SECOND, AccountType
from devops.fidelity.step_patterns import step
from devops.fidelity.table import Row, StepError, expect, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

P = ParamSpec("P")


def account_type(name: str) -> AccountType:
    """An `ACCOUNT_TYPE_*` name; an unknown one reads as unspecified, as Go's enum lookup."""
    member = AccountType.__members__.get(name.removeprefix("ACCOUNT_TYPE_"))
    return member if member is not None else AccountType.UNSPECIFIED


def _time(text: str) -> int:
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return int(moment.timestamp()) * NANOS_PER_SECOND


def _base(row: Row) -> dict:
    return {
        "id": row.str("id"),
        "from_party": row.str("from"),
        "from_account_type": account_type(row.str("from_account_type")),
        "to": row.str("to"),
        "to_account_type": account_type(row.str("to_account_type")),
        "asset": row.str("asset"),
        "amount": row.int("amount"),
    }


def _check(
    label: str, expected: str, action: Callable[P, object], *args: P.args, **kwargs: P.kwargs
) -> str | None:
    """A mismatch between the error `expected` ("" for none) and what `action` raised."""
    try:
        action(*args, **kwargs)
        actual = ""
    except TransferError as error:
        actual = str(error)
    if expected or actual:
        if expected != actual:
            return f"{label} expected {expected!r} but got {actual!r}"
    return None


def _report(mismatches: list[str | None]) -> None:
    failures = [m for m in mismatches if m]
    if failures:
        raise StepError("; ".join(failures))


@step(r"^the parties submit the following one off transfers:$")
def one_off_transfers(world: World, table: Table) -> None:
    banking = world.network.banking
    mismatches = []
    for row in rows(table):
        transfer = Transfer(**_base(row), deliver_on=_time(row.str("delivery_time")))
        expected = row.optional("error") or ""
        mismatches.append(_check(row.str("id"), expected, banking.transfer_funds, transfer))
    _report(mismatches)


@step(r"^the parties submit the following recurring transfers:$")
def recurring_transfers(world: World, table: Table) -> None:
    banking = world.network.banking
    mismatches = []
    for row in rows(table):
        strategy = None
        if row.optional("metric"):
            markets = tuple(m for m in (row.optional("markets") or "").split(",") if m)
            strategy = DispatchStrategy(
                row.optional("metric_asset") or "",
                DispatchMetric[row.str("metric").removeprefix("DISPATCH_METRIC_")],
                markets,
            )
        end = row.optional("end_epoch")
        transfer = Transfer(
            **_base(row),
            recurring=True,
            start_epoch=row.int("start_epoch"),
            end_epoch=int(end) if end is not None else None,
            factor=Decimal(row.str("factor")),
            dispatch_strategy=strategy,
        )
        expected = row.optional("error") or ""
        mismatches.append(_check(row.str("id"), expected, banking.transfer_funds, transfer))
    _report(mismatches)


@step(r"^the parties submit the following transfer cancellations:$")
def cancel_transfers(world: World, table: Table) -> None:
    banking = world.network.banking
    mismatches = []
    for row in rows(table):
        party, transfer_id = row.str("party"), row.str("transfer_id")
        expected = row.optional("error") or ""
        mismatches.append(_check(transfer_id, expected, banking.cancel, party, transfer_id))
    _report(mismatches)


@step(
    r"^the reward account of type \"([^\"]*)\" should have balance of \"([^\"]*)\" for asset \"([^\"]*)\"$"
)
def reward_account_balance(world: World, table: Table, kind: str, balance: str, asset: str) -> None:
    account = world.engine.collateral.find("", NETWORK, asset, account_type(kind))
    actual = account.balance if account is not None else 0
    expect(f"{kind} account ({asset})", int(balance), actual)
