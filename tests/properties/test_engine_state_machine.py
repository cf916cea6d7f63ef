"""The engine as a state machine: whatever parties do, a market keeps its invariants.

Rules are what parties do (deposit, withdraw, orders of every kind and time in
force, amend, cancel, liquidity commitments, time passing, settlement);
invariants are checked after every rule. Every command is also replayed on a
fresh engine at the end of each run, which must publish the identical stream.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from devops.nullchain.core.bus import EventRecorder
from devops.nullchain.core.collateral import CollateralError
from devops.nullchain.core.commands import (
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionSubmission,
    OrderAmendment,
    OrderCancellation,
    OrderSubmission,
    PeggedSubmission,
)
from devops.nullchain.core.engine import ExecutionEngine
from devops.nullchain.core.types import (
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
PARTIES = ("p0", "p1", "p2", "p3", "lp")
SECOND = 1_000_000_000

parties = st.sampled_from(PARTIES)
sides = st.sampled_from([Side.BUY, Side.SELL])
prices = st.integers(min_value=900, max_value=1_100)
sizes = st.integers(min_value=1, max_value=20)
persistent = st.sampled_from([TimeInForce.GTC, TimeInForce.GTT, TimeInForce.GFA, TimeInForce.GFN])
any_tif = st.sampled_from(list(TimeInForce)[1:])


def new_engine() -> ExecutionEngine:
    engine = ExecutionEngine(seed=7)
    engine.netparams.update("network.markPriceUpdateMaximumFrequency", "0s")
    engine.enable_asset(ASSET, 0)
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
    return engine


class Replayable:
    """An engine plus the log of every call made to it, to replay on a fresh one."""

    def __init__(self) -> None:
        self.engine = new_engine()
        self.recorder = EventRecorder(self.engine.bus)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def call(self, name: str, *args: Any) -> Any:
        self.calls.append((name, args))
        return _apply(self.engine, name, args)


def _apply(engine: ExecutionEngine, name: str, args: tuple[Any, ...]) -> Any:
    if name == "deposit":
        return engine.collateral.deposit(*args)
    if name == "withdraw":
        return engine.collateral.withdraw(*args)
    if name == "tick":
        engine.on_tick(engine.now + args[0] * SECOND)
        engine.block_end()
        return None
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
        for party in PARTIES:
            self.run.call("deposit", party, ASSET, 10_000_000)
        # every run starts in continuous trading: an LP, a trade at 1000, a static bid and ask
        shape = (LiquidityOrder(PeggedReference.BEST_BID, 1, 2),)
        asks = (LiquidityOrder(PeggedReference.BEST_ASK, 1, 2),)
        commitment = LiquidityProvisionSubmission(MARKET, 50_000, Decimal("0.001"), shape, asks)
        self.run.call("submit_liquidity_provision", commitment, "lp")
        for party, side, price in (
            ("p0", Side.BUY, 1000),
            ("p1", Side.SELL, 1000),
            ("p2", Side.BUY, 990),
            ("p3", Side.SELL, 1010),
        ):
            order = OrderSubmission(MARKET, side, 5, TimeInForce.GTC, OrderType.LIMIT, price)
            self.run.call("submit_order", order, party)
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

    @rule(party=parties, amount=st.integers(min_value=1, max_value=10**9))
    def deposit(self, party: str, amount: int) -> None:
        self.run.call("deposit", party, ASSET, amount)

    @rule(party=parties, amount=st.integers(min_value=-5, max_value=10**8))
    def withdraw(self, party: str, amount: int) -> None:
        before = _state(self.engine)
        try:
            self.run.call("withdraw", party, ASSET, amount)
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
        expires = self.engine.now + 5 * SECOND if tif == TimeInForce.GTT else 0
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
        party = data.draw(st.sampled_from([order.party, "p0"]))
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
        party = data.draw(st.sampled_from([order.party, "p1"]))
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
            error = self.run.call("amend_liquidity_provision", change, "lp")
        else:
            submission = LiquidityProvisionSubmission(MARKET, commitment, Decimal(fee), shape, asks)
            error = self.run.call("submit_liquidity_provision", submission, "lp")
        if error is not None:
            assert _state(self.engine) == before, f"rejected commitment {error!r}"

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
        collateral = self.engine.collateral
        assert collateral.total(ASSET) == collateral.net_deposits[ASSET]

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
        replay = new_engine()
        recorder = EventRecorder(replay.bus)
        for name, args in self.run.calls:
            try:
                _apply(replay, name, args)
            except CollateralError:
                pass
        original = [(e.type, repr(e.payload)) for e in self.run.recorder.events]
        again = [(e.type, repr(e.payload)) for e in recorder.events]
        assert original == again, "the same commands gave a different event stream"


TestEngineMachine = EngineMachine.TestCase
