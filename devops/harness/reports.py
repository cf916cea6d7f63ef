"""A run's report folder: its records as files, and one page a user reads first.

The folder holds everything needed to check and draw the run again without
simulating it: `run.json` (the run's header), `states.jsonl` (one step a line),
`states.csv` (the same as a flat table for spreadsheets), `invariants.json`
and `report.html`, a single self-contained page (plotly inlined, nothing fetched).
Folder names and file contents carry no timestamps, so reruns overwrite their
report and identical runs give identical bytes.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from devops.harness.invariants import (
    CONTINUOUS,
    MONITORING_AUCTION,
    OPENING_AUCTION,
    InvariantResult,
    results_to_json,
)
from devops.harness.records import PartyState, RunRecord, StepState

RUN_FILE = "run.json"
STATES_FILE = "states.jsonl"
TABLE_FILE = "states.csv"
INVARIANTS_FILE = "invariants.json"
HTML_FILE = "report.html"

# Shading of the price plot for each kind of auction; other non-continuous modes are grey.
AUCTION_COLOURS = {
    OPENING_AUCTION: "rgba(99, 110, 250, 0.18)",
    MONITORING_AUCTION: "rgba(239, 85, 59, 0.22)",
}
OTHER_MODE_COLOUR = "rgba(128, 128, 128, 0.22)"


def interruption_note(record: RunRecord) -> str | None:
    """The words "interrupted at step k of n" for a run the user stopped, else None."""
    if not record.interrupted:
        return None
    return f"interrupted at step {len(record.states)} of {record.steps_requested}"


def steps_judged(record: RunRecord) -> str:
    """What the checks of a partial run cover, e.g. "the 12 steps done"."""
    done = len(record.states)
    return "the one step done" if done == 1 else f"the {done} steps done"


def report_folder(root: Path, scenario: str, seed: int, backend: str) -> Path:
    """`root/<scenario>-seed<seed>-<backend>`: one folder per run setup, overwritten on rerun."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{scenario}-seed{seed}-{backend}")
    return Path(root) / safe


# --- records as JSON -------------------------------------------------------------------


def _typed(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Float fields as floats, so 0 and 0.0 are written, and read back, alike."""
    floats = {f.name for f in fields(cls) if f.type == "float"}
    return {k: float(v) if k in floats else v for k, v in values.items()}


def _state_to_dict(state: StepState) -> dict[str, Any]:
    values = _typed(StepState, asdict(state))
    values["parties"] = [_typed(PartyState, p) for p in values["parties"]]
    return values


def _state_from_dict(values: dict[str, Any]) -> StepState:
    values = _typed(StepState, values)
    values["parties"] = tuple(PartyState(**_typed(PartyState, p)) for p in values["parties"])
    values["close_outs"] = tuple(values["close_outs"])
    values["agent_errors"] = tuple(values.get("agent_errors", ()))
    return StepState(**values)


def _dumps_line(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def states_jsonl(record: RunRecord) -> str:
    """One compact JSON object per step; json writes floats as Python's repr, exactly."""
    return "".join(_dumps_line(_state_to_dict(s)) + "\n" for s in record.states)


def run_json(record: RunRecord) -> str:
    """The run's header: every `RunRecord` field but its states."""
    header = _typed(RunRecord, {f.name: getattr(record, f.name) for f in fields(RunRecord)})
    del header["states"]
    return json.dumps(header, sort_keys=True, indent=2) + "\n"


def load_record(folder: Path) -> RunRecord:
    """The `RunRecord` a report folder was written from, equal to the original."""
    folder = Path(folder)
    header = _typed(RunRecord, json.loads((folder / RUN_FILE).read_text(encoding="utf-8")))
    # JSON has no tuples; the record's sequences are tuples
    header = {k: tuple(v) if isinstance(v, list) else v for k, v in header.items()}
    lines = (folder / STATES_FILE).read_text(encoding="utf-8").splitlines()
    states = tuple(_state_from_dict(json.loads(line)) for line in lines if line)
    return RunRecord(**header, states=states)


# --- the flat table ----------------------------------------------------------------------


def party_names(record: RunRecord) -> list[str]:
    """Every party seen in the run, in the order first seen."""
    return list(dict.fromkeys(p.name for s in record.states for p in s.parties))


def states_csv(record: RunRecord) -> str:
    """Step, time, mode, prices and maker position, then each party's position and margin."""
    names = party_names(record)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "step",
            "vega_time",
            "trading_mode",
            "mark_price",
            "external_price",
            "best_bid",
            "best_ask",
            "maker_position",
        ]
        + [f"{name}_{column}" for name in names for column in ("position", "margin")]
    )
    for s in record.states:
        parties = {p.name: p for p in s.parties}
        row: list[Any] = [
            s.step,
            s.vega_time,
            s.trading_mode,
            float(s.mark_price),
            float(s.external_price),
            float(s.best_bid),
            float(s.best_ask),
            float(s.maker_position),
        ]
        for name in names:
            party = parties.get(name)
            row += ["", ""] if party is None else [float(party.position), float(party.margin)]
        writer.writerow(row)
    return out.getvalue()


