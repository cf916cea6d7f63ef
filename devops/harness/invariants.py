"""The checks a scenario run must pass, each with the figure that decides it.

Every check reads only a `RunRecord`, so a saved run can be re-checked without
simulating again. Each result holds one measured figure and the threshold it is
held to (passed means figure <= threshold), the first step where it failed and
one line a user understands: what failed, at which step, the figure and the threshold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from devops.harness.records import RunRecord, StepState
from devops.harness.thresholds import ScenarioExpectations

CONTINUOUS = "TRADING_MODE_CONTINUOUS"
OPENING_AUCTION = "TRADING_MODE_OPENING_AUCTION"
MONITORING_AUCTION = "TRADING_MODE_MONITORING_AUCTION"  # price and liquidity monitoring alike
# The recorder writes this for balances a backend cannot measure exactly.
UNMEASURED = -1


@dataclass(frozen=True, slots=True)
class InvariantResult:
    """One check's verdict; `figure <= threshold` is what passing means."""

    name: str
    passed: bool
    figure: float
    threshold: float
    step: int | None  # the first step where the check failed; None when it passed
    message: str  # one line: what was measured, and on failure where and against what


Check = Callable[[RunRecord, ScenarioExpectations], InvariantResult]


def _one_line(text: str) -> str:
    """Errors may span lines; a result's message may not."""
    return " ".join(text.split())


def _result(
    name: str, figure: float, threshold: float, step: int | None, message: str
) -> InvariantResult:
    passed = figure <= threshold
    return InvariantResult(
        name, passed, float(figure), float(threshold), None if passed else step, _one_line(message)
    )


def _times(count: int) -> str:
    return "1 time" if count == 1 else f"{count} times"


def _errors(count: int) -> str:
    return "1 agent error" if count == 1 else f"{count} agent errors"


def _first_continuous(record: RunRecord) -> StepState | None:
    return next((s for s in record.states if s.trading_mode == CONTINUOUS), None)


def _close_out_steps(record: RunRecord) -> dict[str, list[int]]:
    """Party name to the steps it was closed out at, in order (once per close-out)."""
    steps: dict[str, list[int]] = {}
    for state in record.states:
        for party in state.close_outs:
            steps.setdefault(party, []).append(state.step)
    return steps


def run_completed(record: RunRecord, _: ScenarioExpectations) -> InvariantResult:
    """Every requested step ran without error; figure is the steps missing (1 for an error)."""
    done, wanted = len(record.states), record.steps_requested
    if record.error is not None:
        return _result(
            "run_completed",
            max(wanted - done, 1),
            0,
            done,
            f"the run failed after {done} of {wanted} steps: {record.error}",
        )
    if done != wanted:
        return _result(
            "run_completed",
            abs(wanted - done),
            0,
            min(done, wanted),
            f"{done} steps recorded but {wanted} requested",
        )
    return _result("run_completed", 0, 0, None, f"all {wanted} steps ran")


def no_agent_errors(record: RunRecord, _: ScenarioExpectations) -> InvariantResult:
    """No agent raised; figure is the number of agent errors over the run."""
    failing = [(s.step, s.agent_errors) for s in record.states if s.agent_errors]
    if record.unrecorded_agent_errors:  # raised in the step the run stopped at
        failing.append((len(record.states), record.unrecorded_agent_errors))
    count = sum(len(errors) for _, errors in failing)
    if not failing:
        return _result("no_agent_errors", 0, 0, None, "no agent raised")
    step, errors = failing[0]
    return _result(
        "no_agent_errors",
        count,
        0,
        step,
        f"step {step}: {errors[0]} ({_errors(count)} in the run, allowed 0)",
    )


def _money_terms(record: RunRecord) -> tuple[str, str]:
    """What was compared: every account against deposits (embedded), or each agent's own
    accounts against its ledger movements (any other backend, as a client sees it)."""
    if record.backend == "embedded":
        return "accounts", "net deposits are"
    return "the agents' own accounts", "their opening balances plus their ledger movements are"


