"""`python -m devops.sweep -s ETHUSD --seeds 0:100 --vary PATH=V1,V2`: a grid of runs, judged.

Every grid point (one value of each `--vary`) runs once per seed on a Dask cluster:
a private one on 127.0.0.1 with one worker per core (or `--workers N`), or the one
at `--scheduler tcp://HOST:PORT`. It ends with a table per grid point (each
invariant's pass rate, its Wilson lower bound and its worst figure) and writes
runs.csv, summary.csv, sweep.png and sweep.html. Exits 2 on a bad argument, before
anything runs; 1 when the cluster fails or the timeout passes; 130 on Ctrl-C; 0 once
the sweep is done, whatever it found.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from devops.harness import options
from devops.harness.seeds import parse_seeds
from devops.harness.stats import DEFAULT_CONFIDENCE
from devops.sweep.grid import Axis, parse_axis

if TYPE_CHECKING:
    from rich.console import Console

    from devops.sweep.summary import PointSummary
    from devops.sweep.task import ResultRow, SweepTask

PROG = "python -m devops.sweep"


def _checked(kind: str, parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a parser raising ValueError with one line."""

    def check(text: str) -> object:
        try:
            return parse(text)
        except ValueError as refusal:
            raise argparse.ArgumentTypeError(str(refusal)) from None

    check.__name__ = kind
    return check


def _scheduler(text: str) -> str:
    address = str(text).strip()
    host, sep, port = address.removeprefix("tcp://").rpartition(":")
    digits = port.isascii() and port.isdigit()
    if not address.startswith("tcp://") or not sep or not host or not digits:
        raise ValueError(f"wants tcp://HOST:PORT, got {text!r}")
    return address


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise ValueError(f"must be between 0 and 1, got {text!r}")
    return value


def _parser(scenarios: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-s",
        "--scenario",
        required=True,
        type=options.one_of("scenario", scenarios),
        help=f"the registry scenario: {', '.join(scenarios)}",
    )
    parser.add_argument(
        "--seeds",
        type=_checked("seeds", parse_seeds),
        default=parse_seeds("10"),
        help="N for seeds 0..N-1, or A:B for seeds A..B-1 (default 10)",
    )
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="FIELD.ATTRIBUTE=V1,V2,...",
        help="values of one scenario argument, e.g. market_maker_args.inventory_upper_boundary="
        "10,20,30; tuple entries separated by '/'; repeat for a grid",
    )
    parser.add_argument(
        "--steps", type=options.positive_int, default=None, help="steps per run (default: own)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=options.positive_int,
        default=None,
        help="local worker processes (default: one per core)",
    )
    where.add_argument(
        "--scheduler",
        type=_checked("scheduler", _scheduler),
        default=None,
        help="run on the Dask cluster whose scheduler is at tcp://HOST:PORT",
    )
    parser.add_argument(
        "--timeout",
        type=options.positive_int,
        default=None,
        help="seconds the whole sweep may take before it is abandoned (default: no limit)",
    )
    parser.add_argument(
        "--confidence",
        type=_checked("confidence", _confidence),
        default=DEFAULT_CONFIDENCE,
        help=f"confidence of the pass rates' Wilson lower bounds (default {DEFAULT_CONFIDENCE})",
    )
    parser.add_argument(
        "--out",
        type=options.run_logs_folder,
        default=None,
        help="folder for runs.csv, summary.csv, sweep.png and sweep.html "
        "(default run_logs/sweeps/<scenario>-<digest>)",
    )
    return parser


def parse_arguments(argv: Sequence[str] | None) -> tuple[argparse.Namespace, tuple[Axis, ...]]:
    """The arguments and the grid's axes; exits 2 with one line for anything refused."""
    from devops.harness.registry import SCENARIOS
    from devops.sweep.grid import grid, overridden, scenario_arguments

    parser = _parser(sorted(SCENARIOS))
    args = parser.parse_args(argv)
    arguments = scenario_arguments(SCENARIOS[args.scenario]())
    axes: list[Axis] = []
    for text in args.vary:
        try:
            axis = parse_axis(text, arguments)
        except ValueError as refusal:
            parser.error(f"argument --vary: {refusal}")
        if any(axis.path == seen.path for seen in axes):
            parser.error(f"argument --vary: {axis.path} is varied twice; list its values once")
        axes.append(axis)
    # the dataclasses judge every combination now, so no worker meets a refusal later
    for point in grid(tuple(axes)):
        try:
            overridden(arguments, point)
        except ValueError as refusal:
            parser.error(f"argument --vary: {refusal}")
    return args, tuple(axes)


