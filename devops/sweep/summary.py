"""Per grid point and invariant: how often it passed over the seeds, and its worst figure.

The pass rate is quoted with its Wilson lower bound, so ten lucky seeds are not
mistaken for a sure thing. Every figure is held as `figure <= threshold`, so the
worst figure is the largest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from devops.harness.stats import DEFAULT_CONFIDENCE, wilson_lower_bound
from devops.sweep.grid import GridPoint
from devops.sweep.task import ResultRow


@dataclass(frozen=True, slots=True)
class InvariantSummary:
    invariant: str
    passes: int
    trials: int
    lower_bound: float  # Wilson, at the sweep's confidence
    worst_figure: float
    threshold: float

    @property
    def pass_rate(self) -> float:
        return self.passes / self.trials


@dataclass(frozen=True, slots=True)
class PointSummary:
    point: GridPoint
    invariants: tuple[InvariantSummary, ...]  # in the order of the checks
    runs_passed: int  # runs that passed every invariant
    runs: int


def summarise(
    rows: Sequence[ResultRow], confidence: float = DEFAULT_CONFIDENCE
) -> list[PointSummary]:
    """One summary per grid point, in the order the points first appear in `rows`."""
    by_point: dict[GridPoint, list[ResultRow]] = {}
    for row in rows:
        by_point.setdefault(row.task.overrides, []).append(row)
    summaries = []
    for point, point_rows in by_point.items():
        names = [outcome.invariant for outcome in point_rows[0].outcomes]
        invariants = []
        for index, name in enumerate(names):
            outcomes = [row.outcomes[index] for row in point_rows]
            passes = sum(outcome.passed for outcome in outcomes)
            invariants.append(
                InvariantSummary(
                    invariant=name,
                    passes=passes,
                    trials=len(outcomes),
                    lower_bound=wilson_lower_bound(passes, len(outcomes), confidence),
                    worst_figure=max(outcome.figure for outcome in outcomes),
                    threshold=outcomes[0].threshold,
                )
            )
        summaries.append(
            PointSummary(
                point=point,
                invariants=tuple(invariants),
                runs_passed=sum(row.passed for row in point_rows),
                runs=len(point_rows),
            )
        )
    return summaries
