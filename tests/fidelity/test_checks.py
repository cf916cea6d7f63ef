"""Each check compares what Vega's step compares: a wrong value in any checked column fails.

Every test runs the synthetic market (one trade of 2 at 1000, buyer the aggressor,
maker fee 8, infrastructure fee 4, liquidity fee 2) with one check appended, once
with the right value (the scenario passes) and once with a wrong one (it fails at
that step).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fidelity.synthetic import line_of, run


def _passes(tmp_path: Path, steps: str) -> None:
    failure = run(tmp_path, steps)
    assert failure is None, str(failure)


def _fails_at(
    tmp_path: Path, steps: str, marker: str, reason: str = "", occurrence: int = 0
) -> None:
    failure = run(tmp_path, steps)
    assert failure is not None, "the scenario should have failed"
    line = line_of(tmp_path, steps, marker, occurrence)
    assert failure.location == f"line {line}", str(failure)
    assert reason in str(failure)


TRADES = """\
    Then the following trades should be executed:
      | buyer | seller | price | size | {column} |
      | buyer | seller | 1000  | 2    | {value}  |
"""


@pytest.mark.parametrize(
    ("column", "right", "wrong"),
    [
        ("aggressor side", "buy", "sell"),
        ("buyer fee", "14", "13"),
        ("seller fee", "0", "1"),
        ("infrastructure fee", "4", "5"),
        ("maker fee", "8", "7"),
        ("liquidity fee", "2", "3"),
    ],
)
def test_trade_columns_are_compared(tmp_path: Path, column: str, right: str, wrong: str) -> None:
    _passes(tmp_path, TRADES.format(column=column, value=right))
    _fails_at(tmp_path, TRADES.format(column=column, value=wrong), "trades should be executed")


def test_an_unknown_column_fails_the_step(tmp_path: Path) -> None:
    steps = TRADES.format(column="taker", value="buyer")
    _fails_at(tmp_path, steps, "trades should be executed", 'the column "taker" is not expected')


def test_a_missing_required_column_fails_the_step(tmp_path: Path) -> None:
    steps = """\
    Then the following transfers should happen:
      | from  | to     | from account         | to account           | market id | amount |
      | buyer | market | ACCOUNT_TYPE_GENERAL | ACCOUNT_TYPE_FEES_MAKER | ETH/DEC19 | 8   |
"""
    _fails_at(tmp_path, steps, "transfers should happen", 'the column "asset" is required')


TRANSFER = """\
    Then the following transfers should happen:
      | from  | to     | from account         | to account              | market id | amount | asset   |
      | buyer | market | ACCOUNT_TYPE_GENERAL | ACCOUNT_TYPE_FEES_MAKER | ETH/DEC19 | 8      | {asset} |
"""


def test_transfer_asset_is_compared(tmp_path: Path) -> None:
    _passes(tmp_path, TRANSFER.format(asset="ETH"))
    _fails_at(tmp_path, TRANSFER.format(asset="BTC"), "transfers should happen")


def test_a_passing_transfers_check_clears_the_transfers(tmp_path: Path) -> None:
    again = TRANSFER.format(asset="ETH") + TRANSFER.format(asset="ETH").replace("Then", "And")
    failure = run(tmp_path, again)
    assert failure is not None
    assert failure.location == f"line {line_of(tmp_path, again, 'And the following transfers')}"


@pytest.mark.parametrize(
    "check",
    [
        TRANSFER.format(asset="ETH"),
        TRADES.format(column="aggressor side", value="buy"),
        """\
    Then the orders should have the following status:
      | party | reference | status        |
      | buyer | b1        | STATUS_FILLED |
""",
    ],
    ids=["transfers", "trades", "orders by reference"],
)
def test_clear_all_events_clears_what_vega_clears(tmp_path: Path, check: str) -> None:
    _passes(tmp_path, check)
    cleared = "    When clear all events\n" + check.replace("Then", "And")
    _fails_at(tmp_path, cleared, check.splitlines()[0].replace("Then", "And").strip())


PNL = """\
    Then the parties should have the following profit and loss:
      | party   | volume   | unrealised pnl | realised pnl | status   |
      | {party} | {volume} | 0              | {realised}   | {status} |
