"""One scenario's world: the engine, the clock, and the views Vega's test broker keeps.

Time and blocks follow Vega's integration harness: the clock starts at
2019-11-30T00:00:00Z, a block lasts one second unless a step says otherwise,
"moving ahead" ends a block then moves time, and every time change ticks the
engine. Orders, trades and ledger movements are read from the event bus alone,
kept as Vega's test broker keeps them: once for good, and once in a per-type list
that "clear all events" empties and a passing transfers check resets. After each step every account's change must equal its ledger entries; at the
end all balances must equal the net deposits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from devops.embedded.datanode.positions import PositionsView
from devops.engine.collateral import AccountSnapshot, LedgerMovement
from devops.engine.events.bus import Event, EventType
from devops.engine.execution.engine import GENESIS_TIME, ExecutionEngine
from devops.engine.netparams.params import NetworkParameters
from devops.engine.network import Network
from devops.engine.types import NANOS_PER_SECOND, AccountType, MarketConfig, Order, Trade
from devops.fidelity.named_defaults import NamedDefaults
from devops.fidelity.table import StepError

# Network parameters Vega's harness starts every scenario with. The harness never
# dispatches the minimum auction duration's default (30m) to its markets, so their
# auctions last as short as our parameter bounds allow unless a feature sets it.
# Nor does it dispatch the bond penalty parameter's default (1): its markets keep a
# zero penalty factor until a feature sets the parameter. The market value window
# length (default 1 week) is not dispatched either: its markets close a value window,
# and grow the LPs' virtual stakes, on every tick unless a feature sets it.
HARNESS_NETWORK_PARAMETERS = {
    "market.fee.factors.makerFee": "0.00025",
    "market.fee.factors.infrastructureFee": "0.0005",
    "market.auction.minimumDuration": "1s",
    "market.liquidity.bondPenaltyParameter": "0",
    "market.value.windowLength": "0s",
}
HARNESS_ASSETS = ("VEGA", "USDT", "USDC")
HARNESS_QUANTUM = Decimal(5000)


@dataclass(slots=True)
class World:
    defaults: NamedDefaults
    engine: ExecutionEngine = field(init=False)
    network: Network = field(init=False)
    block_duration: int = NANOS_PER_SECOND
    positions: PositionsView = field(init=False)
    ledger: list[LedgerMovement] = field(default_factory=list)  # never cleared: reconciliation
    accounts: dict[str, AccountSnapshot] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)  # every event, never cleared
    since_cleared: dict[EventType, list[Event]] = field(default_factory=dict)
    markets: dict[str, MarketConfig] = field(default_factory=dict)
    asset_decimals: dict[str, int] = field(default_factory=dict)
    settlement_decimals: dict[str, int] = field(default_factory=dict)
    batch: dict[str, list] = field(default_factory=dict)
    _ledger_mark: int = 0
    _accounts_before: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        netparams = NetworkParameters(HARNESS_NETWORK_PARAMETERS)
        self.engine = ExecutionEngine(netparams=netparams, start_time=GENESIS_TIME)
        # Vega's harness knows every asset, with a quantum of 5000, and enables three
        self.network = Network(
            self.engine,
            quantum=lambda asset: HARNESS_QUANTUM,
            genesis=False,
            proposer_of=lambda market: "proposerID",  # every market's proposer in the harness
        )
        for asset in HARNESS_ASSETS:
            self.engine.enable_asset(asset, 0, int(HARNESS_QUANTUM))
        self.positions = PositionsView(self.engine.bus)
        self.engine.bus.subscribe(self._on_event)

    # ---- the event stream -------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        self.events.append(event)
        self.since_cleared.setdefault(event.type, []).append(event)
        payload = event.payload
        if event.type is EventType.LEDGER_MOVEMENTS:
            self.ledger.append(payload)
        elif event.type is EventType.ACCOUNT:
            self.accounts[payload.id] = payload

    def clear_all_events(self) -> None:
        """Vega's ClearAllEvents: every clearable list starts again empty."""
        self.since_cleared = {}

    def reset_type(self, kind: EventType) -> None:
        """Vega's ResetType: one event type's clearable list starts again empty."""
        self.since_cleared[kind] = []

    def payloads(self, kind: EventType) -> list:
        """The payloads of one type's events since they were last cleared, oldest first."""
        return [event.payload for event in self.since_cleared.get(kind, ())]

    @property
    def trades(self) -> list[Trade]:
        return self.payloads(EventType.TRADE)

    @property
    def order_events(self) -> list[Order]:
        return self.payloads(EventType.ORDER)

    def order(self, party: str, reference: str) -> Order:
        """Vega's GetByReference: the latest uncleared event of the party's order with that reference."""
        for order in reversed(self.order_events):
            if order.party == party and order.reference == reference:
                return order
        raise StepError(f"no order for party {party} and reference {reference}")

    # ---- clock ------------------------------------------------------------------------------

    @property
    def now(self) -> int:
        return self.engine.now

    def set_time(self, now: int) -> None:
        self.network.on_tick(now)

    def end_block(self) -> None:
        self.engine.block_end()

    def move_blocks(self, count: int) -> None:
        now = self.now
        for _ in range(count):
            self.network.epoch_block_end()
            self.end_block()
            now += self.block_duration
            self.set_time(now)

    # ---- ledger checks ------------------------------------------------------------------------

    def begin_step(self) -> None:
        self._ledger_mark = len(self.ledger)
        self._accounts_before = {k: a.balance for k, a in self.accounts.items()}

    def reconcile(self) -> None:
        """Each account's change over the step equals the ledger entries that touched it."""
        expected = dict(self._accounts_before)
        for movement in self.ledger[self._ledger_mark :]:
            for entry in movement.entries:
                expected[entry.from_account.id] = (
                    expected.get(entry.from_account.id, 0) - entry.amount
                )
                expected[entry.to_account.id] = expected.get(entry.to_account.id, 0) + entry.amount
        for account_id, account in sorted(self.accounts.items()):
            if account.type == AccountType.EXTERNAL:
                continue  # deposits and withdrawals cross the bridge there
            if account.balance and expected.get(account_id) != account.balance:
                raise StepError(
                    f"account {account_id!r} balance {account.balance} does not match the ledger "
                    f"({expected.get(account_id)})"
                )
            live = self.engine.collateral.accounts.get(account_id)
            if live is not None and live.balance != account.balance:
                raise StepError(f"account {account_id!r}: event balance differs from the engine")

    def check_net_deposits(self) -> None:
        collateral = self.engine.collateral
        for asset, deposited in collateral.net_deposits.items():
            total = collateral.total(asset)
            if total != deposited:
                raise StepError(
                    f"cumulated balance for all accounts of {asset} is {total}, "
                    f"net deposits are {deposited}"
                )
