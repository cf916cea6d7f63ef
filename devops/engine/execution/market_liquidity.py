"""The market's side of liquidity provision: commitments, LP orders, bonds and LP fees.

As Vega v0.72.6's `execution/future/liquidity_provision.go`, `special_orders.go`,
`bond_topup.go` and the LP parts of `market.go` (specs 0038-OLIQ, 0042-LIQF,
0044-LIME): a commitment moves stake from the general to the bond account; LP
orders are taken off the book and re-sized after every book change, their
margin is checked, and a margin shortfall an LP cannot pay from its general
account is taken from its bond with a penalty (`market.liquidity.bondPenaltyParameter`).
Every `market.liquidity.providers.fee.distributionTimeStep` the liquidity fee
account is paid out by equity-like share weighted by liquidity score, floored
per party in party order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter

from devops.engine.collateral import Collateral
from devops.engine.commands import (
    LiquidityProvisionAmendment,
    LiquidityProvisionSubmission,
)
from devops.engine.events.bus import EventBus
from devops.engine.events.payloads import LPFeeShare
from devops.engine.execution.market_base import Clock, MarketBase
from devops.engine.liquidity.equity_shares import EquityShares, FeeSplitter
from devops.engine.liquidity.provision import (
    LiquidityEngine,
    LiquidityParameters,
    ProbabilityTable,
    ProvisionStatus,
    adjust_price,
    lp_price_range,
)
from devops.engine.netparams.params import (
    NetworkParameterError,
    NetworkParameters,
    parse_duration,
)
from devops.engine.positions import MarketPosition
from devops.engine.types import (
    NANOS_PER_SECOND,
    AccountType,
    MarketConfig,
    MarketState,
    Order,
    OrderError,
    OrderStatus,
    PeggedReference,
    Side,
    Trade,
    TransferType,
)
from devops.engine.vega_decimal import decimal_div

ERR_NOT_ALLOWED = "commitment submission not allowed"
ERR_NOT_PROVIDER = "party is not a liquidity provider"
ERR_NOT_ENOUGH_STAKE = "commitment submission rejected, not enough stake"
ERR_TOO_LOW = "commitment amount is too low"
ERR_BOND = "not enough collateral to cover the commitment"

_LP_ID = attrgetter("liquidity_provision_id")

# the network parameters the liquidity engine reads, with the defaults of stand-in hosts
_LIQUIDITY_PARAMS = (
    ("market.liquidity.stakeToCcyVolume", "1"),
    ("market.liquidityProvision.shapes.maxSize", "5"),
    ("market.liquidity.maximumLiquidityFeeFactorLevel", "1"),
    ("market.liquidity.minimum.probabilityOfTrading.lpOrders", "1e-8"),
    ("market.liquidity.probabilityOfTrading.tau.scaling", "1"),
)


class MarketLiquidity(MarketBase):
    """Part of `Market`: relies on the market's book, positions, collateral and margins."""

    def __init__(
        self,
        config: MarketConfig,
        *,
        bus: EventBus,
        collateral: Collateral,
        clock: Clock,
        netparams: NetworkParameters,
    ) -> None:
        super().__init__(config, bus=bus, collateral=collateral, clock=clock, netparams=netparams)
        market = self.config
        self.liquidity = LiquidityEngine(
            market.id,
            bus=self.bus,
            clock=self.clock,
            price_factor=market.price_factor,
            position_factor=market.position_factor,
        )
        self.equity_shares = EquityShares()
        self.fee_splitter = FeeSplitter()
        self.market_value_proxy = Decimal(0)
        self.asset_quantum = 1
        self._last_fee_distribution = None
        self._next_probability_update = 0
        self._liquidity_param_texts = None
        self._liquidity_params = None

    # ---- network parameters -------------------------------------------------------------------

    def _param(self, name: str, default: str) -> str:
        """A parameter's text, else `default`: stand-in hosts in tests bring no parameters."""
        netparams = self.netparams
        if type(netparams) is NetworkParameters:  # the network's own: its values are texts
            return netparams.get(name) if name in netparams else default
        for getter in ("get_str", "get"):
            method = getattr(netparams, getter, None)
            if method is None:
                continue
            try:
                value = method(name)
            except (KeyError, ValueError, TypeError):
                continue
            if value is not None:
                return str(value)
        return default

    def _param_seconds(self, name: str, default: str) -> float:
        method = getattr(self.netparams, "get_duration_seconds", None)
        if method is not None:
            try:
                return float(method(name))
            except (KeyError, ValueError, TypeError):
                pass
        return float(parse_duration(self._param(name, default)))

    def _liquidity_texts(self) -> tuple[str, ...]:
        netparams = self.netparams
        if type(netparams) is NetworkParameters:
            get = netparams.get
            try:  # every one is a parameter of the network: five look-ups
                return (
                    get("market.liquidity.stakeToCcyVolume"),
                    get("market.liquidityProvision.shapes.maxSize"),
                    get("market.liquidity.maximumLiquidityFeeFactorLevel"),
                    get("market.liquidity.minimum.probabilityOfTrading.lpOrders"),
                    get("market.liquidity.probabilityOfTrading.tau.scaling"),
                )
            except NetworkParameterError:
                pass
        return tuple(self._param(name, default) for name, default in _LIQUIDITY_PARAMS)

    def _refresh_liquidity_params(self) -> None:
        texts = self._liquidity_texts()
        if texts == self._liquidity_param_texts and self.liquidity.params is self._liquidity_params:
            return  # the same texts parse to the same values: the parameters already set stand
        stake_to_ccy_volume, max_shapes, max_fee, min_probability, tau_scaling = texts
        params = LiquidityParameters(
            stake_to_ccy_volume=Decimal(stake_to_ccy_volume),
            max_shapes=int(max_shapes),
            max_fee=Decimal(max_fee),
            min_probability_of_trading=Decimal(min_probability),
            tau_scaling=Decimal(tau_scaling),
        )
        self.liquidity.params = self._liquidity_params = params
        self._liquidity_param_texts = texts

    # ---- views ------------------------------------------------------------------------------

    @property
    def supplied_stake(self) -> int:
        return self.liquidity.supplied_stake()

    def lp_fee_shares(self) -> tuple[LPFeeShare, ...]:
        scores = self.liquidity.average_scores
        return tuple(
            LPFeeShare(party, share, average, scores.get(party, Decimal(0)))
            for party, share, average, _ in self.equity_shares.fee_shares()
        )

    # ---- prices -------------------------------------------------------------------------------

    def lp_price_bounds(self) -> tuple[int, int] | None:
        bid, ask = self.book.best_static_bid, self.book.best_static_ask
        if bid is None or ask is None:
            return None
        config = self.config
        return lp_price_range(bid, ask, config.lp_price_range, config.price_factor)

    def reprice_liquidity_order(
        self, side: Side, reference: PeggedReference, offset: int
    ) -> int | None:
        if self.auction.in_auction:
            return None
        bid, ask = self.book.best_static_bid, self.book.best_static_ask
        factor = self.config.price_factor
        price: int | None
        if reference == PeggedReference.MID:
            if bid is None or ask is None:
                return None
            price = (bid + ask + (factor if side == Side.BUY else 0)) // 2
        else:
            price = bid if reference == PeggedReference.BEST_BID else ask
        bounds = self.lp_price_bounds()
        if price is None or bounds is None:
            return None
        return adjust_price(side, price, offset, bounds[0], bounds[1], factor)

    # ---- orders of LPs -------------------------------------------------------------------------

    def _book_lp_orders(self, party: str) -> list[Order]:
        return [
            o
            for o in self.orders.values()
            if o.party == party and o.liquidity_provision_id and o.remaining > 0
        ]

    def _party_orders(self, party: str) -> list[Order]:
        return [o for o in self.orders.values() if o.party == party]

    def _all_lp_orders(self) -> list[Order]:
        orders = [o for o in self.orders.values() if o.liquidity_provision_id]
        return sorted(orders, key=lambda o: o.id)

    def _take_lp_order_off_book(self, order: Order) -> None:
        if self.book.get_order(order.id) is not None:
            self.book.cancel(order.id)
            self.positions.unregister_order(order)
        self.orders.pop(order.id, None)
        order.status = OrderStatus.CANCELLED

    def _put_lp_order_on_book(self, order: Order, publish: bool) -> None:
        order.status = OrderStatus.ACTIVE
        order.version = 1
        order.updated_at = self.clock.now
        self.positions.register_order(order)
        result = self.book.submit(order, self.clock.now)
        live = order.status in (OrderStatus.ACTIVE, OrderStatus.PARTIALLY_FILLED)
        if order.remaining > 0 and live:
            self.orders[order.id] = order
        elif order.remaining > 0:
            self.positions.unregister_order(order)
        if publish:
            self.publish_order(order)
        if result.trades:
            self.handle_confirmation(result)

    # ---- commands ---------------------------------------------------------------------------

    def _can_commit(self) -> bool:
        return self.can_trade or self.state == MarketState.PROPOSED

    def _min_stake_error(self, amount: int) -> str | None:
        multiple = Decimal(self._param("market.liquidityProvision.minLpStakeQuantumMultiple", "1"))
        if Decimal(amount) < Decimal(self.asset_quantum) * multiple:
            return ERR_TOO_LOW
        return None

    def submit_liquidity_provision(
        self, submission: LiquidityProvisionSubmission, party: str, lp_id: str = ""
    ) -> str | None:
        if not self._can_commit():
            return ERR_NOT_ALLOWED
        self._refresh_liquidity_params()
        error = self._min_stake_error(submission.commitment_amount)
        if error:
            return error
        error = self.liquidity.submit(submission, party, self.ids.next, lp_id)
        if error:
            return error
        self.parties.setdefault(party, None)
        market, asset = self.config.id, self.asset
        bond = self.collateral.bond(party, market, asset)
        self.collateral.margin(party, market, asset)
        general = self.collateral.general(party, asset)
        amount = submission.commitment_amount - bond.balance
        if amount > 0 and general.balance < amount:
            self.liquidity.stop(party, ProvisionStatus.REJECTED, set())
            return ERR_BOND
        if amount > 0:
            self.collateral.move([general], [bond], amount, TransferType.BOND_LOW)
        elif amount < 0:
            self.collateral.move([bond], [general], -amount, TransferType.BOND_HIGH)
        bounds = None if self.auction.in_auction else self.lp_price_bounds()
        if bounds is not None:
            creates, _ = self.liquidity.update_party(
                party,
                bounds[0],
                bounds[1],
                self.reprice_liquidity_order,
                self._book_lp_orders,
                self._party_orders,
            )
            if not self._create_initial_lp_orders(party, creates):
                self.liquidity.stop(party, ProvisionStatus.REJECTED, set())
                if amount > 0:
                    self.collateral.move([bond], [general], amount, TransferType.BOND_HIGH)
                return "margin check failed"
            self.liquidity.pending.discard(party)
        elif self.auction.in_auction and self._static_prices() is not None:
            # Vega prices the valid LP range from the static book even in auction; its
            # orders cannot be priced there, so none are created and none can fail
            self.liquidity.pending.discard(party)
        self._after_commitment_change(party, submission.commitment_amount)
        return None

    def _create_initial_lp_orders(self, party: str, orders: list[Order]) -> bool:
        if not orders:
            return True
        margin = self.collateral.margin(party, self.config.id, self.asset)
        initial_margin = margin.balance
        placed: list[Order] = []
        for order in orders:
            self.sequence += 1
            order.sequence = self.sequence
            self.positions.register_order(order)
            if not self.check_margin_for_order(order):
                self.positions.unregister_order(order)
                for done in placed:
                    self.remove_order(done, OrderStatus.CANCELLED)
                self._roll_back_margin(party, initial_margin)
                for other in orders:
                    if other is not order and other not in placed:
                        other.status = OrderStatus.REJECTED
                        other.reason = OrderError.MARGIN_CHECK_FAILED
                        self.publish_order(other)
                return False
            self.positions.unregister_order(order)
            self._put_lp_order_on_book(order, publish=True)
            placed.append(order)
        return True

    def _roll_back_margin(self, party: str, initial_margin: int) -> None:
        margin = self.collateral.margin(party, self.config.id, self.asset)
        if margin.balance > initial_margin:
            general = self.collateral.general(party, self.asset)
            excess = margin.balance - initial_margin
            self.collateral.move([margin], [general], excess, TransferType.MARGIN_HIGH)

    def _after_commitment_change(self, party: str, commitment: int | None) -> None:
        self.update_market_value_proxy()
        self.update_liquidity_fee()
        self.equity_shares.set_party_stake(party, commitment)
        self.equity_shares.shares_except(self.liquidity.inactive_parties())

    def amend_liquidity_provision(
        self, amendment: LiquidityProvisionAmendment, party: str
    ) -> str | None:
        if not self._can_commit():
            return ERR_NOT_ALLOWED
        self._refresh_liquidity_params()
        error = self.liquidity.validate_amendment(amendment)
        if error:
            return error
        if amendment.commitment_amount:
            error = self._min_stake_error(amendment.commitment_amount)
            if error:
                return error
        provision = self.liquidity.provisions.get(party)
        if provision is None:
            return ERR_NOT_PROVIDER
        amendment = replace(
            amendment,
            commitment_amount=amendment.commitment_amount or provision.commitment_amount,
            fee=amendment.fee if amendment.fee else provision.fee,
            reference=amendment.reference or provision.reference,
            buys=amendment.buys or tuple(line.order for line in provision.buys),
            sells=amendment.sells or tuple(line.order for line in provision.sells),
        )
        new_commitment = amendment.commitment_amount or 0
        if new_commitment < provision.commitment_amount:
            supplied, target = self.supplied_stake, self.current_target_stake()
            decrease = provision.commitment_amount - new_commitment
            if target >= supplied or supplied - target < decrease:
                return ERR_NOT_ENOUGH_STAKE
        market, asset = self.config.id, self.asset
        bond = self.collateral.bond(party, market, asset)
        general = self.collateral.general(party, asset)
        if general.balance + bond.balance < new_commitment:
            return ERR_NOT_ALLOWED
        delta = new_commitment - bond.balance
        if delta > 0:
            self.collateral.move([general], [bond], delta, TransferType.BOND_LOW)
        elif delta < 0:
            self.collateral.move([bond], [general], -delta, TransferType.BOND_HIGH)
        error = self._check_amendment_margin(amendment, party)
        if error:
            if delta > 0:
                self.collateral.move([bond], [general], delta, TransferType.BOND_HIGH)
            elif delta < 0:
                self.collateral.move([general], [bond], -delta, TransferType.BOND_LOW)
            return error
        on_book = sorted(self._book_lp_orders(party), key=lambda o: o.id)
        next_id = self.ids.next
        self.liquidity.amend(amendment, party, next_id, {o.id for o in on_book})
        if not self.auction.in_auction:
            for order in on_book:
                self.remove_order(order, OrderStatus.CANCELLED)
            self.check_reference_moves(force=True)
        self._after_commitment_change(party, new_commitment)
        return None

    def _check_amendment_margin(
        self, amendment: LiquidityProvisionAmendment, party: str
    ) -> str | None:
        """Can the party afford the orders the amended shape would deploy now?"""
        in_auction = self.auction.in_auction
        factor = self.config.price_factor
        reprice: Callable[[Side, PeggedReference, int], int | None]
        if in_auction:
            price = self.market_observable(0)
            if not price:
                return None
            low, high = factor, 2**255

            def at_observable(side: Side, _reference: PeggedReference, offset: int) -> int | None:
                return adjust_price(side, price, offset, low, high, factor)

            reprice = at_observable
        else:
            bounds = self.lp_price_bounds()
            if bounds is None:
                return "unable to get the valid LP price range"
            low, high = bounds
            reprice = self.reprice_liquidity_order
            price = self.mark_price
        orders = self.liquidity.potential_orders(
            party, amendment, low, high, reprice, self._party_orders(party)
        )
        if isinstance(orders, str):
            return orders
        if not orders:
            return None
        position = self.positions.get(party)
        trial = position.copy() if position is not None else MarketPosition(party)
        if not in_auction:
            for order in self._book_lp_orders(party):
                trial.unregister(order)
        for order in orders:
            trial.register(order)
        levels = self.compute_margins(trial, price, in_auction)
        general, margin, _ = self._accounts(party)
        if margin.balance + general.balance < levels.initial:
            return "margin check failed"
        if in_auction and margin.balance < levels.initial:
            self.collateral.move(
                [general], [margin], levels.initial - margin.balance, TransferType.MARGIN_LOW
            )
        return None

    def cancel_liquidity_provision(self, party: str) -> str | None:
        if not self._can_commit():
            return ERR_NOT_ALLOWED
        provision = self.liquidity.provisions.get(party)
        if provision is None:
            return ERR_NOT_PROVIDER
        supplied, target = self.supplied_stake, self.current_target_stake()
        if target >= supplied or supplied - target < provision.commitment_amount:
            return ERR_NOT_ENOUGH_STAKE
        self._cancel_provision(party, distressed=False)
        self.release_margin_excess(party)
        return None

    def _cancel_provision(self, party: str, distressed: bool) -> None:
        on_book = sorted(self._book_lp_orders(party), key=lambda o: o.id)
        if not self.liquidity.stop(party, ProvisionStatus.CANCELLED, {o.id for o in on_book}):
            return
        if not distressed:
            for order in on_book:
                self.remove_order(order, OrderStatus.CANCELLED)
        market, asset = self.config.id, self.asset
        bond = self.collateral.find(market, party, asset, AccountType.BOND)
        if bond is not None and bond.balance:
            general = self.collateral.general(party, asset)
            self.collateral.move([bond], [general], bond.balance, TransferType.BOND_HIGH)
        self.update_liquidity_fee()
        self.equity_shares.set_party_stake(party, None)
        self.equity_shares.shares_except(self.liquidity.inactive_parties())
        self.check_reference_moves(force=True)

    def cancel_distressed_provisions(self, parties: list[str]) -> None:
        """Close-outs: a distressed LP's commitment ends (its orders are already gone)."""
        for party in parties:
            if self.liquidity.is_provider(party):
                self._cancel_provision(party, distressed=True)

    # ---- deployment -----------------------------------------------------------------------------

    def update_liquidity_orders(self) -> None:
        """Take every LP order off the book, re-size, put back, then check LP margins."""
        if self.auction.in_auction or not self.liquidity.provisions:
            return
        bounds = self.lp_price_bounds()
        if bounds is None:
            self.undeploy_liquidity_orders()
            return
        self._refresh_liquidity_params()
        if self._lp_orders_stay_undeployed(bounds[0], bounds[1]):
            return
        self.liquidity.save_orders(self._book_lp_orders)
        try:
            previous = self._all_lp_orders()
            for order in previous:
                self._take_lp_order_off_book(order)
            creates, cancels = self.liquidity.update(
                bounds[0],
                bounds[1],
                self.reprice_liquidity_order,
                self._book_lp_orders,
                self._party_orders,
            )
        finally:
            self.liquidity.clear_saved_orders()
        cancelled = {oid for c in cancels for oid in c.order_ids}
        created = {o.id for o in creates}
        parties: set[str] = set()
        now = self.clock.now
        for order in previous:
            order.updated_at = now
            if order.id in cancelled:
                if order.id not in created:
                    order.status = OrderStatus.PARKED
                    self.publish_order(order)
                continue
            self._put_lp_order_on_book(order, publish=order.id in created)
            parties.add(order.party)
        for order in creates:
            self.sequence += 1
            order.sequence = self.sequence
            self._put_lp_order_on_book(order, publish=True)
            parties.add(order.party)
        self._check_lp_margins(sorted(parties))

    def _lp_orders_stay_undeployed(self, low: int, high: int) -> bool:
        """Whether a refresh would change nothing: no LP order on the book, every provision
        ACTIVE, and every party's own orders already supply its obligation on both sides.

        Then every shape line sizes to zero volume whatever its price (and with a static bid
        and ask every line can be priced), so the full refresh would take nothing off the
        book, create nothing, cancel nothing and change no status: it is skipped."""
        liquidity = self.liquidity
        provisions = liquidity.provisions
        for provision in provisions.values():
            if provision.status != ProvisionStatus.ACTIVE:
                return False
        orders = self.orders.values()
        if any(map(_LP_ID, orders)):
            return False
        active = OrderStatus.ACTIVE
        for party, provision in provisions.items():
            own = [o for o in orders if o.party == party and o.status == active]
            obligation = liquidity.obligation(provision.commitment_amount)
            bids, asks = liquidity.supplied_by_orders(own, low, high)
            if bids < obligation or asks < obligation:
                return False
        return True

    def undeploy_liquidity_orders(self) -> None:
        """Auction or no reference price: LP orders leave the book as PARKED."""
        self.liquidity.undeploy_all(self._book_lp_orders)
        now = self.clock.now
        for order in self._all_lp_orders():
            self._take_lp_order_off_book(order)
            order.status = OrderStatus.PARKED
            order.updated_at = now
            self.publish_order(order)

    def _check_lp_margins(self, parties: list[str]) -> None:
        """Vega's updateLPOrders margin step: top up from general, then bond with a penalty."""
        closed: list[str] = []
        penalties: list[tuple[str, int]] = []
        initial: dict[str, int] = {}
        any_risk = False
        for party in parties:
            position = self.positions.get(party)
            if position is None:
                continue
            general, margin, bond = self._accounts(party)
            initial[party] = margin.balance
            in_auction = self.auction.in_auction and not self.auction.can_leave()
            levels = self.compute_margins(position, self.mark_price, in_auction)
            current = margin.balance
            # UpdateMarginsOnSettlement publishes the levels in every case, in band too
            self._publish_levels(party, levels)
            if levels.search <= current < levels.release:
                continue
            any_risk = True
            if current >= levels.release:
                if not in_auction:
                    self.collateral.move(
                        [margin], [general], current - levels.initial, TransferType.MARGIN_HIGH
                    )
                continue
            wanted = levels.initial - current
            shortfall = wanted - general.balance if bond is not None else 0
            sources = [general] if bond is None else [general, bond]
            self.collateral.move(sources, [margin], wanted, TransferType.MARGIN_LOW)
            minimum = max(0, levels.maintenance - current)
            if margin.balance < current + minimum:
                closed.append(party)
            if shortfall > 0:
                penalties.append((party, shortfall))
        if not any_risk:
            return
        cancelled: set[str] = set()
        for party in closed:
            if self.liquidity.is_pending(party):
                self._cancel_pending(party, initial[party])
                cancelled.add(party)
        for party, shortfall in penalties:
            if party in cancelled:
                continue
            if self.liquidity.is_pending(party):
                self._cancel_pending(party, initial[party])
                cancelled.add(party)
                continue
            self.apply_bond_penalty(party, shortfall)
        for party in closed:
            if party not in cancelled and self.liquidity.is_provider(party):
                self._cancel_provision(party, distressed=False)
                cancelled.add(party)
        for party in parties:
            if party not in cancelled and self.liquidity.is_provider(party):
                self.liquidity.pending.discard(party)
        self.equity_shares.shares_except(self.liquidity.inactive_parties())
        self.update_liquidity_fee()

    def _cancel_pending(self, party: str, initial_margin: int) -> None:
        self._cancel_provision(party, distressed=False)
        self._roll_back_margin(party, initial_margin)

    def apply_bond_penalty(self, party: str, shortfall: int) -> None:
        """Bond slashing: floor(shortfall × bondPenaltyParameter) from bond (then margin)."""
        if not self.liquidity.is_provider(party):
            return
        factor = Decimal(self._param("market.liquidity.bondPenaltyParameter", "1"))
        penalty = int((Decimal(shortfall) * factor).to_integral_value(rounding=ROUND_FLOOR))
        general, margin, bond = self._accounts(party)
        if bond is None or penalty <= 0:
            return
        insurance = self.collateral.get(
            self.config.id,
            "*",
            self.asset,
            AccountType.INSURANCE,
        )
        self.collateral.move([bond, margin], [insurance], penalty, TransferType.BOND_SLASHING)

    def top_up_bonds(self) -> None:
        """Vega's checkBondBalance: refill bonds below commitment from the general account."""
        market, asset = self.config.id, self.asset
        for provision in self.liquidity.sorted_provisions():
            bond = self.collateral.find(market, provision.party, asset, AccountType.BOND)
            if bond is None or bond.balance >= provision.commitment_amount:
                continue
            general = self.collateral.find("", provision.party, asset, AccountType.GENERAL)
            if general is None or general.balance == 0:
                continue
            amount = min(provision.commitment_amount - bond.balance, general.balance)
            self.collateral.move([general], [bond], amount, TransferType.BOND_LOW)

    # ---- fees and shares ------------------------------------------------------------------------

    def update_liquidity_fee(self) -> None:
        fee = self.liquidity.fee_for_target(self.current_target_stake())
        if fee != self.fee_factors.liquidity:
            self.fee_factors = replace(self.fee_factors, liquidity=fee)
            self.publish_market_update()

    def update_market_value_proxy(self) -> None:
        window = int(self._param_seconds("market.value.windowLength", "168h") * NANOS_PER_SECOND)
        if self.fee_splitter.elapsed > window:
            self.equity_shares.average_trade_value(self.fee_splitter.average_trade_value())
            self.fee_splitter.start_window(self.clock.now)
        self.market_value_proxy = self.fee_splitter.market_value_proxy(
            window, self.liquidity.supplied_stake()
        )

    def record_traded_value(self, trades: list[Trade]) -> None:
        factor = self.config.position_factor
        self.fee_splitter.add_trade_value(int(sum(t.price * t.size for t in trades) // factor))

    def distribute_liquidity_fees(self) -> None:
        market, asset = self.config.id, self.asset
        account = self.collateral.get(market, "*", asset, AccountType.FEES_LIQUIDITY)
        if account.balance == 0:
            self.liquidity.reset_average_scores()
            return
        shares = self.equity_shares.shares_except(self.liquidity.inactive_parties())
        if not shares:
            return
        shares = self._weight_by_scores(shares)
        balance = Decimal(account.balance)
        for party in sorted(shares):
            amount = int((balance * shares[party]).to_integral_value(rounding=ROUND_FLOOR))
            general = self.collateral.general(party, asset)
            self.collateral.move(
                [account], [general], amount, TransferType.LIQUIDITY_FEE_DISTRIBUTE
            )

    def _weight_by_scores(self, shares: dict[str, Decimal]) -> dict[str, Decimal]:
        scores = self.liquidity.average_scores
        total = Decimal(0)
        for party, share in shares.items():
            if party in scores:
                shares[party] = share * scores[party]
                total += shares[party]
        if total != 0:
            shares = {party: decimal_div(share, total) for party, share in shares.items()}
        self.liquidity.reset_average_scores()
        return shares

    # ---- probability of trading and scores ------------------------------------------------------

    def _static_prices(self) -> tuple[int, int] | None:
        bid, ask = self.book.best_static_bid, self.book.best_static_ask
        if bid is None or ask is None:
            return None
        return bid, ask

    def update_probabilities(self) -> None:
        prices = self._static_prices()
        if prices is None:
            return
        self._refresh_liquidity_params()
        table = ProbabilityTable.compute(
            self.config.risk_model,
            Decimal(prices[0]),
            Decimal(prices[1]),
            self.liquidity.params.tau_scaling,
        )
        self.liquidity.set_probabilities(table)
        delay = self._param_seconds("network.floatingPointUpdates.delay", "5m")
        self._next_probability_update = self.clock.now + int(delay * NANOS_PER_SECOND)

    def _valid_price_range(self) -> tuple[tuple[int, Decimal], tuple[int, Decimal]]:
        low, high = self.price_monitor.valid_price_range(self.auction)
        unbounded = 2**255
        return low, high if high is not None else (unbounded, Decimal(unbounded))

    def update_liquidity_scores(self) -> None:
        bounds, prices = self.lp_price_bounds(), self._static_prices()
        if bounds is None or prices is None:
            return
        valid = self._valid_price_range()
        current: dict[str, Decimal] = {}
        for provision in self.liquidity.sorted_provisions():
            if provision.status != ProvisionStatus.ACTIVE:
                continue
            orders = [
                o for o in self._party_orders(provision.party) if o.status == OrderStatus.ACTIVE
            ]
            current[provision.party] = self.liquidity.liquidity_score(
                orders, Decimal(prices[0]), Decimal(prices[1]), bounds[0], bounds[1], valid
            )
        self.liquidity.update_average_scores(current)

    # ---- hooks the market calls -----------------------------------------------------------------

    def liquidity_tick_start(self, now: int) -> None:
        """OnTick, before the auction check: fee distribution every time step."""
        self.fee_splitter.set_current_time(now)
        step = int(
            self._param_seconds("market.liquidity.providers.fee.distributionTimeStep", "0s")
            * NANOS_PER_SECOND
        )
        last = self._last_fee_distribution
        if last is None or now - last > step:
            self._last_fee_distribution = now
            self.distribute_liquidity_fees()

    def liquidity_tick_end(self, now: int) -> None:
        """OnTick, after the auction check: market value proxy, scores and the fee factor."""
        if (
            self.liquidity.probabilities_ready
            and not self.auction.in_auction
            and now >= self._next_probability_update
        ):
            self.update_probabilities()
        self.update_market_value_proxy()
        self.update_liquidity_scores()
        self.update_liquidity_fee()

    def liquidity_auction_left(self, was_opening: bool, now: int) -> None:
        """After an auction ended: shares start growing, the fee window opens, PoT updates."""
        if self.auction.in_auction:
            return
        if was_opening:
            self.equity_shares.end_opening_auction()
            self.fee_splitter.start_window(now)
        self.update_liquidity_fee()
        self.update_probabilities()

    def stop_all_provisions(self) -> None:
        """Settlement: every commitment ends as STOPPED."""
        for provision in self.liquidity.sorted_provisions():
            self.liquidity.stop(provision.party, ProvisionStatus.STOPPED, set())
