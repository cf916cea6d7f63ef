"""The fast shallow copies give what `copy.copy` gives, field for field."""

import copy
import dataclasses

from devops.engine.execution.common.copying import copy_order, copy_trade, shallow_copier
from devops.engine.types import (
    IcebergOrder,
    Order,
    OrderStatus,
    PeggedOrder,
    PeggedReference,
    Side,
    TimeInForce,
    Trade,
)


def test_an_order_copy_equals_copy_copy_and_shares_nested_records() -> None:
    order = Order(
        "o1", "m", "p", Side.BUY, 100, 5, 3, TimeInForce.GTT,
        expires_at=9, status=OrderStatus.PARKED, reference="r", version=4,
        pegged=PeggedOrder(PeggedReference.MID, 2), iceberg=IcebergOrder(2, 1, 4),
        sequence=7,
    )  # fmt: skip
    copied = copy_order(order)
    assert copied is not order
    assert copied == copy.copy(order)
    assert copied.pegged is order.pegged and copied.iceberg is order.iceberg  # shallow


def test_a_trade_copy_equals_copy_copy() -> None:
    trade = Trade("t", "m", 100, 2, "b", "s", Side.SELL, "bo", "so", 5, buyer_fee={"maker": 1})
    assert copy_trade(trade) == copy.copy(trade)
    assert copy_trade(trade) is not trade


@dataclasses.dataclass
class _WithPostInit:
    value: int

    def __post_init__(self) -> None:
        self.value += 1


def test_a_class_that_does_more_than_store_its_fields_keeps_copy_copy() -> None:
    assert shallow_copier(_WithPostInit) is copy.copy
