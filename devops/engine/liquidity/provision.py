"""Liquidity provision (v0.72 model): commitments, shapes and the orders they imply.

Implements 0038-OLIQ and 0044-LIME as Vega v0.72.6's `core/liquidity` does. A
party commits stake (held in its bond account) and gives a buy and a sell shape
of pegged references with proportions. Whenever the book moves, each shape's
orders are re-sized so that, per side, price × volume covers the obligation
(commitment × `market.liquidity.stakeToCcyVolume`) less what the party's own
limit orders inside the LP price range already supply: volume =
ceil(remaining × proportion / Σproportions × position factor / price). The fee
factor of the market is the bid of the cheapest LPs whose cumulative stake
reaches the target stake (0042-LIQF). Probability of trading (0034-PROB) only
feeds the LPs' liquidity scores, which weight fee distribution.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import IntEnum

from devops.engine.commands import (
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionSubmission,
)
from devops.engine.events.bus import EventBus, EventType
from devops.engine.types import (
    Clock,
    LogNormalRiskModel,
    Order,
    OrderStatus,
    OrderType,
    PeggedReference,
    PositionFactor,
    Side,
    SimpleRiskModel,
    TimeInForce,
)
from devops.engine.vega_decimal import decimal_div


class ProvisionStatus(IntEnum):
    """Vega's `LiquidityProvision.Status`, same numbers."""

    UNSPECIFIED = 0
    ACTIVE = 1
    STOPPED = 2
    CANCELLED = 3
    REJECTED = 4
    UNDEPLOYED = 5
    PENDING = 6


@dataclass(slots=True)
class LiquidityOrderReference:
    """One line of a deployed shape: the order id it always uses and its pegged definition."""

    order_id: str
    order: LiquidityOrder


@dataclass(slots=True)
class LiquidityProvision:
    """A party's commitment in one market (published as LIQUIDITY_PROVISION events)."""

    id: str
    party: str
    market_id: str
    commitment_amount: int
    fee: Decimal
    buys: list[LiquidityOrderReference] = field(default_factory=list)
    sells: list[LiquidityOrderReference] = field(default_factory=list)
    status: ProvisionStatus = ProvisionStatus.PENDING
    reference: str = ""
    created_at: int = 0
    updated_at: int = 0
    version: int = 1


@dataclass(slots=True)
class ShapeOrder:
    """A shape line priced and sized for deployment (Vega's supplied.LiquidityOrder)."""

    order_id: str
    details: LiquidityOrder
    price: int = 0  # asset decimals, 0 when it could not be priced
    volume: int = 0


@dataclass(slots=True)
class ToCancel:
    party: str
    order_ids: list[str] = field(default_factory=list)


# reprices a shape line: (side, reference, offset in market decimals) -> price or None
RepriceFn = Callable[[Side, PeggedReference, int], "int | None"]


# ---- validation -------------------------------------------------------------------------------


def validate_shape(shape: tuple[LiquidityOrder, ...], side: Side, max_size: int) -> str | None:
    """Vega's shape checks; the error text is Vega's."""
    name = "SIDE_BUY" if side == Side.BUY else "SIDE_SELL"
    if not shape:
        return f"empty {name} shape"
    if len(shape) > max_size:
        return f"{name} shape size exceed max ({max_size})"
    for line in shape:
        if line.reference == PeggedReference.UNSPECIFIED:
            return "order in shape without reference"
        if line.proportion == 0:
            return "order in shape without a proportion"
        if side == Side.BUY:
            if line.reference == PeggedReference.BEST_ASK:
                return "order in buy side shape with best ask price reference"
            if line.reference == PeggedReference.MID and line.offset == 0:
                return "order in buy side shape offset must be > 0"
        else:
            if line.reference == PeggedReference.BEST_BID:
                return "order in buy side shape with best ask price reference"
            if line.reference == PeggedReference.MID and line.offset == 0:
                return "order in sell shape offset must be > 0"
    return None


