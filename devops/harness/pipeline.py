"""One run -> check -> report pipeline, for simulations and deploys alike.

The CLI, the pytest plugin and the deploy gate all go through here, so a run is
always judged by the same checks and leaves the same files behind, and a network
run from the command line passes the same gate as one from pytest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devops.harness.invariants import InvariantResult, check_all
from devops.harness.records import RunRecord
from devops.harness.reports import ReportWriteError, report_folder, write_report
from devops.harness.thresholds import ScenarioExpectations
from devops.harness.verdicts import Verdict, VerdictKey, VerdictStore


@dataclass(frozen=True, slots=True)
class Outcome:
    """A run, its invariant results and the report page written for it."""

    record: RunRecord
    results: list[InvariantResult]
    page: Path | None  # None when the report could not be written
    report_error: str | None = None  # why not, in one line

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def check_and_report(
    record: RunRecord, expectations: ScenarioExpectations, run_logs: str | Path
) -> Outcome:
    """Judge a finished run and write its report folder; a folder that cannot be written
    leaves the judgement standing, with the reason in `report_error`."""
    results = check_all(record, expectations)
    folder = report_folder(Path(run_logs), record.scenario, record.seed, record.backend)
    try:
        return Outcome(record, results, write_report(record, results, folder))
    except ReportWriteError as error:
        return Outcome(record, results, None, str(error))


def deploy_and_check(
    scenario: str,
    network: str,
    *,
    steps: int,
    step_length_seconds: int | None,
    seed: int,
    expectations: ScenarioExpectations,
    run_logs: str | Path,
    on_step: Callable[[int, int], None] | None = None,
    market_name: str | None = None,
    console: bool = False,
) -> Outcome:
    """Run `scenario` on `network` and hold it to its invariants, as a client measures them."""
    from devops.harness.deploy import deploy

    record = deploy(
        scenario,
        network,
        steps=steps,
        step_length_seconds=step_length_seconds,
        seed=seed,
        on_step=on_step,
        market_name=market_name,
        console=console,
    )
    return check_and_report(record, expectations, run_logs)


class GateInterrupted(Exception):
    """The gate's simulation was interrupted; no verdict was stored."""


def simulation_verdict(
    scenario: str,
    *,
    seed: int,
    store: VerdictStore,
    run_logs: str | Path,
    on_step: Callable[[int, int], None] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
) -> Verdict:
    """The deploy gate's verdict for `scenario` and `seed`: the registry's own length,
    step and thresholds on the embedded backend, stored or simulated now.

    A simulation cut short by `interrupted` raises `GateInterrupted`, storing nothing.
    """
    from devops.harness.registry import SCENARIOS
    from devops.harness.simulation import prepared_scenario, run_scenario

    simulation = prepared_scenario(scenario).simulation_args
    expectations = SCENARIOS[scenario]().expectations
    key = VerdictKey.of(
        scenario,
        seed=seed,
        steps=simulation.n_steps,
        step_length_seconds=simulation.step_length_seconds,
        backend="embedded",
        expectations=expectations,
    )

    def judge() -> Verdict:
        record = run_scenario(scenario, seed=seed, on_step=on_step)
        if interrupted():
            raise GateInterrupted(f"the gate's simulation of {scenario} was interrupted")
        return Verdict.judge(key, check_and_report(record, expectations, run_logs).results)

    return store.obtain(key, judge)
