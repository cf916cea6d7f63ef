"""What a benchmark hands back: a figure, what it counts, its target, and its self-checks."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    """A bound the figure should meet: `at_least` (throughput) or at most (time, ratio)."""

    bound: float
    at_least: bool

    def met(self, value: float) -> bool:
        return value >= self.bound if self.at_least else value <= self.bound

    def text(self, unit: str) -> str:
        return f"{'≥' if self.at_least else '≤'} {_number(self.bound)} {unit}"


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure.

    `measured` says what is counted, over what and in what state; `checked` says what the
    benchmark verified about that state after measuring (it raises `BenchCheckError`
    instead of returning when a check fails). `value` is from wall time; the target
    applies to it.
    """

    name: str
    value: float
    unit: str
    measured: str
    checked: str = ""
    target: Target | None = None
    # the same figure from the process's CPU time instead of wall time (other processes on
    # a shared machine slow the wall clock, not this process's CPU time)
    cpu_value: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)


class Stopwatch:
    """Wall and CPU seconds over one or more timed stretches (`with watch: ...`)."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self._started = (0.0, 0.0)

    def __enter__(self) -> Stopwatch:
        self._started = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *exc_info: object) -> None:
        wall, cpu = self._started
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu

    def rates(self, count: int) -> tuple[float, float]:
        """`count` per second of wall time, and per second of CPU time."""
        return count / self.wall, count / self.cpu if self.cpu > 0 else float("inf")


class BenchCheckError(AssertionError):
    """A benchmark did not measure the state its description states."""


def check(condition: bool, message: str) -> None:
    """Fail loudly (also under `python -O`) when a benchmark's stated state was not achieved."""
    if not condition:
        raise BenchCheckError(message)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def value_text(figure: Figure) -> str:
    if math.isnan(figure.value):
        return "-"
    text = f"{_number(figure.value)} {figure.unit}"
    if figure.cpu_value is not None:
        text += f"\n[dim]CPU: {_number(figure.cpu_value)}[/dim]"
    return text


def render(figures: list[Figure], title: str = "benchmarks") -> None:
    """The figures as one table: value, target, whether it is met, what is measured."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    table.add_column("figure", overflow="fold", max_width=34)
    table.add_column("value (wall)", justify="right", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("met", no_wrap=True)
    table.add_column("what is measured; what was checked", ratio=1)
    for figure in figures:
        met = None if math.isnan(figure.value) else figure.met
        table.add_row(
            figure.name,
            value_text(figure),
            figure.target.text(figure.unit) if figure.target else "-",
            "-" if met is None else ("[green]yes[/green]" if met else "[red]NO[/red]"),
            figure.measured + (f"\n[dim]checked:[/dim] {figure.checked}" if figure.checked else ""),
        )
    Console(width=160).print(table)