def tasks_for(
    scenario: str, axes: tuple[Axis, ...], seeds: Sequence[int], steps: int | None
) -> list[SweepTask]:
    """Every grid point times every seed, point-major, seeds ascending."""
    from devops.sweep.grid import grid
    from devops.sweep.task import SweepTask

    return [SweepTask(scenario, point, seed, steps) for point in grid(axes) for seed in seeds]


def _run(console: Console, args: argparse.Namespace, tasks: list[SweepTask]) -> list[ResultRow]:
    """Every row, under a progress bar counting runs done."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from devops.sweep.cluster import dask_client, default_workers, run_tasks

    where = args.scheduler or f"{args.workers or default_workers()} local workers"
    with (
        dask_client(args.workers, args.scheduler) as client,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress,
    ):
        bar = progress.add_task(f"{args.scenario} sweep on {where}", total=len(tasks), failed=0)
        failed = 0

        def on_row(row: ResultRow) -> None:
            nonlocal failed
            failed += not row.passed
            progress.update(bar, advance=1, failed=failed)

        return run_tasks(client, tasks, on_row, timeout=args.timeout)


def print_summary(console: Console, summaries: Sequence[PointSummary], confidence: float) -> None:
    """One table per grid point."""
    from rich import box
    from rich.table import Table

    from devops.sweep.grid import label

    for summary in summaries:
        table = Table(
            title=f"{label(summary.point)}: {summary.runs_passed} of {summary.runs} runs passed all",
            caption=f"low: the pass rate's Wilson lower bound at {confidence:.0%} confidence",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("invariant", no_wrap=True)
        for column in ("passed", "rate", "low", "worst", "threshold"):
            table.add_column(column, justify="right")
        for item in summary.invariants:
            colour = "green" if item.passes == item.trials else "red"
            table.add_row(
                item.invariant,
                f"[{colour}]{item.passes}/{item.trials}[/{colour}]",
                f"{item.pass_rate:.0%}",
                f"{item.lower_bound:.3f}",
                f"{item.worst_figure:g}",
                f"{item.threshold:g}",
            )
        console.print(table)


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    """Run the sweep; `console` is where the progress and tables go (default stdout)."""
    from rich.console import Console

    from devops.sweep.cluster import ClusterError
    from devops.sweep.outputs import (
        default_folder,
        plot,
        write_runs_csv,
        write_summary_csv,
    )
    from devops.sweep.page import write_page
    from devops.sweep.summary import summarise

    args, axes = parse_arguments(argv)
    folder: Path = args.out or default_folder(
        Path("run_logs"), args.scenario, args.seeds, args.steps, axes
    )
    console = console or Console()
    tasks = tasks_for(args.scenario, axes, args.seeds, args.steps)
    try:
        rows = _run(console, args, tasks)
    except ClusterError as failure:
        Console(stderr=True).print(f"[red]{failure}[/red]", soft_wrap=True)
        return 1
    except KeyboardInterrupt:  # the cluster has been closed on the way out
        Console(stderr=True).print("sweep interrupted; nothing written")
        return 130
    summaries = summarise(rows, args.confidence)
    print_summary(console, summaries, args.confidence)
    folder.mkdir(parents=True, exist_ok=True)
    write_runs_csv(rows, axes, folder / "runs.csv")
    write_summary_csv(summaries, args.confidence, folder / "summary.csv")
    seeds = f"seeds {args.seeds[0]}..{args.seeds[-1]}"
    length = f"{args.steps} steps" if args.steps else "own length"
    title = f"{args.scenario}: {seeds}, {length}"
    plot(summaries, axes, title, folder / "sweep.png")
    write_page(summaries, axes, title, folder / "sweep.html")
    console.print(f"sweep: {folder}/runs.csv, summary.csv, sweep.png, sweep.html", soft_wrap=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
