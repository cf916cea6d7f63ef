"""Scenario cost: full ETHUSD runs, each group of runs in a fresh process.

`python -m devops.bench.scenario_bench --runs N [--steps S] [--seed K]` imports the
harness, then simulates ETHUSD N times with the same seed, one run after another in
that one process (the in-process engine, vega-sim's agents, the embedded data node),
and prints one JSON line: each run's wall and CPU seconds (the clock starts after the
imports), steps and states digest (sha256 of its `states.jsonl`), the process's peak
resident set size before the first run (interpreter and imports) and at the end.

`figures` starts two such processes, so no figure's memory includes another's: one run
(its time is a user's `make scenario`: the first run in a fresh process), and ten runs
of the same seed (the tenth against the first shows what accumulates from run to run in
one process). Both check that every run finished, ran the same number of steps and
produced byte-identical states, so the runs compared did the same work.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time

from devops.bench.figures import Figure, Target, check

SCENARIO = "ETHUSD"
FULL_RUN_TARGET = Target(1.5, at_least=False)
TENTH_OVER_FIRST_TARGET = Target(1.05, at_least=False)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(runs: int, steps: int | None, seed: int) -> dict[str, object]:
    """`runs` runs of ETHUSD with `seed` in this process; the figures described above."""
    from devops.harness.reports import states_jsonl
    from devops.harness.simulation import run_scenario

    before_mb = _peak_mb()
    wall: list[float] = []
    cpu: list[float] = []
    digests: list[str] = []
    step_counts: list[int] = []
    step_length = 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        record = run_scenario(SCENARIO, seed=seed, steps=steps)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if record.error is not None:
            raise RuntimeError(f"the benchmark run failed: {record.error}")
        digests.append(hashlib.sha256(states_jsonl(record).encode()).hexdigest())
        step_counts.append(len(record.states))
        step_length = record.step_length_seconds
    return {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "digests": digests,
        "steps": step_counts,
        "step_length_seconds": step_length,
        "before_runs_peak_mb": before_mb,
        "peak_mb": _peak_mb(),
    }


def in_fresh_process(runs: int, steps: int | None = None, seed: int = 0) -> dict[str, object]:
    """`measure` in a new interpreter, so its peak memory is its own."""
    command = [sys.executable, "-m", "devops.bench.scenario_bench", "--runs", str(runs)]
    command += ["--seed", str(seed)] + (["--steps", str(steps)] if steps is not None else [])
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr[-4000:]}")
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _float(result: dict[str, object], key: str) -> float:
    value = result[key]
    assert isinstance(value, int | float)
    return float(value)


def _floats(result: dict[str, object], key: str) -> list[float]:
    values = result[key]
    assert isinstance(values, list)
    return [float(v) for v in values]


def _same_work(result: dict[str, object], what: str) -> tuple[int, str]:
    """Raise unless every run of `result` ran the same steps to the same states."""
    steps, digests = result["steps"], result["digests"]
    assert isinstance(steps, list) and isinstance(digests, list)
    check(len(set(steps)) == 1, f"{what}: the runs ran different step counts {steps}")
    check(len(set(digests)) == 1, f"{what}: the runs of one seed produced different states")
    return int(steps[0]), str(digests[0])


def figures(runs: int = 10, steps: int | None = None, seed: int = 0) -> list[Figure]:
    """One run in a fresh process, then `runs` runs of the same seed in another."""
    check(runs >= 2, "comparing runs needs at least two")
    one = in_fresh_process(1, steps, seed)
    many = in_fresh_process(runs, steps, seed)
    one_steps, one_digest = _same_work(one, "one run")
    many_steps, many_digest = _same_work(many, f"{runs} runs")
    check(
        (one_steps, one_digest) == (many_steps, many_digest),
        "the one-run process and the many-run process did different work",
    )
    length = f"{one_steps:,} steps of {_float(one, 'step_length_seconds'):.0f} s" + (
        " (its full length)" if steps is None else ""
    )
    (seconds,) = _floats(one, "wall_seconds")
    (cpu_seconds,) = _floats(one, "cpu_seconds")
    wall, cpu = _floats(many, "wall_seconds"), _floats(many, "cpu_seconds")
    digest = f"states sha256 {one_digest[:12]}…"
    last = "tenth" if runs == 10 else f"last ({runs})"
    same = (
        f"all {runs} runs finished, ran {many_steps:,} steps and produced the same states "
        f"as each other and as the one-run process ({digest})"
    )
    return [
        Figure(
            "scenario.ethusd_full_run_seconds",
            seconds,
            "s",
            f"wall time of one run_scenario({SCENARIO!r}, seed={seed}) for {length}, "
            "in-process (embedded engine, vega-sim's agents, data node), the first and only "
            "run of a fresh interpreter; its imports are done before the clock starts.",
            f"the run finished all {one_steps:,} steps ({digest})",
            FULL_RUN_TARGET,
            cpu_seconds,
        ),
        Figure(
            "scenario.ethusd_full_run_peak_memory",
            _float(one, "peak_mb"),
            "MB",
            "peak resident set size of that fresh process: the interpreter and imports "
            f"({_float(one, 'before_runs_peak_mb'):.0f} MB before the run) plus one run; "
            "no other benchmark ran in it.",
        ),
        Figure(
            "scenario.ethusd_tenth_over_first",
            wall[-1] / wall[0],
            "x",
            f"time of the {last} over the first of {runs} runs of the SAME seed ({seed}) one "
            "after another in one fresh process: run-to-run growth in one process. Wall "
            f"seconds: {', '.join(f'{w:.2f}' for w in wall)}; CPU seconds: "
            f"{', '.join(f'{c:.2f}' for c in cpu)}.",
            same,
            TENTH_OVER_FIRST_TARGET,
            cpu[-1] / cpu[0],
        ),
        Figure(
            f"scenario.ethusd_{runs}_runs_peak_memory",
            _float(many, "peak_mb"),
            "MB",
            f"peak resident set size of the fresh process that ran the {runs} runs "
            f"({_float(many, 'before_runs_peak_mb'):.0f} MB before the first); against "
            "the one-run process's peak it shows memory kept from run to run.",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devops.bench.scenario_bench", description=__doc__
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of the same seed (default 1)")
    parser.add_argument("--steps", type=int, default=None, help="steps (default: full length)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("argument --runs: must be at least 1")
    print(json.dumps(measure(args.runs, args.steps, args.seed)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