# --- the page ------------------------------------------------------------------------------


def _mode_spans(record: RunRecord) -> list[tuple[str, int, int]]:
    """(mode, first step, last step) for each stretch of steps not in continuous trading."""
    spans: list[tuple[str, int, int]] = []
    for s in record.states:
        if s.trading_mode == CONTINUOUS:
            continue
        if spans and spans[-1][0] == s.trading_mode and spans[-1][2] == s.step - 1:
            spans[-1] = (s.trading_mode, spans[-1][1], s.step)
        else:
            spans.append((s.trading_mode, s.step, s.step))
    return spans


def _mode_label(mode: str) -> str:
    return mode.removeprefix("TRADING_MODE_").replace("_", " ").lower()


def _layout(fig: go.Figure, title: str, y_title: str, record: RunRecord) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=f"step ({record.step_length_seconds} s each)",
        yaxis_title=y_title,
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )
    return fig


def price_figure(record: RunRecord) -> go.Figure:
    """Mark price against the external price, auction periods shaded."""
    steps = [s.step for s in record.states]
    fig = go.Figure()
    fig.add_scatter(x=steps, y=[s.mark_price for s in record.states], name="mark price")
    fig.add_scatter(
        x=steps, y=[s.external_price for s in record.states], name="external price", line_dash="dot"
    )
    for name, attr in (("best bid", "best_bid"), ("best ask", "best_ask")):
        fig.add_scatter(
            x=steps,
            y=[getattr(s, attr) for s in record.states],
            name=name,
            visible="legendonly",
            line_width=1,
        )
    shaded: set[str] = set()
    for mode, first, last in _mode_spans(record):
        colour = AUCTION_COLOURS.get(mode, OTHER_MODE_COLOUR)
        fig.add_vrect(x0=first - 0.5, x1=last + 0.5, fillcolor=colour, line_width=0, layer="below")
        if mode not in shaded:
            shaded.add(mode)
            # vrects have no legend entry; an empty trace gives the shade one
            fig.add_scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": colour},
                name=_mode_label(mode),
            )
    return _layout(fig, "Mark price and external price", "price", record)


def maker_figure(record: RunRecord, tolerance: float | None) -> go.Figure:
    """The market maker's position, its inventory boundaries and the tolerated band."""
    steps = [s.step for s in record.states]
    lower, upper = record.maker_lower_boundary, record.maker_upper_boundary
    fig = go.Figure()
    fig.add_hrect(y0=lower, y1=upper, fillcolor="rgba(0, 160, 80, 0.08)", line_width=0)
    for level, label in ((upper, "upper boundary"), (lower, "lower boundary")):
        fig.add_hline(y=level, line_color="seagreen", line_width=1.5)
        fig.add_annotation(
            x=1, xref="paper", y=level, text=f"{label} {level:g}", showarrow=False, yshift=8
        )
    if tolerance is not None:
        for level in (upper * tolerance, lower * tolerance):
            fig.add_hline(y=level, line_color="firebrick", line_dash="dash", line_width=1)
        fig.add_annotation(
            x=0,
            xref="paper",
            xanchor="left",
            y=upper * tolerance,
            text=f"tolerance {tolerance:g} x boundaries",
            showarrow=False,
            yshift=8,
        )
    fig.add_scatter(
        x=steps,
        y=[s.maker_position for s in record.states],
        name=f"{record.maker_name} position",
        line_shape="hv",
    )
    return _layout(fig, "Market maker position", "position", record)


