"""`python -m devops.bench [all|engine|service|scenario|long]`: one table of figures.

Each row gives the figure, its target where it has one and whether it is met, what
exactly was measured (what is counted, over what, in what state) and what the
benchmark checked about that state after measuring. A benchmark whose check fails
shows FAILED and the command exits with status 1; a missed target is a finding, not a
failure (status 0).

- engine: the order book alone and the whole market (ExecutionEngine.submit_order)
  on a book held at a fixed depth with exactly half of the orders crossing, with and
  without an event reader; blocks per second of a market marking positions to market.
- service: vega-sim submit_order + wait_fn(1) round trips in continuous trading.
- scenario: one full ETHUSD run in a fresh process (time and peak memory), then ten
  runs of the same seed in another fresh process (the tenth against the first).
- long (not part of `all`: about eight minutes): ETHUSD for 1,000 steps, then three times
  for 10,000, each in a fresh process; peak memories and the last 1,000 steps' time over
  the first 1,000's, as medians over the long runs.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType

from devops.bench import engine_bench, long_run, scenario_bench, service_bench
from devops.bench.figures import BenchCheckError, Figure, render

Benchmark = tuple[str, Callable[[], list[Figure]]]

ENGINE: list[Benchmark] = [
    ("engine.book_submissions_per_second", lambda: [engine_bench.book_submissions()]),
    ("engine.market_submissions_per_second", lambda: [engine_bench.market_submissions()]),
    (
        "engine.market_submissions_per_second_with_event_reader",
        lambda: [engine_bench.market_submissions(listened=True)],
    ),
    ("engine.blocks_per_second", lambda: [engine_bench.blocks()]),
    (
        "engine.blocks_per_second_with_event_reader",
        lambda: [engine_bench.blocks(listened=True)],
    ),
]
SERVICE: list[Benchmark] = [
    ("service.round_trips_per_second", lambda: [service_bench.round_trips()])
]
SCENARIO: list[Benchmark] = [("scenario.ethusd (two fresh processes)", scenario_bench.figures)]
LONG: list[Benchmark] = [("long.ethusd (four fresh processes)", long_run.long_figures)]

SUITES = {
    "all": ENGINE + SERVICE + SCENARIO,
    "engine": ENGINE,
    "service": SERVICE,
    "scenario": SCENARIO,
    "long": LONG,
}


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped the benchmarks; the figures measured before it stand."""

    def __init__(self, during: str, figures: list[Figure], failures: list[str]) -> None:
        super().__init__(f"interrupted during {during}")
        self.figures, self.failures = figures, failures


def run(benchmarks: list[Benchmark]) -> tuple[list[Figure], list[str]]:
    """Every benchmark's figures, and the failures of those whose self-checks failed."""
    figures: list[Figure] = []
    failures: list[str] = []
    for name, benchmark in benchmarks:
        try:
            _run_one(name, benchmark, figures, failures)
        except KeyboardInterrupt:
            raise Interrupted(name, figures, failures) from None
    return figures, failures


def _run_one(
    name: str, benchmark: Callable[[], list[Figure]], figures: list[Figure], failures: list[str]
) -> None:
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    try:
        figures.extend(benchmark())
    except BenchCheckError as failure:
        failures.append(f"{name}: {failure}")
        figures.append(Figure(name, float("nan"), "", f"[red]FAILED its check:[/red] {failure}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench", description=__doc__)
    parser.add_argument("suite", nargs="?", default="all", choices=list(SUITES))
    suite = parser.parse_args(argv).suite
    signals: list[int] = [signal.SIGINT]

    def terminate(number: int, _frame: FrameType | None) -> None:
        signals.append(number)
        raise KeyboardInterrupt  # SIGTERM stops the benchmarks as Ctrl-C does

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        figures, failures = run(SUITES[suite])
    except Interrupted as stopped:
        if stopped.figures:
            render(stopped.figures, title=f"python -m devops.bench {suite} ({stopped})")
        for failure in stopped.failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        print(f"bench {stopped}; the table shows the figures measured before it")
        return 128 + signals[-1]
    finally:
        signal.signal(signal.SIGTERM, previous)
    render(figures, title=f"python -m devops.bench {suite}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
