"""Steps that trade: orders, amendments, cancellations, batches, liquidity provisions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from devops.fidelity.errors import (
    amendment_error_text,
    order_error_text,
    submission_error_text,
)
from devops.fidelity.registry import step
from devops.fidelity.table import Row, StepError, rows
from devops.fidelity.world import SECOND, World
from devops.nullchain.core.commands import (
    BatchMarketInstructions,
    IcebergSubmission,
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionCancellation,
    LiquidityProvisionSubmission,
    OrderAmendment,
    OrderCancellation,
    OrderSubmission,
    PeggedSubmission,
)
from devops.nullchain.core.market_stop_orders import StopOrderSpec
from devops.nullchain.core.stop_orders import ExpiryStrategy
from devops.nullchain.core.types import (
    OrderError,
    OrderStatus,
    OrderType,
    PeggedReference,
    Side,
    TimeInForce,
)

Table = tuple[tuple[str, ...], ...]

_TIF = {
    "TIF_GTC": TimeInForce.GTC,
    "TIF_GTT": TimeInForce.GTT,
    "TIF_IOC": TimeInForce.IOC,
    "TIF_FOK": TimeInForce.FOK,
    "TIF_GFA": TimeInForce.GFA,
    "TIF_GFN": TimeInForce.GFN,
}
_TYPE = {
    "TYPE_LIMIT": OrderType.LIMIT,
    "TYPE_MARKET": OrderType.MARKET,
    "TYPE_NETWORK": OrderType.NETWORK,
}
_REFERENCE = {
    "MID": PeggedReference.MID,
    "BEST_BID": PeggedReference.BEST_BID,
    "BEST_ASK": PeggedReference.BEST_ASK,
    "BID": PeggedReference.BEST_BID,
    "ASK": PeggedReference.BEST_ASK,
    "PEGGED_REFERENCE_MID": PeggedReference.MID,
    "PEGGED_REFERENCE_BEST_BID": PeggedReference.BEST_BID,
    "PEGGED_REFERENCE_BEST_ASK": PeggedReference.BEST_ASK,
}


def side(text: str) -> Side:
    lowered = text.lower()
    if lowered in ("buy", "side_buy"):
        return Side.BUY
    if lowered in ("sell", "side_sell"):
        return Side.SELL
    raise StepError(f"invalid side {text!r}")


def tif(text: str) -> TimeInForce:
    try:
        return _TIF[text]
    except KeyError:
        raise StepError(f"invalid time in force {text!r}") from None


def submission_from(row: Row, now: int) -> OrderSubmission:
    order_type = _TYPE.get(row.str("type", "TYPE_LIMIT"), OrderType.LIMIT)
    time_in_force = tif(row.str("tif", "TIF_GTC"))
    expires_at = 0
    if order_type != OrderType.MARKET and time_in_force == TimeInForce.GTT:
        expires_at = now + row.seconds("expires in") * SECOND
    only = (row.optional("only") or "").lower()
    pegged = None
    if row.optional("pegged reference"):
        pegged = PeggedSubmission(_REFERENCE[row.str("pegged reference")], row.int("offset", 0))
    iceberg = None
    if row.optional("peak size"):
        iceberg = IcebergSubmission(row.int("peak size"), row.int("minimum visible size"))
    return OrderSubmission(
        market_id=row.str("market id"),
        side=side(row.str("side")),
        size=row.int("volume"),
        time_in_force=time_in_force,
        type=order_type,
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
    return int(moment.timestamp()) * SECOND


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


_STOP_COLUMNS = ("ra price trigger", "fb price trigger", "ra trailing", "fb trailing")
_EXPIRY_STRATEGIES = {
    "EXPIRY_STRATEGY_CANCELS": ExpiryStrategy.CANCELS,
    "EXPIRY_STRATEGY_SUBMIT": ExpiryStrategy.SUBMIT,
}


def _stop_spec(row: Row, prefix: str, now: int) -> StopOrderSpec | None:
    price, trailing = row.optional(f"{prefix} price trigger"), row.optional(f"{prefix} trailing")
    if price is None and trailing is None:
        return None
    expires_at = now + row.seconds("so expires in") * SECOND if row.optional("so expires in") else 0
    return StopOrderSpec(
        submission_from(row, now),
        price=int(Decimal(price)) if price is not None else None,
        trailing=Decimal(trailing) if trailing is not None else None,
        expires_at=expires_at,
        expiry_strategy=_EXPIRY_STRATEGIES.get(
            row.optional("so expiry strategy") or "", ExpiryStrategy.UNSPECIFIED
        ),
    )


def _place_stop(world: World, row: Row) -> int | None:
    error = world.engine.submit_stop_orders(
        row.str("party"),
        row.str("market id"),
        _stop_spec(row, "fb", world.now),
        _stop_spec(row, "ra", world.now),
    )
    check_error(row, error)
    return None if error else 0


def _place(world: World, row: Row) -> int | None:
    """Submit one row's order; the number of trades, or None when it was refused."""
    if any(row.optional(column) for column in _STOP_COLUMNS):
        return _place_stop(world, row)
    confirmation = world.engine.submit_order(submission_from(row, world.now), row.str("party"))
    order = confirmation.order
    error = None
    if order.status in (OrderStatus.REJECTED,) or (
        order.status == OrderStatus.STOPPED and order.reason in _STOPPING_REJECTIONS
    ):
        error = submission_error_text(order.reason)
    check_error(row, error)
    if error is not None:
        return None
    if row.has("resulting trades") and row.optional("resulting trades") is not None:
        expected = row.int("resulting trades")
        if len(confirmation.trades) != expected:
            raise StepError(
                f'the resulting trades for order "{row.str("reference", "")}": '
                f"expected {expected}, got {len(confirmation.trades)}"
            )
    return len(confirmation.trades)


