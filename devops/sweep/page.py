"""`sweep.html`: the picture of `sweep.png` as one self-contained interactive page.

Hovering a bar shows its passes, trials and Wilson bound, which the PNG can only
suggest; plotly is inlined so the page opens offline, as the run reports do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from devops.sweep.grid import Axis, label
from devops.sweep.summary import PointSummary

COLUMNS = 3


def write_page(
    summaries: Sequence[PointSummary], axes: Sequence[Axis], title: str, path: Path
) -> None:
    """Per invariant: pass rate bars and the worst figure (right axis) at each grid point."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.subplots import make_subplots

    names = [item.invariant for item in summaries[0].invariants]
    rows = math.ceil(len(names) / COLUMNS)
    figure = make_subplots(
        rows=rows,
        cols=COLUMNS,
        subplot_titles=names,
        specs=[[{"secondary_y": True}] * COLUMNS for _ in range(rows)],
        vertical_spacing=0.12,
    )
    points = [label(summary.point) for summary in summaries]
    for index, name in enumerate(names):
        row, column = index // COLUMNS + 1, index % COLUMNS + 1
        items = [summary.invariants[index] for summary in summaries]
        figure.add_trace(
            go.Bar(
                x=points,
                y=[i.pass_rate for i in items],
                marker_color=["#8fbf8f" if i.passes == i.trials else "#e6a15c" for i in items],
                customdata=[[i.passes, i.trials, i.lower_bound] for i in items],
                hovertemplate="%{x}<br>%{customdata[0]} of %{customdata[1]} passed"
                "<br>Wilson lower bound %{customdata[2]:.3f}<extra></extra>",
                name=f"{name} pass rate",
                showlegend=False,
            ),
            row=row,
            col=column,
        )
        figure.add_trace(
            go.Scatter(
                x=points,
                y=[i.worst_figure for i in items],
                mode="lines+markers",
                line={"color": "#c0392b"},
                customdata=[i.threshold for i in items],
                hovertemplate="%{x}<br>worst figure %{y:g} (threshold %{customdata:g})"
                "<extra></extra>",
                name=f"{name} worst figure",
                showlegend=False,
            ),
            row=row,
            col=column,
            secondary_y=True,
        )
        figure.update_yaxes(range=[0, 1.05], row=row, col=column, secondary_y=False)
    varied = ", ".join(axis.path for axis in axes) or "no argument varied"
    figure.update_layout(
        title=f"{title} ({varied}): bars are pass rates, red the worst figure",
        template="plotly_white",
        height=300 * rows,
    )
    path.write_text(pio.to_html(figure, include_plotlyjs=True, full_html=True))
