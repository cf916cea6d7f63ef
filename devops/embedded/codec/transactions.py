"""Decoding vega-sim's command protos into engine commands (Vega's `commands` checks).

A wallet hands over a command message and its type name (`order_submission`,
...). Before anything reaches the engine, Vega validates the command's shape
(`commands.CheckOrderSubmission` and friends); a malformed command is rejected
as a whole transaction with a reason such as `order_submission.size (must be
positive)`, and the market never sees it. `CommandError` carries that reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from devops.engine.commands import (
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
from devops.engine.types import OrderType, PeggedReference, Side, TimeInForce


class CommandError(ValueError):
    """A command Vega rejects before execution; the message is Vega's reason."""


@dataclass(frozen=True, slots=True)
class Transaction:
    """One signed command, as the chain orders it into a block."""

    party: str
    kind: str  # the command's field name in Vega's InputData, e.g. "order_submission"
    command: Any  # the vega-sim protobuf message


def base10_digits(text: str) -> bool:
    """Whether `text` is all ASCII digits, as Go's base-10 parsing requires: Python's
    `isdigit` also takes '²' (which `int` then refuses) and '١' (which `int` reads)."""
    return text.isascii() and text.isdigit()


def _uint(text: str, field: str, *, allow_empty: bool = False) -> int:
    """Vega's num.UintFromString: a non-negative base-10 integer."""
    if text == "" and allow_empty:
        return 0
    if not base10_digits(text):
        raise CommandError(f"{field} (is not a valid number)")
    return int(text)


