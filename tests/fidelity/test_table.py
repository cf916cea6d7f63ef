"""Step tables are read as Vega's StrictParseTable reads them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devops.fidelity.table import StepError, parse_decimal, parse_int, rows

TABLE = (("party", "volume", "price"), ("aux", "1", "1000"), ("lp", "2", ""))


def test_rows_map_header_to_cells() -> None:
    first, second = rows(TABLE, ("party", "volume"), ("price",))
    assert first.str("party") == "aux" and first.int("volume") == 1 and first.int("price") == 1000
    assert second.optional("price") is None and second.int("price", 7) == 7


def test_an_unknown_column_fails() -> None:
    with pytest.raises(StepError, match='the column "price" is not expected'):
        rows(TABLE, ("party", "volume"))


def test_a_missing_required_column_fails() -> None:
    with pytest.raises(StepError, match='the column "reference" is required'):
        rows(TABLE, ("party", "volume", "reference"), ("price",))


def test_undeclared_columns_are_not_verified() -> None:
    assert len(rows(TABLE)) == 2


def test_a_table_needs_a_header_and_rows() -> None:
    with pytest.raises(StepError, match="a table is required"):
        rows(())
    with pytest.raises(StepError, match="header and no rows"):
        rows(TABLE[:1], ("party", "volume", "price"))


@pytest.mark.parametrize("text", ["1.0", "1e3", "", " 1", "ten"])
def test_integers_are_parsed_strictly(text: str) -> None:
    with pytest.raises(StepError, match="not an integer"):
        parse_int(text, "volume")


def test_integers_may_be_signed() -> None:
    assert parse_int("-12") == -12 and parse_int("+3") == 3


def test_decimals_are_exact() -> None:
    assert parse_decimal("0.1") + parse_decimal("0.2") == Decimal("0.3")
    with pytest.raises(StepError, match="not a decimal"):
        parse_decimal("NaN")