def money_conserved(record: RunRecord, _: ScenarioExpectations) -> InvariantResult:
    """Accounts sum to net deposits at every step; figure is the largest absolute gap."""
    measured = [
        s
        for s in record.states
        if not (s.total_balance == UNMEASURED and s.net_deposits == UNMEASURED)
    ]
    if not measured:
        # a check that cannot see money must not pass as if it had
        return _result(
            "money_conserved",
            1,
            0,
            0,
            f"no step of the {record.backend} run measured balances, so conservation is unshown",
        )
    gaps = [(abs(s.total_balance - s.net_deposits), s) for s in measured]
    worst = max(gap for gap, _ in gaps)
    first = next((s for gap, s in gaps if gap), None)
    if first is None:
        held, expected = _money_terms(record)
        return _result(
            "money_conserved",
            0,
            0,
            None,
            f"{held} equal {expected.removesuffix(' are')} at every step",
        )
    return _result(
        "money_conserved",
        worst,
        0,
        first.step,
        f"step {first.step}: {_money_terms(record)[0]} sum to {first.total_balance} but "
        f"{_money_terms(record)[1]} {first.net_deposits} (difference "
        f"{first.total_balance - first.net_deposits}, largest {worst}, allowed 0)",
    )


def left_opening_auction(record: RunRecord, _: ScenarioExpectations) -> InvariantResult:
    """Continuous trading began; figure is the steps before it, held to the steps recorded - 1."""
    first = _first_continuous(record)
    last = len(record.states) - 1
    if first is None:
        modes = sorted({s.trading_mode for s in record.states}) or ["no steps recorded"]
        return _result(
            "left_opening_auction",
            len(record.states),
            last,
            last if last >= 0 else 0,
            f"the market never reached continuous trading in {len(record.states)} steps "
            f"(modes seen: {', '.join(modes)})",
        )
    return _result(
        "left_opening_auction", first.step, last, None, f"continuous trading from step {first.step}"
    )


def monitoring_auction_fraction(record: RunRecord, expect: ScenarioExpectations) -> InvariantResult:
    """Share of the steps after the first continuous one spent in monitoring auctions."""
    name, limit = "monitoring_auction_fraction", expect.max_monitoring_auction_fraction
    first = _first_continuous(record)
    if first is None:
        return _result(name, 0, limit, None, "no continuous trading to measure")
    after = [s for s in record.states if s.step > first.step]
    auctions = [s.step for s in after if s.trading_mode == MONITORING_AUCTION]
    fraction = len(auctions) / len(after) if after else 0.0
    summary = (
        f"{len(auctions)} of the {len(after)} steps after step {first.step} in monitoring "
        f"auctions ({fraction:.1%})"
    )
    if fraction <= limit:
        return _result(name, fraction, limit, None, summary)
    # The step at which the count of auction steps passed the limit for the whole run.
    allowed = int(limit * len(after))
    crossed = auctions[min(allowed, len(auctions) - 1)]
    return _result(
        name,
        fraction,
        limit,
        crossed,
        f"{summary}, above {limit:.1%}; first auction at step {auctions[0]}, "
        f"limit passed at step {crossed}",
    )


CLOSEOUT_WINDOW_STEPS = 100


def _busiest_window(steps: list[int], width: int) -> tuple[int, int]:
    """(most close-outs in any `width` consecutive steps, the step that reached that count)."""
    best, reached, first = 0, steps[0] if steps else 0, 0
    for last, step in enumerate(steps):
        while step - steps[first] >= width:
            first += 1
        if last - first + 1 > best:
            best, reached = last - first + 1, step
    return best, reached


def party_closeouts(record: RunRecord, expect: ScenarioExpectations) -> InvariantResult:
    """The most close-outs of one non-maker party in any window of 100 consecutive steps."""
    name, limit = "party_closeouts", expect.max_closeouts_per_party_per_100_steps
    width = CLOSEOUT_WINDOW_STEPS
    # (count in its busiest window, step that count was reached, party), worst first
    parties = sorted(
        (-count, reached, party)
        for party, at in _close_out_steps(record).items()
        if party != record.maker_name
        for count, reached in [_busiest_window(at, width)]
    )
    if not parties:
        return _result(name, 0, limit, None, "no party other than the maker was closed out")
    negative, reached, worst = parties[0]
    count = -negative
    total = len(_close_out_steps(record)[worst])
    summary = (
        f"{worst} closed out {_times(count)} within {width} steps "
        f"({_times(total)} in the run, the worst party)"
    )
    if count <= limit:
        return _result(name, count, limit, None, summary)
    return _result(
        name,
        count,
        limit,
        reached,
        f"step {reached}: {summary}, above {limit:g} in any {width} steps",
    )


