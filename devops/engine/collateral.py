"""Collateral: every account and every movement of money between them.

Implements the account model of Vega core's collateral engine (spec 0013-ACCT):
general accounts per party and asset; margin and bond accounts per party and
market; insurance, settlement, maker-fee and liquidity-fee accounts per market;
an infrastructure-fee account and an external account per asset. Money only
moves through `move`, which drains its source accounts in order (as Vega's
transfer requests do) and records one ledger entry per source and target, so a
reader of the bus can reconcile every balance change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from devops.engine.events.bus import EventBus, EventType
from devops.engine.types import AccountType, Clock, TransferType

NETWORK = "*"  # owner of the market's and the asset's system accounts
NO_MARKET = "!"


@dataclass(slots=True)
class Account:
    id: str
    owner: str
    asset: str
    market_id: str
    type: AccountType
    balance: int = 0


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """An account's state as published on the bus."""

    id: str
    owner: str
    asset: str
    market_id: str
    type: AccountType
    balance: int


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    from_account: AccountSnapshot
    to_account: AccountSnapshot
    amount: int
    type: TransferType
    timestamp: int


@dataclass(frozen=True, slots=True)
class LedgerMovement:
    entries: tuple[LedgerEntry, ...]
    moved: int  # how much of the requested amount arrived


class CollateralError(Exception):
    """A deposit or withdrawal that Vega would refuse; nothing has moved."""


def account_id(market_id: str, owner: str, asset: str, account_type: AccountType) -> str:
    """Vega's account id: market, owner, asset and the type as a digit."""
    return f"{market_id or NO_MARKET}{owner or NETWORK}{asset}{chr(int(account_type) + 48)}"


