"""`python -m devops.run -s ETHUSD`: simulate one scenario, check it, write its report.

Exits 1 when an invariant fails and 2 on a bad argument (before anything runs).
Ctrl-C or SIGTERM stops the run at the end of the step in progress, writes the
report of the steps done, marked as interrupted, and exits 130 or 143. `-n`
names a network for a network run and `-c` asks for the Vega console, where
those are available.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from devops.harness import options
from devops.harness.interruption import RunInterrupted, StopSignals

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from devops.harness.invariants import InvariantResult
    from devops.harness.records import RunRecord

DEPLOY_STEPS = 20
GATE_VERDICTS = ".verdicts"  # under --run-logs: the gate's verdicts, keyed by code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devops.run", description=__doc__)
    parser.add_argument(
        "-s",
        "--scenario",
        required=True,
        help="a scenario of devops/harness/registry.py, e.g. ETHUSD (any case)",
    )
    parser.add_argument(
        "-n",
        "--network",
        type=options.network_name,
        default=None,
        help=f"run on a network instead of simulating: {', '.join(options.NETWORKS)}",
    )
    parser.add_argument(
        "-m", "--market-name", type=options.market_name, default=None, help="the market's name"
    )
    parser.add_argument(
        "-l", "--step-length", type=options.positive_int, default=None, help="seconds per step"
    )
    parser.add_argument(
        "--steps",
        type=options.positive_int,
        default=None,
        help=f"steps to run (default: the scenario's own; {DEPLOY_STEPS} on a network)",
    )
    parser.add_argument(
        "--seed", type=options.seed, default=0, help=f"0 to {options.MAX_SEED} (default 0)"
    )
    parser.add_argument(
        "--backend",
        type=options.backend_name,
        default=None,
        help=f"where to simulate: {', '.join(options.BACKENDS)} (default embedded)",
    )
    parser.add_argument(
        "--run-logs",
        type=options.run_logs_folder,
        default=options.run_logs_folder("run_logs"),
        help="folder for reports (default run_logs)",
    )
    parser.add_argument("-c", "--console", action="store_true", help="launch the Vega console")
    return parser


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The parsed arguments; exits 2 with one line on any value or combination refused.

    The scenario name is checked last: knowing the names means loading the simulator,
    and every other mistake can be reported without waiting for that.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.network is not None:
        if args.backend is not None:
            parser.error(
                f"argument --backend: {args.backend!r} is for simulations; with -n the run "
                "uses the network's own chain, so drop --backend"
            )
        if args.network == options.LOCAL_NETWORK_NAME and args.market_name is not None:
            parser.error(
                "argument -m/--market-name: the local network names its market after the "
                "scenario; drop -m"
            )
    from devops.harness.registry import SCENARIOS

    try:
        args.scenario = options.one_of("scenario", sorted(SCENARIOS))(args.scenario)
    except argparse.ArgumentTypeError as error:
        parser.error(f"argument -s/--scenario: {error}")
    return args


def main(argv: list[str] | None = None) -> int:
    # signals are caught from the very start: a Ctrl-C while the simulator is still
    # importing stops as cleanly as one during the run
    with StopSignals() as stop:
        args = _arguments(argv)
        if stop.requested:
            return stop.exit_status
        return _run(args, stop)


def _simulate(args: argparse.Namespace, stop: StopSignals, console: Console) -> RunRecord | int:
    """The run's record under a progress bar, or an exit status when it could not start."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from devops.harness.deploy import DeployError, deploy
    from devops.harness.simulation import BackendUnavailableError, run_scenario

    live = args.network not in (None, options.LOCAL_NETWORK_NAME)
    backend = args.backend or "embedded"
    with_console = args.console and (live or backend == "nullchain")
    if args.console and not with_console:
        console.print(
            "No console: the embedded nullchain has none (-c works with --backend nullchain "
            "or a live -n NETWORK).",
            soft_wrap=True,
        )
    # the bar appears with the first step, so a backend or network that cannot start
    # leaves its one line alone on the screen
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    task = progress.add_task(f"{args.scenario} seed {args.seed}", total=None)

    def on_step(done: int, total: int) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total)
        stop.check(done, total)

    def end_bar() -> None:
        if progress.live.is_started:  # stopping a bar never shown would print a blank line
            progress.stop()

    stop.simulating = True
    try:
        if args.network is not None:
            refusal = _gate(args, stop, console, on_step, end_bar)
            if refusal is not None:
                return refusal
            return deploy(
                args.scenario,
                args.network,
                steps=args.steps or DEPLOY_STEPS,
                step_length_seconds=args.step_length,
                seed=args.seed,
                on_step=on_step,
                market_name=args.market_name,
                console=with_console,
            )
        return run_scenario(
            args.scenario,
            seed=args.seed,
            steps=args.steps,
            step_length_seconds=args.step_length,
            backend=backend,
            on_step=on_step,
            market_name=args.market_name,
            console=with_console,
        )
    except (BackendUnavailableError, DeployError) as error:
        end_bar()
        Console(stderr=True).print(f"[red]{error}[/red]", soft_wrap=True)
        return 2
    except RunInterrupted:  # a second signal while the service started or stopped
        end_bar()
        Console(stderr=True).print("interrupted before a step could be recorded; no report")
        return stop.exit_status
    finally:
        stop.simulating = False
        end_bar()