# ---- prices -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def lp_price_range(
    best_bid: int, best_ask: int, price_range: Decimal, price_factor: int
) -> tuple[int, int]:
    """The valid LP price range around the static mid (Vega's computeValidLPVolumeRange).

    A pure function of its arguments, asked for the same book again and again: cached."""
    mid = Decimal(best_bid + best_ask) / 2
    tick = Decimal(price_factor)
    lower = (Decimal(1) - price_range) * mid
    upper = (Decimal(1) + price_range) * mid
    low = int((lower / tick).to_integral_value(rounding=ROUND_CEILING)) * price_factor
    high = int((upper / tick).to_integral_value(rounding=ROUND_FLOOR)) * price_factor
    if low <= 0:
        low = price_factor
    if low >= high:
        high = low + price_factor
    if low >= best_ask:
        low = best_ask - price_factor
    if high <= best_bid:
        high = best_bid + price_factor
    return low, high


def adjust_price(
    side: Side, reference_price: int, offset: int, low: int, high: int, price_factor: int
) -> int:
    """Apply a shape line's offset and clamp the result into the LP price range."""
    scaled = offset * price_factor
    if side == Side.SELL:
        price = reference_price + scaled
    elif reference_price <= scaled:
        price = price_factor  # the minimum valid price
    else:
        price = reference_price - scaled
    if low <= price <= high:
        return price
    return low if side == Side.BUY else high


# ---- probability of trading (0034-PROB) ------------------------------------------------------

_IN_RANGE_PROBABILITY = Decimal("0.5")
_TABLE_FLOOR = Decimal("1e-8")
_OFFSET_INCREMENT = 1000
_OFFSET_ONE = Decimal(_OFFSET_INCREMENT * _OFFSET_INCREMENT)
_PRICE_INCREMENT = Decimal(1) / Decimal(_OFFSET_INCREMENT)
_NO_CONSENSUS_DISTANCE = Decimal("0.2")
_MAX_ASK_MULTIPLIER = Decimal(6)


def _from_float(value: float) -> Decimal:
    # Vega converts float64 results with the shortest decimal that round-trips
    return Decimal(repr(value)) if math.isfinite(value) else Decimal(0)


def _lognormal_cdf(mu: float, sigma: float, x: float) -> float:
    if x <= 0:
        return 0.0
    if sigma == 0:
        return 1.0 if math.log(x) >= mu else 0.0
    return 0.5 * math.erfc(-(math.log(x) - mu) / (math.sqrt(2.0) * sigma))


def model_probability_of_trading(
    model: LogNormalRiskModel | SimpleRiskModel,
    current: Decimal,
    price: Decimal,
    min_price: Decimal,
    max_price: Decimal,
    year_fraction: Decimal,
    is_bid: bool,
    apply_min_max: bool,
) -> Decimal:
    """The risk model's probability that an order at `price` trades within the horizon.

    With `apply_min_max` the distribution is truncated to [min_price, max_price] and
    renormalised over it (Vega's quant library), so a bid at the maximum scores 1."""
    if isinstance(model, SimpleRiskModel):
        if apply_min_max and (price < min_price or price > max_price):
            return Decimal(0)
        return model.probability_of_trading
    tau = float(year_fraction)
    sigma = float(model.sigma)
    mu = math.log(float(current)) + (float(model.mu) - 0.5 * sigma * sigma) * tau
    stdev = sigma * math.sqrt(tau)
    order_price = float(price)
    low, high = max(float(min_price), 0.0), float(max_price)
    bottom, top, mass = 0.0, 1.0, 1.0
    if apply_min_max:
        if order_price < low or order_price > high:
            return Decimal(0)
        bottom, top = _lognormal_cdf(mu, stdev, low), _lognormal_cdf(mu, stdev, high)
        mass = top - bottom
        if mass == 0:
            return Decimal(0)
    if is_bid:
        return _from_float((_lognormal_cdf(mu, stdev, order_price) - bottom) / mass)
    return _from_float((top - _lognormal_cdf(mu, stdev, order_price)) / mass)


def projection_horizon(model: LogNormalRiskModel | SimpleRiskModel) -> Decimal:
    return model.tau if isinstance(model, LogNormalRiskModel) else Decimal(0)


