"""pytest plugin: registry scenarios as parametrised fixtures, simulated once per session.

`pytest -k ETHUSD` selects one market; every invariant test of a scenario shares
one cached simulation (per scenario and seed), and under pytest-xdist the tests
of one scenario are grouped on one worker (`--dist loadgroup`), so each
simulation runs once per session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devops.expectations import ScenarioExpectations
from devops.registry import SCENARIOS
from devops.run_state import RunRecord

NETWORKS = ("stagnet1", "stagnet2", "stagnet3", "fairground", "local")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("devops", "Vega market scenarios")
    group.addoption(
        "--backend",
        default="embedded",
        choices=("embedded", "nullchain"),
        help="where scenarios are simulated: the embedded nullchain (default) or vega-sim's "
        "nullchain with the Vega binaries",
    )
    group.addoption(
        "--scenario-steps",
        type=int,
        default=None,
        help="steps per simulation (default: each " "scenario's own, 360)",
    )
    group.addoption("--scenario-seed", type=int, default=0, help="seed of every simulation")
    group.addoption(
        "--expect",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one invariant threshold for every scenario, e.g. "
        "--expect max_monitoring_auction_fraction=0.1",
    )
    group.addoption(
        "--deploy-network",
        default=None,
        choices=NETWORKS,
        help="after a scenario's simulation tests pass, run it on this network",
    )
    group.addoption("--deploy-steps", type=int, default=20, help="steps of each deploy run")
    group.addoption(
        "--run-logs", default="run_logs", help="folder for each run's report (default run_logs)"
    )


@dataclass
class SimulationCache:
    """Runs already simulated in this process, by (scenario, seed, steps)."""

    runs: dict[tuple[str, int, int | None], RunRecord] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)  # scenario -> failed tests


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CACHE] = SimulationCache()
    config.addinivalue_line("markers", "scenario_invariant: an invariant of a registry scenario")


_CACHE = pytest.StashKey[SimulationCache]()


def _overrides(config: pytest.Config) -> dict[str, str]:
    pairs = {}
    for text in config.getoption("--expect"):
        name, sep, value = text.partition("=")
        if not sep:
            raise pytest.UsageError(f"--expect wants NAME=VALUE, got {text!r}")
        pairs[name.strip()] = value.strip()
    return pairs


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "scenario_name" in metafunc.fixturenames:
        metafunc.parametrize(
            "scenario_name",
            [pytest.param(n, id=n, marks=pytest.mark.xdist_group(n)) for n in SCENARIOS],
        )


@dataclass(frozen=True)
class ScenarioRun:
    """What an invariant test gets: the run, its thresholds and its report folder."""

    record: RunRecord
    expectations: ScenarioExpectations
    report: Path


@pytest.fixture
def scenario_run(scenario_name: str, request: pytest.FixtureRequest) -> ScenarioRun:
    """The scenario simulated once per session (cached), with its report written."""
    from devops.invariants import check_all
    from devops.reports import report_folder, write_report
    from devops.runner import BackendUnavailableError, run_scenario

    config = request.config
    cache = config.stash[_CACHE]
    seed = config.getoption("--scenario-seed")
    steps = config.getoption("--scenario-steps")
    expectations = SCENARIOS[scenario_name]().expectations
    try:
        expectations = expectations.overridden(_overrides(config))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    key = (scenario_name, seed, steps)
    backend = config.getoption("--backend")
    folder = report_folder(Path(config.getoption("--run-logs")), scenario_name, seed, backend)
    if key not in cache.runs:
        try:
            record = run_scenario(scenario_name, seed=seed, steps=steps, backend=backend)
        except BackendUnavailableError as error:
            pytest.fail(str(error), pytrace=False)
        cache.runs[key] = record
        write_report(record, check_all(record, expectations), folder)
    return ScenarioRun(cache.runs[key], expectations, folder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    scenario = getattr(item, "callspec", None)
    # an expected failure is still a failed invariant: that scenario is not deployed
    failed = report.failed or hasattr(report, "wasxfail")
    if scenario is not None and report.when == "call" and failed:
        name = scenario.params.get("scenario_name")
        if name is not None:
            item.config.stash[_CACHE].failed.setdefault(name, []).append(item.name)
    return report


def simulation_failures(config: pytest.Config, scenario: str) -> list[str]:
    """The scenario's failed simulation tests so far in this session."""
    return config.stash[_CACHE].failed.get(scenario, [])
