"""Targets, the failure of a self-check, and the table."""

from __future__ import annotations

import pytest

from devops.bench import __main__ as bench_main
from devops.bench.figures import BenchCheckError, Figure, Target, check, render


def test_targets_say_whether_they_are_met() -> None:
    assert Target(50_000, at_least=True).met(60_000)
    assert not Target(50_000, at_least=True).met(40_000)
    assert Target(1.05, at_least=False).met(1.0)
    assert not Target(1.05, at_least=False).met(1.2)
    assert Figure("x", 1.0, "s", "what").met is None


def test_check_raises_even_under_optimisation() -> None:
    check(True, "fine")
    with pytest.raises(BenchCheckError, match="stated state"):
        check(False, "stated state")


def test_table_shows_target_and_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    render(
        [
            Figure("a.fast", 60_000, "orders/s", "what a counts", "a checked", Target(5e4, True)),
            Figure("b.slow", 2.0, "s", "what b counts", target=Target(1.5, False), cpu_value=1.25),
        ]
    )
    out = capsys.readouterr().out
    assert "CPU: 1.25" in out
    assert "≥ 50,000 orders/s" in out and "≤ 1.50 s" in out
    assert "yes" in out and "NO" in out
    assert "what a counts" in out and "a checked" in out


def test_a_failed_check_is_reported_and_fails_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing() -> list[Figure]:
        raise BenchCheckError("the book grew")

    def passing() -> list[Figure]:
        return [Figure("ok.figure", 1.0, "x", "counted")]

    monkeypatch.setitem(bench_main.SUITES, "engine", [("bad", failing), ("good", passing)])
    assert bench_main.main(["engine"]) == 1
    captured = capsys.readouterr()
    assert "the book grew" in captured.out and "ok.figure" in captured.out
    assert "FAILED: bad: the book grew" in captured.err


def test_an_interrupt_keeps_the_figures_measured_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def measured() -> list[Figure]:
        return [Figure("done.figure", 1.0, "x", "counted")]

    def interrupted() -> list[Figure]:
        raise KeyboardInterrupt

    def never() -> list[Figure]:
        raise AssertionError("a benchmark after the interrupt ran")

    suite = [("first", measured), ("second", interrupted), ("third", never)]
    monkeypatch.setitem(bench_main.SUITES, "engine", suite)
    assert bench_main.main(["engine"]) == 130
    out = capsys.readouterr().out
    assert "done.figure" in out
    assert "bench interrupted during second; the table shows the figures measured" in out
    assert "Traceback" not in out
