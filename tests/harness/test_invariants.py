"""The run invariants: each check passes on a sound run and fails with the right step and figure."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from devops.harness.invariants import (
    CHECKS,
    CONTINUOUS,
    MONITORING_AUCTION,
    OPENING_AUCTION,
    InvariantResult,
    check_all,
    left_opening_auction,
    maker_closeouts,
    maker_returns_inside,
    maker_within_boundaries,
    money_conserved,
    monitoring_auction_fraction,
    no_agent_errors,
    party_closeouts,
    results_from_json,
    results_to_json,
    run_completed,
)
from devops.harness.records import PartyState, RunRecord, StepState
from devops.harness.thresholds import ScenarioExpectations

MAKER = "market_maker"
EXPECT = ScenarioExpectations()


def build(
    steps: int = 100,
    *,
    opening: int = 1,
    modes: dict[int, str] | None = None,
    maker: dict[int, float] | None = None,
    close_outs: dict[int, tuple[str, ...]] | None = None,
    agent_errors: dict[int, tuple[str, ...]] | None = None,
    gaps: dict[int, int] | None = None,
    unmeasured: bool = False,
    requested: int | None = None,
    error: str | None = None,
) -> RunRecord:
    """A run of `steps` steps: `opening` steps of opening auction, then continuous trading.

    The keyword dicts map a step to what differs there: its trading mode, the maker's
    position, who was closed out, agent errors, or a gap between balances and deposits.
    """
    modes, maker, close_outs = modes or {}, maker or {}, close_outs or {}
    agent_errors, gaps = agent_errors or {}, gaps or {}
    states = []
    for step in range(steps):
        position = maker.get(step, 0.0)
        balance = -1 if unmeasured else 1_000_000 + gaps.get(step, 0)
        states.append(
            StepState(
                step=step,
                vega_time=1_700_000_000_000_000_000 + step * 60_000_000_000,
                trading_mode=modes.get(step, OPENING_AUCTION if step < opening else CONTINUOUS),
                mark_price=100.0 + step * 0.1,
                external_price=100.0 + step * 0.1,
                best_bid=99.9,
                best_ask=100.1,
                maker_position=position,
                parties=(PartyState(MAKER, position, 50.0, 1000.0),),
                close_outs=close_outs.get(step, ()),
                total_balance=balance,
                net_deposits=-1 if unmeasured else 1_000_000,
                agent_errors=agent_errors.get(step, ()),
            )
        )
    return RunRecord(
        scenario="TEST",
        seed=0,
        steps_requested=steps if requested is None else requested,
        step_length_seconds=60,
        backend="embedded",
        maker_name=MAKER,
        maker_lower_boundary=-10.0,
        maker_upper_boundary=10.0,
        states=tuple(states),
        error=error,
    )


def outside(first: int, last: int, position: float = 10.5) -> dict[int, float]:
    """The maker at `position` from step `first` to `last`, both included."""
    return dict.fromkeys(range(first, last + 1), position)


def assert_failed(result: InvariantResult, step: int, figure: float, threshold: float) -> None:
    assert not result.passed, result
    assert (result.step, result.figure, result.threshold) == (step, figure, threshold), result
    assert "\n" not in result.message


def assert_passed(result: InvariantResult) -> None:
    assert result.passed, result
    assert result.step is None
    assert result.figure <= result.threshold


def test_a_sound_run_passes_every_check_in_a_fixed_order() -> None:
    results = check_all(build(), EXPECT)
    assert [r.name for r in results] == [
        "run_completed",
        "no_agent_errors",
        "money_conserved",
        "left_opening_auction",
        "monitoring_auction_fraction",
        "party_closeouts",
        "maker_closeouts",
        "maker_within_boundaries",
        "maker_returns_inside",
    ]
    assert [r.name for r in results] == [check.__name__ for check in CHECKS]
    for result in results:
        assert_passed(result)


def test_run_completed_fails_on_an_error_and_quotes_it() -> None:
    record = build(12, requested=100, error="step 12: ValueError: no market\n  details")
    result = run_completed(record, EXPECT)
    assert_failed(result, step=12, figure=88, threshold=0)
    assert result.message == (
        "the run failed after 12 of 100 steps: step 12: ValueError: no market details"
    )


def test_run_completed_fails_on_missing_steps_without_an_error() -> None:
    result = run_completed(build(40, requested=50), EXPECT)
    assert_failed(result, step=40, figure=10, threshold=0)
    assert result.message == "40 steps recorded but 50 requested"


def test_run_completed_fails_on_an_error_after_the_last_step() -> None:
    assert_failed(run_completed(build(10, error="boom"), EXPECT), step=10, figure=1, threshold=0)


def test_no_agent_errors_quotes_the_first_error() -> None:
    errors = {7: ("trader_1: ValueError: bad\nvolume",), 9: ("trader_2: KeyError", "lp: x")}
    result = no_agent_errors(build(agent_errors=errors), EXPECT)
    assert_failed(result, step=7, figure=3, threshold=0)
    assert result.message.startswith("step 7: trader_1: ValueError: bad volume")


def test_money_conserved_fails_at_the_first_gap_with_the_largest_difference() -> None:
    result = money_conserved(build(gaps={12: 5, 30: -40}), EXPECT)
    assert_failed(result, step=12, figure=40, threshold=0)
    assert "step 12" in result.message and "1000005" in result.message
    assert "difference 5" in result.message


def test_money_conserved_fails_when_no_balance_was_measured() -> None:
    result = money_conserved(build(unmeasured=True), EXPECT)
    assert_failed(result, step=0, figure=1, threshold=0)
    assert "conservation is unshown" in result.message


def test_left_opening_auction_reports_when_continuous_trading_began() -> None:
    result = left_opening_auction(build(opening=15), EXPECT)
    assert_passed(result)
    assert result.figure == 15
    assert result.message == "continuous trading from step 15"


def test_left_opening_auction_fails_when_the_market_stays_in_auction() -> None:
    result = left_opening_auction(build(20, opening=20), EXPECT)
    assert_failed(result, step=19, figure=20, threshold=19)
    assert "never reached continuous trading in 20 steps" in result.message
    assert OPENING_AUCTION in result.message


def _auctions(first: int, count: int) -> dict[int, str]:
    return dict.fromkeys(range(first, first + count), MONITORING_AUCTION)


def test_monitoring_auction_fraction_at_the_limit_passes() -> None:
    # continuous from step 10; the 100 steps after it hold 5 auction steps: 5%
    result = monitoring_auction_fraction(build(111, opening=10, modes=_auctions(20, 5)), EXPECT)
    assert_passed(result)
    assert result.figure == pytest.approx(0.05)


def test_monitoring_auction_fraction_above_the_limit_fails_where_it_passed_it() -> None:
    record = build(111, opening=10, modes=_auctions(20, 6))
    result = monitoring_auction_fraction(record, EXPECT)
    assert_failed(result, step=25, figure=0.06, threshold=0.05)
    assert result.message == (
        "6 of the 100 steps after step 10 in monitoring auctions (6.0%), above 5.0%; "
        "first auction at step 20, limit passed at step 25"
    )


def test_monitoring_auction_fraction_ignores_the_opening_auction() -> None:
    result = monitoring_auction_fraction(build(111, opening=60), EXPECT)
    assert_passed(result)
    assert result.figure == 0


def test_monitoring_auction_fraction_without_continuous_trading_is_left_to_its_own_check() -> None:
    result = monitoring_auction_fraction(build(20, opening=20), EXPECT)
    assert_passed(result)
    assert result.message == "no continuous trading to measure"


def test_party_closeouts_names_the_worst_party_and_its_busiest_window() -> None:
    closed = {10: ("trader_a",), 50: ("trader_a", "trader_b"), 120: ("trader_a",)}
    result = party_closeouts(build(200, close_outs=closed), EXPECT)
    # steps 10 and 50 lie within 100 steps: trader_a's second close-out there breaks the limit
    assert_failed(result, step=50, figure=2, threshold=1.0)
    assert result.message.startswith("step 50: trader_a closed out 2 times within 100 steps")
    assert "3 times in the run" in result.message


def test_party_closeouts_a_burst_fails_however_long_the_run() -> None:
    # three close-outs in ten steps used to pass a 360-step run as 0.83 per 100 steps
    closed = {100: ("trader_a",), 105: ("trader_a",), 110: ("trader_a",)}
    result = party_closeouts(build(360, close_outs=closed), EXPECT)
    assert_failed(result, step=110, figure=3, threshold=1.0)


def test_party_closeouts_spread_out_pass_and_the_maker_is_not_counted() -> None:
    closed = {10: ("trader_a", MAKER), 150: ("trader_a", MAKER), 160: (MAKER,)}
    result = party_closeouts(build(200, close_outs=closed), EXPECT)
    assert_passed(result)
    assert result.figure == 1.0
    assert "trader_a" in result.message


def test_party_closeouts_window_is_a_hundred_steps_wide() -> None:
    # steps 10 and 110 are 100 steps apart: not within one window of 100 steps
    closed = {10: ("trader_a",), 110: ("trader_a",)}
    assert_passed(party_closeouts(build(200, close_outs=closed), EXPECT))
    closed = {10: ("trader_a",), 109: ("trader_a",)}
    assert_failed(
        party_closeouts(build(200, close_outs=closed), EXPECT), step=109, figure=2, threshold=1.0
    )


def test_party_closeouts_tie_goes_to_the_party_over_the_limit_first() -> None:
    closed = {5: ("trader_b",), 6: ("trader_a",), 7: ("trader_a",), 8: ("trader_b",)}
    result = party_closeouts(build(100, close_outs=closed), EXPECT)
    assert_failed(result, step=7, figure=2.0, threshold=1.0)
    assert result.message.startswith("step 7: trader_a ")


def test_maker_closeouts_fail_at_the_first_one() -> None:
    result = maker_closeouts(build(close_outs={30: (MAKER,), 40: (MAKER,)}), EXPECT)
    assert_failed(result, step=30, figure=2, threshold=0)
    assert MAKER in result.message and "first at step 30" in result.message


def test_maker_closeouts_within_an_overridden_limit_pass() -> None:
    expect = EXPECT.overridden({"max_maker_closeouts": "1"})
    result = maker_closeouts(build(close_outs={30: (MAKER,), 40: ("trader_a",)}), expect)
    assert_passed(result)
    assert result.figure == 1


def test_maker_within_boundaries_allows_the_tolerance() -> None:
    # 11 is exactly 1.1 times the upper boundary of 10
    result = maker_within_boundaries(build(maker={5: 11.0, 6: -10.0}), EXPECT)
    assert_passed(result)
    assert result.figure == pytest.approx(1.1)
    assert result.threshold == 1.1


def test_maker_within_boundaries_fails_at_the_first_step_beyond_it() -> None:
    result = maker_within_boundaries(build(maker={40: -12.0, 41: 15.0}), EXPECT)
    # the figure is the worst position as a multiple of its boundary: 15 / 10
    assert_failed(result, step=40, figure=1.5, threshold=1.1)
    assert result.message.startswith("step 40: market maker position -12 is 1.20 x its boundary")
    assert "[-11, 11]" in result.message


@pytest.mark.parametrize("steps_outside", [1, 30, 60])
def test_maker_returns_inside_within_the_limit_passes(steps_outside: int) -> None:
    record = build(200, maker=outside(10, 10 + steps_outside - 1))
    result = maker_returns_inside(record, EXPECT)
    assert_passed(result)
    assert result.figure == steps_outside


def test_maker_returns_inside_fails_at_the_step_the_limit_ran_out() -> None:
    record = build(200, maker=outside(10, 70) | outside(100, 189, -10.5))
    result = maker_returns_inside(record, EXPECT)
    # steps 10 to 70 are 61 steps outside; the first stay broke the limit at step 70
    assert_failed(result, step=70, figure=90, threshold=60)
    assert result.message.startswith("step 70: market maker still outside [-10, 10] since step 10")


def test_maker_returns_inside_counts_a_run_ending_outside_only_past_the_limit() -> None:
    assert_passed(maker_returns_inside(build(100, maker=outside(40, 99)), EXPECT))
    result = maker_returns_inside(build(100, maker=outside(39, 99)), EXPECT)
    assert_failed(result, step=99, figure=61, threshold=60)


def test_checks_respect_overridden_expectations() -> None:
    record = build(200, maker=outside(10, 70))
    expect = replace(EXPECT, maker_return_within_steps=61)
    assert_passed(maker_returns_inside(record, expect))


def test_results_json_is_stable_sorted_and_reversible() -> None:
    results = check_all(build(close_outs={30: (MAKER,)}), EXPECT)
    text = results_to_json(results)
    assert text == results_to_json(check_all(build(close_outs={30: (MAKER,)}), EXPECT))
    items = json.loads(text)
    assert [list(item) for item in items] == [sorted(item) for item in items]
    assert [item["name"] for item in items] == [r.name for r in results]
    assert results_from_json(text) == results