def _gate(
    args: argparse.Namespace,
    stop: StopSignals,
    console: Console,
    on_step: Callable[[int, int], None],
    end_bar: Callable[[], None],
) -> int | None:
    """A scenario reaches a network only if its own simulation passed: the verdict for this
    seed and code (stored under the run logs, or simulated now). None means deploy."""
    from rich.console import Console

    from devops.harness.pipeline import GateInterrupted, simulation_verdict
    from devops.harness.verdicts import VerdictStore

    console.print(f"deploy gate: {args.scenario} seed {args.seed} must pass its simulation first")
    try:
        verdict = simulation_verdict(
            args.scenario,
            seed=args.seed,
            store=VerdictStore(Path(args.run_logs) / GATE_VERDICTS),
            run_logs=args.run_logs,
            on_step=on_step,
            interrupted=lambda: stop.requested,
        )
    except GateInterrupted as error:
        end_bar()
        Console(stderr=True).print(f"{error}; nothing deployed")
        return stop.exit_status
    end_bar()
    if not verdict.passed:
        Console(stderr=True).print(f"[red]not deployed: {verdict.reason()}[/red]", soft_wrap=True)
        return 1
    console.print(f"deploy gate passed ({verdict.key.describe()}); deploying to {args.network}")
    return None


def _print_results(
    console: Console, scenario: str, record: RunRecord, results: list[InvariantResult]
) -> None:
    from rich.table import Table

    from devops.harness.reports import interruption_note, steps_judged

    note = interruption_note(record)
    title = f"{scenario}: invariants"
    if note is not None:
        title += f" ({note})"
        console.print(f"[yellow]{note}[/yellow]: the checks judge {steps_judged(record)}")
    table = Table(title=title)
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


def _run(args: argparse.Namespace, stop: StopSignals) -> int:
    from rich.console import Console

    from devops.harness.pipeline import check_and_report
    from devops.harness.registry import SCENARIOS
    from devops.harness.reports import interruption_note

    console = Console()
    outcome = _simulate(args, stop, console)
    if isinstance(outcome, int):
        return outcome
    record = outcome
    if stop.raised:  # the run ended because it was asked to; say so instead of the exception
        record = replace(record, interrupted=True)
        record = replace(record, error=interruption_note(record))
    judged = check_and_report(record, SCENARIOS[args.scenario]().expectations, args.run_logs)
    results = judged.results
    _print_results(console, args.scenario, record, results)
    if judged.report_error is not None:
        Console(stderr=True).print(f"[red]{judged.report_error}[/red]", soft_wrap=True)
    else:
        console.print(f"report: {judged.page}", soft_wrap=True)
    if stop.requested:
        if not stop.raised:
            console.print("interrupted after the last step; the report is complete")
        return stop.exit_status
    return 0 if all(r.passed for r in results) else 1