_STOPPING_REJECTIONS = frozenset(
    {
        OrderError.NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS,
        OrderError.POST_ONLY_ORDER_WOULD_TRADE,
        OrderError.REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION,
    }
)


@step(r"^the parties place the following (?:iceberg |pegged iceberg )?orders:$")
def place_orders(world: World, table: Table) -> None:
    for row in rows(table):
        _place(world, row)


@step(r"^the parties place the following orders with ticks:$")
def place_orders_with_ticks(world: World, table: Table) -> None:
    world.set_time(world.now)
    for row in rows(table):
        traded = _place(world, row)
        if traded is None or not row.has("resulting trades"):
            continue
        world.end_block()
        world.set_time(world.now)


@step(r"^the parties place the following orders \"([^\"]+)\" blocks apart:$")
def place_orders_blocks_apart(world: World, table: Table, count: str) -> None:
    world.set_time(world.now)
    for row in rows(table):
        traded = _place(world, row)
        if traded is None or not row.has("resulting trades"):
            continue
        world.move_blocks(int(count))


@step(r"^the parties place the following pegged orders:$")
def place_pegged_orders(world: World, table: Table) -> None:
    for row in rows(table):
        submission = OrderSubmission(
            market_id=row.str("market id"),
            side=side(row.str("side")),
            size=row.int("volume"),
            time_in_force=TimeInForce.GTC,
            type=OrderType.LIMIT,
            reference=row.str("reference", ""),
            pegged=PeggedSubmission(_REFERENCE[row.str("pegged reference")], row.int("offset")),
        )
        confirmation = world.engine.submit_order(submission, row.str("party"))
        error = None
        if confirmation.order.status == OrderStatus.REJECTED:
            error = submission_error_text(confirmation.order.reason)
        check_error(row, error)


@step(r"^the parties amend the following orders:$")
def amend_orders(world: World, table: Table) -> None:
    for row in rows(table):
        party = row.str("party")
        order = world.order(party, row.str("reference"))
        price = row.optional("price")
        tif_text = row.optional("tif")
        expires_at = None
        if row.optional("expiration date"):
            expires_at = _timestamp(row.str("expiration date"))
        amendment = OrderAmendment(
            order_id=order.id,
            market_id=order.market_id,
            price=int(Decimal(price)) if price is not None and Decimal(price) != 0 else None,
            size_delta=row.int("size delta", 0),
            expires_at=expires_at,
            time_in_force=tif(tif_text) if tif_text else None,
        )
        confirmation = world.engine.amend_order(amendment, party)
        error = None
        if confirmation.error is not None:
            error = amendment_error_text(confirmation.error)
        check_error(row, error)


