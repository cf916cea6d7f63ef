"""`python -m devops.bench [all|engine|service]`: benchmark figures as `name value unit` lines."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from devops.bench import engine_bench, service_bench

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench", description=__doc__)
    parser.add_argument("suite", nargs="?", default="all", choices=["all", "engine", "service"])
    suite = parser.parse_args(argv).suite
    figures = (ENGINE if suite in ("all", "engine") else []) + (
        SERVICE if suite in ("all", "service") else []
    )
    for name, measure, unit in figures:
        print(f"{name} {measure():.0f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
