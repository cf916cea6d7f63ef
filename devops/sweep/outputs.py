"""What a sweep leaves behind: its rows as CSV, its summary as CSV, and one picture.

`runs.csv` has one row per grid point and seed with every invariant's verdict and
figure; `summary.csv` one row per grid point and invariant; `sweep.png` shows, per
invariant, the pass rate (bars, with the Wilson lower bound marked) and the worst
figure against its threshold, for each grid point. The default folder is named by a
digest of what was asked, so the same sweep always lands in the same place.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

from devops.sweep.grid import Axis, format_value, label
from devops.sweep.summary import PointSummary
from devops.sweep.task import ResultRow

PASSED, FAILED = "#8fbf8f", "#e6a15c"  # bar colours: every seed passed, or not


def default_folder(
    root: Path, scenario: str, seeds: Sequence[int], steps: int | None, axes: Sequence[Axis]
) -> Path:
    """`root/sweeps/<scenario>-<digest of seeds, steps and grid>`."""
    asked = {
        "scenario": scenario,
        "seeds": [min(seeds), max(seeds) + 1] if seeds else [],
        "steps": steps,
        "axes": [[axis.path, [format_value(v) for v in axis.values]] for axis in axes],
    }
    digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:10]
    return root / "sweeps" / f"{scenario}-{digest}"


def write_runs_csv(rows: Sequence[ResultRow], axes: Sequence[Axis], path: Path) -> None:
    """One line per run: its task, then `<invariant>.passed` and `<invariant>.figure` each."""
    names = [outcome.invariant for outcome in rows[0].outcomes] if rows else []
    header = ["scenario", "seed", "steps", *(axis.path for axis in axes), "steps_done", "passed"]
    header += [f"{name}.{part}" for name in names for part in ("passed", "figure")]
    header += ["error", "first_failure"]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            values = dict(row.task.overrides)
            line: list[object] = [row.task.scenario, row.task.seed, row.task.steps or ""]
            line += [format_value(values[axis.path]) for axis in axes]
            line += [row.steps_done, row.passed]
            for outcome in row.outcomes:
                line += [outcome.passed, repr(outcome.figure)]
            line += [row.error or "", row.first_failure]
            writer.writerow(line)


def write_summary_csv(summaries: Sequence[PointSummary], confidence: float, path: Path) -> None:
    """One line per grid point and invariant."""
    bound = f"wilson_lower_bound_{round(confidence * 100):d}"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "point",
                "invariant",
                "passes",
                "trials",
                "pass_rate",
                bound,
                "worst_figure",
                "threshold",
            ]
        )
        for summary in summaries:
            for item in summary.invariants:
                writer.writerow(
                    [
                        label(summary.point),
                        item.invariant,
                        item.passes,
                        item.trials,
                        f"{item.pass_rate:.4f}",
                        f"{item.lower_bound:.4f}",
                        repr(item.worst_figure),
                        repr(item.threshold),
                    ]
                )


def _tick_labels(summaries: Sequence[PointSummary], axes: Sequence[Axis]) -> list[str]:
    """Bare values when one argument varies (it names the x axis), else `name=value` lines."""
    if len(axes) == 1:
        return [format_value(summary.point[0][1]) for summary in summaries]
    return ["\n".join(label(summary.point).split(", ")) for summary in summaries]


def plot(summaries: Sequence[PointSummary], axes: Sequence[Axis], title: str, path: Path) -> None:
    """Per invariant: pass rate bars with the Wilson bound, and the worst figure per point."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never a window
    import matplotlib.pyplot as plt

    names = [item.invariant for item in summaries[0].invariants]
    columns = 3
    rows = math.ceil(len(names) / columns)
    figure, panels = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 2.9 * rows), squeeze=False, layout="constrained"
    )
    positions = list(range(len(summaries)))
    labels = _tick_labels(summaries, axes)
    for index, panel in enumerate(panels.flat):
        if index >= len(names):
            panel.set_visible(False)
            continue
        items = [summary.invariants[index] for summary in summaries]
        colours = [PASSED if i.passes == i.trials else FAILED for i in items]
        panel.bar(positions, [i.pass_rate for i in items], color=colours)
        panel.scatter(
            positions, [i.lower_bound for i in items], marker="_", s=300, color="#2f5f2f", zorder=3
        )
        panel.set_ylim(0, 1.05)
        panel.set_title(names[index], fontsize=10)
        panel.set_xticks(positions, labels, fontsize=7)
        panel.tick_params(axis="y", labelsize=7)
        figures = panel.twinx()
        figures.plot(positions, [i.worst_figure for i in items], "o-", color="#c0392b", ms=4)
        figures.plot(positions, [i.threshold for i in items], "--", color="#555555", lw=1)
        top = max(max(i.worst_figure for i in items), max(i.threshold for i in items))
        figures.set_ylim(0, top * 1.15 if top > 0 else 1)
        figures.tick_params(axis="y", labelsize=7, colors="#c0392b")
        if index % columns == 0:
            panel.set_ylabel("pass rate", fontsize=8)
        if index % columns == columns - 1 or index == len(names) - 1:
            figures.set_ylabel("worst figure", fontsize=8, color="#c0392b")
    figure.suptitle(
        f"{title}\nbars: pass rate over seeds (green: all passed; dash: Wilson lower bound); "
        "red: worst figure; dashed: threshold",
        fontsize=10,
    )
    if len(axes) == 1:
        figure.supxlabel(axes[0].path, fontsize=9)
    figure.savefig(path, dpi=72)
    plt.close(figure)