@dataclass(slots=True)
class ProbabilityTable:
    """Probabilities at offsets of 0.1% steps from the best bid and ask (Vega's state variable)."""

    bid: list[Decimal] = field(default_factory=list)
    ask: list[Decimal] = field(default_factory=list)

    @classmethod
    def compute(
        cls,
        model: LogNormalRiskModel | SimpleRiskModel,
        best_bid: Decimal,
        best_ask: Decimal,
        tau_scaling: Decimal,
    ) -> ProbabilityTable:
        tau = projection_horizon(model) * tau_scaling
        bids: list[Decimal] = []
        price, step = best_bid, _PRICE_INCREMENT * best_bid
        while step > 0:
            probability = model_probability_of_trading(
                model, best_bid, price, Decimal(0), best_bid, tau, True, True
            )
            if probability <= _TABLE_FLOOR:
                break
            bids.append(probability)
            price -= step
        asks: list[Decimal] = []
        price, step = best_ask, _PRICE_INCREMENT * best_ask
        top = best_ask * _MAX_ASK_MULTIPLIER
        while step > 0:
            probability = model_probability_of_trading(
                model, best_ask, price, best_ask, top, tau, False, True
            )
            if probability <= _TABLE_FLOOR:
                break
            asks.append(probability)
            price += step
        return cls(bids, asks)

    def probability(
        self,
        best_bid: Decimal,
        best_ask: Decimal,
        min_price: Decimal,
        max_price: Decimal,
        price: Decimal,
        is_bid: bool,
        minimum: Decimal,
    ) -> Decimal:
        if (is_bid and price >= best_bid) or (not is_bid and price <= best_ask):
            return _IN_RANGE_PROBABILITY
        if is_bid:
            if price < min_price:
                return minimum
            return _lookup(self.bid, best_bid, best_bid - price, price, minimum)
        if price > max_price:
            return minimum
        return _lookup(self.ask, best_ask, price - best_ask, price, minimum)


# decimal_div(n, INCREMENT) for every position n inside one step of the table
_STEP_RATIOS = tuple(
    decimal_div(Decimal(n), Decimal(_OFFSET_INCREMENT)) for n in range(_OFFSET_INCREMENT)
)


def _lookup(
    table: list[Decimal], best: Decimal, distance: Decimal, price: Decimal, minimum: Decimal
) -> Decimal:
    if not table:
        if abs(best - price) <= _NO_CONSENSUS_DISTANCE * best:
            return _IN_RANGE_PROBABILITY
        return minimum
    offset = int((_OFFSET_ONE * decimal_div(distance, best)).to_integral_value(ROUND_FLOOR))
    # the table's offsets are 0, INCREMENT, 2*INCREMENT...: positions by arithmetic
    last = (len(table) - 1) * _OFFSET_INCREMENT
    if offset > last:
        if len(table) == 1:
            return minimum
        before = last - _OFFSET_INCREMENT
        slope = decimal_div(Decimal(offset - before), Decimal(last - before))
        extrapolated = table[-2] + (table[-1] - table[-2]) * slope
        return min(Decimal(1), max(minimum, extrapolated * _IN_RANGE_PROBABILITY))
    index = offset // _OFFSET_INCREMENT + 1  # bisect_right over the offsets (offset >= 0)
    if index >= len(table):
        return max(minimum, table[-1] * _IN_RANGE_PROBABILITY)
    # (offset - previous) / (index·INCREMENT - previous) = (offset mod INCREMENT) / INCREMENT
    ratio = _STEP_RATIOS[offset - (index - 1) * _OFFSET_INCREMENT]
    blended = ratio * table[index] + (Decimal(1) - ratio) * table[index - 1]
    return max(minimum, blended * _IN_RANGE_PROBABILITY)


# ---- the engine ---------------------------------------------------------------------------------


@dataclass(slots=True)
class LiquidityParameters:
    """The network parameters the liquidity engine reads (Vega's defaults)."""

    stake_to_ccy_volume: Decimal = Decimal(1)
    max_shapes: int = 5
    max_fee: Decimal = Decimal(1)
    min_probability_of_trading: Decimal = Decimal("1e-8")
    tau_scaling: Decimal = Decimal(1)


