"""Table rows of a step, read the way Vega's step helpers read them."""

from __future__ import annotations

from decimal import Decimal

from devops.nullchain.core.netparams import parse_duration


class StepError(AssertionError):
    """A step whose expectation did not hold, or whose text or table is not understood."""


class Row:
    def __init__(self, header: tuple[str, ...], cells: tuple[str, ...]) -> None:
        self.values = dict(zip(header, cells, strict=False))

    def has(self, column: str) -> bool:
        return column in self.values

    def str(self, column: str, default: str | None = None) -> str:
        if column in self.values:
            return self.values[column]
        if default is None:
            raise StepError(f"missing column {column!r}")
        return default

    def optional(self, column: str) -> str | None:
        value = self.values.get(column)
        return value if value not in (None, "") else None

    def int(self, column: str, default: int | None = None) -> int:
        value = self.values.get(column)
        if value in (None, ""):
            if default is None:
                raise StepError(f"missing column {column!r}")
            return default
        return int(Decimal(value))

    def decimal(self, column: str, default: Decimal | None = None) -> Decimal:
        value = self.values.get(column)
        if value in (None, ""):
            if default is None:
                raise StepError(f"missing column {column!r}")
            return default
        return Decimal(value)

    def bool(self, column: str, default: bool = False) -> bool:
        value = self.values.get(column)
        if value in (None, ""):
            return default
        return value.lower() == "true"

    def seconds(self, column: str) -> int:
        """A duration in seconds: a bare number means seconds (Vega's MustDurationSec)."""
        value = self.str(column)
        if value.lstrip("-").isdigit():
            return int(value)
        return int(parse_duration(value))

    def duration_text(self, column: str) -> str:
        value = self.str(column)
        if value.lstrip("-").isdigit():
            return f"{value}s"
        return value


def rows(table: tuple[tuple[str, ...], ...]) -> list[Row]:
    if not table:
        return []
    header = table[0]
    return [Row(header, cells) for cells in table[1:]]


def expect(what: str, expected: object, actual: object) -> None:
    if str(expected) != str(actual):
        raise StepError(f"{what}: expected {expected}, got {actual}")