def maker_closeouts(record: RunRecord, expect: ScenarioExpectations) -> InvariantResult:
    """Close-outs of the market maker over the whole run."""
    name, limit = "maker_closeouts", expect.max_maker_closeouts
    at = _close_out_steps(record).get(record.maker_name, [])
    summary = f"the market maker ({record.maker_name}) was closed out {_times(len(at))}"
    if len(at) <= limit:
        return _result(name, len(at), limit, None, summary)
    crossed = at[max(limit, 0)]
    return _result(
        name,
        len(at),
        limit,
        crossed,
        f"{summary}, allowed {limit}; first at step {at[0]}, limit passed at step {crossed}",
    )


def _boundary_use(position: float, lower: float, upper: float) -> float:
    """Position as a multiple of the boundary on its side: 1.0 is on the boundary."""
    bound = upper if position > 0 else lower
    if position == 0:
        return 0.0
    return position / bound if bound else float("inf")


def maker_within_boundaries(record: RunRecord, expect: ScenarioExpectations) -> InvariantResult:
    """The maker's largest position as a multiple of its boundaries, held to the tolerance."""
    name, tolerance = "maker_within_boundaries", expect.maker_boundary_tolerance
    lower, upper = record.maker_lower_boundary, record.maker_upper_boundary
    band = (
        f"[{lower * tolerance:g}, {upper * tolerance:g}] ({tolerance:g} x [{lower:g}, {upper:g}])"
    )
    uses = [(_boundary_use(s.maker_position, lower, upper), s) for s in record.states]
    worst = max((use for use, _ in uses), default=0.0)
    first = next((s for use, s in uses if use > tolerance), None)
    if first is None:
        return _result(
            name,
            worst,
            tolerance,
            None,
            f"market maker within {band} at every step" f" (at most {worst:.2f} x its boundaries)",
        )
    use = _boundary_use(first.maker_position, lower, upper)
    return _result(
        name,
        worst,
        tolerance,
        first.step,
        f"step {first.step}: market maker position {first.maker_position:g} is {use:.2f} x its "
        f"boundary, outside {band}; at most {worst:.2f} x over the run",
    )


def _excursions(record: RunRecord) -> list[tuple[int, int]]:
    """(first step outside, steps outside) for each stay outside the maker's boundaries."""
    lower, upper = record.maker_lower_boundary, record.maker_upper_boundary
    runs: list[tuple[int, int]] = []
    for state in record.states:
        if lower <= state.maker_position <= upper:
            continue
        if runs and runs[-1][0] + runs[-1][1] == state.step:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((state.step, 1))
    return runs


def maker_returns_inside(record: RunRecord, expect: ScenarioExpectations) -> InvariantResult:
    """The longest stay outside the boundaries, in steps, held to the return limit.

    A stay of n steps means the maker was back inside n steps after leaving; a run
    that ends outside fails only once it has been outside longer than the limit.
    """
    name, limit = "maker_returns_inside", expect.maker_return_within_steps
    runs = _excursions(record)
    longest = max((length for _, length in runs), default=0)
    if longest <= limit:
        return _result(
            name,
            longest,
            limit,
            None,
            f"market maker outside its boundaries at most {longest} steps in a row",
        )
    start, length = next(r for r in runs if r[1] > limit)
    crossed = start + limit
    return _result(
        name,
        longest,
        limit,
        crossed,
        f"step {crossed}: market maker still outside [{record.maker_lower_boundary:g}, "
        f"{record.maker_upper_boundary:g}] since step {start} ({length} steps outside in all), "
        f"allowed {limit}; longest stay {longest} steps",
    )


CHECKS: tuple[Check, ...] = (
    run_completed,
    no_agent_errors,
    money_conserved,
    left_opening_auction,
    monitoring_auction_fraction,
    party_closeouts,
    maker_closeouts,
    maker_within_boundaries,
    maker_returns_inside,
)


def check_all(record: RunRecord, expectations: ScenarioExpectations) -> list[InvariantResult]:
    """Every check, always in the order of `CHECKS`."""
    return [check(record, expectations) for check in CHECKS]


def results_to_json(results: list[InvariantResult]) -> str:
    """Results as stable JSON text: same results, same bytes."""
    return json.dumps([asdict(r) for r in results], sort_keys=True, indent=2) + "\n"


def results_from_json(text: str) -> list[InvariantResult]:
    """The inverse of `results_to_json`."""
    return [InvariantResult(**item) for item in json.loads(text)]
