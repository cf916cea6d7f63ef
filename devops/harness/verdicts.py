"""Deploy verdicts: a scenario's simulation outcome, keyed by every input that made it.

The deploy gate asks one question: did scenario S, simulated with exactly these
inputs (seed, steps, step length, backend, thresholds) by exactly this code,
pass every invariant? The answer is a `Verdict`, stored under a `VerdictKey`
that names all of those inputs, so no verdict can stand in for another: a run
with other thresholds, another seed or older code has another key.

Verdicts are shared across pytest-xdist workers through files in one folder per
session. A worker that needs a verdict takes the key's lock; if another worker
is simulating that scenario it waits for it, and if nobody has it runs the
simulation itself. A verdict file is written whole (write, then rename) and only
for a run that finished, so an interrupted session leaves nothing a later gate
could mistake for a complete verdict.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from devops.harness.invariants import InvariantResult
from devops.harness.thresholds import ScenarioExpectations

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@cache
def code_version() -> str:
    """A digest of this package's source and the simulator's version: new code, new key."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("vega-sim", "numpy"):
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class VerdictKey:
    """Everything a simulation's verdict depends on."""

    scenario: str
    seed: int
    steps: int
    step_length_seconds: int
    backend: str
    thresholds: tuple[tuple[str, float], ...]
    code: str = field(default_factory=code_version)

    @classmethod
    def of(
        cls,
        scenario: str,
        *,
        seed: int,
        steps: int,
        step_length_seconds: int,
        backend: str,
        expectations: ScenarioExpectations,
    ) -> VerdictKey:
        thresholds = tuple(sorted((k, float(v)) for k, v in asdict(expectations).items()))
        return cls(scenario, seed, steps, step_length_seconds, backend, thresholds)

    def digest(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def describe(self) -> str:
        return (
            f"{self.scenario} seed {self.seed}, {self.steps} steps of {self.step_length_seconds} s "
            f"on {self.backend}"
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """A finished simulation's outcome: passed, or the invariants that failed and why.

    `error` is set when no simulation could be judged at all (e.g. the backend is
    missing); such a verdict never passes.
    """

    key: VerdictKey
    passed: bool
    failures: tuple[str, ...] = ()  # one line per failed invariant: name, figure, threshold
    error: str | None = None
    # every invariant's (name, passed, figure), for pass rates and distributions over seeds
    results: tuple[tuple[str, bool, float], ...] = ()

    @classmethod
    def judge(cls, key: VerdictKey, results: list[InvariantResult]) -> Verdict:
        failed = [r for r in results if not r.passed]
        lines = tuple(
            f"{r.name} (figure {r.figure:g}, threshold {r.threshold:g}): {r.message}"
            for r in failed
        )
        figures = tuple((r.name, r.passed, r.figure) for r in results)
        return cls(key, not failed, lines, None, figures)

    @classmethod
    def unavailable(cls, key: VerdictKey, reason: str) -> Verdict:
        return cls(key, False, (), reason)

    def reason(self) -> str:
        """Why a deploy is refused, in one line: the failing invariants, or why there is none."""
        if self.error is not None:
            return f"no verdict for {self.key.describe()}: {self.error}"
        return f"its simulation ({self.key.describe()}) failed " + "; ".join(self.failures)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Verdict:
        data = json.loads(text)
        key_data = data["key"]
        key_data["thresholds"] = tuple(tuple(pair) for pair in key_data["thresholds"])
        return cls(
            VerdictKey(**key_data),
            data["passed"],
            tuple(data["failures"]),
            data["error"],
            tuple((name, passed, figure) for name, passed, figure in data["results"]),
        )


class VerdictStore:
    """Verdict files in one folder, shared by every process of a pytest session."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: VerdictKey) -> Path:
        return self.folder / f"{key.scenario}-{key.digest()}.json"

    @contextmanager
    def _locked(self, key: VerdictKey) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{key.scenario}-{key.digest()}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def all(self) -> list[Verdict]:
        """Every verdict in the folder, in file-name order."""
        verdicts = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                verdicts.append(Verdict.from_json(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return verdicts

    def read(self, key: VerdictKey) -> Verdict | None:
        """The stored verdict for exactly `key`; a file for any other key is ignored."""
        path = self._path(key)
        try:
            verdict = Verdict.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return verdict if verdict.key == key else None

    def write(self, verdict: Verdict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(verdict.key)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(verdict.to_json(), encoding="utf-8")
        os.replace(partial, path)

    def obtain(self, key: VerdictKey, judge: Callable[[], Verdict]) -> Verdict:
        """The verdict for `key`: stored, or judged now (once across all processes).

        `judge` runs the simulation and checks it; if it raises (an interruption,
        a crash), nothing is stored.
        """
        with self._locked(key):
            stored = self.read(key)
            if stored is not None:
                return stored
            verdict = judge()
            if verdict.key != key:
                raise ValueError("a verdict was judged for another key than asked")
            self.write(verdict)
            return verdict
