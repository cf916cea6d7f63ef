"""Steps that trade: orders, amendments, cancellations, batches, liquidity provisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from devops.engine.commands import (
    BatchMarketInstructions,
    IcebergSubmission,
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionCancellation,
    LiquidityProvisionSubmission,
    OrderAmendment,
    OrderCancellation,
    OrderConfirmation,
    OrderSubmission,
    PeggedSubmission,
)
from devops.engine.events.bus import EventType
from devops.engine.execution.market_stop_orders import StopOrderSpec
from devops.engine.stop_orders import ExpiryStrategy
from devops.engine.types import (
    NANOS_PER_SECOND,
    Order,
    OrderError,
    OrderStatus,
    OrderType,
    PeggedReference,
    Side,
    TimeInForce,
)
from devops.fidelity.errors import (
    amendment_error_text,
    order_error_text,
    submission_error_text,
)
from devops.fidelity.step_patterns import step
from devops.fidelity.table import Row, StepError, parse_int, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

_TIF = {
    "TIF_GTC": TimeInForce.GTC,
    "TIF_GTT": TimeInForce.GTT,
    "TIF_IOC": TimeInForce.IOC,
    "TIF_FOK": TimeInForce.FOK,
    "TIF_GFA": TimeInForce.GFA,
    "TIF_GFN": TimeInForce.GFN,
}
_TIF.update({name.replace("TIF_", "TIME_IN_FORCE_"): value for name, value in list(_TIF.items())})
_TYPE = {
    "TYPE_LIMIT": OrderType.LIMIT,
    "TYPE_MARKET": OrderType.MARKET,
    "TYPE_NETWORK": OrderType.NETWORK,
}
# Vega's peggedReference: any other text is UNSPECIFIED, which the engine refuses.
PEGGED_REFERENCES = {
    "MID": PeggedReference.MID,
    "BID": PeggedReference.BEST_BID,
    "ASK": PeggedReference.BEST_ASK,
}


def pegged_reference(text: str) -> PeggedReference:
    return PEGGED_REFERENCES.get(text, PeggedReference.UNSPECIFIED)


def side(text: str) -> Side:
    """Vega's Side: exactly `buy` or `sell`."""
    if text == "buy":
        return Side.BUY
    if text == "sell":
        return Side.SELL
    raise StepError(f"invalid side {text!r}")


def order_type(text: str) -> OrderType:
    try:
        return _TYPE[text]
    except KeyError:
        raise StepError(f"invalid order type: {text}") from None


def tif(text: str) -> TimeInForce:
    try:
        return _TIF[text]
    except KeyError:
        raise StepError(f"invalid time in force {text!r}") from None


def submission_from(row: Row, now: int) -> OrderSubmission:
    kind = order_type(row.str("type"))
    time_in_force = tif(row.str("tif"))
    expires_at = 0
    if kind != OrderType.MARKET and time_in_force == TimeInForce.GTT:
        expires_at = now + row.seconds("expires in") * NANOS_PER_SECOND
    only = row.optional("only") or ""
    if only not in ("", "post", "reduce"):
        raise StepError(f"unsupported type {only}")
    pegged = None
    if row.has("pegged reference"):
        pegged = PeggedSubmission(pegged_reference(row.str("pegged reference")), row.int("offset"))
    iceberg = None
    if row.optional("peak size"):
        iceberg = IcebergSubmission(row.int("peak size"), row.int("minimum visible size"))
    return OrderSubmission(
        market_id=row.str("market id"),
        side=side(row.str("side")),
        size=row.int("volume"),
        time_in_force=time_in_force,
        type=kind,
        price=row.int("price", 0),
        expires_at=expires_at,
        reference=row.str("reference", ""),
        pegged=pegged,
        post_only=only == "post",
        reduce_only=only == "reduce",
        iceberg=iceberg,
    )


