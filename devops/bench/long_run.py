"""Long runs stay flat: one ETHUSD run of N steps, measured in a fresh process.

`python -m devops.bench.long_run --steps N` simulates ETHUSD (seed 0, 10 s steps,
the harness's bounded data-node retention) and prints one JSON line: the steps run,
the process's peak resident set size in MB (interpreter and imports included), and
the seconds of the first and of the last 1,000 steps (or of the whole run when it is
shorter), both as wall time and as this process's CPU time (user + system; on a
shared machine the wall time also counts other processes' load). The first window is
measured from the end of step 1 to the end of step 1,001, so market creation (before
step 1) is not in it; the last window ends with the run's last step. `long_figures`
runs a 1,000-step run and three 10,000-step runs, each in its own process, so none's
memory includes another's, checks that each ran the steps it was asked for, and reports
the medians over the long runs (a window's time varies by several percent between
identical runs here, more than the growth being measured).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from devops.bench.figures import Figure, Target, check

WINDOW = 1_000
# long runs per measurement: a window's time varies by several percent between identical
# runs on a shared machine, so the step-time figure is the median of three
LONG_REPEATS = 3


def measure(steps: int) -> dict[str, float]:
    """Run ETHUSD for `steps` in this process; the figures described above."""
    from devops.harness.simulation import run_scenario

    ends: list[float] = []
    cpu_ends: list[float] = []

    def on_step(*_: int) -> None:
        ends.append(time.perf_counter())
        cpu_ends.append(time.process_time())

    record = run_scenario("ETHUSD", seed=0, steps=steps, on_step=on_step)
    if record.error is not None:
        raise RuntimeError(f"the benchmark run failed: {record.error}")
    window = min(WINDOW, len(ends) - 1)
    return {
        "steps": len(ends),
        "step_length_seconds": record.step_length_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "first_window_seconds": ends[window] - ends[0],
        "last_window_seconds": ends[-1] - ends[-1 - window],
        "first_window_cpu_seconds": cpu_ends[window] - cpu_ends[0],
        "last_window_cpu_seconds": cpu_ends[-1] - cpu_ends[-1 - window],
    }


def in_fresh_process(steps: int) -> dict[str, float]:
    """`measure(steps)` in a new interpreter, so its peak memory is its own."""
    completed = subprocess.run(
        [sys.executable, "-m", "devops.bench.long_run", "--steps", str(steps)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def long_figures(
    short_steps: int = 1_000, long_steps: int = 10_000, repeats: int = LONG_REPEATS
) -> list[Figure]:
    """Peak memory of both lengths and their ratio; the long run's last window over its
    first, as the median over `repeats` long runs, each in its own process."""
    short = in_fresh_process(short_steps)
    longs = [in_fresh_process(long_steps) for _ in range(repeats)]
    for steps, result in ((short_steps, short), *((long_steps, r) for r in longs)):
        check(result["steps"] == steps, f"the {steps}-step run ran {result['steps']} steps")
    window = int(min(WINDOW, long_steps - 1))
    run = (
        f"ETHUSD, seed 0, {longs[0]['step_length_seconds']:.0f} s steps, the harness's bounded "
        "data-node retention"
    )
    fresh = (
        "measured in its own fresh interpreter (peak resident set size, interpreter and "
        "imports included)"
    )
    long_peak = statistics.median(r["peak_mb"] for r in longs)
    ratios = [r["last_window_seconds"] / r["first_window_seconds"] for r in longs]
    cpu_ratios = [r["last_window_cpu_seconds"] / r["first_window_cpu_seconds"] for r in longs]
    samples = "; ".join(
        f"{r['first_window_seconds']:.1f} s then {r['last_window_seconds']:.1f} s "
        f"(CPU {r['first_window_cpu_seconds']:.1f} then {r['last_window_cpu_seconds']:.1f})"
        for r in longs
    )
    return [
        Figure(
            f"long.ethusd_{short_steps}_steps_peak_memory",
            short["peak_mb"],
            "MB",
            f"one {short_steps:,}-step run ({run}), {fresh}.",
        ),
        Figure(
            f"long.ethusd_{long_steps}_steps_peak_memory",
            long_peak,
            "MB",
            f"{_runs(repeats, long_steps)} ({run}), each {fresh}; the median.",
        ),
        Figure(
            "long.peak_memory_long_over_short",
            long_peak / short["peak_mb"],
            "x",
            f"the {long_steps:,}-step runs' median peak memory over the {short_steps:,}-step "
            "run's: whether memory stays flat as a run grows longer.",
            target=Target(1.2, at_least=False),
        ),
        Figure(
            f"long.last_{window}_over_first_{window}",
            statistics.median(ratios),
            "x",
            f"time of each of {_runs(repeats, long_steps)}: its last {window:,} steps' time "
            f"over its first {window:,} steps' (from the end of step 1, so market creation is "
            f"not in it); the median over the runs, which do identical work (the same seed). "
            f"Wall, then CPU (user + system): {samples}. A {window:,}-step window of the same "
            "work varies by several percent from run to run here, which is why one run is "
            "not the figure.",
            target=Target(1.1, at_least=False),
            cpu_value=statistics.median(cpu_ratios),
        ),
    ]


def _runs(repeats: int, steps: int) -> str:
    return f"one {steps:,}-step run" if repeats == 1 else f"{repeats} {steps:,}-step runs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.bench.long_run", description=__doc__)
    parser.add_argument("--steps", type=int, required=True, help="steps of the ETHUSD run")
    args = parser.parse_args(argv)
    if args.steps < 2:
        parser.error("argument --steps: must be at least 2")
    print(json.dumps(measure(args.steps)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
