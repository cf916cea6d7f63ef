"""Epochs (0050-EPOC) and transfers (0057-TRAN) on a bare network, figures from the rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devops.engine.banking.engine import TransferError
from devops.engine.banking.transfers import Transfer, TransferStatus
from devops.engine.epochtime import EpochAction
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.netparams.params import NetworkParameters
from devops.engine.network import Network
from devops.engine.types import AccountType

NANOS_PER_SECOND = 1_000_000_000
A, B = "a" * 64, "b" * 64


def network(**params: str) -> Network:
    netparams = NetworkParameters(
        {
            "validators.epoch.length": "10s",
            "transfer.fee.factor": "0.01",
            "transfer.minTransferQuantumMultiple": "2",
            **params,
        }
    )
    engine = ExecutionEngine(netparams=netparams, start_time=0)
    engine.enable_asset("X", 0, 10)
    net = Network(engine, quantum=lambda asset: Decimal(10) if asset == "X" else None)
    engine.collateral.deposit(A, "X", 1_000)
    net.on_tick(NANOS_PER_SECOND)
    return net


def block(net: Network, seconds: int = 1) -> None:
    net.epoch_block_end()
    net.block_end()
    net.on_tick(net.now + seconds * NANOS_PER_SECOND)


def general(net: Network, party: str) -> int:
    return net.engine.collateral.balance(party, "X", "", AccountType.GENERAL)


def test_an_epoch_ends_at_the_first_tick_after_the_block_past_its_expiry() -> None:
    net = network()
    assert (net.epochs.seq, net.epochs.current.expire_time) == (0, 11 * NANOS_PER_SECOND)
    for _ in range(10):  # up to 11 s: not past the expiry
        block(net)
    assert net.epochs.seq == 0
    block(net)  # 12 s is past it: this block is the epoch's last
    assert net.epochs.seq == 0
    block(net)  # the next tick ends it and starts epoch 1
    assert (net.epochs.seq, net.epochs.current.start_time) == (1, 13 * NANOS_PER_SECOND)
    assert net.epochs.current.action is EpochAction.START


def test_one_off_transfer_pays_a_fee_rounded_down() -> None:
    net = network()
    net.banking.transfer_funds(
        Transfer("1", A, AccountType.GENERAL, B, AccountType.GENERAL, "X", 150)
    )
    assert general(net, A) == 1_000 - 150 - 1  # 1.5 rounds down
    assert general(net, B) == 150
    assert net.engine.collateral.balance("*", "X", "", AccountType.FEES_INFRASTRUCTURE) == 1


def test_scheduled_transfer_waits_in_the_pending_account() -> None:
    net = network()
    transfer = Transfer(
        "1",
        A,
        AccountType.GENERAL,
        B,
        AccountType.GENERAL,
        "X",
        100,
        deliver_on=5 * NANOS_PER_SECOND,
    )
    net.banking.transfer_funds(transfer)
    assert (general(net, A), general(net, B)) == (899, 0)
    assert net.engine.collateral.balance("*", "X", "", AccountType.PENDING_TRANSFERS) == 100
    for _ in range(4):
        block(net)
    assert general(net, B) == 100
    assert transfer.status is TransferStatus.DONE


@pytest.mark.parametrize(
    ("amount", "to_type", "reason"),
    [
        (
            19,
            AccountType.GENERAL,
            "could not transfer funds, less than minimal amount requested to transfer",
        ),
        (
            992,
            AccountType.GENERAL,
            "could not pay the fee for transfer: not enough funds to transfer",
        ),
        (100, AccountType.INSURANCE, "unsupported to account type"),
    ],
)
def test_refused_transfer_moves_nothing(amount: int, to_type: AccountType, reason: str) -> None:
    net = network()
    before = {k: a.balance for k, a in net.engine.collateral.accounts.items()}
    with pytest.raises(TransferError, match=reason):
        net.banking.transfer_funds(Transfer("1", A, AccountType.GENERAL, B, to_type, "X", amount))
    assert {k: a.balance for k, a in net.engine.collateral.accounts.items()} == before


def test_recurring_transfer_decays_and_stops_when_it_cannot_pay() -> None:
    net = network()
    transfer = Transfer(
        "1",
        A,
        AccountType.GENERAL,
        B,
        AccountType.GENERAL,
        "X",
        400,
        recurring=True,
        start_epoch=1,
        factor=Decimal("0.5"),
    )
    net.banking.transfer_funds(transfer)
    paid = []
    while net.epochs.seq < 4:
        block(net)
        paid.append(general(net, B))
    # epochs 1, 2, 3 end: 400, 200, 100 (plus 1% fees: 4, 2, 1)
    assert general(net, B) == 700
    assert general(net, A) == 1_000 - 700 - 7
    with pytest.raises(TransferError, match="cannot cancel other parties"):
        net.banking.cancel(B, "1")
    net.banking.cancel(A, "1")
    assert transfer.status is TransferStatus.CANCELLED
    with pytest.raises(TransferError, match="recurring transfer does not exists"):
        net.banking.cancel(A, "1")


def test_recurring_transfer_below_the_minimum_stops() -> None:
    net = network()
    transfer = Transfer(
        "1",
        A,
        AccountType.GENERAL,
        B,
        AccountType.GENERAL,
        "X",
        40,
        recurring=True,
        start_epoch=1,
        factor=Decimal("0.4"),
    )
    net.banking.transfer_funds(transfer)
    while net.epochs.seq < 4:
        block(net)
    # 40 is paid; 16 is under 2 x quantum 10 and stops the transfer
    assert general(net, B) == 40
    assert transfer.status is TransferStatus.STOPPED
    assert "less than minimal amount" in transfer.reason
