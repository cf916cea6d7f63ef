"""Steps that assert on orders, as Vega's steps read them: from the order event history.

Vega's test broker answers these from every ORDER (STOP_ORDER, LIQUIDITY_PROVISION)
event since the last "clear all events", not from each order's latest state: a row
passes when any event of the history matches it.
"""

from __future__ import annotations

from devops.engine.events.bus import EventType
from devops.engine.types import Order, OrderStatus
from devops.fidelity.step_patterns import step
from devops.fidelity.steps_trading import PEGGED_REFERENCES, side
from devops.fidelity.table import StepError, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

_ORDER_STATUSES = {f"STATUS_{s.name}": s for s in OrderStatus}


def order_status(text: str) -> OrderStatus:
    try:
        return _ORDER_STATUSES[text]
    except KeyError:
        raise StepError(f"invalid order status {text!r}") from None


def _not_found(party: str, market_id: str, side_text: str, size: int, price: int) -> StepError:
    return StepError(
        f"no matching order event found {party}, {market_id}, {side_text}, {size}, {price}"
    )


@step(r"^the orders should have the following states:$")
def order_states(world: World, table: Table) -> None:
    history = world.order_events
    required = ("party", "market id", "side", "volume", "price", "status")
    for row in rows(table, required, ("reference",)):
        party, market_id = row.str("party"), row.str("market id")
        wanted_side, size, price = side(row.str("side")), row.int("volume"), row.int("price")
        status = order_status(row.str("status"))
        reference = row.optional("reference")
        if not any(
            _state_matches(order, party, market_id, wanted_side, status, reference, size, price)
            for order in history
        ):
            raise _not_found(party, market_id, row.str("side"), size, price)


def _same_order(
    order: Order, party: str, market_id: str, wanted_side: object, status: OrderStatus
) -> bool:
    """Whether an order event is of the row's party, market, side and status."""
    return (
        order.party == party
        and order.status == status
        and order.market_id == market_id
        and order.side == wanted_side
    )


def _state_matches(
    order: Order,
    party: str,
    market_id: str,
    wanted_side: object,
    status: OrderStatus,
    reference: str | None,
    size: int,
    price: int,
) -> bool:
    """One event against one row; a referenced order of another size or price fails at once."""
    same_order = _same_order(order, party, market_id, wanted_side, status)
    if reference is not None:
        if order.reference != reference:
            return False
        if same_order and (order.size != size or order.original_price != price):
            raise StepError(
                f"order {reference}: expected {size} at {price}, "
                f"got {order.size} at {order.original_price}"
            )
    return same_order and order.size == size and order.original_price == price


@step(r"^the orders should have the following status:$")
def order_status_by_reference(world: World, table: Table) -> None:
    for row in rows(table, ("party", "reference", "status")):
        wanted = order_status(row.str("status"))
        order = world.order(row.str("party"), row.str("reference"))
        if order.status != wanted:
            raise StepError(
                f"invalid order status for order ref {row.str('reference')}, "
                f"expected STATUS_{wanted.name} got STATUS_{order.status.name}"
            )


@step(r"^the pegged orders should have the following states:$")
def pegged_states(world: World, table: Table) -> None:
    history = world.order_events
    required = ("party", "market id", "side", "volume", "reference", "offset", "price", "status")
    for row in rows(table, required):
        party, market_id = row.str("party"), row.str("market id")
        wanted_side, size, price = side(row.str("side")), row.int("volume"), row.int("price")
        status = order_status(row.str("status"))
        reference = PEGGED_REFERENCES.get(row.str("reference"))
        offset = row.int("offset")
        market = world.engine.markets.get(market_id)
        factor = market.config.price_factor if market is not None else 1  # events: market decimals
        if not any(
            o.party == party
            and o.status == status
            and o.market_id == market_id
            and o.side == wanted_side
            and o.size == size
            and o.original_price == price
            and o.pegged is not None
            and o.pegged.reference == reference
            and o.pegged.offset == offset * factor
            for o in history
        ):
            raise _not_found(party, market_id, row.str("side"), size, price)


def _count_ended(world: World, table: Table, status: OrderStatus, verb: str) -> None:
    """As Vega counts: every event with the status and the row's reason ticks one row off."""
    remaining = len(table) - 1
    others: list[str] = []
    for row in rows(table, ("party", "market id", "reason")):
        party, market_id, reason = row.str("party"), row.str("market id"), row.str("reason")
        for order in world.order_events:
            if order.party != party or order.market_id != market_id:
                continue
            if order.status == status and f"ORDER_ERROR_{order.reason.name}" == reason:
                remaining -= 1
                continue
            others.append(order.reference)
    if remaining > 0:
        raise StepError(f"orders with reference {others} were not {verb}")


@step(r"^the following orders should be rejected:$")
def orders_rejected(world: World, table: Table) -> None:
    _count_ended(world, table, OrderStatus.REJECTED, "rejected")


@step(r"^the following orders should be stopped:$")
def orders_stopped(world: World, table: Table) -> None:
    _count_ended(world, table, OrderStatus.STOPPED, "stopped")


