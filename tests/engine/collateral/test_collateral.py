"""Collateral (0013-ACCT): money only moves through ledger entries and is conserved."""

import pytest

from devops.engine.collateral import Collateral, CollateralError
from devops.engine.events.bus import EventBus, EventRecorder, EventType
from devops.engine.types import AccountType, TransferType


class Clock:
    now = 7


@pytest.fixture
def collateral() -> Collateral:
    bus = EventBus()
    EventRecorder(bus)  # ledger entries are built for readers of the bus
    c = Collateral(bus, Clock())
    c.enable_asset("USD", 2)
    c.create_market_accounts("M1", "USD")
    return c


def test_deposit_credits_general_and_records_a_ledger_entry() -> None:
    bus = EventBus()
    recorder = EventRecorder(bus, [EventType.LEDGER_MOVEMENTS])
    c = Collateral(bus, Clock())
    c.enable_asset("USD", 2)
    c.deposit("alice", "USD", 1_000)
    assert c.balance("alice", "USD", "", AccountType.GENERAL) == 1_000
    (movement,) = recorder.of_type(EventType.LEDGER_MOVEMENTS)
    (entry,) = movement.entries
    assert entry.type == TransferType.DEPOSIT and entry.amount == 1_000 and entry.timestamp == 7
    assert c.total("USD") == c.net_deposits["USD"] == 1_000


def test_withdrawal_beyond_balance_is_refused_and_changes_nothing(collateral: Collateral) -> None:
    collateral.deposit("alice", "USD", 500)
    with pytest.raises(CollateralError):
        collateral.withdraw("alice", "USD", 501)
    assert collateral.balance("alice", "USD", "", AccountType.GENERAL) == 500
    collateral.withdraw("alice", "USD", 200)
    assert collateral.total("USD") == collateral.net_deposits["USD"] == 300


def test_unknown_asset_and_non_positive_amounts_are_refused(collateral: Collateral) -> None:
    with pytest.raises(CollateralError):
        collateral.deposit("alice", "EUR", 5)
    with pytest.raises(CollateralError):
        collateral.deposit("alice", "USD", 0)
    assert collateral.total("USD") == 0


def test_move_drains_sources_in_order_and_reports_the_amount_moved(collateral: Collateral) -> None:
    collateral.deposit("alice", "USD", 30)
    general = collateral.general("alice", "USD")
    margin = collateral.margin("alice", "M1", "USD")
    margin.balance, general.balance = 0, 30
    insurance = collateral.get("M1", "*", "USD", AccountType.INSURANCE)
    settlement = collateral.get("M1", "*", "USD", AccountType.SETTLEMENT)
    movement = collateral.move(
        [margin, general, insurance], [settlement], 50, TransferType.MTM_LOSS
    )
    assert movement.moved == 30
    assert [e.amount for e in movement.entries] == [30]
    assert settlement.balance == 30 and general.balance == 0


def test_uneven_split_gives_the_remainder_to_the_last_target(collateral: Collateral) -> None:
    collateral.deposit("alice", "USD", 10)
    general = collateral.general("alice", "USD")
    a = collateral.margin("bob", "M1", "USD")
    b = collateral.margin("carol", "M1", "USD")
    collateral.move([general], [a, b], 7, TransferType.MARGIN_LOW)
    assert (a.balance, b.balance) == (3, 4)
    assert collateral.total("USD") == 10


def test_without_readers_balances_move_the_same_without_entries() -> None:
    silent = Collateral(EventBus(), Clock())
    silent.enable_asset("USD", 2)
    silent.deposit("alice", "USD", 10)
    general = silent.general("alice", "USD")
    a = silent.margin("bob", "M1", "USD")
    b = silent.margin("carol", "M1", "USD")
    movement = silent.move([general], [a, b], 7, TransferType.MARGIN_LOW)
    assert (a.balance, b.balance, movement.moved, movement.entries) == (3, 4, 7, ())