def _timestamp(text: str) -> int:
    """A time as nanoseconds: an integer as it is, else an ISO date and time (UTC)."""
    if text.lstrip("-").isdigit():
        return int(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) * NANOS_PER_SECOND


def check_error(row: Row, error: str | None) -> None:
    """Vega's checkExpectedError: the row's `error` column, or no error at all."""
    expected = row.optional("error")
    reference = row.str("reference", "")
    if expected is not None and error is None:
        raise StepError(f'action on "{reference}" should have failed with {expected!r}')
    if error is not None:
        if expected is None:
            raise StepError(f'action on "{reference}" has failed: {error}')
        if expected != error:
            raise StepError(
                f'action on "{reference}" failed as expected but with {error!r}, not {expected!r}'
            )


_ORDER_OPTIONAL = ("reference", "error", "resulting trades", "expires in", "only")
_STOP_COLUMNS = ("fb price trigger", "fb trailing", "ra price trigger", "ra trailing")
_ORDER_COLUMNS = (
    ("party", "market id", "side", "volume", "price", "type", "tif"),
    (*_ORDER_OPTIONAL, *_STOP_COLUMNS, "so expires in", "so expiry strategy"),
)
_BATCH_COLUMNS = (
    ("market id", "side", "volume", "price", "type", "tif"),
    ("reference", "error", "expires in", "only"),
)
_ICEBERG_COLUMNS = (
    (*_ORDER_COLUMNS[0], "peak size", "minimum visible size"),
    _ORDER_OPTIONAL,
)
_BATCH_ICEBERG_COLUMNS = (
    (*_BATCH_COLUMNS[0], "peak size", "minimum visible size"),
    _BATCH_COLUMNS[1],
)
_PEGGED_ICEBERG_COLUMNS = (
    (
        "party",
        "market id",
        "side",
        "volume",
        "type",
        "tif",
        "peak size",
        "minimum visible size",
        "pegged reference",
        "offset",
    ),
    _ORDER_OPTIONAL,
)
_EXPIRY_STRATEGIES = {
    "EXPIRY_STRATEGY_CANCELS": ExpiryStrategy.CANCELS,
    "EXPIRY_STRATEGY_SUBMIT": ExpiryStrategy.SUBMIT,
}


def _stop_specs(row: Row, now: int) -> tuple[StopOrderSpec | None, StopOrderSpec | None] | None:
    """Vega's buildStopOrder: only the rises-above side carries the expiry; OCO references
    get `-1` (falls below) and `-2` (rises above)."""
    fb_price, ra_price = row.optional("fb price trigger"), row.optional("ra price trigger")
    fb_trailing = row.decimal("fb trailing", Decimal(0))
    ra_trailing = row.decimal("ra trailing", Decimal(0))
    if fb_price is None and ra_price is None and not fb_trailing and not ra_trailing:
        return None
    if fb_price is not None and fb_trailing:
        raise StepError("cannot use bot trailing and priced trigger for falls below")
    if ra_price is not None and ra_trailing:
        raise StepError("cannot use bot trailing and priced trigger for rises above")
    submission = submission_from(row, now)
    both = (fb_price is not None or bool(fb_trailing)) and (
        ra_price is not None or bool(ra_trailing)
    )
    falls_below = rises_above = None
    if fb_price is not None or fb_trailing:
        reference = f"{submission.reference}-1" if both else submission.reference
        falls_below = StopOrderSpec(
            replace(submission, reference=reference),
            price=parse_int(fb_price, "fb price trigger") if fb_price is not None else None,
            trailing=fb_trailing or None,
        )
    if ra_price is not None or ra_trailing:
        reference = f"{submission.reference}-2" if both else submission.reference
        expires_at, strategy = 0, ExpiryStrategy.UNSPECIFIED
        if row.optional("so expires in") is not None:
            expires_at = now + row.seconds("so expires in") * NANOS_PER_SECOND
            strategy = ExpiryStrategy.CANCELS
            if row.optional("so expiry strategy") is not None:
                text = row.str("so expiry strategy")
                if text not in _EXPIRY_STRATEGIES:
                    raise StepError(f"invalid expiry strategy: {text}")
                strategy = _EXPIRY_STRATEGIES[text]
        rises_above = StopOrderSpec(
            replace(submission, reference=reference),
            price=parse_int(ra_price, "ra price trigger") if ra_price is not None else None,
            trailing=ra_trailing or None,
            expires_at=expires_at,
            expiry_strategy=strategy,
        )
    return falls_below, rises_above


