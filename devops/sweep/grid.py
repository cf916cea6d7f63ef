"""The grid a sweep walks: seeds, and values of the documented scenario arguments.

`--vary market_maker_args.inventory_upper_boundary=10,20,30` names one attribute of one
argument dataclass of `devops.harness.parameters` (nested dataclasses by more dots, e.g.
`simulation_args.price_process.volatility`) and the values to try, each parsed to the
attribute's declared type. Per-trader tuples take their entries separated by `/`
(`random_trader_args.order_volume=0.01/0.1/1,0.02/0.2/2`); `none` is None where the
type allows it. A grid point is a tuple of (path, value) overrides: plain, hashable,
picklable data, applied with `dataclasses.replace` so the dataclasses' own checks
decide what is valid.
"""

from __future__ import annotations

import itertools
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from types import NoneType, UnionType
from typing import Any

# the DevOpsScenario attributes documented in devops.harness.parameters, in its order
ARGS_FIELDS = (
    "market_manager_args",
    "market_maker_args",
    "auction_trader_args",
    "random_trader_args",
    "momentum_trader_args",
    "sensitive_trader_args",
    "simulation_args",
)

Value = int | float | bool | str | tuple[float, ...] | None
Override = tuple[str, Value]
GridPoint = tuple[Override, ...]


@dataclass(frozen=True, slots=True)
class Axis:
    """One varied attribute and the values it takes, in the order given."""

    path: str
    values: tuple[Value, ...]


def _attribute_type(arguments: dict[str, Any], path: str) -> Any:
    """The declared type of the attribute `path` names, or ValueError naming what is wrong."""
    field, *attributes = path.split(".")
    if field not in arguments:
        raise ValueError(f"unknown argument field {field!r}; known: {', '.join(ARGS_FIELDS)}")
    if not attributes:
        raise ValueError(f"{path!r} names a whole field; name one attribute, e.g. {field}.<name>")
    owner, kind = arguments[field], None
    for depth, attribute in enumerate(attributes):
        if not is_dataclass(owner):
            raise ValueError(f"{'.'.join([field, *attributes[:depth]])} has no attributes")
        known = [f.name for f in fields(owner)]
        if attribute not in known:
            where = ".".join([field, *attributes[:depth]])
            raise ValueError(
                f"{type(owner).__name__} ({where}) has no attribute {attribute!r}; "
                f"known: {', '.join(known)}"
            )
        kind = typing.get_type_hints(type(owner))[attribute]
        owner = getattr(owner, attribute)
    return kind


def _number(kind: type, text: str) -> int | float:
    if kind is int:
        return int(text, 10)  # "3.0" is not a whole number here
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def _parser_for(kind: Any, path: str) -> tuple[str, Callable[[str], Value]]:
    """What a value of annotation `kind` looks like, and how to read one from text."""
    if kind is bool:
        spelled = {"true": True, "1": True, "false": False, "0": False}
        return "true or false", lambda text: spelled[text.lower()]
    if kind in (int, float):
        return kind.__name__, lambda text: _number(kind, text)
    if kind is str:
        return "text", _text
    entries = typing.get_args(kind)
    if (
        typing.get_origin(kind) is tuple
        and entries[1:] == (Ellipsis,)
        and entries[0] in (int, float)
    ):
        return (
            f"{entries[0].__name__} entries separated by '/'",
            lambda text: tuple(_number(entries[0], entry) for entry in text.split("/")),
        )
    if is_dataclass(kind):
        name = getattr(kind, "__name__", type(kind).__name__)
        raise ValueError(f"{path} is a {name}; vary one of its attributes ({path}.<name>)")
    raise ValueError(f"{path} ({kind}) cannot be varied from the command line")


def _text(text: str) -> str:
    if not text:
        raise ValueError
    return text


def _parse_value(kind: Any, text: str, path: str) -> Value:
    """`text` as a value of the annotation `kind`; ValueError naming the path otherwise."""
    text = text.strip()
    if isinstance(kind, UnionType) or typing.get_origin(kind) is typing.Union:
        options = [option for option in typing.get_args(kind) if option is not NoneType]
        if len(options) != 1:
            raise ValueError(f"{path} ({kind}) cannot be varied from the command line")
        if text.lower() == "none" and NoneType in typing.get_args(kind):
            return None
        kind = options[0]
    wanted, read = _parser_for(kind, path)
    try:
        return read(text)
    except (KeyError, ValueError):
        raise ValueError(f"{path} needs {wanted}, got {text!r}") from None


def parse_axis(text: str, arguments: dict[str, Any]) -> Axis:
    """`path=v1,v2,...` against the scenario's argument dataclasses (field name to value)."""
    path, sep, listed = str(text).partition("=")
    path = path.strip()
    if not sep or not path or not listed.strip():
        raise ValueError(f"wants <args field>.<attribute>=v1,v2,..., got {text!r}")
    kind = _attribute_type(arguments, path)
    values = tuple(_parse_value(kind, entry, path) for entry in listed.split(","))
    if len(set(values)) != len(values):
        raise ValueError(f"{path} lists a value twice in {listed.strip()!r}")
    return Axis(path, values)


def grid(axes: tuple[Axis, ...]) -> tuple[GridPoint, ...]:
    """Every combination of the axes' values, the first axis varying slowest."""
    return tuple(
        tuple(zip((axis.path for axis in axes), values, strict=True))
        for values in itertools.product(*(axis.values for axis in axes))
    )


def _replaced(owner: Any, attributes: list[str], value: Value) -> Any:
    """`owner` with the nested attribute changed, rebuilt so every dataclass re-checks."""
    head, *rest = attributes
    new = _replaced(getattr(owner, head), rest, value) if rest else value
    return replace(owner, **{head: new})


def overridden(arguments: dict[str, Any], point: GridPoint) -> dict[str, Any]:
    """The argument dataclasses with `point` applied; ValueError naming the path that fails."""
    changed = dict(arguments)
    for path, value in point:
        field, *attributes = path.split(".")
        try:
            changed[field] = _replaced(changed[field], attributes, value)
        except (TypeError, ValueError) as refusal:
            raise ValueError(f"{path}={format_value(value)} is refused: {refusal}") from None
    return changed


def scenario_arguments(scenario: Any) -> dict[str, Any]:
    """A scenario's argument dataclasses by field name."""
    return {field: getattr(scenario, field) for field in ARGS_FIELDS}


def apply(scenario: Any, point: GridPoint) -> None:
    """Set the overridden argument dataclasses on `scenario` (before it runs)."""
    for field, value in overridden(scenario_arguments(scenario), point).items():
        setattr(scenario, field, value)


def format_value(value: Value) -> str:
    """A value as a user types it on the command line."""
    if isinstance(value, tuple):
        return "/".join(f"{entry:.15g}" for entry in value)
    if isinstance(value, float):
        return f"{value:.15g}"
    return "none" if value is None else str(value)


def label(point: GridPoint) -> str:
    """A grid point in one short line: `name=value, ...` by last attribute name."""
    if not point:
        return "scenario defaults"
    return ", ".join(f"{path.rsplit('.', 1)[-1]}={format_value(value)}" for path, value in point)
