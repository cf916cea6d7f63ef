"""Random command lines through `devops.run.main`: a clear verdict, never a traceback.

Whatever argv holds, `main` either returns an exit status (0, 1 or 2) or exits
through argparse with status 0 (`--help`) or 2 (a refused value, printed as one
line). The simulation itself is replaced by a stand-in that records the parsed
arguments: this property is about the command line's validation, and a real run
per example would cost seconds (the runs are covered by tests/scenarios).
"""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import devops.harness.cli as cli

FLAGS = [
    "-s",
    "--scenario",
    "-n",
    "--network",
    "-m",
    "--market-name",
    "-l",
    "--step-length",
    "--steps",
    "--seed",
    "--backend",
    "--run-logs",
    "-c",
    "--console",
    "-h",
    "--bogus",
    "--",
    "-",
]
VALUES = [
    "ETHUSD",
    "ethusd",
    "BTCUSD",
    "NOPE",
    "local",
    "stagnet1",
    "embedded",
    "nullchain",
    "0",
    "-1",
    "3",
    "1e3",
    "4294967296",
    "99999999999999999999999",
    "nan",
    "",
    " ",
    "run_logs",
    "../x",
    "\x00",
    "ETH/USD",
]
ARGUMENT = st.one_of(
    st.sampled_from(FLAGS),
    st.sampled_from(VALUES),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


class _Ran(Exception):
    """Raised by the stand-in run: the arguments got through validation."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.namespace = args


@pytest.fixture()
def no_simulation(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    def stand_in(args: argparse.Namespace, stop: object) -> int:
        raise _Ran(args)

    monkeypatch.setattr(cli, "_run", stand_in)
    monkeypatch.chdir(tmp_path)  # a relative --run-logs stays inside the test's folder


def _outcome(argv: list[str]) -> tuple[str, object, str]:
    """('exit', status, stderr), ('return', status, stderr) or ('ran', args, stderr)."""
    errors, output = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(output):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:
            return "exit", exit_.code, errors.getvalue()
        except _Ran as ran:
            return "ran", ran.namespace, errors.getvalue()
    return "return", status, errors.getvalue()


# the example count is the profile's: a few in `dev`, thousands in `soak`
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(ARGUMENT, max_size=8))
@example(argv=["-s", "ETHUSD"])  # an accepted command line, always tried
def test_any_command_line_gets_a_clear_verdict(no_simulation: None, argv: list[str]) -> None:
    kind, value, errors = _outcome(argv)
    if kind == "ran":
        # validation accepted it: what the run receives is already checked and typed
        assert value.scenario in ("ETHUSD", "BTCUSD", "ADAUSDT", "XRPUSDT")
        assert value.steps is None or value.steps > 0
        assert 0 <= value.seed
        return
    assert value in (0, 1, 2), f"{kind} {value!r} for {argv!r}"
    if value == 2 and kind == "exit":
        assert errors.strip(), f"a refusal says why: {argv!r}"
        assert "Traceback" not in errors


def test_a_refusal_is_one_line_naming_the_argument(no_simulation: None) -> None:
    kind, value, errors = _outcome(["-s", "ETHUSD", "--steps", "-3"])
    assert (kind, value) == ("exit", 2)
    assert "--steps" in errors.strip().splitlines()[-1]