def submission_error(confirmation: OrderConfirmation) -> str | None:
    """The error Vega's SubmitOrder returns for a confirmation, or None when it accepted it."""
    order = confirmation.order
    if order.status == OrderStatus.REJECTED or (
        order.status == OrderStatus.STOPPED and order.reason in _STOPPING_REJECTIONS
    ):
        return submission_error_text(order.reason)
    return None


def _check_resulting_trades(row: Row, trades: int) -> None:
    expected = row.int("resulting trades")
    if trades != expected:
        raise StepError(
            f'the resulting trades didn\'t match the expectation for order "{row.str("reference", "")}": '
            f"expected {expected}, got {trades}"
        )


def _place(world: World, row: Row, now: int, stops: bool = False) -> int | None:
    """Submit one row's order; its trade count, or None when it erred or placed nothing yet."""
    if row.optional("error") is not None and row.optional("resulting trades") not in (None, "0"):
        raise StepError("you can't expect trades and an error at the same time")
    specs = _stop_specs(row, now) if stops else None
    if specs is not None:
        result = world.engine.submit_stop_orders(
            row.str("party"), row.str("market id"), specs[0], specs[1]
        )
        error, confirmation = result.error, result.confirmation
    else:
        confirmation = world.engine.submit_order(submission_from(row, now), row.str("party"))
        error = submission_error(confirmation)
    check_error(row, error)
    if error is not None or confirmation is None:
        return None
    if row.optional("resulting trades") is not None:
        _check_resulting_trades(row, len(confirmation.trades))
    return len(confirmation.trades)


_STOPPING_REJECTIONS = frozenset(
    {
        OrderError.NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS,
        OrderError.POST_ONLY_ORDER_WOULD_TRADE,
        OrderError.REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION,
    }
)


@step(r"^the parties place the following orders:$")
def place_orders(world: World, table: Table) -> None:
    now = world.now
    for row in rows(table, *_ORDER_COLUMNS):
        _place(world, row, now, stops=True)


@step(r"^the parties place the following iceberg orders:$")
def place_iceberg_orders(world: World, table: Table) -> None:
    now = world.now
    for row in rows(table, *_ICEBERG_COLUMNS):
        _place(world, row, now)


@step(r"^the parties place the following pegged iceberg orders:$")
def place_pegged_iceberg_orders(world: World, table: Table) -> None:
    now = world.now
    for row in rows(table, *_PEGGED_ICEBERG_COLUMNS):
        _place(world, row, now)


@step(r"^the parties place the following orders with ticks:$")
def place_orders_with_ticks(world: World, table: Table) -> None:
    now = world.now
    world.set_time(now)
    for row in rows(table, *_ORDER_COLUMNS):
        traded = _place(world, row, now)
        if traded is None or row.optional("resulting trades") is None:
            continue
        world.network.epoch_block_end()  # Vega's step ends the block for the epochs too
        world.end_block()
        world.set_time(world.now)


@step(r"^the parties place the following orders \"([^\"]+)\" blocks apart:$")
def place_orders_blocks_apart(world: World, table: Table, count: str) -> None:
    now = world.now
    world.set_time(now)
    blocks = parse_int(count, "blocks")
    for row in rows(table, *_ORDER_COLUMNS):
        traded = _place(world, row, now)
        if traded is None or row.optional("resulting trades") is None:
            continue
        world.move_blocks(blocks)


