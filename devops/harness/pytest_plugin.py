"""pytest plugin: registry scenarios as parametrised fixtures, and the deploy gate.

`pytest -k ETHUSD` selects one market; every invariant test of a scenario shares
one simulation per process (`--dist loadgroup` keeps a scenario's tests on one
worker, so it runs once per session).

The deploy gate reads a `Verdict` keyed by every input of the simulation (see
`devops.harness.verdicts`), never what happened to run earlier in the process: a deploy
test asks for its scenario's verdict, which a worker judges on demand when no
process has yet, and deploys only when it passed. Deselected invariant tests,
set-up errors, a missing backend, a split across workers or a verdict made with
other thresholds therefore cannot let a failing scenario through.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devops.harness import options, seeds
from devops.harness.invariants import InvariantResult
from devops.harness.records import RunRecord
from devops.harness.seeds import GateDecision, GateRule
from devops.harness.stats import DEFAULT_CONFIDENCE
from devops.harness.thresholds import ScenarioExpectations
from devops.harness.verdicts import Verdict, VerdictKey, VerdictStore


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("devops", "Vega market scenarios")
    group.addoption(
        "--backend",
        default="embedded",
        type=options.backend_name,
        help="where scenarios are simulated: the embedded nullchain (default) or vega-sim's "
        "nullchain with the Vega binaries",
    )
    group.addoption(
        "--scenario-steps",
        type=options.positive_int,
        default=None,
        help="steps per simulation (default: each " "scenario's own, 360)",
    )
    group.addoption(
        "--scenario-seed",
        type=options.seed,
        default=0,
        help=f"seed of every simulation, 0 to {options.MAX_SEED} (default 0)",
    )
    group.addoption(
        "--scenario-seeds",
        type=seeds.seed_range,
        default=None,
        metavar="N|A:B",
        help="simulate every scenario with seeds 0..N-1 (or A..B-1), each seed its own tests; "
        "the deploy gate then decides over all of them (overrides --scenario-seed)",
    )
    group.addoption(
        "--gate-min-pass-rate",
        type=seeds.probability,
        default=None,
        metavar="P",
        help="deploy when the Wilson lower bound of the pass rate over seeds reaches P "
        "(default: every seed must pass)",
    )
    group.addoption(
        "--gate-confidence",
        type=seeds.confidence,
        default=DEFAULT_CONFIDENCE,
        help=f"confidence of that lower bound (default {DEFAULT_CONFIDENCE})",
    )
    group.addoption(
        "--expect",
        action="append",
        default=[],
        type=options.expectation_override,
        metavar="NAME=VALUE",
        help="override one invariant threshold for every scenario, e.g. "
        "--expect max_monitoring_auction_fraction=0.1",
    )
    group.addoption(
        "--deploy-network",
        default=None,
        type=options.network_name,
        help="after a scenario's simulation tests pass, run it on this network: "
        f"{', '.join(options.NETWORKS)}",
    )
    group.addoption(
        "--deploy-steps", type=options.positive_int, default=20, help="steps of each deploy run"
    )
    group.addoption(
        "--deploy-step-length",
        type=options.positive_int,
        default=None,
        help="seconds per deploy step (default: 1 on the local network, the scenario's own "
        "on live networks)",
    )
    group.addoption(
        "--verdict-dir",
        default=None,
        type=options.folder,
        help="folder for the simulations' verdicts shared by xdist workers (default: a new "
        "folder per session, removed at its end)",
    )
    group.addoption(
        "--run-logs",
        default="run_logs",
        type=options.run_logs_folder,
        help="folder for each run's report (default run_logs)",
    )


def _scenarios() -> dict[str, Any]:
    """The registry, imported only when a session has scenario tests: it loads vega-sim,
    pandas and TA-Lib, which a session of engine tests never needs."""
    from devops.harness.registry import SCENARIOS

    return SCENARIOS


_SESSION = pytest.StashKey["ScenarioSession"]()
_VERDICT_DIR_INPUT = "devops_verdict_dir"


@dataclass(frozen=True, slots=True)
class Simulation:
    """A scenario simulated in this process: its record, verdict inputs and report folder."""

    key: VerdictKey
    record: RunRecord
    results: list[InvariantResult]
    report: Path


@dataclass
class ScenarioSession:
    """What a pytest session knows about scenarios: options, verdict store, simulations."""

    config: pytest.Config
    store: VerdictStore
    owns_store: bool
    simulations: dict[VerdictKey, Simulation] = field(default_factory=dict)

    @property
    def seeds(self) -> tuple[int, ...]:
        chosen = self.config.getoption("--scenario-seeds")
        return tuple(chosen) if chosen else (int(self.config.getoption("--scenario-seed")),)

    @property
    def backend(self) -> str:
        return str(self.config.getoption("--backend"))

    @property
    def gate_rule(self) -> GateRule:
        return GateRule(
            self.config.getoption("--gate-min-pass-rate"),
            float(self.config.getoption("--gate-confidence")),
        )

    def expectations(self, scenario: str) -> ScenarioExpectations:
        try:
            return _scenarios()[scenario]().expectations.overridden(_overrides(self.config))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None

    def key(self, scenario: str, seed: int) -> VerdictKey:
        """Every input of this session's simulation of `scenario` with `seed`."""
        from devops.harness.simulation import prepared_scenario

        simulation = prepared_scenario(
            scenario, steps=self.config.getoption("--scenario-steps")
        ).simulation_args
        return VerdictKey.of(
            scenario,
            seed=seed,
            steps=simulation.n_steps,
            step_length_seconds=simulation.step_length_seconds,
            backend=self.backend,
            expectations=self.expectations(scenario),
        )

    def simulate(self, scenario: str, seed: int) -> Simulation:
        """The scenario simulated, checked and reported, once per process and key."""
        from devops.harness.pipeline import check_and_report
        from devops.harness.reports import report_folder
        from devops.harness.simulation import run_scenario

        key = self.key(scenario, seed)
        if key not in self.simulations:
            record = run_scenario(scenario, seed=seed, steps=key.steps, backend=key.backend)
            run_logs = Path(self.config.getoption("--run-logs"))
            outcome = check_and_report(record, self.expectations(scenario), run_logs)
            folder = report_folder(run_logs, scenario, seed, key.backend)
            self.simulations[key] = Simulation(key, record, outcome.results, folder)
        return self.simulations[key]

    def verdict(self, scenario: str, seed: int) -> Verdict:
        """The verdict on this session's simulation of `scenario`, judged now if nobody has."""
        from devops.harness.simulation import BackendUnavailableError

        key = self.key(scenario, seed)

        def judge() -> Verdict:
            try:
                return Verdict.judge(key, self.simulate(scenario, seed).results)
            except BackendUnavailableError as error:
                return Verdict.unavailable(key, str(error))

        return self.store.obtain(key, judge)

    def gate(self, scenario: str) -> GateDecision:
        """Whether `scenario` may deploy: the gate rule over every seed's verdict."""
        return seeds.decide([self.verdict(scenario, s) for s in self.seeds], self.gate_rule)

    def judged(self) -> list[Verdict]:
        """The verdicts this session's inputs have produced so far, in seed order."""
        found = []
        for scenario in _scenarios():
            for seed in self.seeds:
                verdict = self.store.read(self.key(scenario, seed))
                if verdict is not None:
                    found.append(verdict)
        return found


