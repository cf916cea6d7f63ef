"""One page per scenario over many seeds: pass rates, distributions, the worst seed.

A multi-seed session judges each seed on its own; this page puts them side by
side so a user sees how often each invariant holds (with its Wilson lower bound),
how the figures that decide the gate are spread (the maker's largest excursion,
the time in monitoring auctions, close-outs), and which seed did worst, linked to
that seed's own report.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from devops.harness.reports import STYLE, report_folder
from devops.harness.seeds import pass_rates
from devops.harness.stats import DEFAULT_CONFIDENCE
from devops.harness.verdicts import Verdict

# the figures whose spread over seeds the page draws: invariant -> what its figure is
DISTRIBUTIONS = {
    "maker_within_boundaries": "maker's largest excursion (multiple of its boundary)",
    "monitoring_auction_fraction": "share of steps in monitoring auctions",
    "party_closeouts": "most close-outs of one party in 100 steps",
    "maker_closeouts": "close-outs of the market maker",
}


def _figure(verdict: Verdict, invariant: str) -> float:
    return next((figure for name, _, figure in verdict.results if name == invariant), 0.0)


def worst_seed(verdicts: Sequence[Verdict]) -> Verdict:
    """Most failed invariants first, then the largest maker excursion, then the lowest seed."""
    return min(
        verdicts,
        key=lambda v: (
            -len(v.failures),
            -_figure(v, "maker_within_boundaries"),
            v.key.seed,
        ),
    )


def seed_report_html(verdicts: Sequence[Verdict], run_logs: Path) -> str:
    """The page for one scenario's verdicts (all of one scenario, several seeds)."""
    key = verdicts[0].key
    seeds = sorted(v.key.seed for v in verdicts)
    worst = worst_seed(verdicts)
    worst_page = report_folder(run_logs, key.scenario, worst.key.seed, key.backend) / "report.html"
    link = Path("..") / worst_page.parent.name / "report.html"
    rows = "".join(
        f'<tr class="{"pass" if r.passes == r.trials else "fail"}"><td>{html.escape(r.invariant)}'
        f"</td><td>{r.passes}/{r.trials}</td><td>{r.passes / r.trials:.1%}</td>"
        f"<td>{r.lower_bound:.3f}</td><td>{r.worst_figure:g}</td></tr>"
        for r in pass_rates(verdicts, DEFAULT_CONFIDENCE)
    )
    plots = []
    for index, (invariant, label) in enumerate(DISTRIBUTIONS.items()):
        figure = go.Figure(go.Histogram(x=[_figure(v, invariant) for v in verdicts]))
        figure.update_layout(
            title=label, xaxis_title=label, yaxis_title="seeds", template="plotly_white"
        )
        plots.append(
            pio.to_html(
                figure,
                include_plotlyjs=index == 0,  # inlined once; nothing is fetched
                full_html=False,
                div_id=invariant,
                config={"displaylogo": False, "responsive": True},
            )
        )
    title = html.escape(
        f"{key.scenario} over {len(seeds)} seeds ({seeds[0]} to {seeds[-1]}) on {key.backend}"
    )
    failures = "".join(f"<li>{html.escape(line)}</li>" for line in worst.failures)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"<p>{key.steps} steps of {key.step_length_seconds} s per seed. Worst seed: "
        f'<a href="{html.escape(link.as_posix())}">seed {worst.key.seed}</a> '
        f"({len(worst.failures)} failed invariants)</p>\n<ul>{failures}</ul>\n"
        "<h2>Pass rates</h2>\n<table><thead><tr><th>invariant</th><th>passed</th><th>rate</th>"
        f"<th>Wilson lower bound ({DEFAULT_CONFIDENCE:.0%})</th><th>worst figure</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>\n" + "\n".join(plots) + "\n</body>\n</html>\n"
    )


def write_seed_reports(verdicts: Sequence[Verdict], run_logs: Path) -> list[Path]:
    """One page per scenario with verdicts for more than one seed; returns the pages."""
    by_scenario: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        if verdict.error is None:
            by_scenario.setdefault(verdict.key.scenario, []).append(verdict)
    pages = []
    for scenario, group in sorted(by_scenario.items()):
        if len(group) < 2:
            continue
        seeds = sorted(v.key.seed for v in group)
        folder = run_logs / f"{scenario}-seeds{seeds[0]}-{seeds[-1]}-{group[0].key.backend}"
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "report.html"
        page.write_text(seed_report_html(group, run_logs), encoding="utf-8")
        pages.append(page)
    return pages