@step(r"^the parties cancel the following orders:$")
def cancel_orders(world: World, table: Table) -> None:
    for row in rows(table):
        party = row.str("party")
        order_id = world.references.get((party, row.str("reference")), "unknown-order")
        market_id = world.orders[order_id].market_id if order_id in world.orders else ""
        result = world.engine.cancel_order(OrderCancellation(order_id, market_id), party)
        error = None
        if result.error is not None:
            error = (
                "unable to find the order in the market"
                if result.error == OrderError.INVALID_ORDER_ID
                else order_error_text(result.error)
            )
        check_error(row, error)


@step(r"^the parties cancel all their orders for the markets:$")
def cancel_all(world: World, table: Table) -> None:
    for row in rows(table):
        result = world.engine.cancel_order(
            OrderCancellation("", row.str("market id", "")), row.str("party")
        )
        error = order_error_text(result.error) if result.error is not None else None
        check_error(row, error)


@step(r"^the party \"([^\"]+)\" starts a batch instruction$")
def start_batch(world: World, table: Table, party: str) -> None:
    world.batch[party] = []


@step(r"^the party \"([^\"]+)\" adds the following (?:iceberg )?orders to a batch:$")
def add_to_batch(world: World, table: Table, party: str) -> None:
    if party not in world.batch:
        raise StepError(f"no batch started for {party}")
    world.batch[party].extend(submission_from(row, world.now) for row in rows(table))


@step(r"^the party \"([^\"]+)\" submits their batch instruction$")
def submit_batch(world: World, table: Table, party: str) -> None:
    submissions = tuple(world.batch.pop(party, []))
    world.engine.batch_market_instructions(party, BatchMarketInstructions(submissions=submissions))


@step(r"^the parties submit the following liquidity provision:$")
def liquidity_provision(world: World, table: Table) -> None:
    grouped: dict[str, dict] = {}
    error_row: Row | None = None
    for row in rows(table):
        if error_row is None or row.optional("error"):
            error_row = row
        entry = grouped.setdefault(
            row.str("id"),
            {
                "party": row.str("party"),
                "market": row.str("market id"),
                "amount": row.int("commitment amount"),
                "fee": row.decimal("fee"),
                "kind": row.str("lp type", "submission"),
                "buys": [],
                "sells": [],
            },
        )
        order = LiquidityOrder(
            _REFERENCE[row.str("pegged reference")], row.int("proportion"), row.int("offset")
        )
        entry["buys" if side(row.str("side")) == Side.BUY else "sells"].append(order)
    for lp_id in sorted(grouped):
        entry = grouped[lp_id]
        party, market = entry["party"], entry["market"]
        if entry["kind"] == "amendment":
            error = world.engine.amend_liquidity_provision(
                LiquidityProvisionAmendment(
                    market,
                    entry["amount"],
                    entry["fee"],
                    tuple(entry["buys"]),
                    tuple(entry["sells"]),
                    lp_id,
                ),
                party,
            )
        elif entry["kind"] == "cancellation":
            error = world.engine.cancel_liquidity_provision(
                LiquidityProvisionCancellation(market), party
            )
        else:
            error = world.engine.submit_liquidity_provision(
                LiquidityProvisionSubmission(
                    market,
                    entry["amount"],
                    entry["fee"],
                    tuple(entry["buys"]),
                    tuple(entry["sells"]),
                    lp_id,
                ),
                party,
                lp_id,
            )
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
    for row in rows(table):
        party, reference = row.str("party"), row.str("reference")
        stops = [
            s for s in world.stop_orders.values() if s.party == party and s.reference == reference
        ]
        if not stops:
            raise StepError(f"no stop order {reference} for {party}")
        for stop in stops:
            world.engine.cancel_stop_orders(party, stop.market_id, stop.id)


@step(r"^the party \"([^\"]*)\" cancels all their stop orders(?: for the market \"([^\"]*)\")?$")
def cancel_all_stop_orders(world: World, table: Table, party: str, market_id: str | None) -> None:
    world.engine.cancel_stop_orders(party, market_id or "")
