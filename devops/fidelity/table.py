"""Table rows of a step, read the way Vega's step helpers read them.

Vega parses every step table strictly: a column the step does not know, or a
required column that is missing, fails the step; integers are parsed as
integers (a fraction is an error, never truncated).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from devops.engine.netparams.params import parse_duration


class StepError(AssertionError):
    """A step whose expectation did not hold, or whose text or table is not understood."""


def parse_int(text: str, column: str = "value") -> int:
    """An integer as Go's strconv parses it: digits with an optional sign, nothing else."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit():
        raise StepError(f"column {column!r}: {text!r} is not an integer")
    return int(text)


def parse_decimal(text: str, column: str = "value") -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise StepError(f"column {column!r}: {text!r} is not a decimal") from None
    if not value.is_finite():
        raise StepError(f"column {column!r}: {text!r} is not a decimal")
    return value


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

    def optional(self, column: builtins.str) -> builtins.str | None:
        """The cell's text, or None when the column is absent or the cell empty (HasColumn)."""
        value = self.values.get(column)
        return value or None

    def int(self, column: builtins.str, default: builtins.int | None = None) -> builtins.int:
        value = self.values.get(column)
        if not value:
            if default is None:
                raise StepError(f"missing column {column!r}")
            return default
        return parse_int(value, column)

    def decimal(self, column: builtins.str, default: Decimal | None = None) -> Decimal:
        value = self.values.get(column)
        if not value:
            if default is None:
                raise StepError(f"missing column {column!r}")
            return default
        return parse_decimal(value, column)

    def bool(self, column: builtins.str, default: builtins.bool = False) -> builtins.bool:
        value = self.values.get(column)
        if not value:
            return default
        return value.lower() == "true"

    def seconds(self, column: builtins.str) -> builtins.int:
        """A duration in seconds: a bare number means seconds (Vega's MustDurationSec)."""
        value = self.str(column)
        if value.lstrip("-").isdigit():
            return int(value)
        return int(parse_duration(value))

    def duration_text(self, column: builtins.str) -> builtins.str:
        value = self.str(column)
        if value.lstrip("-").isdigit():
            return f"{value}s"
        return value


def check_columns(header: Sequence[str], required: Sequence[str], optional: Sequence[str]) -> None:
    """Vega's verifyTableIntegrity: no unknown column, every required column present."""
    known = set(required) | set(optional)
    for column in header:
        if column not in known:
            raise StepError(f'the column "{column}" is not expected by this table')
    for column in required:
        if column not in header:
            raise StepError(f'the column "{column}" is required by this table')


def rows(
    table: tuple[tuple[str, ...], ...],
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> list[Row]:
    """The table's rows; with columns declared, the header is verified as Vega's StrictParseTable does."""
    if not table:
        raise StepError("a table is required")
    header = table[0]
    if required or optional:
        check_columns(header, required, optional)
    if len(table) == 1:
        raise StepError("the table has a header and no rows")
    return [Row(header, cells) for cells in table[1:]]


def expect(what: str, expected: object, actual: object) -> None:
    if str(expected) != str(actual):
        raise StepError(f"{what}: expected {expected}, got {actual}")