def close_out_figure(record: RunRecord) -> go.Figure:
    """Cumulative close-outs of each party that was closed out at least once."""
    steps = [s.step for s in record.states]
    fig = go.Figure()
    names = list(dict.fromkeys(p for s in record.states for p in s.close_outs))
    for name in names:
        counts, total = [], 0
        for s in record.states:
            total += s.close_outs.count(name)
            counts.append(total)
        label = f"{name} (market maker)" if name == record.maker_name else name
        fig.add_scatter(x=steps, y=counts, name=label, line_shape="hv")
    if not names:
        fig.add_annotation(
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            text="no party was closed out",
            showarrow=False,
        )
    return _layout(fig, "Close-outs over time", "close-outs so far", record)


def _number(value: float) -> str:
    return f"{value:.6g}"


def _results_table(results: list[InvariantResult]) -> str:
    rows = []
    for r in results:
        verdict = "passed" if r.passed else "FAILED"
        rows.append(
            f'<tr class="{"pass" if r.passed else "fail"}"><td>{html.escape(r.name)}</td>'
            f"<td>{verdict}</td><td>{_number(r.figure)}</td><td>{_number(r.threshold)}</td>"
            f"<td>{'' if r.step is None else r.step}</td><td>{html.escape(r.message)}</td></tr>"
        )
    return (
        '<table id="invariants"><thead><tr><th>invariant</th><th>result</th><th>figure</th>'
        "<th>threshold</th><th>step</th><th>message</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _summary(record: RunRecord, results: list[InvariantResult]) -> str:
    failed = sum(not r.passed for r in results)
    verdict = f"{failed} of {len(results)} invariants failed" if failed else "all invariants passed"
    parts = [
        f"seed {record.seed}",
        f"backend {html.escape(record.backend)}",
        f"{len(record.states)} of {record.steps_requested} steps recorded",
        f"{record.step_length_seconds} s a step",
        verdict,
    ]
    text = "<p>" + " &middot; ".join(parts) + "</p>"
    note = interruption_note(record)
    if note is not None:
        text += (
            f'<p class="error" id="interrupted">Partial report: {note}. The checks judge '
            f"{steps_judged(record)}.</p>"
        )
    elif record.error is not None:
        text += f'<p class="error">The run stopped early: {html.escape(record.error)}</p>'
    return text


STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
tr.pass td:nth-child(2) { color: #1a7f37; }
tr.fail td:nth-child(2) { color: #cf222e; font-weight: bold; }
tr.fail { background: #fff0f0; }
.error { color: #cf222e; font-weight: bold; }
"""


def report_html(record: RunRecord, results: list[InvariantResult]) -> str:
    """One self-contained page: the invariant table, then the plots a user looks at first."""
    tolerance = next((r.threshold for r in results if r.name == "maker_within_boundaries"), None)
    figures = [
        ("mark-price", price_figure(record)),
        ("maker-position", maker_figure(record, tolerance)),
        ("close-outs", close_out_figure(record)),
    ]
    plots = [
        pio.to_html(
            fig,
            include_plotlyjs=index == 0,  # inlined once, first; never fetched
            full_html=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        for index, (div_id, fig) in enumerate(figures)
    ]
    title = f"{record.scenario} seed {record.seed} on {record.backend}"
    note = interruption_note(record)
    title = html.escape(title if note is None else f"{title} ({note})")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n{_summary(record, results)}\n"
        f"<h2>Invariants</h2>\n{_results_table(results)}\n"
        + "\n".join(plots)
        + "\n</body>\n</html>\n"
    )


class ReportWriteError(Exception):
    """The report folder cannot be written (unwritable, full, not a folder); one line says so."""


def write_report(record: RunRecord, results: list[InvariantResult], folder: Path) -> Path:
    """Write the run's files into `folder` (created, files overwritten); returns the page.

    Each file is written beside its final name and moved into place only once all are
    written, so a full disk leaves the previous report, never a truncated one.
    """
    folder = Path(folder)
    texts = {
        RUN_FILE: run_json(record),
        STATES_FILE: states_jsonl(record),
        TABLE_FILE: states_csv(record),
        INVARIANTS_FILE: results_to_json(results),
        HTML_FILE: report_html(record, results),
    }
    drafts = {name: folder / f".{name}.partial" for name in texts}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            drafts[name].write_text(text, encoding="utf-8", newline="\n")
        for name, draft in drafts.items():
            os.replace(draft, folder / name)
    except OSError as error:
        for draft in drafts.values():
            with contextlib.suppress(OSError):
                draft.unlink(missing_ok=True)
        reason = error.strerror or str(error)
        if folder.exists() and not folder.is_dir():
            reason = "a file of that name is in the way"
        raise ReportWriteError(f"could not write the report to {folder}: {reason}") from None
    return folder / HTML_FILE
