"""`python -m devops.bench [all|engine|service|scenario|long]`: figures as `name value unit` lines.

`long` (not part of `all`: it takes many minutes) runs ETHUSD for 1,000 and 10,000 steps,
each in a fresh process, and prints both peak memories, their ratio, and the 10,000-step
run's last 1,000 steps' wall and CPU time over its first 1,000's (see `devops.bench.long_run`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from devops.bench import engine_bench, long_run, scenario_bench, service_bench

Figure = tuple[str, Callable[[], float], str]

ENGINE: list[Figure] = [
    ("engine.book_submissions_per_second", engine_bench.book_submissions_per_second, "orders/s"),
    (
        "engine.market_submissions_per_second",
        engine_bench.order_submissions_per_second,
        "orders/s",
    ),
    (
        "engine.market_submissions_per_second_with_event_reader",
        lambda: engine_bench.order_submissions_per_second(listened=True),
        "orders/s",
    ),
    ("engine.blocks_per_second", engine_bench.blocks_per_second, "blocks/s"),
    (
        "engine.blocks_per_second_with_event_reader",
        lambda: engine_bench.blocks_per_second(listened=True),
        "blocks/s",
    ),
]
SERVICE: list[Figure] = [
    (
        "service.submit_order_wait_fn_round_trips_per_second",
        service_bench.round_trips_per_second,
        "round_trips/s",
    ),
]


def _scenario_figures() -> list[tuple[str, float, str]]:
    seconds, megabytes = scenario_bench.one_run()
    runs = scenario_bench.ten_runs()
    return [
        ("scenario.ethusd_full_run_seconds", seconds, "s"),
        ("scenario.ethusd_full_run_peak_memory", megabytes, "MB"),
        ("scenario.ethusd_first_of_ten_seconds", runs[0], "s"),
        ("scenario.ethusd_tenth_of_ten_seconds", runs[-1], "s"),
        ("scenario.ethusd_tenth_over_first", runs[-1] / runs[0], "ratio"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench", description=__doc__)
    parser.add_argument(
        "suite",
        nargs="?",
        default="all",
        choices=["all", "engine", "service", "scenario", "long"],
    )
    suite = parser.parse_args(argv).suite
    figures = (ENGINE if suite in ("all", "engine") else []) + (
        SERVICE if suite in ("all", "service") else []
    )
    for name, measure, unit in figures:
        print(f"{name} {measure():.0f} {unit}", flush=True)
    if suite in ("all", "scenario"):
        for name, value, unit in _scenario_figures():
            print(f"{name} {value:.2f} {unit}", flush=True)
    if suite == "long":
        for name, value, unit in long_run.long_figures():
            print(f"{name} {value:.2f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
