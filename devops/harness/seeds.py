"""Verdicts over many seeds: which seeds to run, and the gate's rule over their verdicts.

One seed says little: a scenario change that passes seed 0 may fail one seed in
five. With `--scenario-seeds`, every seed is simulated and judged on its own, and
the deploy gate decides over all of them. By default every seed must pass; with
`--gate-min-pass-rate P` a scenario deploys when the Wilson lower bound of its
pass rate, at `--gate-confidence` (default 95%), is at least P, so a handful of
lucky seeds cannot vouch for a scenario that fails often.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass

from devops.harness.options import MAX_SEED
from devops.harness.stats import DEFAULT_CONFIDENCE, wilson_lower_bound
from devops.harness.verdicts import Verdict

MAX_SEEDS = 100_000  # each seed is a simulation and its tests; more is a mistyped range


def parse_seeds(text: str) -> tuple[int, ...]:
    """`N` is seeds 0..N-1 and `A:B` is seeds A..B-1; ValueError for anything else."""
    start, sep, stop = str(text).strip().partition(":")
    try:
        first, last = (int(start), int(stop)) if sep else (0, int(start))
    except ValueError:
        raise ValueError(f"wants a count N or a range A:B of whole numbers, got {text!r}") from None
    if not 0 <= first < last <= MAX_SEED + 1:
        raise ValueError(
            f"must name at least one seed from 0 to {MAX_SEED} (N >= 1, or A < B), got {text!r}"
        )
    if last - first > MAX_SEEDS:
        raise ValueError(f"names {last - first} seeds; at most {MAX_SEEDS} at once, got {text!r}")
    return tuple(range(first, last))


def seed_range(text: str) -> tuple[int, ...]:
    """`parse_seeds` as an argparse type."""
    try:
        return parse_seeds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def probability(text: str) -> float:
    """A number in (0, 1] (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text!r}")
    return value


def confidence(text: str) -> float:
    """A confidence level strictly between 0 and 1 (an argparse type)."""
    value = probability(text)
    if value == 1:
        raise argparse.ArgumentTypeError(f"must be below 1, got {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class GateRule:
    """Every seed must pass (`min_pass_rate` None), or the pass rate's lower bound must reach it."""

    min_pass_rate: float | None = None
    confidence: float = DEFAULT_CONFIDENCE

    def describe(self) -> str:
        if self.min_pass_rate is None:
            return "every seed must pass"
        return (
            f"the pass rate's Wilson lower bound at {self.confidence:.0%} confidence must be at "
            f"least {self.min_pass_rate:g}"
        )


@dataclass(frozen=True, slots=True)
class GateDecision:
    """Whether a scenario deploys, judged over its seeds' verdicts, and why not."""

    deploy: bool
    reason: str
    seed: int  # the seed a deploy runs with: the first one judged


def decide(verdicts: Sequence[Verdict], rule: GateRule) -> GateDecision:
    """Apply `rule` to the verdicts of one scenario's seeds (in seed order)."""
    first = verdicts[0]
    missing = next((v for v in verdicts if v.error is not None), None)
    if missing is not None:
        return GateDecision(False, missing.reason(), first.key.seed)
    failing = [v for v in verdicts if not v.passed]
    if len(verdicts) == 1:
        return GateDecision(not failing, first.reason() if failing else "", first.key.seed)
    passes, trials = len(verdicts) - len(failing), len(verdicts)
    summary = f"{passes} of {trials} seeds passed"
    worst = f"; first failing: {failing[0].reason()}" if failing else ""
    if rule.min_pass_rate is None:
        ok = not failing
        detail = f"{summary} ({rule.describe()}){worst}"
    else:
        bound = wilson_lower_bound(passes, trials, rule.confidence)
        ok = bound >= rule.min_pass_rate
        detail = f"{summary}, lower bound {bound:.3f} ({rule.describe()}){worst}"
    return GateDecision(ok, "" if ok else detail, first.key.seed)


@dataclass(frozen=True, slots=True)
class InvariantRate:
    """One invariant of one scenario over its seeds."""

    scenario: str
    invariant: str
    passes: int
    trials: int
    lower_bound: float
    worst_figure: float


def pass_rates(verdicts: Sequence[Verdict], confidence: float) -> list[InvariantRate]:
    """Per scenario and invariant: pass count, Wilson lower bound and worst figure."""
    tallies: dict[tuple[str, str], list[tuple[bool, float]]] = {}
    for verdict in verdicts:
        for name, passed, figure in verdict.results:
            tallies.setdefault((verdict.key.scenario, name), []).append((passed, figure))
    rates = []
    for (scenario, name), outcomes in tallies.items():
        passes = sum(passed for passed, _ in outcomes)
        rates.append(
            InvariantRate(
                scenario,
                name,
                passes,
                len(outcomes),
                wilson_lower_bound(passes, len(outcomes), confidence),
                max(figure for _, figure in outcomes),
            )
        )
    return rates