class LiquidityEngine:
    """Every LP commitment of one market and the orders their shapes imply."""

    def __init__(
        self,
        market_id: str,
        *,
        bus: EventBus,
        clock: Clock,
        price_factor: int,
        position_factor: PositionFactor,
        params: LiquidityParameters | None = None,
    ) -> None:
        self.market_id = market_id
        self.bus = bus
        self.clock = clock
        self.price_factor = price_factor
        self.position_factor = position_factor
        self.params = params if params is not None else LiquidityParameters()
        self.provisions: dict[str, LiquidityProvision] = {}
        self.pending: set[str] = set()
        # LP orders taken off the book while new ones are computed
        self.saved_orders: dict[str, list[Order]] = {}
        self.probabilities = ProbabilityTable()
        self.probabilities_ready = False
        self.average_scores: dict[str, Decimal] = {}
        self._score_count = 1
        # liquidity_score's probabilities by (price, is bid) and scores by the orders' prices,
        # sides and sizes, valid for one context (table, best prices, bounds, minimum)
        self._probability_context: tuple[object, ...] | None = None
        self._probability_cache: dict[tuple[int, bool], Decimal] = {}
        self._score_cache: dict[tuple[int, int, tuple[tuple[int, Side, int], ...]], Decimal] = {}

    # ---- queries ----------------------------------------------------------------------------

    @property
    def now(self) -> int:
        return self.clock.now

    def sorted_provisions(self) -> list[LiquidityProvision]:
        return [self.provisions[p] for p in sorted(self.provisions)]

    def is_provider(self, party: str) -> bool:
        return party in self.provisions

    def is_pending(self, party: str) -> bool:
        return party in self.pending

    def inactive_parties(self) -> set[str]:
        return {p for p, lp in self.provisions.items() if lp.status != ProvisionStatus.ACTIVE}

    def supplied_stake(self) -> int:
        return sum(lp.commitment_amount for lp in self.provisions.values())

    def fee_for_target(self, target_stake: int) -> Decimal:
        """The fee bid of the LP whose cumulative stake (cheapest first) reaches the target."""
        by_fee = sorted(self.sorted_provisions(), key=lambda lp: lp.fee)
        if not by_fee:
            return Decimal(0)
        cumulative = 0
        for lp in by_fee:
            cumulative += lp.commitment_amount
            if cumulative >= target_stake:
                return lp.fee
        return by_fee[-1].fee

    def obligation(self, commitment: int) -> int:
        value = Decimal(commitment) * self.params.stake_to_ccy_volume
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))

    # ---- validation -------------------------------------------------------------------------

    def validate_submission(self, submission: LiquidityProvisionSubmission) -> str | None:
        if submission.commitment_amount == 0:
            return "commitment amount is zero"
        if submission.fee < 0 or submission.fee > self.params.max_fee:
            return "invalid liquidity provision fee"
        error = validate_shape(submission.buys, Side.BUY, self.params.max_shapes)
        return error or validate_shape(submission.sells, Side.SELL, self.params.max_shapes)

    def validate_amendment(self, amendment: LiquidityProvisionAmendment) -> str | None:
        fee = amendment.fee if amendment.fee is not None else Decimal(0)
        if (
            fee == 0
            and not amendment.buys
            and not amendment.sells
            and not (amendment.commitment_amount)
        ):
            return "empty liquidity provision amendment content"
        if fee < 0 or fee > self.params.max_fee:
            return "invalid liquidity provision fee"
        if amendment.buys:
            error = validate_shape(amendment.buys, Side.BUY, self.params.max_shapes)
            if error:
                return error
        if amendment.sells:
            error = validate_shape(amendment.sells, Side.SELL, self.params.max_shapes)
            if error:
                return error
        return None

    # ---- commands ---------------------------------------------------------------------------

    def submit(
        self,
        submission: LiquidityProvisionSubmission,
        party: str,
        next_id: Callable[[], str],
        lp_id: str = "",
    ) -> str | None:
        """Register a PENDING provision; its orders are deployed by the market later."""
        error = self.validate_submission(submission)
        if error is not None:
            rejected = LiquidityProvision(
                id=lp_id or next_id(),
                party=party,
                market_id=submission.market_id,
                commitment_amount=submission.commitment_amount,
                fee=submission.fee,
                buys=[LiquidityOrderReference("", b) for b in submission.buys],
                sells=[LiquidityOrderReference("", s) for s in submission.sells],
                status=ProvisionStatus.REJECTED,
                reference=submission.reference,
                created_at=self.now,
            )
            self._publish(rejected)
            return error
        if party in self.provisions:
            return "liquidity provision already exists"
        now = self.now
        provision = LiquidityProvision(
            id=lp_id or next_id(),
            party=party,
            market_id=submission.market_id,
            commitment_amount=submission.commitment_amount,
            fee=submission.fee,
            status=ProvisionStatus.PENDING,
            reference=submission.reference,
            created_at=now,
            updated_at=now,
        )
        self.provisions[party] = provision
        self.pending.add(party)
        self._set_shapes(provision, submission.buys, submission.sells, next_id)
        self._publish(provision)
        return None

    def amend(
        self,
        amendment: LiquidityProvisionAmendment,
        party: str,
        next_id: Callable[[], str],
        book_lp_order_ids: set[str],
    ) -> None:
        """Apply an already validated, fully filled-in amendment (new shape ids, version + 1)."""
        provision = self.provisions[party]
        now = self.now
        self._publish_stub_cancels(provision, book_lp_order_ids, OrderStatus.STOPPED, now)
        provision.updated_at = now
        assert amendment.commitment_amount is not None and amendment.fee is not None
        provision.commitment_amount = amendment.commitment_amount
        provision.fee = amendment.fee
        provision.reference = amendment.reference
        if provision.status == ProvisionStatus.ACTIVE:
            provision.status = ProvisionStatus.UNDEPLOYED
        provision.version += 1
        self._set_shapes(provision, amendment.buys or (), amendment.sells or (), next_id)
        self._publish(provision)

    def stop(self, party: str, status: ProvisionStatus, book_lp_order_ids: set[str]) -> bool:
        """End a provision as CANCELLED, STOPPED or REJECTED; False when there is none."""
        provision = self.provisions.get(party)
        if provision is None:
            return False
        order_status = {
            ProvisionStatus.CANCELLED: OrderStatus.CANCELLED,
            ProvisionStatus.STOPPED: OrderStatus.STOPPED,
            ProvisionStatus.REJECTED: OrderStatus.REJECTED,
        }[status]
        now = self.now
        self._publish_stub_cancels(provision, book_lp_order_ids, order_status, now)
        provision.status = status
        provision.updated_at = now
        self._publish(provision)
        del self.provisions[party]
        self.pending.discard(party)
        return True

    def _set_shapes(
        self,
        provision: LiquidityProvision,
        buys: tuple[LiquidityOrder, ...],
        sells: tuple[LiquidityOrder, ...],
        next_id: Callable[[], str],
    ) -> None:
        # each shape line gets a fixed order id, announced by a STOPPED stub order
        stubs: list[Order] = []
        for side, lines, target in ((Side.BUY, buys, "buys"), (Side.SELL, sells, "sells")):
            references: list[LiquidityOrderReference] = []
            for line in lines:
                stub = self._stub(provision, side, next_id(), OrderStatus.STOPPED, 0)
                stub.time_in_force = TimeInForce.UNSPECIFIED
                references.append(LiquidityOrderReference(stub.id, line))
                stubs.append(stub)
            setattr(provision, target, references)
        for stub in stubs:
            self.bus.publish(EventType.ORDER, stub)

    def _stub(
        self, provision: LiquidityProvision, side: Side, order_id: str, status: OrderStatus, at: int
    ) -> Order:
        return Order(
            id=order_id,
            market_id=self.market_id,
            party=provision.party,
            side=side,
            price=0,
            size=0,
            remaining=0,
            time_in_force=TimeInForce.GTC,
            type=OrderType.LIMIT,
            created_at=provision.created_at,
            updated_at=at,
            status=status,
            reference=provision.reference,
            liquidity_provision_id=provision.id,
        )

    def _publish_stub_cancels(
        self, provision: LiquidityProvision, exclude: set[str], status: OrderStatus, at: int
    ) -> None:
        for side, lines in ((Side.BUY, provision.buys), (Side.SELL, provision.sells)):
            for line in lines:
                if line.order_id in exclude:
                    continue  # on the book: the market cancels it itself
                self.bus.publish(
                    EventType.ORDER, self._stub(provision, side, line.order_id, status, at)
                )

    def _publish(self, provision: LiquidityProvision) -> None:
        self.bus.publish(EventType.LIQUIDITY_PROVISION, copy.deepcopy(provision))

    # ---- sizing -----------------------------------------------------------------------------

    def supplied_by_orders(self, orders: list[Order], low: int, high: int) -> tuple[int, int]:
        """Price × remaining of the party's own limit orders inside the LP range, per side."""
        bids = asks = 0
        buy = Side.BUY
        for order in orders:
            price = order.price
            if low <= price <= high:
                if order.side == buy:
                    bids += order.remaining * price
                else:
                    asks += order.remaining * price
        factor = self.position_factor
        return int(bids // factor), int(asks // factor)

    def _supplied_by_own(self, orders: list[Order], low: int, high: int) -> tuple[int, int]:
        """`supplied_by_orders` of the party's own (not LP) ACTIVE orders, in one pass."""
        bids = asks = 0
        buy, active = Side.BUY, OrderStatus.ACTIVE
        for order in orders:
            price = order.price
            if low <= price <= high and not order.liquidity_provision_id:
                if order.status == active:
                    if order.side == buy:
                        bids += order.remaining * price
                    else:
                        asks += order.remaining * price
        factor = self.position_factor
        return int(bids // factor), int(asks // factor)

    def size_shapes(
        self,
        obligation: int,
        orders: list[Order],
        low: int,
        high: int,
        buys: list[ShapeOrder],
        sells: list[ShapeOrder],
    ) -> None:
        bid_supplied, ask_supplied = self.supplied_by_orders(orders, low, high)
        self._size_side(obligation - bid_supplied, buys)
        self._size_side(obligation - ask_supplied, sells)

    def _size_side(self, remaining: int, shape: list[ShapeOrder]) -> None:
        if remaining <= 0:
            for line in shape:
                line.volume = 0
            return
        total = Decimal(sum(line.details.proportion for line in shape))
        for line in shape:
            if line.price <= 0:
                line.volume = 0
                continue
            part = Decimal(remaining) * decimal_div(Decimal(line.details.proportion), total)
            volume = decimal_div(part * self.position_factor, Decimal(line.price))
            line.volume = int(volume.to_integral_value(rounding=ROUND_CEILING))

    # ---- deployment -------------------------------------------------------------------------

    def save_orders(self, book_lp_orders: Callable[[str], list[Order]]) -> None:
        for party in sorted(self.provisions):
            self.saved_orders[party] = book_lp_orders(party)

    def clear_saved_orders(self) -> None:
        self.saved_orders = {}

    def _price_shape(
        self, lines: list[LiquidityOrderReference], side: Side, reprice: RepriceFn
    ) -> tuple[list[ShapeOrder], bool]:
        shape: list[ShapeOrder] = []
        failed = False
        for line in lines:
            order = ShapeOrder(line.order_id, line.order)
            price = reprice(side, line.order.reference, line.order.offset)
            if price is None:
                failed = True
            else:
                order.price = price
            shape.append(order)
        return shape, failed

    def update_party(
        self,
        party: str,
        low: int,
        high: int,
        reprice: RepriceFn,
        book_lp_orders: Callable[[str], list[Order]],
        party_orders: Callable[[str], list[Order]],
    ) -> tuple[list[Order], ToCancel | None]:
        """The orders to (re)create and the live ones to cancel for one provision."""
        provision = self.provisions.get(party)
        if provision is None:
            return [], None
        buys, buy_failed = self._price_shape(provision.buys, Side.BUY, reprice)
        sells, sell_failed = self._price_shape(provision.sells, Side.SELL, reprice)
        known = self._known_orders(party, book_lp_orders)
        cancels = ToCancel(party)
        creates: list[Order] = []
        changed = False
        if buy_failed or sell_failed:
            for shape in (buys, sells):
                for line in shape:
                    existing = known.get(line.order_id)
                    if existing is not None and existing.remaining != 0:
                        cancels.order_ids.append(existing.id)
            if provision.status not in (ProvisionStatus.UNDEPLOYED, ProvisionStatus.PENDING):
                provision.status = ProvisionStatus.UNDEPLOYED
                changed = True
        else:
            obligation = self.obligation(provision.commitment_amount)
            bid_supplied, ask_supplied = self._supplied_by_own(party_orders(party), low, high)
            self._size_side(obligation - bid_supplied, buys)
            self._size_side(obligation - ask_supplied, sells)
            for side, shape in ((Side.BUY, buys), (Side.SELL, sells)):
                creates.extend(self._orders_from_shape(provision, side, shape, known, cancels))
            if provision.status != ProvisionStatus.ACTIVE:
                provision.status = ProvisionStatus.ACTIVE
                changed = True
        if changed:
            self._publish(provision)
        return creates, cancels if cancels.order_ids else None

    def update(
        self,
        low: int,
        high: int,
        reprice: RepriceFn,
        book_lp_orders: Callable[[str], list[Order]],
        party_orders: Callable[[str], list[Order]],
    ) -> tuple[list[Order], list[ToCancel]]:
        creates: list[Order] = []
        cancels: list[ToCancel] = []
        for party in sorted(self.provisions):
            new, cancel = self.update_party(party, low, high, reprice, book_lp_orders, party_orders)
            creates.extend(new)
            if cancel is not None:
                cancels.append(cancel)
        return creates, cancels

    def _known_orders(
        self, party: str, book_lp_orders: Callable[[str], list[Order]]
    ) -> dict[str, Order]:
        known = {o.id: o for o in book_lp_orders(party)}
        known.update({o.id: o for o in self.saved_orders.get(party, [])})
        return known

    def _orders_from_shape(
        self,
        provision: LiquidityProvision,
        side: Side,
        shape: list[ShapeOrder],
        known: dict[str, Order],
        cancels: ToCancel,
    ) -> list[Order]:
        created: list[Order] = []
        for line in shape:
            existing = known.get(line.order_id)
            unchanged = (
                existing is not None
                and existing.size == existing.remaining
                and existing.size == line.volume
                and existing.price == line.price
            )
            if existing is not None and not unchanged and existing.remaining != 0:
                cancels.order_ids.append(existing.id)
            if line.volume == 0 or unchanged or line.price == 0:
                continue
            created.append(
                self.build_order(provision, side, line.price, line.volume, line.order_id)
            )
        return created

    def build_order(
        self, provision: LiquidityProvision, side: Side, price: int, size: int, order_id: str
    ) -> Order:
        return Order(
            id=order_id,
            market_id=self.market_id,
            party=provision.party,
            side=side,
            price=price,
            size=size,
            remaining=size,
            time_in_force=TimeInForce.GTC,
            type=OrderType.LIMIT,
            created_at=provision.created_at,
            status=OrderStatus.ACTIVE,
            reference=provision.reference,
            original_price=price // self.price_factor,
            liquidity_provision_id=provision.id,
        )

    def potential_orders(
        self,
        party: str,
        amendment: LiquidityProvisionAmendment,
        low: int,
        high: int,
        reprice: RepriceFn,
        party_orders: list[Order],
    ) -> list[Order] | str:
        """The orders a (filled-in) amendment would deploy now, for its margin check."""
        shapes: list[list[ShapeOrder]] = []
        for side, lines in ((Side.BUY, amendment.buys or ()), (Side.SELL, amendment.sells or ())):
            shape: list[ShapeOrder] = []
            for line in lines:
                price = reprice(side, line.reference, line.offset)
                if price is None:
                    name = "buy" if side == Side.BUY else "sell"
                    return f"unable to price {name} shape"
                shape.append(ShapeOrder("", line, price))
            shapes.append(shape)
        assert amendment.commitment_amount is not None
        own = [
            o
            for o in party_orders
            if not o.liquidity_provision_id and o.status == OrderStatus.ACTIVE
        ]
        self.size_shapes(
            self.obligation(amendment.commitment_amount), own, low, high, shapes[0], shapes[1]
        )
        stub = LiquidityProvision("", party, self.market_id, 0, Decimal(0))
        orders: list[Order] = []
        for side, shape in ((Side.BUY, shapes[0]), (Side.SELL, shapes[1])):
            for sized in shape:
                if sized.volume:
                    orders.append(self.build_order(stub, side, sized.price, sized.volume, ""))
        return orders

    def undeploy_all(self, book_lp_orders: Callable[[str], list[Order]]) -> list[ToCancel]:
        """No reference prices (or an auction): every ACTIVE provision becomes UNDEPLOYED."""
        cancels: list[ToCancel] = []
        for provision in self.sorted_provisions():
            if provision.status != ProvisionStatus.ACTIVE:
                continue
            known = self._known_orders(provision.party, book_lp_orders)
            cancel = ToCancel(provision.party)
            for line in provision.buys + provision.sells:
                existing = known.get(line.order_id)
                if existing is not None and existing.remaining != 0:
                    cancel.order_ids.append(existing.id)
            if cancel.order_ids:
                cancels.append(cancel)
            provision.status = ProvisionStatus.UNDEPLOYED
            self._publish(provision)
        return cancels

    # ---- liquidity scores -------------------------------------------------------------------

    def set_probabilities(self, table: ProbabilityTable) -> None:
        self.probabilities = table
        self.probabilities_ready = True

    def liquidity_score(
        self,
        orders: list[Order],
        best_bid: Decimal,
        best_ask: Decimal,
        low: int,
        high: int,
        valid_range: tuple[tuple[int, Decimal], tuple[int, Decimal]],
    ) -> Decimal:
        """Volume-weighted probability of trading of the party's orders, the worse side.

        An order outside the price monitoring range (rounded bounds) scores zero; inside
        it, the probability uses the exact bounds (Vega's Representation and Original)."""
        (min_valid, min_exact), (max_valid, max_exact) = valid_range
        table = self.probabilities
        minimum = self.params.min_probability_of_trading
        # a probability depends only on these and the order's price and side: cache it
        context = (table, best_bid, best_ask, min_exact, max_exact, min_valid, max_valid, minimum)
        cached = self._probability_cache
        if self._probability_context != context:
            self._probability_context = context
            cached = self._probability_cache = {}
            self._score_cache = {}
        # the score itself depends only on the context and the orders' prices, sides and
        # sizes: the same book asks for the same score again and again
        signature = (low, high, tuple([(o.price, o.side, o.remaining) for o in orders]))
        score = self._score_cache.get(signature)
        if score is None:
            score = self._score(orders, low, high, context, cached)
            self._score_cache[signature] = score
        return score

    def _score(
        self,
        orders: list[Order],
        low: int,
        high: int,
        context: tuple[ProbabilityTable, Decimal, Decimal, Decimal, Decimal, int, int, Decimal],
        cached: dict[tuple[int, bool], Decimal],
    ) -> Decimal:
        table, best_bid, best_ask, min_exact, max_exact, min_valid, max_valid, minimum = context
        buy = Side.BUY
        zero = Decimal(0)
        weighted_bid = weighted_ask = volume_bid = volume_ask = zero
        for order in orders:
            price = order.price
            if price < low or price > high:
                continue
            is_bid = order.side == buy
            key = (price, is_bid)
            probability = cached.get(key)
            if probability is None:
                probability = zero
                if min_valid <= price <= max_valid:
                    probability = table.probability(
                        best_bid, best_ask, min_exact, max_exact, Decimal(price), is_bid, minimum
                    )
                cached[key] = probability
            size = Decimal(order.remaining)
            if is_bid:
                weighted_bid += probability * size
                volume_bid += size
            else:
                weighted_ask += probability * size
                volume_ask += size
        bid = decimal_div(weighted_bid, volume_bid) if volume_bid else zero
        ask = decimal_div(weighted_ask, volume_ask) if volume_ask else zero
        return min(bid, ask)

    def update_average_scores(self, current: dict[str, Decimal]) -> None:
        """Fold this block's scores (of ACTIVE LPs) into the running average."""
        if not current:
            return
        total = sum(current.values(), Decimal(0))
        equal = decimal_div(Decimal(1), Decimal(len(current)))
        normalised = {
            p: (equal if total == 0 else decimal_div(v, total)) for p, v in current.items()
        }
        if self._score_count > 1:
            n = Decimal(self._score_count)
            keep = decimal_div(n - 1, n)
            normalised = {
                p: self.average_scores.get(p, Decimal(0)) * keep + decimal_div(v, n)
                for p, v in normalised.items()
            }
        ten_places = Decimal("1e-10")
        self.average_scores = {
            p: v.quantize(ten_places, rounding=ROUND_HALF_UP) for p, v in normalised.items()
        }
        self._score_count += 1

    def reset_average_scores(self) -> None:
        self.average_scores = {}
        self._score_count = 1
