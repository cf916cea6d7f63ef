"""`make soak`: the long searches and the long run that are too slow for `make test`.

Each check runs in its own process under hypothesis's `soak` profile (see
`tests/properties/conftest.py`), with `DEVOPS_SOAK_EXAMPLES` setting its example count:

    engine state machine         10,000 examples
    scenario parameter space      1,000 examples
    service fuzzer                5,000 examples
    command-line fuzzer           5,000 examples
    ETHUSD run                   10,000 steps (`devops.bench.soak_run`)

`--scale F` multiplies every count (at least one example, ten steps), for a shorter
soak. The run ends with a table of the checks; a failed search prints hypothesis's
falsifying example and its `@reproduce_failure` line, and each check's whole output
is kept in `--logs` (default `soak_logs/`). Exit status 0 when everything passed.

The run gates on what must hold at any length (every step ran, no agent raised, money
conserved, the market opened); its verdicts on the market's behaviour under ETHUSD's
tuning are findings, listed under the table (see `devops.bench.soak_run`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from devops.bench.soak_run import FINDING

_REPRODUCER_MARKS = ("Falsifying", "reproduce_failure", "You can reproduce", "Error", "assert")


@dataclass(frozen=True, slots=True)
class Check:
    """One soak check: a pytest target searched `size` times, or a run of `size` steps."""

    name: str
    size: int
    unit: str
    target: str  # a test file, or "run" for the ETHUSD run


CHECKS = (
    Check(
        "engine state machine", 10_000, "examples", "tests/properties/test_engine_state_machine.py"
    ),
    Check(
        "scenario parameter space",
        1_000,
        "examples",
        "tests/properties/test_scenario_parameters.py",
    ),
    Check("service fuzzer", 5_000, "examples", "tests/properties/test_service_fuzz.py"),
    Check("command-line fuzzer", 5_000, "examples", "tests/properties/test_cli_fuzz.py"),
    Check("ETHUSD run", 10_000, "steps", "run"),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    check: Check
    size: int
    passed: bool
    seconds: float
    log: Path
    reproducer: str
    findings: tuple[str, ...] = ()  # the long run's verdicts that do not gate the soak


def _command(check: Check, size: int, logs: Path) -> list[str]:
    if check.target == "run":
        return [
            sys.executable, "-m", "devops.bench.soak_run",
            "--steps", str(size), "--run-logs", str(logs / "run"),
        ]  # fmt: skip
    return [
        sys.executable, "-m", "pytest", check.target, "-q", "-p", "no:cacheprovider",
        "--hypothesis-profile", "soak", "--hypothesis-show-statistics",
    ]  # fmt: skip


def _reproducer(output: str) -> str:
    """Hypothesis's falsifying example and reproduction line, or the output's tail."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if "Falsifying" in line]
    ends = [i for i, line in enumerate(lines) if "reproduce_failure" in line]
    if starts and ends and ends[-1] >= starts[0]:
        # the example's arguments span lines: keep the whole block up to the decorator
        return "\n".join(lines[starts[0] : ends[-1] + 1][-40:])
    chosen = [line for line in lines if any(mark in line for mark in _REPRODUCER_MARKS)]
    return "\n".join(chosen[-20:] or lines[-20:])


def run_check(check: Check, scale: float, logs: Path) -> Outcome:
    minimum = 10 if check.unit == "steps" else 1
    size = max(minimum, round(check.size * scale))
    environment = dict(os.environ, DEVOPS_SOAK_EXAMPLES=str(size))
    log = logs / f"{check.name.replace(' ', '_')}.log"
    start = time.perf_counter()
    completed = subprocess.run(
        _command(check, size, logs),
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    output = completed.stdout + completed.stderr
    log.write_text(output)
    passed = completed.returncode == 0
    findings = tuple(line for line in output.splitlines() if line.startswith(FINDING))
    reproducer = "" if passed else _reproducer(output)
    return Outcome(check, size, passed, seconds, log, reproducer, findings)


def _table(outcomes: list[Outcome]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="soak")
    for column in ("", "check", "size", "seconds", "log"):
        table.add_column(column)
    for o in outcomes:
        table.add_row(
            "[green]PASS[/green]" if o.passed else "[red]FAIL[/red]",
            o.check.name,
            f"{o.size:,} {o.check.unit}",
            f"{o.seconds:.0f}",
            str(o.log),
        )
    console = Console()
    console.print(table)
    for o in outcomes:
        for finding in o.findings:
            console.print(f"{o.check.name}: {finding}", soft_wrap=True, markup=False)
    for o in outcomes:
        if not o.passed:
            console.print(f"[red]{o.check.name} failed[/red]; to reproduce:", soft_wrap=True)
            console.print(o.reproducer, soft_wrap=True, markup=False, highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench.soak", description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every count (default 1: the full soak)"
    )
    parser.add_argument("--logs", type=Path, default=Path("soak_logs"), help="output folder")
    parser.add_argument(
        "--only", choices=[c.name for c in CHECKS], action="append", help="run only these checks"
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 100:
        parser.error(f"argument --scale: must be above 0 and at most 100, got {args.scale}")
    args.logs.mkdir(parents=True, exist_ok=True)
    outcomes = []
    try:
        for check in CHECKS:
            if args.only and check.name not in args.only:
                continue
            print(f"soak: {check.name} ...", flush=True)
            outcomes.append(run_check(check, args.scale, args.logs))
    except KeyboardInterrupt:  # the check in progress got the signal too and stopped
        _table(outcomes)
        print(f"soak interrupted during the {check.name}; the table shows the checks done")
        return 130
    _table(outcomes)
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