@step(r"^the parties place the following pegged orders:$")
def place_pegged_orders(world: World, table: Table) -> None:
    required = ("party", "market id", "side", "volume", "pegged reference", "offset")
    for row in rows(table, required, ("error", "reference")):
        submission = OrderSubmission(
            market_id=row.str("market id"),
            side=side(row.str("side")),
            size=row.int("volume"),
            time_in_force=TimeInForce.GTC,
            type=OrderType.LIMIT,
            reference=row.str("reference", ""),
            pegged=PeggedSubmission(
                pegged_reference(row.str("pegged reference")), row.int("offset")
            ),
        )
        confirmation = world.engine.submit_order(submission, row.str("party"))
        check_error(row, submission_error(confirmation))


@step(r"^the parties amend the following orders:$")
def amend_orders(world: World, table: Table) -> None:
    required = ("party", "reference", "price", "size delta", "tif")
    for row in rows(table, required, ("error", "expiration date")):
        party = row.str("party")
        order = world.order(party, row.str("reference"))
        price = row.int("price", 0)
        expires_at = None
        if row.optional("expiration date"):
            expires_at = _timestamp(row.str("expiration date")) or None
        amendment = OrderAmendment(
            order_id=order.id,
            market_id=order.market_id,
            price=price or None,
            size_delta=row.int("size delta"),
            expires_at=expires_at,
            time_in_force=tif(row.str("tif")),
        )
        confirmation = world.engine.amend_order(amendment, party)
        error = None
        if confirmation.error is not None:
            error = amendment_error_text(confirmation.error)
        check_error(row, error)


def _cancel(world: World, order: Order) -> str | None:
    result = world.engine.cancel_order(OrderCancellation(order.id, order.market_id), order.party)
    if result.error is None:
        return None
    if result.error == OrderError.INVALID_ORDER_ID:
        return "unable to find the order in the market"
    return order_error_text(result.error)


@step(r"^the parties cancel the following orders:$")
def cancel_orders(world: World, table: Table) -> None:
    for row in rows(table, ("party", "reference"), ("error",)):
        order = world.order(row.str("party"), row.str("reference"))
        check_error(row, _cancel(world, order))


@step(r"^the parties cancel all their orders for the markets:$")
def cancel_all(world: World, table: Table) -> None:
    """As Vega's step: one cancellation per reference among the party's order events."""
    for row in rows(table, ("party", "market id"), ("error",)):
        party, market_id = row.str("party"), row.str("market id")
        latest: dict[str, Order] = {}
        for order in world.order_events:
            if order.party == party and order.market_id == market_id:
                latest[order.reference] = order
        for order in latest.values():
            check_error(row, _cancel(world, order))


@step(r"^the party \"([^\"]+)\" starts a batch instruction$")
def start_batch(world: World, table: Table, party: str) -> None:
    world.batch = {party: []}


def _batch_of(world: World, party: str) -> list:
    if not world.batch:
        raise StepError("batch instruction not started")
    if party not in world.batch:
        raise StepError("batch instruction started with a different party")
    return world.batch[party]


@step(r"^the party \"([^\"]+)\" adds the following orders to a batch:$")
def add_to_batch(world: World, table: Table, party: str) -> None:
    batch = _batch_of(world, party)
    batch.extend(submission_from(row, world.now) for row in rows(table, *_BATCH_COLUMNS))


@step(r"^the party \"([^\"]+)\" adds the following iceberg orders to a batch:$")
def add_icebergs_to_batch(world: World, table: Table, party: str) -> None:
    batch = _batch_of(world, party)
    batch.extend(submission_from(row, world.now) for row in rows(table, *_BATCH_ICEBERG_COLUMNS))