@step(r"^the iceberg orders should have the following states:$")
def iceberg_states(world: World, table: Table) -> None:
    required = (
        "party",
        "market id",
        "side",
        "visible volume",
        "price",
        "status",
        "reserved volume",
    )
    for row in rows(table, required, ("reference",)):
        party, market_id = row.str("party"), row.str("market id")
        wanted_side, visible = side(row.str("side")), row.int("visible volume")
        price, reserved = row.int("price"), row.int("reserved volume")
        status = order_status(row.str("status"))
        reference = row.optional("reference")
        found = False
        for order in world.order_events:
            same_order = _same_order(order, party, market_id, wanted_side, status)
            if reference is not None:
                if order.reference != reference:
                    continue
                if same_order and (order.remaining != visible or order.original_price != price):
                    raise StepError(
                        f"iceberg {reference}: expected {visible} at {price}, "
                        f"got {order.remaining} at {order.original_price}"
                    )
            if not same_order or order.remaining != visible or order.original_price != price:
                continue
            if order.iceberg is None or order.iceberg.reserved_remaining != reserved:
                continue
            found = True
            break
        if not found:
            raise _not_found(party, market_id, row.str("side"), visible, price)


@step(r"^the liquidity provisions should have the following states:$")
def provision_states(world: World, table: Table) -> None:
    """The latest LIQUIDITY_PROVISION event of each reference, as Vega's evtByID finds it."""
    latest = {p.reference: p for p in world.payloads(EventType.LIQUIDITY_PROVISION)}
    required = ("id", "party", "market", "commitment amount", "status")
    for row in rows(table, required, ("buy shape", "sell shape")):
        provision = latest.get(row.str("id"))
        if provision is None:
            raise StepError(f"liquidity provision {row.str('id')} not found")
        actual = (
            provision.party,
            provision.market_id,
            str(provision.commitment_amount),
            f"STATUS_{provision.status.name}",
        )
        wanted = (row.str("party"), row.str("market"), row.str("commitment amount"))
        if actual != (*wanted, row.str("status")):
            raise StepError(f"liquidity provision {row.str('id')}: expected {wanted}, got {actual}")
        for column, shape in (("buy shape", provision.buys), ("sell shape", provision.sells)):
            text = row.str(column, "").strip()
            if text and (not text.isdigit() or int(text) != len(shape)):
                raise StepError(f"{column} of {row.str('id')}: expected {text}, got {len(shape)}")


@step(r"^the following LP events should be emitted:$")
def lp_events(world: World, table: Table) -> None:
    """A party's provision (by reference) has an event of that version; `final` means its last."""
    history: dict[tuple[str, str], list] = {}
    for provision in world.payloads(EventType.LIQUIDITY_PROVISION):
        history.setdefault((provision.party, provision.reference), []).append(provision)
    for row in rows(table, ("party", "id", "version"), ("commitment amount", "final")):
        party, lp_id, version = row.str("party"), row.str("id"), row.int("version")
        amount = row.int("commitment amount") if row.optional("commitment amount") else None
        events = history.get((party, lp_id))
        if not events:
            raise StepError(f"no LP events found for LP ID {lp_id} (party {party})")
        candidates = events[-1:] if row.bool("final") else events
        if not any(
            e.version == version and (amount is None or e.commitment_amount == amount)
            for e in candidates
        ):
            found = [(e.version, e.commitment_amount) for e in candidates]
            raise StepError(
                f"no LP event of {lp_id} (party {party}) with version {version}"
                + (f" and commitment {amount}" if amount is not None else "")
                + f" (found {found})"
            )


@step(r"^the stop orders should have the following states$")
def stop_order_states(world: World, table: Table) -> None:
    history = world.payloads(EventType.STOP_ORDER)
    for row in rows(table, ("party", "market id", "status"), ("reference",)):
        party, market_id, status = row.str("party"), row.str("market id"), row.str("status")
        reference = row.optional("reference")
        if not any(
            (reference is None or s.reference == reference)
            and s.party == party
            and f"STATUS_{s.status.name}" == status
            and s.market_id == market_id
            for s in history
        ):
            raise StepError(f"no stop order event of {party} in {market_id} with status {status}")


# Vega's event names, as the features write them, for the events this engine emits.
_EVENT_NAMES = {
    "AuctionEvent": EventType.AUCTION,
    "MarketUpdatedEvent": EventType.MARKET_UPDATED,
    "PositionStateEvent": EventType.POSITION_STATE,
    "MarginLevelsEvent": EventType.MARGIN_LEVELS,
    "AccountEvent": EventType.ACCOUNT,
    "LedgerMovements": EventType.LEDGER_MOVEMENTS,
    "LiquidityProvisionEvent": EventType.LIQUIDITY_PROVISION,
    "OrderEvent": EventType.ORDER,
    "TradeEvent": EventType.TRADE,
}


def _emitted(world: World, name: str) -> bool:
    if name not in _EVENT_NAMES:
        raise StepError(f"unknown event type {name}")
    return bool(world.since_cleared.get(_EVENT_NAMES[name]))


@step(r"^the following events should NOT be emitted:$")
def events_not_emitted(world: World, table: Table) -> None:
    for row in rows(table, ("type",)):
        if _emitted(world, row.str("type")):
            raise StepError(f"event of type {row.str('type')} has been emitted")


@step(r"^the following events should be emitted:$")
def events_emitted(world: World, table: Table) -> None:
    for row in rows(table, ("type",)):
        if not _emitted(world, row.str("type")):
            raise StepError(f"event of type {row.str('type')} has not been emitted")


@step(r"^a total of \"([0-9]+)\" events should be emitted$")
def total_events(world: World, table: Table, count: str) -> None:
    """Every event since the last clear, as Vega's GetAllEventsSinceCleared counts them."""
    emitted = sum(len(events) for events in world.since_cleared.values())
    if emitted != int(count):
        raise StepError(f"expecting {count} events generated, found {emitted}")
