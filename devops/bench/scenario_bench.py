"""Scenario cost: one full ETHUSD run, and ten in a row in one process.

Peak memory is the process's peak resident set size (it includes the
interpreter and vega-sim's imports, as a user's run does); the ten-run figure
shows whether anything accumulates from run to run.
"""

from __future__ import annotations

import resource
import time

from devops.harness.simulation import run_scenario


def _timed_run(seed: int) -> float:
    start = time.perf_counter()
    record = run_scenario("ETHUSD", seed=seed)
    elapsed = time.perf_counter() - start
    if record.error is not None:
        raise RuntimeError(f"the benchmark run failed: {record.error}")
    return elapsed


def one_run() -> tuple[float, float]:
    """(wall seconds, peak resident megabytes) of one full-length ETHUSD run."""
    seconds = _timed_run(seed=0)
    peak_kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return seconds, peak_kilobytes / 1024


def ten_runs() -> list[float]:
    """Wall seconds of ten consecutive full ETHUSD runs, seeds 0 to 9."""
    return [_timed_run(seed) for seed in range(10)]