@step(r"^the party \"([^\"]+)\" submits their batch instruction$")
def submit_batch(world: World, table: Table, party: str) -> None:
    """Vega fails the step when any instruction of the batch returned an error."""
    submissions = tuple(_batch_of(world, party))
    world.batch = {}
    results = world.engine.batch_market_instructions(
        party, BatchMarketInstructions(submissions=submissions)
    )
    confirmations = [r for r in results if isinstance(r, OrderConfirmation)]
    errors = [e for e in map(submission_error, confirmations) if e is not None]
    if errors:
        raise StepError(f"the batch of {party} failed: {'; '.join(errors)}")


_LP_COLUMNS = (
    "id",
    "party",
    "market id",
    "commitment amount",
    "fee",
    "side",
    "pegged reference",
    "proportion",
    "offset",
    "lp type",
)


@step(r"^the parties submit the following liquidity provision:$")
def liquidity_provision(world: World, table: Table) -> None:
    grouped: dict[str, dict] = {}
    error_row: Row | None = None
    for row in rows(table, _LP_COLUMNS, ("reference", "error")):
        if error_row is None or row.optional("error"):
            error_row = row
        entry = grouped.setdefault(
            row.str("id"),
            {
                "party": row.str("party"),
                "market": row.str("market id"),
                "amount": row.int("commitment amount"),
                "fee": row.decimal("fee"),
                "kind": row.str("lp type"),
                "buys": [],
                "sells": [],
            },
        )
        order = LiquidityOrder(
            pegged_reference(row.str("pegged reference")), row.int("proportion"), row.int("offset")
        )
        entry["buys" if side(row.str("side")) == Side.BUY else "sells"].append(order)
    for lp_id in sorted(grouped):
        entry = grouped[lp_id]
        party, market = entry["party"], entry["market"]
        # what a submission and an amendment both carry, in their common field order
        terms = (
            market,
            entry["amount"],
            entry["fee"],
            tuple(entry["buys"]),
            tuple(entry["sells"]),
            lp_id,
        )
        if entry["kind"] == "amendment":
            error = world.engine.amend_liquidity_provision(
                LiquidityProvisionAmendment(*terms), party
            )
        elif entry["kind"] == "cancellation":
            error = world.engine.cancel_liquidity_provision(
                LiquidityProvisionCancellation(market), party
            )
        elif entry["kind"] == "submission":
            error = world.engine.submit_liquidity_provision(
                LiquidityProvisionSubmission(*terms), party, lp_id
            )
        else:
            continue  # Vega's step does nothing for another lp type
        assert error_row is not None
        check_error(error_row, str(error) if error else None)


@step(r"^party \"([^\"]+)\" cancels their liquidity provision for market \"([^\"]+)\"$")
def cancel_liquidity(world: World, table: Table, party: str, market_id: str) -> None:
    error = world.engine.cancel_liquidity_provision(
        LiquidityProvisionCancellation(market_id), party
    )
    if error:
        raise StepError(f"cancelling the liquidity provision of {party} failed: {error}")


@step(r"^the parties cancel the following stop orders:$")
def cancel_stop_orders(world: World, table: Table) -> None:
    """The latest uncleared event of the party's stop order with that reference is cancelled."""
    for row in rows(table, ("party", "reference"), ("error",)):
        party, reference = row.str("party"), row.str("reference")
        stop = next(
            (
                s
                for s in reversed(world.payloads(EventType.STOP_ORDER))
                if s.party == party and s.reference == reference
            ),
            None,
        )
        if stop is None:
            raise StepError(f"no stop order for party {party} and reference {reference}")
        check_error(row, world.engine.cancel_stop_order(party, stop.market_id, stop.id))


@step(r"^the party \"([^\"]*)\" cancels all their stop orders(?: for the market \"([^\"]*)\")?$")
def cancel_all_stop_orders(world: World, table: Table, party: str, market_id: str | None) -> None:
    """Vega's step ignores the result of this cancellation."""
    world.engine.cancel_stop_orders(party, market_id or "")
