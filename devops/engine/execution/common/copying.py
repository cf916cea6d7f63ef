"""Shallow copies of orders and trades, as `copy.copy` makes them, without its machinery.

Snapshots are taken for every published order and trade and every amendment:
`copy.copy` (or `dataclasses.replace`) of a slotted dataclass goes through generic
reduction; calling the generated `__init__` with every field's value builds the same
object several times faster. A class whose `__init__` would do more than store the
values (a `__post_init__`, fields left out of `__init__`) keeps `copy.copy`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from devops.engine.types import Order, Trade

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def shallow_copier(cls: type[T]) -> Callable[[T], T]:
    """A function copying instances of the slotted dataclass `cls` field by field."""
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    plain = (
        not hasattr(cls, "__post_init__")
        and getattr(cls, "__slots__", None) == names
        and all(f.init for f in fields)
    )
    if not plain:
        return copy.copy
    values = attrgetter(*names)

    def copy_record(record: T) -> T:
        if type(record) is not cls:  # a subclass copies as itself
            return copy.copy(record)
        return cls(*values(record))

    return copy_record


copy_order = shallow_copier(Order)
copy_trade = shallow_copier(Trade)
