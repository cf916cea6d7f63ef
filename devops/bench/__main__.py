"""`python -m devops.bench [engine]`: print benchmark figures as `name value unit` lines."""

from __future__ import annotations

import argparse

from devops.bench import engine_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench", description=__doc__)
    parser.add_argument("suite", nargs="?", default="engine", choices=["engine"])
    parser.parse_args(argv)
    bench = engine_bench
    figures = [
        ("engine.book_submissions_per_second", bench.book_submissions_per_second(), "orders/s"),
        ("engine.market_submissions_per_second", bench.order_submissions_per_second(), "orders/s"),
        (
            "engine.market_submissions_per_second_with_event_reader",
            bench.order_submissions_per_second(listened=True),
            "orders/s",
        ),
        ("engine.blocks_per_second", bench.blocks_per_second(), "blocks/s"),
        (
            "engine.blocks_per_second_with_event_reader",
            bench.blocks_per_second(listened=True),
            "blocks/s",
        ),
    ]
    for name, value, unit in figures:
        print(f"{name} {value:.0f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
