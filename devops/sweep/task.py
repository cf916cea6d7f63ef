"""One unit of a sweep's work: a scenario, its overrides, a seed and a length, judged.

A task is plain picklable data, so any Dask worker can run it, and a run is a
function of its task alone (the engine is deterministic under a seed), so where it
runs never changes its row. A row keeps each invariant's verdict and figure, not the
run's record: thousands of rows cross the network, one record per step would not.
"""

from __future__ import annotations

from dataclasses import dataclass

from devops.sweep.grid import GridPoint, apply


@dataclass(frozen=True, slots=True)
class SweepTask:
    scenario: str  # a registry name
    overrides: GridPoint
    seed: int
    steps: int | None  # None keeps the scenario's own length


@dataclass(frozen=True, slots=True)
class Outcome:
    """One invariant of one run: `figure <= threshold` is what passing means."""

    invariant: str
    passed: bool
    figure: float
    threshold: float


@dataclass(frozen=True, slots=True)
class ResultRow:
    task: SweepTask
    outcomes: tuple[Outcome, ...]  # in the order of `devops.harness.invariants.CHECKS`
    steps_done: int
    error: str | None  # why the run stopped early, if it did
    first_failure: str  # the first failing invariant's one-line message, or ""

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)


def run_task(task: SweepTask) -> ResultRow:
    """Simulate and judge one task in this process; a failing run is a row, not a raise."""
    from devops.harness.invariants import check_all
    from devops.harness.simulation import prepared_scenario, simulate

    scenario = prepared_scenario(task.scenario, steps=task.steps)
    apply(scenario, task.overrides)
    record = simulate(scenario, task.scenario, seed=task.seed)
    results = check_all(record, scenario.expectations)
    return ResultRow(
        task=task,
        outcomes=tuple(Outcome(r.name, r.passed, r.figure, r.threshold) for r in results),
        steps_done=len(record.states),
        error=record.error,
        first_failure=next((f"{r.name}: {r.message}" for r in results if not r.passed), ""),
    )