def decimal_field(text: str, field: str) -> Decimal:
    """A finite decimal in a command's text field; CommandError otherwise."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{field} (is not a valid number)") from None
    if not value.is_finite():
        raise CommandError(f"{field} (is not a valid number)")
    return value


def _enum(kind: type, value: int, field: str) -> Any:
    try:
        member = kind(value)
    except ValueError:
        raise CommandError(f"{field} (is not a valid value)") from None
    if member == 0:
        raise CommandError(f"{field} (is required)")
    return member


def order_submission(message: Any, field: str = "order_submission") -> OrderSubmission:
    if not message.market_id:
        raise CommandError(f"{field}.market_id (is required)")
    if message.size <= 0:
        raise CommandError(f"{field}.size (must be positive)")
    side = _enum(Side, message.side, f"{field}.side")
    tif = _enum(TimeInForce, message.time_in_force, f"{field}.time_in_force")
    kind = _enum(OrderType, message.type, f"{field}.type")
    if kind == OrderType.NETWORK:
        raise CommandError(f"{field}.type (is unauthorised)")
    price = _uint(message.price, f"{field}.price", allow_empty=True)
    pegged = None
    if message.HasField("pegged_order"):
        reference = _enum(
            PeggedReference, message.pegged_order.reference, f"{field}.pegged_order.reference"
        )
        pegged = PeggedSubmission(
            reference, _uint(message.pegged_order.offset, f"{field}.pegged_order.offset")
        )
    elif kind == OrderType.LIMIT and price == 0:
        raise CommandError(f"{field}.price (is required)")
    if kind == OrderType.MARKET and price:
        raise CommandError(f"{field}.price (is unavailable when the order is of type market)")
    if tif == TimeInForce.GTT and message.expires_at <= 0:
        raise CommandError(f"{field}.expires_at (is required)")
    if tif != TimeInForce.GTT and message.expires_at:
        raise CommandError(
            f"{field}.expires_at (is only available when the time in force is of type GTT)"
        )
    iceberg = None
    if message.HasField("iceberg_opts"):
        opts = message.iceberg_opts
        if opts.peak_size <= 0 or opts.minimum_visible_size <= 0:
            raise CommandError(f"{field}.iceberg_opts.peak_size (must be positive)")
        iceberg = IcebergSubmission(opts.peak_size, opts.minimum_visible_size)
    return OrderSubmission(
        market_id=message.market_id,
        side=side,
        size=message.size,
        time_in_force=tif,
        type=kind,
        price=price,
        expires_at=message.expires_at,
        reference=message.reference,
        pegged=pegged,
        post_only=message.post_only,
        reduce_only=message.reduce_only,
        iceberg=iceberg,
    )


def order_amendment(message: Any, field: str = "order_amendment") -> OrderAmendment:
    if not message.order_id:
        raise CommandError(f"{field}.order_id (is required)")
    if not message.market_id:
        raise CommandError(f"{field}.market_id (is required)")
    price = _uint(message.price, f"{field}.price") if message.HasField("price") else None
    tif = (
        _enum(TimeInForce, message.time_in_force, f"{field}.time_in_force")
        if message.time_in_force
        else None
    )
    reference = (
        _enum(PeggedReference, message.pegged_reference, f"{field}.pegged_reference")
        if message.pegged_reference
        else None
    )
    offset = (
        _uint(message.pegged_offset, f"{field}.pegged_offset") if message.pegged_offset else None
    )
    amendment = OrderAmendment(
        order_id=message.order_id,
        market_id=message.market_id,
        price=price,
        size_delta=message.size_delta,
        expires_at=message.expires_at if message.HasField("expires_at") else None,
        time_in_force=tif,
        pegged_offset=offset,
        pegged_reference=reference,
    )
    if (
        amendment.price is None
        and amendment.size_delta == 0
        and amendment.expires_at is None
        and amendment.time_in_force is None
        and amendment.pegged_offset is None
        and amendment.pegged_reference is None
    ):
        raise CommandError(f"{field} (must change at least one field)")
    return amendment


def order_cancellation(message: Any) -> OrderCancellation:
    if message.order_id and not message.market_id:
        raise CommandError("order_cancellation.market_id (is required)")
    return OrderCancellation(order_id=message.order_id, market_id=message.market_id)


def batch_market_instructions(message: Any, max_size: int) -> BatchMarketInstructions:
    count = len(message.cancellations) + len(message.amendments) + len(message.submissions)
    if count > max_size:
        raise CommandError(
            f"batch_market_instructions (must contain less than or equal to {max_size} items)"
        )
    return BatchMarketInstructions(
        cancellations=tuple(order_cancellation(c) for c in message.cancellations),
        amendments=tuple(
            order_amendment(a, "batch_market_instructions.amendments") for a in message.amendments
        ),
        submissions=tuple(
            order_submission(s, "batch_market_instructions.submissions")
            for s in message.submissions
        ),
    )


def _liquidity_orders(orders: Any, field: str) -> tuple[LiquidityOrder, ...]:
    shape = []
    for index, line in enumerate(orders):
        where = f"{field}.{index}"
        reference = _enum(PeggedReference, line.reference, f"{where}.reference")
        if line.proportion <= 0:
            raise CommandError(f"{where}.proportion (must be positive)")
        shape.append(LiquidityOrder(reference, line.proportion, _uint(line.offset, where)))
    return tuple(shape)


def liquidity_submission(message: Any) -> LiquidityProvisionSubmission:
    field = "liquidity_provision_submission"
    if not message.market_id:
        raise CommandError(f"{field}.market_id (is required)")
    fee = decimal_field(message.fee, f"{field}.fee")
    if fee < 0 or fee > 1:
        raise CommandError(f"{field}.fee (must be between 0 and 1)")
    commitment = _uint(message.commitment_amount, f"{field}.commitment_amount")
    buys = _liquidity_orders(message.buys, f"{field}.buys")
    sells = _liquidity_orders(message.sells, f"{field}.sells")
    if commitment and (not buys or not sells):
        raise CommandError(f"{field}.buys (is required)")
    return LiquidityProvisionSubmission(
        market_id=message.market_id,
        commitment_amount=commitment,
        fee=fee,
        buys=buys,
        sells=sells,
        reference=message.reference,
    )


def liquidity_amendment(message: Any) -> LiquidityProvisionAmendment:
    field = "liquidity_provision_amendment"
    if not message.market_id:
        raise CommandError(f"{field}.market_id (is required)")
    return LiquidityProvisionAmendment(
        market_id=message.market_id,
        commitment_amount=(
            _uint(message.commitment_amount, f"{field}.commitment_amount")
            if message.commitment_amount
            else None
        ),
        fee=decimal_field(message.fee, f"{field}.fee") if message.fee else None,
        buys=_liquidity_orders(message.buys, f"{field}.buys") if message.buys else None,
        sells=_liquidity_orders(message.sells, f"{field}.sells") if message.sells else None,
        reference=message.reference,
    )


def liquidity_cancellation(message: Any) -> LiquidityProvisionCancellation:
    return LiquidityProvisionCancellation(message.market_id)


def withdrawal(message: Any) -> tuple[str, int]:
    """(asset, amount) of a `WithdrawSubmission`; an amount that is not a number is 0."""
    amount = int(message.amount) if base10_digits(message.amount) else 0
    return message.asset, amount


def oracle_data(message: Any) -> dict[str, str]:
    """The properties of an `OracleDataSubmission`'s JSON payload."""
    try:
        payload = json.loads(message.payload)
    except ValueError:
        raise CommandError("oracle_data_submission.payload (is not valid JSON)") from None
    if not isinstance(payload, dict):
        raise CommandError("oracle_data_submission.payload (must be a JSON object)")
    return {str(k): str(v) for k, v in payload.items()}


def copy_command(message: Any) -> Any:
    """A copy of a command, so the caller may go on changing its own."""
    command = type(message)()
    command.CopyFrom(message)
    return command
