"""The engine as a state machine: whatever parties do, a market keeps its invariants.

Rules are what parties do (deposit, withdraw, orders of every kind and time in
force, amend, cancel, liquidity commitments, time passing, settlement) and what
they do beside the market: one-off, delayed and recurring transfers (0057-TRAN)
to parties and to the staking reward pool, cancellations, staking association and
disassociation and delegation (0059-STKG), and epochs ending, which pay recurring
transfers and staking rewards (0061-REWP). Invariants are checked after every rule;
money is conserved in the settlement asset and in the staking asset alike. Every
command is also replayed on a fresh network at the end of each run, which must
publish the identical stream.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from devops.engine.banking.engine import TransferError
from devops.engine.banking.transfers import GLOBAL_REWARD_PARTY, Transfer
from devops.engine.collateral import CollateralError
from devops.engine.commands import (
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionSubmission,
    OrderAmendment,
    OrderCancellation,
    OrderSubmission,
    PeggedSubmission,
)
from devops.engine.delegation import DelegationError
from devops.engine.events.bus import EventRecorder
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.network import Network
from devops.engine.staking import StakingError
from devops.engine.types import (
    AccountType,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarketConfig,
    MarketState,
    OrderStatus,
    OrderType,
    PeggedReference,
    PriceMonitoringTrigger,
    Side,
    TargetStakeParameters,
    TimeInForce,
    TradingMode,
)

MARKET = "M"
ASSET = "USD"
STAKING_ASSET = "VOTE"  # `reward.asset`: staking rewards are paid in it
ASSETS = (ASSET, STAKING_ASSET)
# Vega keys, as transfers require of both ends
P0, P1, P2, P3, LP = (f"{n:x}" * 64 for n in range(10, 15))
PARTIES = (P0, P1, P2, P3, LP)
VALIDATOR = "validator-node"
EPOCH_SECONDS = 10
NANOS_PER_SECOND = 1_000_000_000
REFUSALS = (CollateralError, TransferError, StakingError, DelegationError)

parties = st.sampled_from(PARTIES)
assets = st.sampled_from(ASSETS)
sides = st.sampled_from([Side.BUY, Side.SELL])
prices = st.integers(min_value=900, max_value=1_100)
sizes = st.integers(min_value=1, max_value=20)
persistent = st.sampled_from([TimeInForce.GTC, TimeInForce.GTT, TimeInForce.GFA, TimeInForce.GFN])
any_tif = st.sampled_from(list(TimeInForce)[1:])


NETWORK_PARAMETERS = {
    "network.markPriceUpdateMaximumFrequency": "0s",
    "validators.epoch.length": f"{EPOCH_SECONDS}s",
    "transfer.fee.factor": "0.01",
    "transfer.minTransferQuantumMultiple": "1",
    # the one validator earns staking rewards (with five, a lone one's score is zero)
    "reward.staking.delegation.minValidators": "1",
    "reward.asset": STAKING_ASSET,
}


def new_network() -> Network:
    engine = ExecutionEngine(seed=7)
    for key, value in NETWORK_PARAMETERS.items():
        engine.netparams.update(key, value)
    engine.enable_asset(ASSET, 0)
    engine.enable_asset(STAKING_ASSET, 0)
    engine.submit_market(
        MarketConfig(
            id=MARKET,
            asset=ASSET,
            risk_model=LogNormalRiskModel(
                Decimal("0.000001"),
                Decimal("0.0001140771161305042"),
                Decimal(0),
                Decimal(0),
                Decimal("1.5"),
            ),
            price_monitoring=(PriceMonitoringTrigger(60, Decimal("0.99"), 30),),
            liquidity_monitoring=LiquidityMonitoringParameters(
                TargetStakeParameters(time_window=60, scaling_factor=Decimal("0.5"))
            ),
            opening_auction_duration=2,
            settlement_property="price",
            termination_property="trading.terminated",
        )
    )
    engine.start_opening_auction(MARKET)
    network = Network(engine, quantum=lambda asset: Decimal(1) if asset in ASSETS else None)
    network.topology.add(VALIDATOR, "f" * 64)
    return network


class Replayable:
    """A network plus the log of every call made to it, to replay on a fresh one."""

    def __init__(self) -> None:
        self.network = new_network()
        self.engine = self.network.engine
        self.recorder = EventRecorder(self.engine.bus)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def call(self, name: str, *args: Any) -> Any:
        self.calls.append((name, args))
        return _apply(self.network, name, args)


def _apply(network: Network, name: str, args: tuple[Any, ...]) -> Any:
    engine = network.engine
    if name == "deposit":
        return engine.collateral.deposit(*args)
    if name == "withdraw":
        return engine.collateral.withdraw(*args)
    if name == "tick":  # a block: the network's tick, the markets' block end, the epoch's
        network.on_tick(engine.now + args[0] * NANOS_PER_SECOND)
        engine.block_end()
        network.epoch_block_end()
        return None
    if name == "transfer":  # a fresh record each time: the bank updates the one it gets
        return network.banking.transfer_funds(Transfer(**dict(args)))
    if name == "cancel_transfer":
        return network.banking.cancel(*args)
    if name == "associate":
        return network.staking.associate(*args)
    if name == "dissociate":
        return network.staking.dissociate(*args)
    if name in ("delegate", "undelegate_now", "undelegate_at_epoch_end"):
        return getattr(network.delegation, name)(*args)
    return getattr(engine, name)(*args)


def _state(engine: ExecutionEngine) -> tuple[Any, ...]:
    """Everything a rejected command must leave as it was."""
    market = engine.markets[MARKET]
    accounts = tuple(sorted((a.id, a.balance) for a in engine.collateral.accounts.values()))
    book = tuple(
        sorted((o.id, o.price, o.remaining, int(o.status)) for o in market.book.orders.values())
    )
    positions = tuple(sorted((p.party, p.size) for p in market.positions.positions.values()))
    return accounts, book, positions


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.run = Replayable()
        self.transfers = 0
        for party in PARTIES:
            self.run.call("deposit", party, ASSET, 10_000_000)
            self.run.call("deposit", party, STAKING_ASSET, 1_000_000)
        # every run starts in continuous trading: an LP, a trade at 1000, a static bid and ask
        shape = (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),)
        asks = (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),)
        commitment = LiquidityProvisionSubmission(MARKET, 50_000, Decimal("0.001"), shape, asks)
        self.run.call("submit_liquidity_provision", commitment, LP)
        for party, side, price in (
            (P0, Side.BUY, 1000),
            (P1, Side.SELL, 1000),
            (P2, Side.BUY, 990),
            (P3, Side.SELL, 1010),
        ):
            order = OrderSubmission(MARKET, side, 5, TimeInForce.GTC, OrderType.LIMIT, price)
            self.run.call("submit_order", order, party)
        # and a staking reward pool with stake delegated to the validator, so that epochs pay
        self.run.call("associate", LP, 100_000)
        self.run.call("delegate", LP, VALIDATOR, 100_000)
        pool = {
            "id": self._transfer_id(),
            "from_party": LP,
            "from_account_type": AccountType.GENERAL,
            "to": GLOBAL_REWARD_PARTY,
            "to_account_type": AccountType.GLOBAL_REWARD,
            "asset": STAKING_ASSET,
            "amount": 100_000,
        }
        self.run.call("transfer", *pool.items())
        self.run.call("tick", 3)
        assert self.market.trading_mode == TradingMode.CONTINUOUS

    @property
    def engine(self) -> ExecutionEngine:
        return self.run.engine

    @property
    def market(self) -> Any:
        return self.engine.markets[MARKET]

    def _live_orders(self) -> list[Any]:
        return [o for o in self.market.book.orders.values() if o.status == OrderStatus.ACTIVE]

    # ---- rules ------------------------------------------------------------------------------

    @rule(party=parties, asset=assets, amount=st.integers(min_value=1, max_value=10**9))
    def deposit(self, party: str, asset: str, amount: int) -> None:
        self.run.call("deposit", party, asset, amount)

    @rule(party=parties, asset=assets, amount=st.integers(min_value=-5, max_value=10**8))
    def withdraw(self, party: str, asset: str, amount: int) -> None:
        before = _state(self.engine)
        try:
            self.run.call("withdraw", party, asset, amount)
        except CollateralError:
            assert _state(self.engine) == before, "a refused withdrawal moved money"

    @rule(
        party=parties,
        side=sides,
        price=prices,
        size=sizes,
        tif=any_tif,
        post_only=st.booleans(),
        reduce_only=st.booleans(),
    )
    def limit_order(
        self,
        party: str,
        side: Side,
        price: int,
        size: int,
        tif: TimeInForce,
        post_only: bool,
        reduce_only: bool,
    ) -> None:
        expires = self.engine.now + 5 * NANOS_PER_SECOND if tif == TimeInForce.GTT else 0
        self._submit(
            party,
            OrderSubmission(
                MARKET,
                side,
                size,
                tif,
                OrderType.LIMIT,
                price,
                expires,
                post_only=post_only,
                reduce_only=reduce_only,
            ),
        )

    @rule(
        party=parties,
        side=sides,
        size=sizes,
        tif=st.sampled_from([TimeInForce.IOC, TimeInForce.FOK]),
    )
    def market_order(self, party: str, side: Side, size: int, tif: TimeInForce) -> None:
        self._submit(party, OrderSubmission(MARKET, side, size, tif, OrderType.MARKET))

    @rule(
        party=parties,
        side=sides,
        size=sizes,
        reference=st.sampled_from(
            [PeggedReference.MID, PeggedReference.BEST_BID, PeggedReference.BEST_ASK]
        ),
        offset=st.integers(min_value=0, max_value=20),
    )
    def pegged_order(
        self, party: str, side: Side, size: int, reference: PeggedReference, offset: int
    ) -> None:
        if reference == PeggedReference.MID and offset == 0:
            offset = 1
        self._submit(
            party,
            OrderSubmission(
                MARKET, side, size, TimeInForce.GTC, pegged=PeggedSubmission(reference, offset)
            ),
        )

    def _submit(self, party: str, submission: OrderSubmission) -> None:
        before = _state(self.engine)
        confirmation = self.run.call("submit_order", submission, party)
        if confirmation.error is not None:
            assert not confirmation.trades
            assert _state(self.engine) == before, f"rejected {confirmation.error!r} changed state"

    @precondition(lambda self: bool(self._live_orders()))
    @rule(data=st.data(), price_delta=st.integers(-30, 30), size_delta=st.integers(-3, 3))
    def amend(self, data: st.DataObject, price_delta: int, size_delta: int) -> None:
        order = data.draw(st.sampled_from(sorted(self._live_orders(), key=lambda o: o.id)))
        party = data.draw(st.sampled_from([order.party, P0]))
        price = None if order.pegged else max(1, order.original_price + price_delta)
        before = _state(self.engine)
        confirmation = self.run.call(
            "amend_order", OrderAmendment(order.id, MARKET, price, size_delta), party
        )
        if confirmation.error is not None:
            assert _state(self.engine) == before, f"rejected amend {confirmation.error!r}"

    @precondition(lambda self: bool(self._live_orders()))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from(sorted(self._live_orders(), key=lambda o: o.id)))
        party = data.draw(st.sampled_from([order.party, P1]))
        before = _state(self.engine)
        result = self.run.call("cancel_order", OrderCancellation(order.id, MARKET), party)
        if result.error is not None:
            assert _state(self.engine) == before, f"rejected cancel {result.error!r}"

    @rule(party=parties)
    def cancel_all(self, party: str) -> None:
        self.run.call("cancel_order", OrderCancellation(market_id=MARKET), party)

    @rule(
        commitment=st.integers(min_value=0, max_value=200_000),
        fee=st.sampled_from(["0.001", "0.01", "0.1"]),
        amend=st.booleans(),
    )
    def liquidity(self, commitment: int, fee: str, amend: bool) -> None:
        shape = (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),)
        asks = (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),)
        before = _state(self.engine)
        if amend:
            change = LiquidityProvisionAmendment(MARKET, commitment, Decimal(fee), shape, asks)
            error = self.run.call("amend_liquidity_provision", change, LP)
        else:
            submission = LiquidityProvisionSubmission(MARKET, commitment, Decimal(fee), shape, asks)
            error = self.run.call("submit_liquidity_provision", submission, LP)
        if error is not None:
            assert _state(self.engine) == before, f"rejected commitment {error!r}"

    # ---- beside the market: transfers, staking, delegation, epochs ----------------------------

    @property
    def network(self) -> Network:
        return self.run.network

    def _refusable(self, name: str, *args: Any) -> None:
        """A command that may be refused: a refusal leaves money and transfers as they were."""
        before = self._network_state()
        try:
            self.run.call(name, *args)
        except REFUSALS as refusal:
            event(f"refused {name}")
            assert self._network_state() == before, f"refused {name} ({refusal}) changed state"

    def _network_state(self) -> tuple[Any, ...]:
        network = self.network
        recurring = tuple(t.id for t in network.banking.recurring)
        staked = tuple(network.staking.balance(party) for party in PARTIES)
        delegated = tuple(sorted((p, d.total) for p, d in network.delegation.next.items()))
        return _state(self.engine), recurring, staked, delegated

    def _transfer_id(self) -> str:
        self.transfers += 1
        return f"transfer-{self.transfers}"

    @rule(
        sender=parties,
        receiver=st.one_of(parties, st.just(GLOBAL_REWARD_PARTY)),
        asset=assets,
        amount=st.integers(min_value=0, max_value=2_000_000),
        delay=st.sampled_from([None, 0, 3, 30]),
    )
    def one_off_transfer(
        self, sender: str, receiver: str, asset: str, amount: int, delay: int | None
    ) -> None:
        to_pool = receiver == GLOBAL_REWARD_PARTY
        fields = {
            "id": self._transfer_id(),
            "from_party": sender,
            "from_account_type": AccountType.GENERAL,
            "to": receiver,
            "to_account_type": AccountType.GLOBAL_REWARD if to_pool else AccountType.GENERAL,
            "asset": asset,
            "amount": amount,
            "deliver_on": None if delay is None else self.engine.now + delay * NANOS_PER_SECOND,
        }
        self._refusable("transfer", *fields.items())

    @rule(
        sender=parties,
        receiver=st.one_of(parties, st.just(GLOBAL_REWARD_PARTY)),
        asset=assets,
        amount=st.integers(min_value=0, max_value=500_000),
        start=st.integers(min_value=-1, max_value=2),
        length=st.sampled_from([None, 0, 1, 3]),
        factor=st.sampled_from(["0.5", "1", "1.5"]),
    )
    def recurring_transfer(
        self,
        sender: str,
        receiver: str,
        asset: str,
        amount: int,
        start: int,
        length: int | None,
        factor: str,
    ) -> None:
        to_pool = receiver == GLOBAL_REWARD_PARTY
        start_epoch = max(0, self.network.epochs.seq + start)
        fields = {
            "id": self._transfer_id(),
            "from_party": sender,
            "from_account_type": AccountType.GENERAL,
            "to": receiver,
            "to_account_type": AccountType.GLOBAL_REWARD if to_pool else AccountType.GENERAL,
            "asset": asset,
            "amount": amount,
            "recurring": True,
            "start_epoch": start_epoch,
            "end_epoch": None if length is None else start_epoch + length,
            "factor": Decimal(factor),
        }
        self._refusable("transfer", *fields.items())

    @rule(data=st.data(), party=parties)
    def cancel_transfer(self, data: st.DataObject, party: str) -> None:
        ids = [t.id for t in self.network.banking.recurring] + ["transfer-0"]
        transfer_id = data.draw(st.sampled_from(ids))
        self._refusable("cancel_transfer", party, transfer_id)

    @rule(party=parties, amount=st.integers(min_value=1, max_value=50_000))
    def associate(self, party: str, amount: int) -> None:
        self._refusable("associate", party, amount)

    @rule(party=parties, amount=st.integers(min_value=1, max_value=50_000))
    def dissociate(self, party: str, amount: int) -> None:
        self._refusable("dissociate", party, amount)

    @rule(
        party=parties,
        amount=st.integers(min_value=0, max_value=50_000),
        how=st.sampled_from(["delegate", "undelegate_now", "undelegate_at_epoch_end"]),
        node=st.sampled_from([VALIDATOR, "unknown-node"]),
    )
    def delegation(self, party: str, amount: int, how: str, node: str) -> None:
        self._refusable(how, party, node, amount)

    @rule()
    def epoch_ends(self) -> None:
        """Blocks until the next epoch starts: recurring transfers and rewards are paid."""
        seq = self.network.epochs.seq
        while self.network.epochs.seq == seq:
            self.run.call("tick", EPOCH_SECONDS // 2)
        self._nobody_left_below_maintenance()

    @rule(seconds=st.integers(min_value=1, max_value=10))
    def time_passes(self, seconds: int) -> None:
        self.run.call("tick", seconds)
        self._nobody_left_below_maintenance()

    def _nobody_left_below_maintenance(self) -> None:
        """After a block, a party under maintenance margin has nothing left to give."""
        market, collateral = self.market, self.engine.collateral
        if market.closed or market.auction.in_auction:
            return
        for position in market.positions.positions.values():
            levels = market.margin_levels.get(position.party)
            if position.closed or levels is None:
                continue
            margin = collateral.balance(position.party, ASSET, MARKET, AccountType.MARGIN)
            if margin < levels.maintenance:
                spare = collateral.balance(position.party, ASSET, "", AccountType.GENERAL)
                assert spare == 0, f"{position.party} below maintenance with {spare} unused"

    @precondition(lambda self: len(self.run.calls) > 50)
    @rule(price=prices)
    def settle(self, price: int) -> None:
        self.run.call("submit_oracle_data", [], {"trading.terminated": "true"})
        self.run.call("submit_oracle_data", [], {"price": str(price)})
        self.run.call("tick", 1)

    # ---- invariants -------------------------------------------------------------------------

    @invariant()
    def money_is_conserved(self) -> None:
        """In every asset, all accounts (parties', markets', pending transfers, fee and
        reward pools) hold exactly what was deposited less what was withdrawn."""
        collateral = self.engine.collateral
        for asset in ASSETS:
            assert collateral.total(asset) == collateral.net_deposits[asset], asset

    @invariant()
    def positions_net_to_zero(self) -> None:
        assert sum(p.size for p in self.market.positions.positions.values()) == 0

    @invariant()
    def book_not_crossed_in_continuous_trading(self) -> None:
        market = self.market
        if market.trading_mode != TradingMode.CONTINUOUS or market.state != MarketState.ACTIVE:
            return
        bid, ask = market.book.best_bid, market.book.best_ask
        if bid and ask:
            assert bid < ask, f"crossed book: bid {bid} >= ask {ask}"

    @invariant()
    def margin_levels_are_ordered(self) -> None:
        for party, levels in self.market.margin_levels.items():
            assert levels.maintenance <= levels.search <= levels.initial <= levels.release, party

    def teardown(self) -> None:
        trades = sum(1 for e in self.run.recorder.events if e.type.name == "TRADE")
        event(
            f"final trading mode: {self.market.trading_mode.name}, state {self.market.state.name}"
        )
        event(f"trades: {'none' if not trades else '1-9' if trades < 10 else '10+'}")
        kinds = [e.type.name for e in self.run.recorder.events]
        event(f"staking rewards paid: {'yes' if 'REWARD_PAYOUT' in kinds else 'no'}")
        recurring_paid = any(
            e.type.name == "TRANSFER" and e.payload.recurring and e.payload.status.name == "DONE"
            for e in self.run.recorder.events
        )
        event(f"a recurring transfer completed: {'yes' if recurring_paid else 'no'}")
        replay = new_network()
        recorder = EventRecorder(replay.engine.bus)
        for name, args in self.run.calls:
            try:
                _apply(replay, name, args)
            except REFUSALS:
                pass
        original = [(e.type, repr(e.payload)) for e in self.run.recorder.events]
        again = [(e.type, repr(e.payload)) for e in recorder.events]
        assert original == again, "the same commands gave a different event stream"


TestEngineMachine = EngineMachine.TestCase
