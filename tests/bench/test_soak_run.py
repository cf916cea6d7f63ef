"""The soak's long run gates on what must hold at any length; the rest are findings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from devops.bench import soak, soak_run
from devops.harness.invariants import InvariantResult, check_all
from devops.harness.registry import SCENARIOS
from devops.harness.simulation import run_scenario


def _result(name: str, passed: bool) -> InvariantResult:
    return InvariantResult(name, passed, 0.0 if passed else 2.0, 1.0, None, f"{name} said so")


def _all_passing() -> list[InvariantResult]:
    names = (*soak_run.ENDURANCE, "maker_within_boundaries", "party_closeouts")
    return [_result(name, True) for name in names]


def test_a_failed_endurance_check_fails_the_soak() -> None:
    for name in soak_run.ENDURANCE:
        results = [_result(r.name, r.name != name) for r in _all_passing()]
        passed, lines = soak_run.verdict_lines(results)
        assert not passed
        assert f"FAIL {name}: {name} said so" in lines


def test_a_failed_market_verdict_is_a_finding_and_does_not_fail_the_soak() -> None:
    results = [_result(r.name, r.name != "maker_within_boundaries") for r in _all_passing()]
    passed, lines = soak_run.verdict_lines(results)
    assert passed
    finding = "does not hold maker_within_boundaries: maker_within_boundaries said so"
    assert f"{soak_run.FINDING} {finding}" in lines


def test_a_gated_invariant_that_is_no_longer_judged_is_an_error() -> None:
    results = [r for r in _all_passing() if r.name != "money_conserved"]
    with pytest.raises(soak_run.MissingInvariantError, match="money_conserved"):
        soak_run.split(results)


def test_the_gate_reacts_to_a_real_run_that_lost_money() -> None:
    record = run_scenario("ETHUSD", seed=0, steps=12)
    expectations = SCENARIOS["ETHUSD"]().expectations
    assert soak_run.verdict_lines(check_all(record, expectations))[0]
    states = list(record.states)
    states[7] = replace(states[7], total_balance=states[7].total_balance - 1)
    broken = replace(record, states=tuple(states))
    passed, lines = soak_run.verdict_lines(check_all(broken, expectations))
    assert not passed
    assert any(line.startswith("FAIL money_conserved") for line in lines)


def test_the_soak_runs_the_long_run_and_lists_its_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = soak.main(["--only", "ETHUSD run", "--scale", "0.001", "--logs", str(tmp_path)])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "ETHUSD run: finding: holds maker_within_boundaries" in printed
    assert (tmp_path / "run" / "ETHUSD-seed0-embedded" / "report.html").is_file()
    assert "PASS money_conserved" in (tmp_path / "ETHUSD_run.log").read_text()


def test_the_long_run_refuses_a_bad_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        soak_run.main(["--steps", "0"])
    assert exit_info.value.code == 2
    assert "--steps: must be a whole number of at least 1, got '0'" in capsys.readouterr().err
