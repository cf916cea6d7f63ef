"""`python -m devops.localnet -s ETHUSD`: a local Vega network in the foreground."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _offset(text: str) -> int:
    from devops.harness.local_ports import Ports

    try:
        return Ports(int(text)).offset
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devops.localnet",
        description="Run a scenario's market as a local Vega network (gRPC and wallet on "
        "loopback, blocks on the wall clock) until Ctrl-C or SIGTERM.",
    )
    parser.add_argument(
        "-s", "--scenario", required=True, help="a scenario of devops.harness.registry"
    )
    parser.add_argument("--seed", type=int, default=0, help="the preparation's seed (default 0)")
    parser.add_argument(
        "--port-offset",
        type=_offset,
        default=0,
        help="added to every port: data node 3007, core 3002, wallet 1789 (default 0)",
    )
    parser.add_argument(
        "--networks-dir",
        type=Path,
        default=Path("networks"),
        help="where the network config, wallet tokens and local.env go (default networks)",
    )
    parser.add_argument(
        "--block-seconds", type=_positive, default=1, help="seconds per block (default 1)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    # gRPC's own logging would add lines to the one-line errors this command promises
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    parser = _parser()
    args = parser.parse_args(argv)
    from devops.harness.local_ports import Ports, first_port_in_use
    from devops.localnet.ports import EXIT_PORT_IN_USE, port_in_use_line

    # before the heavy imports and the preparation, so that a busy port fails at once
    busy = first_port_in_use(Ports(args.port_offset))
    if busy is not None:
        print(port_in_use_line(busy), file=sys.stderr)
        return EXIT_PORT_IN_USE
    from devops.harness.registry import SCENARIOS

    if args.scenario not in SCENARIOS:
        parser.error(f"unknown scenario {args.scenario!r}; choose one of {', '.join(SCENARIOS)}")
    from devops.localnet.server import LocalNetworkOptions, serve

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    options = LocalNetworkOptions(
        scenario=args.scenario,
        seed=args.seed,
        port_offset=args.port_offset,
        networks_dir=args.networks_dir,
        block_seconds=args.block_seconds,
    )
    return serve(options, stop)


if __name__ == "__main__":
    sys.exit(main())
