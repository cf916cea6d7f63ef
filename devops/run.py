"""`python -m devops.run -s ETHUSD`: simulate one scenario, check it, write its report.

Exits non-zero when an invariant fails. `-n` names a network for a live run and
`-c` asks for the Vega console, where those are available.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from devops.deploy import DeployError, deploy
from devops.invariants import check_all
from devops.registry import SCENARIOS
from devops.reports import report_folder, write_report
from devops.runner import BACKENDS, BackendUnavailableError, run_scenario

DEPLOY_STEPS = 20


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devops.run", description=__doc__)
    parser.add_argument("-s", "--scenario", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("-n", "--network", default=None, help="a network for a live run")
    parser.add_argument("-m", "--market-name", default=None, help="the market's name on a network")
    parser.add_argument("-l", "--step-length", type=int, default=None, help="seconds per step")
    parser.add_argument("--steps", type=int, default=None, help="steps to simulate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", choices=BACKENDS, default="embedded")
    parser.add_argument("--run-logs", default="run_logs", help="folder for reports")
    parser.add_argument("-c", "--console", action="store_true", help="launch the Vega console")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    console = Console()
    live = args.network is not None and args.network.lower() != "local"
    with_console = args.console and (live or args.backend == "nullchain")
    if args.console and not with_console:
        console.print(
            "No console: the embedded nullchain has none (-c works with --backend nullchain "
            "or a live -n NETWORK).",
            soft_wrap=True,
        )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(f"{args.scenario} seed {args.seed}", total=None)

        def on_step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            if args.network is not None:
                record = deploy(
                    args.scenario,
                    args.network.lower(),
                    steps=args.steps or DEPLOY_STEPS,
                    seed=args.seed,
                    on_step=on_step,
                    market_name=args.market_name,
                    console=with_console,
                )
            else:
                record = run_scenario(
                    args.scenario,
                    seed=args.seed,
                    steps=args.steps,
                    step_length_seconds=args.step_length,
                    backend=args.backend,
                    on_step=on_step,
                    market_name=args.market_name,
                    console=with_console,
                )
        except (BackendUnavailableError, DeployError) as error:
            console.print(f"[red]{error}[/red]")
            return 2
    expectations = SCENARIOS[args.scenario]().expectations
    results = check_all(record, expectations)
    page = write_report(
        record,
        results,
        report_folder(Path(args.run_logs), args.scenario, args.seed, record.backend),
    )
    table = Table(title=f"{args.scenario}: invariants")
    for column in ("", "invariant", "figure", "threshold", "detail"):
        table.add_column(column)
    for r in results:
        table.add_row(
            "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]",
            r.name,
            f"{r.figure:g}",
            f"{r.threshold:g}",
            r.message,
        )
    console.print(table)
    console.print(f"report: {page}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
