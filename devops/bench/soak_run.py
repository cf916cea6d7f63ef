"""The soak's long run: ETHUSD for 10,000 steps, judged on what must hold at any length.

`python -m devops.bench.soak_run --steps N [--seed K] [--run-logs DIR]` simulates ETHUSD,
judges every invariant and writes the run's report, as `python -m devops.run` does. What
it gates on is what a run of any length must keep: every step ran, no agent raised,
money was conserved at every step and the market left its opening auction. A failure of
any of these at step 9,000 is a defect of the engine or the harness.

The other invariants judge the market's behaviour under the scenario's tuning (the
maker's inventory, auctions, close-outs). ETHUSD is tuned for its registry length, and
those verdicts at 10,000 steps are findings about that tuning, not about the code under
soak: they are printed, one `finding:` line each, and kept in the report, but do not
fail the soak. The registry's own gate still judges them at the scenario's length.

It prints the run's peak memory and the time of its first and last 1,000 steps, for the
record; `make bench-long` is where those are measured against targets.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Sequence

from devops.harness import options
from devops.harness.invariants import InvariantResult

SCENARIO = "ETHUSD"
# what must hold at any length, whatever the scenario's tuning
ENDURANCE = ("run_completed", "no_agent_errors", "money_conserved", "left_opening_auction")
FINDING = "finding:"  # how a verdict that does not gate begins its line
PROGRESS_EVERY = 1_000
WINDOW = 1_000


class MissingInvariantError(RuntimeError):
    """An invariant the soak gates on is no longer among those judged."""


def split(
    results: Sequence[InvariantResult],
) -> tuple[list[InvariantResult], list[InvariantResult]]:
    """The results the soak gates on, and the rest (findings about the tuning)."""
    judged = {r.name for r in results}
    missing = [name for name in ENDURANCE if name not in judged]
    if missing:
        raise MissingInvariantError(f"the soak gates on invariants no run judges: {missing}")
    gated = [r for r in results if r.name in ENDURANCE]
    findings = [r for r in results if r.name not in ENDURANCE]
    return gated, findings


def verdict_lines(results: Sequence[InvariantResult]) -> tuple[bool, list[str]]:
    """Whether the soak passes on these results, and one line per result saying why."""
    gated, findings = split(results)
    lines = [f"{'PASS' if r.passed else 'FAIL'} {r.name}: {r.message}" for r in gated]
    lines += [
        f"{FINDING} {'holds' if r.passed else 'does not hold'} {r.name}: {r.message}"
        for r in findings
    ]
    return all(r.passed for r in gated), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench.soak_run", description=__doc__)
    parser.add_argument(
        "--steps", type=options.positive_int, default=10_000, help="steps (default 10,000)"
    )
    parser.add_argument("--seed", type=options.seed, default=0, help="the run's seed (default 0)")
    parser.add_argument(
        "--run-logs", type=options.folder, default="run_logs", help="folder for the report"
    )
    args = parser.parse_args(argv)

    from devops.harness.pipeline import check_and_report
    from devops.harness.registry import SCENARIOS
    from devops.harness.simulation import run_scenario

    ends: list[float] = []
    start = time.perf_counter()

    def on_step(done: int, total: int) -> None:
        ends.append(time.perf_counter())
        if done % PROGRESS_EVERY == 0:
            print(f"step {done:,} of {total:,}, {ends[-1] - start:.0f} s", flush=True)

    try:
        record = run_scenario(SCENARIO, seed=args.seed, steps=args.steps, on_step=on_step)
    except KeyboardInterrupt:
        print(f"interrupted after {len(ends):,} steps; no verdict")
        return 130
    outcome = check_and_report(record, SCENARIOS[SCENARIO]().expectations, args.run_logs)
    passed, lines = verdict_lines(outcome.results)
    print("\n".join(lines))
    if len(ends) > 1:
        window = min(WINDOW, len(ends) - 1)
        print(
            f"time of the first and last {window:,} steps: {ends[window] - ends[0]:.1f} s and "
            f"{ends[-1] - ends[-1 - window]:.1f} s; peak memory "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    print(f"report: {outcome.page}" if outcome.page else f"no report: {outcome.report_error}")
    return 0 if passed and outcome.page is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
