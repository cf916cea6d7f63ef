"""Successor markets (spec 0081-SUCM): a new market that continues a parent market.

As Vega core's execution engine handles them: a successor proposal names a parent
that must exist (a closed parent counts while its insurance pool is kept, for
`market.liquidity.successorLaunchWindowLength`) and must not be succeeded yet.
Several successors of one parent may be pending at once. The first to leave its
opening auction succeeds the parent: it receives `insurance pool fraction` of the
parent's insurance pool (rounded down), the parent is marked succeeded, and every
other pending successor of that parent is rejected: its orders are cancelled and
its parties' bonds and margins go back to their general accounts. While it waits,
at every tick a successor takes its parent's equity-like shares and traded value
(for the providers committed to both), and gives them back if it stays in auction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from devops.engine.collateral import NETWORK
from devops.engine.execution.engine import ExecutionEngine
from devops.engine.liquidity.equity_shares import InheritedShare
from devops.engine.types import AccountType, MarketState, TradingMode, TransferType

PARENT_DOES_NOT_EXIST = "market to succeed does not exist"
PARENT_ALREADY_SUCCEEDED = "the market was already succeeded by a prior proposal"
PARENT_NOT_ENACTED = "parent market in proposed state, can't enact successor"


class SuccessionError(Exception):
    """A succession Vega refuses, with Vega's message."""


@dataclass(frozen=True, slots=True)
class Successor:
    market_id: str
    parent_id: str
    insurance_fraction: Decimal


class Succession:
    """Pending successors per parent, and which parents were succeeded."""

    def __init__(self, engine: ExecutionEngine) -> None:
        self._engine = engine
        self.pending: dict[str, Successor] = {}  # successor id -> its succession
        self.proposed: dict[str, Successor] = {}  # every successor ever registered
        self.succeeded_by: dict[str, str] = {}  # parent id -> the successor that took over
        # parent id -> (equity-like shares, traded value) as its last tick left them
        self._parent_states: dict[str, tuple[tuple[InheritedShare, ...], int]] = {}
        self._inherited: set[str] = set()  # successors that inherited in this tick

    @property
    def succeeded(self) -> set[str]:
        return set(self.succeeded_by)

    def check_parent(self, parent_id: str) -> None:
        """Raise with Vega's reason unless `parent_id` can be succeeded now."""
        if parent_id not in self._engine.markets:
            raise SuccessionError(PARENT_DOES_NOT_EXIST)
        if parent_id in self.succeeded_by:
            raise SuccessionError(PARENT_ALREADY_SUCCEEDED)

    def register(self, market_id: str, parent_id: str, fraction: Decimal) -> None:
        """A submitted market that names a parent (Vega's `SubmitMarket` with a parent)."""
        self.pending[market_id] = self.proposed[market_id] = Successor(
            market_id, parent_id, fraction
        )

    def enact(self, market_id: str) -> None:
        """Vega's `SucceedMarket`: refused while the parent is only proposed; a successor
        whose parent is gone simply becomes an ordinary market."""
        successor = self.pending.get(market_id)
        if successor is None:
            return
        parent = self._engine.markets.get(successor.parent_id)
        if parent is None:
            del self.pending[market_id]
            return
        if parent.state == MarketState.PROPOSED:
            self._reject(market_id)
            raise SuccessionError(PARENT_NOT_ENACTED)

    def before_tick(self) -> None:
        """Before the markets' tick: a successor in its opening auction takes its parent's
        equity-like shares and traded value, as of the parent's last tick (Vega's
        InheritParent), so that they count if it leaves the auction in this tick."""
        for successor in self.pending.values():
            market = self._engine.markets[successor.market_id]
            state = self._parent_states.get(successor.parent_id)
            if state is None:
                state = self._parent_state(successor.parent_id)
            if market.state != MarketState.PENDING or state is None:
                continue
            shares, trade_value = state
            market.fee_splitter.trade_value = trade_value
            market.equity_shares.inherit(shares)
            self._inherited.add(successor.market_id)

    def _parent_state(self, parent_id: str) -> tuple[tuple[InheritedShare, ...], int] | None:
        parent = self._engine.markets.get(parent_id)
        if parent is None or parent_id in self.succeeded_by:
            return None
        if parent.closed and not self._engine.keeps_closed_market(parent_id):
            return None  # a closed parent's state expires with the successor launch window
        return parent.equity_shares.parent_shares(), parent.fee_splitter.trade_value

    def on_tick(self) -> None:
        """After the markets' tick: successors that left their opening auction take over;
        those still in it go back to their own commitments (Vega's RollbackInherit)."""
        for market_id, successor in list(self.pending.items()):
            if market_id not in self.pending:
                continue  # rejected by an earlier successor this tick
            market = self._engine.markets[market_id]
            if market.state == MarketState.PENDING:
                if market_id in self._inherited:
                    market.fee_splitter.trade_value = 0
                    market.equity_shares.rollback_inheritance()
                continue
            if market.closed:
                continue
            self._take_over(successor)
        self._inherited.clear()
        # the parents' state as this tick leaves it, for the next tick's inheritance
        self._parent_states = {}
        for successor in self.pending.values():
            state = self._parent_state(successor.parent_id)
            if state is not None:
                self._parent_states[successor.parent_id] = state

    def _take_over(self, successor: Successor) -> None:
        engine = self._engine
        parent_id = successor.parent_id
        del self.pending[successor.market_id]
        parent = engine.markets.get(parent_id)
        if parent is None:
            return
        asset = parent.config.asset
        collateral = engine.collateral
        pool = collateral.find(parent_id, NETWORK, asset, AccountType.INSURANCE)
        if pool is not None and pool.balance and successor.insurance_fraction > 0:
            share = Decimal(pool.balance) * successor.insurance_fraction
            amount = int(share.to_integral_value(rounding=ROUND_DOWN))
            target = collateral.get(successor.market_id, NETWORK, asset, AccountType.INSURANCE)
            collateral.move([pool], [target], amount, TransferType.SUCCESSOR_INSURANCE_FRACTION)
        self.succeeded_by[parent_id] = successor.market_id
        # a parent still trading keeps no pool once it closes; a closed one shares it out now
        engine.release_insurance_pool(parent_id)
        for other in [s for s in self.pending.values() if s.parent_id == parent_id]:
            self._reject(other.market_id)

    def _reject(self, market_id: str) -> None:
        """Vega's `Market.Reject`: everything the market holds goes back to the parties."""
        self.pending.pop(market_id, None)
        market = self._engine.markets[market_id]
        collateral = self._engine.collateral
        asset = market.config.asset
        for party in sorted(market.parties):
            market.cancel_all(party)
            general = collateral.general(party, asset)
            for kind, transfer in (
                (AccountType.BOND, TransferType.BOND_HIGH),
                (AccountType.MARGIN, TransferType.MARGIN_HIGH),
            ):
                account = collateral.find(market_id, party, asset, kind)
                if account is not None and account.balance:
                    collateral.move([account], [general], account.balance, transfer)
        self._engine.release_insurance_pool(market_id)
        market.state = MarketState.REJECTED
        market.trading_mode = TradingMode.NO_TRADING
        market.closed = True
        market.publish_market_update()
