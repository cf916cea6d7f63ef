"""pytest plugin: Vega's integration scenarios as test items, with the expectations list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

import pluggy
import pytest
from _pytest.terminal import TerminalReporter  # pytest exports no public name for it

from devops.fidelity import expectations
from devops.fidelity.features import load_all

_DEFAULT_FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "vega-features"
_MISSING = (
    "Vega feature files not found: pass --vega-features DIR (a folder with features/ and "
    "defaults/) or place them at ../shared/vega-features"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fidelity", "Vega integration features (fidelity suite)")
    group.addoption(
        "--vega-features",
        metavar="DIR",
        default=None,
        help="folder with Vega's features/ and defaults/ (default: ../shared/vega-features)",
    )
    group.addoption(
        "--fidelity-expectations",
        metavar="FILE",
        default=None,
        help="the list of scenarios expected to fail (default: tests/fidelity/expectations.txt)",
    )
    group.addoption(
        "--fidelity-no-expectations",
        action="store_true",
        help="ignore tests/fidelity/expectations.txt (every scenario must pass)",
    )
    group.addoption(
        "--fidelity-record",
        metavar="FILE",
        default=None,
        help="write the failing scenarios and their first error line to FILE",
    )


def features_folder(config: pytest.Config) -> Path | None:
    chosen = config.getoption("--vega-features")
    folder = Path(chosen) if chosen else _DEFAULT_FOLDER
    if (folder / "features").is_dir() and (folder / "defaults").is_dir():
        return folder
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "vega_scenario" not in metafunc.fixturenames:
        return
    folder = features_folder(metafunc.config)
    if folder is None:
        metafunc.parametrize(
            "vega_scenario",
            [pytest.param(None, marks=pytest.mark.skip(reason=_MISSING))],
            ids=["no-vega-features"],
        )
        return
    scenarios = load_all(folder / "features")
    listed = metafunc.config.getoption("--fidelity-expectations")
    expected = (
        {}
        if metafunc.config.getoption("--fidelity-no-expectations")
        else expectations.read(Path(listed) if listed else expectations.FILE)
    )
    known = {s.id for s in scenarios}
    stale = sorted(set(expected) - known)
    if stale:
        raise pytest.UsageError(
            "the expectations list names scenarios that do not exist: " + ", ".join(stale[:5])
        )
    params = []
    for scenario in scenarios:
        marks = []
        if scenario.id in expected:
            marks.append(
                pytest.mark.xfail(
                    strict=True, reason=expected[scenario.id], raises=expectations.ListedFailure
                )
            )
        params.append(pytest.param(scenario, marks=marks, id=scenario.id))
    metafunc.parametrize("vega_scenario", params)


@pytest.fixture
def listed_failure(request: pytest.FixtureRequest) -> str | None:
    """The expectations list's reason for the current scenario, or None when it must pass."""
    marker = request.node.get_closest_marker("xfail")
    return marker.kwargs.get("reason") if marker is not None else None


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: dict[str, str] = {}


_TALLY_KEY = pytest.StashKey[_Tally]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TALLY_KEY] = _Tally()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    """Carry the scenario's own id on its reports (node ids escape non-ASCII text)."""
    outcome = yield
    callspec = getattr(item, "callspec", None)
    scenario = callspec.params.get("vega_scenario") if callspec else None
    if scenario is not None:
        outcome.get_result().user_properties.append(("vega_scenario", scenario.id))


def _scenario_id(report: pytest.TestReport) -> str | None:
    for key, value in report.user_properties:
        if key == "vega_scenario":
            return str(value)
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    scenario_id = _scenario_id(report)
    if scenario_id is None:
        return
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    topic = scenario_id.split("/", 1)[0] if "/" in scenario_id.split("::")[0] else "(top level)"
    tally = _current_tally()
    if tally is None:
        return
    if hasattr(report, "wasxfail"):
        outcome = "xfailed" if report.skipped else "failed"
    else:
        outcome = report.outcome
    tally.counts[topic][outcome] += 1
    if report.failed and not hasattr(report, "wasxfail"):
        text = str(report.longrepr).strip().splitlines()
        errors = [line.strip()[1:].strip() for line in text if line.strip().startswith("E ")]
        reason = " / ".join(errors[:2])
        for prefix in (
            "devops.fidelity.player.ScenarioFailure: ",
            "devops.fidelity.table.StepError: ",
        ):
            reason = reason.replace(prefix, "")
        tally.failures[scenario_id] = reason[:240] or "failed"
    elif hasattr(report, "wasxfail") and report.skipped:
        tally.failures[scenario_id] = report.wasxfail


_CONFIG: list[pytest.Config] = []


def _current_tally() -> _Tally | None:
    return _CONFIG[-1].stash[_TALLY_KEY] if _CONFIG else None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    _CONFIG.append(session.config)


def pytest_terminal_summary(
    terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    tally = config.stash[_TALLY_KEY]
    if not tally.counts:
        return
    record = config.getoption("--fidelity-record")
    if record:
        expectations.write(tally.failures, Path(record))
    write = terminalreporter.write_line
    write("")
    write("Vega integration features on the embedded engine")
    write(f"{'topic':<24}{'passed':>8}{'xfailed':>9}{'failed':>8}{'total':>7}{'pass %':>8}")
    totals: defaultdict[str, int] = defaultdict(int)
    for topic in sorted(tally.counts):
        counts = tally.counts[topic]
        total = sum(counts.values())
        for key, value in counts.items():
            totals[key] += value
        share = 100 * counts["passed"] / total if total else 0
        write(
            f"{topic:<24}{counts['passed']:>8}{counts['xfailed']:>9}{counts['failed']:>8}"
            f"{total:>7}{share:>7.1f}%"
        )
    grand = sum(totals.values())
    share = 100 * totals["passed"] / grand if grand else 0
    write(
        f"{'all':<24}{totals['passed']:>8}{totals['xfailed']:>9}{totals['failed']:>8}"
        f"{grand:>7}{share:>7.1f}%"
    )