class Collateral:
    """Holds every balance; publishes ACCOUNT and LEDGER_MOVEMENTS events."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock  # anything with a `now` attribute in nanoseconds
        self.accounts: dict[str, Account] = {}
        self.assets: dict[str, int] = {}  # asset id -> decimals
        self.net_deposits: dict[str, int] = {}

    # ---- accounts -------------------------------------------------------------------------

    def enable_asset(self, asset: str, decimals: int) -> None:
        if asset in self.assets:
            return
        self.assets[asset] = decimals
        self.net_deposits[asset] = 0
        self._open("", NETWORK, asset, AccountType.EXTERNAL)
        self._open("", NETWORK, asset, AccountType.FEES_INFRASTRUCTURE)
        self._open("", NETWORK, asset, AccountType.GLOBAL_INSURANCE)

    def create_market_accounts(self, market_id: str, asset: str) -> None:
        for account_type in (
            AccountType.INSURANCE,
            AccountType.SETTLEMENT,
            AccountType.FEES_MAKER,
            AccountType.FEES_LIQUIDITY,
        ):
            self._open(market_id, NETWORK, asset, account_type)

    def _open(self, market_id: str, owner: str, asset: str, account_type: AccountType) -> Account:
        key = account_id(market_id, owner, asset, account_type)
        account = self.accounts.get(key)
        if account is None:
            account = Account(key, owner, asset, market_id, account_type)
            self.accounts[key] = account
            self._publish_account(account)
        return account

    def get(self, market_id: str, owner: str, asset: str, account_type: AccountType) -> Account:
        return self._open(market_id, owner, asset, account_type)

    def find(
        self, market_id: str, owner: str, asset: str, account_type: AccountType
    ) -> Account | None:
        return self.accounts.get(account_id(market_id, owner, asset, account_type))

    def balance(self, owner: str, asset: str, market_id: str, account_type: AccountType) -> int:
        """Balance of an account, 0 when it does not exist. System accounts have owner `*`."""
        market = "" if account_type in _ASSET_LEVEL else market_id
        account = self.accounts.get(account_id(market, owner, asset, account_type))
        return account.balance if account is not None else 0

    def general(self, party: str, asset: str) -> Account:
        return self._open("", party, asset, AccountType.GENERAL)

    def margin(self, party: str, market_id: str, asset: str) -> Account:
        return self._open(market_id, party, asset, AccountType.MARGIN)

    def bond(self, party: str, market_id: str, asset: str) -> Account:
        return self._open(market_id, party, asset, AccountType.BOND)

    def has_general(self, party: str, asset: str) -> bool:
        return account_id("", party, asset, AccountType.GENERAL) in self.accounts

    def total(self, asset: str) -> int:
        """All money of an asset held inside the network (the external account excluded)."""
        return sum(
            a.balance
            for a in self.accounts.values()
            if a.asset == asset and a.type != AccountType.EXTERNAL
        )

    # ---- deposits and withdrawals -----------------------------------------------------------

    def deposit(self, party: str, asset: str, amount: int) -> LedgerMovement:
        if asset not in self.assets:
            raise CollateralError(f"invalid asset id: {asset}")
        if amount <= 0:
            raise CollateralError("deposit amount must be positive")
        external = self._open("", NETWORK, asset, AccountType.EXTERNAL)
        external.balance += amount  # money arrives from the bridge
        self.net_deposits[asset] += amount
        return self.move([external], [self.general(party, asset)], amount, TransferType.DEPOSIT)

    def withdraw(self, party: str, asset: str, amount: int) -> LedgerMovement:
        if asset not in self.assets:
            raise CollateralError(f"invalid asset id: {asset}")
        if amount <= 0:
            raise CollateralError("withdrawal amount must be positive")
        general = self.find("", party, asset, AccountType.GENERAL)
        if general is None or general.balance < amount:
            raise CollateralError("not enough collateral in the general account")
        self.net_deposits[asset] -= amount
        external = self._open("", NETWORK, asset, AccountType.EXTERNAL)
        movement = self.move([general], [external], amount, TransferType.WITHDRAW)
        external.balance -= amount  # money leaves through the bridge
        return movement

    # ---- the one way money moves ------------------------------------------------------------

    def move(
        self,
        sources: Sequence[Account],
        targets: Sequence[Account],
        amount: int,
        transfer_type: TransferType,
    ) -> LedgerMovement:
        """Take up to `amount` from `sources` in order, split it evenly over `targets`.

        As Vega: a source that holds enough pays the rest in full and stops the walk; a
        poorer source is emptied; the remainder of an uneven split goes to the last target.
        Ledger entries are built (and published) only when the bus has readers.
        """
        recording = self._bus.listened
        now = self._clock.now
        if amount == 0 and sources and recording:
            # Vega records a transfer of nothing too: one zero entry per target
            zero = tuple(
                LedgerEntry(_snapshot(sources[0]), _snapshot(t), 0, transfer_type, now)
                for t in targets
            )
            movement = LedgerMovement(zero, 0)
            self._bus.publish(EventType.LEDGER_MOVEMENTS, movement)
            return movement
        entries: list[LedgerEntry] = []
        touched: dict[str, Account] = {}
        remaining = amount
        last = len(targets) - 1
        for source in sources:
            if remaining <= 0:
                break
            take = remaining if source.balance >= remaining else source.balance
            if take <= 0:
                continue
            source.balance -= take
            remaining -= take
            part, remainder = divmod(take, len(targets))
            for index, target in enumerate(targets):
                share = part + remainder if index == last else part
                target.balance += share
                if recording:
                    touched[source.id] = source
                    touched[target.id] = target
                    entries.append(
                        LedgerEntry(_snapshot(source), _snapshot(target), share, transfer_type, now)
                    )
        movement = LedgerMovement(tuple(entries), amount - remaining)
        if entries:
            self._bus.publish(EventType.LEDGER_MOVEMENTS, movement)
            for account in touched.values():
                self._publish_account(account)
        return movement

    def _publish_account(self, account: Account) -> None:
        self._bus.publish(EventType.ACCOUNT, _snapshot(account))


_ASSET_LEVEL = frozenset(
    {
        AccountType.GENERAL,
        AccountType.FEES_INFRASTRUCTURE,
        AccountType.EXTERNAL,
        AccountType.GLOBAL_INSURANCE,
        AccountType.GLOBAL_REWARD,
    }
)


def _snapshot(account: Account) -> AccountSnapshot:
    return AccountSnapshot(
        account.id, account.owner, account.asset, account.market_id, account.type, account.balance
    )