"""


def test_profit_and_loss_status_is_compared(tmp_path: Path) -> None:
    right = PNL.format(party="buyer", volume=2, realised=0, status="POSITION_STATUS_UNSPECIFIED")
    wrong = PNL.format(party="buyer", volume=2, realised=0, status="POSITION_STATUS_DISTRESSED")
    _passes(tmp_path, right)
    _fails_at(tmp_path, wrong, "profit and loss")


def test_profit_and_loss_needs_a_position(tmp_path: Path) -> None:
    """An all-zero row for a party that never traded fails: Vega needs exactly one position."""
    steps = """\
    Then the parties should have the following profit and loss:
      | party | volume | unrealised pnl | realised pnl |
      | idle  | 0      | 0              | 0            |
"""
    _fails_at(tmp_path, steps, "profit and loss", "party do not have a position")


def test_profit_and_loss_compares_decimals_exactly(tmp_path: Path) -> None:
    steps = PNL.format(party="buyer", volume=2, realised="0.4", status="")
    _fails_at(tmp_path, steps, "profit and loss", "realised pnl")


PEGGED = """\
    When the parties place the following pegged orders:
      | party | market id | side | volume | pegged reference | offset | reference |
      | aux1  | ETH/DEC19 | buy  | 1      | BID              | 5      | peg       |
    Then the pegged orders should have the following states:
      | party | market id | side | volume | reference | offset   | price | status        |
      | aux1  | ETH/DEC19 | buy  | 1      | {ref}     | {offset} | 895   | STATUS_ACTIVE |
"""


def test_pegged_reference_and_offset_are_compared(tmp_path: Path) -> None:
    _passes(tmp_path, PEGGED.format(ref="BID", offset=5))
    _fails_at(tmp_path, PEGGED.format(ref="ASK", offset=5), "pegged orders should have")
    _fails_at(tmp_path, PEGGED.format(ref="BID", offset=6), "pegged orders should have")


def test_order_states_read_the_event_history(tmp_path: Path) -> None:
    """The seller's order was ACTIVE before it filled: Vega finds that event too."""
    steps = """\
    Then the orders should have the following states:
      | party  | market id | side | volume | price | status        |
      | seller | ETH/DEC19 | sell | 2      | 1000  | STATUS_ACTIVE |
      | seller | ETH/DEC19 | sell | 2      | 1000  | STATUS_FILLED |
"""
    _passes(tmp_path, steps)
    _fails_at(tmp_path, steps.replace("STATUS_FILLED", "STATUS_STOPPED"), "orders should have")


def test_an_unknown_reference_fails_the_step(tmp_path: Path) -> None:
    steps = """\
    When the parties cancel the following orders:
      | party | reference | error                                  |
      | aux1  | nothing   | unable to find the order in the market |
"""
    _fails_at(tmp_path, steps, "cancel the following orders", "no order for party aux1")


def test_an_unknown_order_type_fails_the_step(tmp_path: Path) -> None:
    steps = """\
    When the parties place the following orders:
      | party | market id | side | volume | price | type      | tif     |
      | aux1  | ETH/DEC19 | buy  | 1      | 950   | TYPE_LIMT | TIF_GTC |
"""
    _fails_at(tmp_path, steps, "place the following orders", "invalid order type")


def test_a_batch_with_a_refused_order_fails(tmp_path: Path) -> None:
    steps = """\
    When the party "aux1" starts a batch instruction
    And the party "aux1" adds the following orders to a batch:
      | market id | side | volume | price | type       | tif     |
      | ETH/DEC19 | buy  | 1      | 950   | TYPE_LIMIT | TIF_GTC |
      | ETH/DEC19 | buy  | 1      | 950   | TYPE_LIMIT | TIF_GFA |
    And the party "aux1" submits their batch instruction
"""
    _passes(tmp_path, steps.replace("TIF_GFA", "TIF_GTC"))
    _fails_at(tmp_path, steps, "submits their batch", "gfa order received during continuous")


STOP = """\
    When the parties place the following orders:
      | party | market id | side | volume | price | resulting trades | type        | tif     | only   | ra price trigger | reference |
      | buyer | ETH/DEC19 | sell | 1      | 0     | {trades}         | TYPE_MARKET | TIF_IOC | reduce | 900              | stop      |
"""