def pytest_configure(config: pytest.Config) -> None:
    try:  # each option was checked as it was parsed; this checks them together
        options.distinct_overrides(config.getoption("--expect"))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    config.addinivalue_line("markers", "scenario_invariant: an invariant of a registry scenario")
    shared = getattr(config, "workerinput", {}).get(_VERDICT_DIR_INPUT)
    chosen = config.getoption("--verdict-dir")
    folder = shared or chosen or tempfile.mkdtemp(prefix="devops-verdicts-")
    owns = not shared and not chosen
    config.stash[_SESSION] = ScenarioSession(config, VerdictStore(Path(folder)), owns)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker shares the controller's verdict folder."""
    node.workerinput[_VERDICT_DIR_INPUT] = str(node.config.stash[_SESSION].store.folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION, None)
    if session is not None and session.owns_store:
        shutil.rmtree(session.store.folder, ignore_errors=True)


def scenario_session(config: pytest.Config) -> ScenarioSession:
    return config.stash[_SESSION]


def _overrides(config: pytest.Config) -> dict[str, str]:
    pairs = {}
    for text in config.getoption("--expect"):
        name, sep, value = text.partition("=")
        if not sep:
            raise pytest.UsageError(f"--expect wants NAME=VALUE, got {text!r}")
        pairs[name.strip()] = value.strip()
    return pairs


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "scenario_name" not in metafunc.fixturenames:
        return
    if "scenario_seed" not in metafunc.fixturenames:
        metafunc.parametrize(
            "scenario_name",
            [pytest.param(n, id=n, marks=pytest.mark.xdist_group(n)) for n in _scenarios()],
        )
        return
    chosen = scenario_session(metafunc.config).seeds
    many = len(chosen) > 1
    metafunc.parametrize(
        ("scenario_name", "scenario_seed"),
        [
            pytest.param(
                n,
                s,
                id=f"{n}-seed{s}" if many else n,
                marks=pytest.mark.xdist_group(f"{n}-seed{s}" if many else n),
            )
            for n in _scenarios()
            for s in chosen
        ],
    )


@pytest.fixture
def scenario_run(
    scenario_name: str, scenario_seed: int, request: pytest.FixtureRequest
) -> Simulation:
    """The scenario simulated once per session and seed (its verdict shared with every worker)."""
    session = scenario_session(request.config)
    verdict = session.verdict(scenario_name, scenario_seed)
    if verdict.error is not None:
        pytest.fail(verdict.reason(), pytrace=False)
    return session.simulate(scenario_name, scenario_seed)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """With several seeds: each invariant's pass rate over them, and the aggregate reports."""
    session = config.stash.get(_SESSION, None)
    if session is None or hasattr(config, "workerinput") or len(session.seeds) < 2:
        return
    from devops.harness.seed_report import write_seed_reports

    verdicts = session.judged()
    if not verdicts:
        return
    confidence = session.gate_rule.confidence
    terminalreporter.write_sep(
        "=", f"invariant pass rates over seeds ({confidence:.0%} Wilson lower bound)"
    )
    for rate in seeds.pass_rates(verdicts, confidence):
        terminalreporter.write_line(
            f"{rate.scenario:10} {rate.invariant:28} {rate.passes:4}/{rate.trials:<4} "
            f"{rate.passes / rate.trials:7.1%}  lower bound {rate.lower_bound:.3f}  "
            f"worst figure {rate.worst_figure:g}"
        )
    for page in write_seed_reports(verdicts, Path(config.getoption("--run-logs"))):
        terminalreporter.write_line(f"seed report: {page}")