def test_stop_order_resulting_trades_are_compared(tmp_path: Path) -> None:
    """The stop order triggers at once (last price 1000 is above 900) and trades once."""
    _passes(tmp_path, STOP.format(trades=1))
    _fails_at(tmp_path, STOP.format(trades=2), "place the following orders", "resulting trades")


def test_stop_order_cancellation_errors_are_compared(tmp_path: Path) -> None:
    placed = STOP.format(trades=1).replace("900 ", "1100")
    cancel = """\
    And the parties cancel the following stop orders:
      | party | reference |{error_header}
      | buyer | stop      |{error}
"""
    once = cancel.format(error_header="", error="")
    _passes(tmp_path, placed + once)
    twice = placed + once + cancel.format(error_header="", error="")
    _fails_at(tmp_path, twice, "cancel the following stop", "stop order not found", occurrence=1)
    expected = cancel.format(error_header=" error |", error=" stop order not found |")
    _passes(tmp_path, placed + once + expected)


def test_reference_price_compares_as_a_decimal(tmp_path: Path) -> None:
    """The bound's reference price is 1000: `1000.5` no longer passes as 1000."""
    steps = """\
    Then the market data for the market "ETH/DEC19" should be:
      | mark price | horizon | min bound | max bound | ref price |
      | 1000       | 3600    | {low}     | {high}    | {ref}     |
"""
    bound = run(tmp_path, steps.format(low=0, high=0, ref=1000))
    assert bound is not None and "instead got" in str(bound)
    low, high = _bounds(str(bound))
    _passes(tmp_path, steps.format(low=low, high=high, ref=1000))
    _fails_at(tmp_path, steps.format(low=low, high=high, ref="1000.5"), "market data", "ref price")


def _bounds(message: str) -> tuple[int, int]:
    """The actual (min, max) bound from the step's error message."""
    got = message.split("instead got (")[1].split(")")[0]
    low, high = (int(x) for x in got.split(","))
    return low, high


def test_oracle_spec_columns_are_checked(tmp_path: Path) -> None:
    steps = """\
    Given the oracle spec for settlement data filtering data from "0xCAFE" named "other":
      | property         | type      | binding         |
      | prices.ETH.value | TYPE_NUMB | settlement data |
"""
    _fails_at(tmp_path, steps, "oracle spec", "invalid oracle property type")
    steps = """\
    Given the oracle spec for settlement data filtering data from "0xCAFE" named "other":
      | property         | type         | binding         | condition      |
      | prices.ETH.value | TYPE_INTEGER | settlement data | OPERATOR_EQUALS |
"""
    _fails_at(tmp_path, steps, "oracle spec", "condition and value columns require each other")


def test_lp_event_versions_are_compared(tmp_path: Path) -> None:
    steps = """\
    Then the following LP events should be emitted:
      | party | id  | version   | commitment amount | final |
      | lp    | lp1 | {version} | 10000             | true  |
"""
    _passes(tmp_path, steps.format(version=1))
    _fails_at(tmp_path, steps.format(version=2), "LP events", "version 2")


def test_stopped_orders_are_counted(tmp_path: Path) -> None:
    """An IOC buy below the best offer trades nothing and is stopped."""
    steps = """\
    When the parties place the following orders:
      | party | market id | side | volume | price | resulting trades | type       | tif     |
      | idle  | ETH/DEC19 | buy  | 1      | 1050  | 0                | TYPE_LIMIT | TIF_IOC |
    Then the following orders should be stopped:
      | party | market id | reason               |
      | idle  | ETH/DEC19 | ORDER_ERROR_{reason} |
"""
    _passes(tmp_path, steps.format(reason="UNSPECIFIED"))
    _fails_at(tmp_path, steps.format(reason="MARGIN_CHECK_FAILED"), "orders should be stopped")


def test_the_total_event_count_is_compared(tmp_path: Path) -> None:
    steps = """\
    When clear all events
    Then a total of "{count}" events should be emitted
"""
    _passes(tmp_path, steps.format(count=0))
    _fails_at(tmp_path, steps.format(count=1), "a total of", "found 0")
