"""Every value a user gives is checked at the edge: one line saying what and why, nothing run.

The command line is tried in-process (fast) for each kind of bad value and once as a
real subprocess; pytest's options through a pytester session with the project's
plugins; then the argument dataclasses, candle files and network config files.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from devops.harness import cli, options
from devops.harness.networks import NetworkConfigError, read_network_config
from devops.harness.parameters import MomentumStrategy, SimulationArgs
from devops.harness.prices import CandleFileError, PriceProcessParams, load_candles
from devops.harness.registry import SCENARIOS

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
ETH = SCENARIOS["ETHUSD"]()


# ---- the validators themselves -------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "text", "value"),
    [
        (options.positive_int, "1", 1),
        (options.positive_int, " 360 ", 360),
        (options.seed, "0", 0),
        (options.seed, str(2**32 - 1), 2**32 - 1),
        (options.network_name, "STAGNET1", "stagnet1"),
        (options.network_name, "Local", "local"),
        (options.backend_name, "NullChain", "nullchain"),
        (options.market_name, "  ETH:USD ", "ETH:USD"),
        (options.expectation_override, " max_maker_closeouts = 2 ", "max_maker_closeouts=2"),
        (
            options.expectation_override,
            "maker_boundary_tolerance=1.5",
            "maker_boundary_tolerance=1.5",
        ),
    ],
)
def test_good_values_pass_and_are_normalised(
    check: Callable[[str], object], text: str, value: object
) -> None:
    assert check(text) == value


@pytest.mark.parametrize(
    ("check", "text", "says"),
    [
        (options.positive_int, "0", "must be a whole number of at least 1, got '0'"),
        (options.positive_int, "-5", "got '-5'"),
        (options.positive_int, "2.5", "got '2.5'"),
        (options.positive_int, "1e3", "got '1e3'"),
        (options.positive_int, "", "got ''"),
        (options.seed, "-1", "must be a whole number from 0 to 4294967295, got '-1'"),
        (options.seed, str(2**32), "got '4294967296'"),
        (options.seed, "seven", "got 'seven'"),
        (options.network_name, "MARS", "unknown network 'MARS'; choose one of stagnet1, "),
        (options.backend_name, "docker", "unknown backend 'docker'; choose one of embedded"),
        (options.market_name, "  ", "must name a market"),
        (options.expectation_override, "max_maker_closeouts", "wants NAME=VALUE"),
        (options.expectation_override, "=3", "wants NAME=VALUE"),
        (options.expectation_override, "speed=3", "unknown expectation 'speed'; known: "),
        (options.expectation_override, "max_maker_closeouts=1.5", "whole number of at least 0"),
        (options.expectation_override, "max_maker_closeouts=-1", "got '-1'"),
        (options.expectation_override, "maker_boundary_tolerance=wide", "got 'wide'"),
        (options.expectation_override, "maker_boundary_tolerance=-0.5", "at least 0"),
        (options.expectation_override, "maker_boundary_tolerance=nan", "finite number"),
        (options.expectation_override, "maker_boundary_tolerance=inf", "finite number"),
    ],
)
def test_bad_values_are_refused_in_one_line(
    check: Callable[[str], object], text: str, says: str
) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        check(text)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_run_logs_may_not_be_or_sit_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    assert options.run_logs_folder(str(tmp_path / "new" / "logs")) == tmp_path / "new" / "logs"
    for bad in (tmp_path / "taken", tmp_path / "taken" / "logs"):
        with pytest.raises(argparse.ArgumentTypeError, match="is a file, not a folder"):
            options.run_logs_folder(str(bad))
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_one_threshold_overridden_twice_is_refused() -> None:
    options.distinct_overrides(["max_maker_closeouts=1", "max_maker_closeouts=1"])
    with pytest.raises(ValueError, match="max_maker_closeouts given twice"):
        options.distinct_overrides(["max_maker_closeouts=1", "max_maker_closeouts=2"])


def test_the_names_checked_are_the_names_the_code_runs() -> None:
    from devops.harness.deploy import NETWORKS
    from devops.harness.simulation import BACKENDS

    assert set(options.NETWORKS) == set(NETWORKS)
    assert set(options.BACKENDS) == set(BACKENDS)


# ---- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--steps", "-5"], "argument --steps: must be a whole number of at least 1, got '-5'"),
        (["--steps", "0"], "argument --steps: must be a whole number of at least 1, got '0'"),
        (["-l", "0"], "argument -l/--step-length: must be a whole number of at least 1"),
        (["--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295"),
        (["--seed", "4294967296"], "argument --seed: must be a whole number from 0"),
        (["-n", "MARS"], "argument -n/--network: unknown network 'MARS'"),
        (["-m", " "], "argument -m/--market-name: must name a market"),
        (["--backend", "docker"], "argument --backend: unknown backend 'docker'"),
        (["-n", "local", "-m", "ETH"], "argument -m/--market-name: the local network names"),
        (["-n", "LOCAL", "--backend", "embedded"], "argument --backend: 'embedded' is for"),
        (["-s", "DOGEUSD"], "argument -s/--scenario: unknown scenario 'DOGEUSD'"),
        (["--run-logs", " "], "argument --run-logs: must name a folder, got ' '"),
    ],
)
def test_bad_command_lines_stop_before_anything_runs(
    argv: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = tmp_path / "logs"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["-s", "ETHUSD", "--run-logs", str(logs), *argv])
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"python -m devops.run: error: {says}")
    assert out == ""  # no progress bar, no table
    assert not logs.exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_run_logs_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "run_logs"
    taken.write_text("not a folder")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["-s", "ETHUSD", "--run-logs", str(taken)])
    assert stopped.value.code == 2
    assert "argument --run-logs: " in capsys.readouterr().err
    assert taken.read_text() == "not a folder"


def test_a_backend_that_cannot_start_says_so_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)  # no Vega binaries here
    logs = tmp_path / "logs"
    assert cli.main(["-s", "ETHUSD", "--backend", "nullchain", "--run-logs", str(logs)]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no progress bar was drawn
    assert err.strip() == (
        "the nullchain backend needs the Vega binaries on PATH; missing: vega, data-node, "
        "vegawallet"
    )
    assert not logs.exists()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--steps", "-5"], "argument --steps: must be a whole number of at least 1, got '-5'"),
        (["-n", "MARS"], "argument -n/--network: unknown network 'MARS'; choose one of"),
    ],
)
def test_the_real_command_line_refuses_without_a_traceback(
    argv: list[str], says: str, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    done = subprocess.run(
        [sys.executable, "-m", "devops.run", "-s", "ETHUSD", "--run-logs", str(logs), *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith(f"python -m devops.run: error: {says}")
    assert not logs.exists()


# ---- pytest's options ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("--scenario-steps=0", "argument --scenario-steps: must be a whole number of at least 1"),
        ("--scenario-steps=ten", "argument --scenario-steps: must be a whole number"),
        ("--scenario-seed=-1", "argument --scenario-seed: must be a whole number from 0 to"),
        ("--expect=speed=3", "argument --expect: unknown expectation 'speed'"),
        ("--expect=max_maker_closeouts=0.5", "argument --expect: max_maker_closeouts must be a"),
        ("--expect=maker_boundary_tolerance=-1", "maker_boundary_tolerance must be a finite"),
        ("--expect=max_maker_closeouts", "argument --expect: wants NAME=VALUE"),
        ("--deploy-steps=-3", "argument --deploy-steps: must be a whole number of at least 1"),
        ("--deploy-step-length=0", "argument --deploy-step-length: must be a whole number"),
        ("--run-logs=", "argument --run-logs: must name a folder"),
        ("--verdict-dir=", "argument --verdict-dir: must name a folder"),
        ("--deploy-network=mars", "argument --deploy-network: unknown network 'mars'"),
        ("--backend=docker", "argument --backend: unknown backend 'docker'"),
    ],
)
def test_bad_pytest_options_are_usage_errors(
    pytester: pytest.Pytester, option: str, says: str
) -> None:
    pytester.makeconftest(
        'pytest_plugins = ["devops.fidelity.feature_plugin", "devops.harness.pytest_plugin"]'
    )
    pytester.makepyfile("def test_never_reached():\n    raise AssertionError('ran')\n")
    logs = pytester.path / "logs"
    result = pytester.runpytest(option, f"--run-logs={logs}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if says in line], result.errlines
    assert "Traceback" not in result.stderr.str() and not logs.exists()


def test_pytest_options_checked_together(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["devops.harness.pytest_plugin"]')
    pytester.makepyfile("def test_never_reached():\n    raise AssertionError('ran')\n")
    result = pytester.runpytest("--expect=max_maker_closeouts=1", "--expect=max_maker_closeouts=2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --expect max_maker_closeouts given twice (1 and 2)*"])


def test_good_pytest_options_are_normalised(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["devops.harness.pytest_plugin"]')
    pytester.makepyfile(
        "def test_options(pytestconfig):\n"
        "    assert pytestconfig.getoption('--deploy-network') == 'stagnet2'\n"
        "    assert pytestconfig.getoption('--scenario-seed') == 7\n"
        "    assert pytestconfig.getoption('--expect') == ['max_maker_closeouts=2']\n"
    )
    result = pytester.runpytest(
        "--deploy-network=STAGNET2", "--scenario-seed=7", "--expect= max_maker_closeouts =2"
    )
    result.assert_outcomes(passed=1)


# ---- the scenario's argument dataclasses ------------------------------------------------------


def test_numpy_numbers_are_numbers() -> None:
    args = SimulationArgs(
        price_process=PriceProcessParams(np.float64(1.5), 0.5), n_steps=np.int64(9)
    )
    assert args.n_steps == 9


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (
            lambda: PriceProcessParams("1800", 0.5),
            "PriceProcessParams.initial_price must be a number, got '1800'",
        ),
        (
            lambda: PriceProcessParams(1800, 0.5, jump_std=math.nan),
            "PriceProcessParams.jump_std must be finite, got nan",
        ),
        (
            lambda: PriceProcessParams(1800, 0.5, jump_mean=None),
            "PriceProcessParams.jump_mean must be a number, got None",
        ),
        (
            lambda: PriceProcessParams(-2, 0.5),
            "PriceProcessParams.initial_price must be positive, got -2",
        ),
        (
            lambda: SimulationArgs(
                price_process=ETH.simulation_args.price_process, candles_path="nowhere.csv"
            ),
            "SimulationArgs.candles_path must name a candle file, got 'nowhere.csv'",
        ),
        (
            lambda: MomentumStrategy("RSI", thresholds=(30, 70)),
            "MomentumStrategy.thresholds must be (upper, lower) with upper at least lower, got (30, 70)",
        ),
        (
            lambda: type(ETH.auction_trader_args)(initial_volume=1, initial_mint=2e10),
            "AuctionTraderArgs.initial_mint exceeds the asset faucet cap 1e+10 (at most that), got 2e+10",
        ),
    ],
)
def test_bad_arguments_name_field_value_and_rule(build: Callable[[], object], says: str) -> None:
    with pytest.raises(ValueError) as refused:
        build()
    assert str(refused.value) == says


# ---- candle files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("timestamp,open,high,low,close\n", "candles.csv: no candles"),
        ("", "candles.csv: no candles"),
        (
            "timestamp,open,high,low\n0,1,1,1\n",
            "candles.csv:1: expected timestamp,open,high,low,close",
        ),
        (
            "time,close,open,high,low\n0,1,1,1,1\n",
            "candles.csv:1: header must be timestamp,open,high,low,close",
        ),
        ("0,1,1,1,nan\n", "candles.csv:1: prices must be positive finite numbers"),
        ("nan,1,1,1,1\n", "candles.csv:1: timestamp 'nan' is not a finite number"),
        ("60,1,1,1,1\n0,1,1,1,1\n", "candles.csv:2: timestamps must increase"),
        ("0,1,1,1,-1\n", "candles.csv:1: prices must be positive finite numbers"),
        ("0,1,1,1,1\n60,1,1,1,x\n", "candles.csv:2: open, high, low and close must be numbers"),
    ],
)
def test_bad_candle_files_say_where_and_why(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "candles.csv"
    path.write_text(content)
    with pytest.raises(CandleFileError) as refused:
        load_candles(path, 10)
    assert says in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize("kind", ["missing", "folder", "binary"])
def test_unreadable_candle_files_are_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "candles.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(CandleFileError, match=f"cannot read candle file {path}: ") as refused:
        load_candles(path, 10)
    assert "\n" not in str(refused.value)


# ---- network config files ------------------------------------------------------------------------


def test_a_network_config_with_hosts_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vegawallet-stagnet1.toml"
    path.write_text('[API.GRPC]\nHosts = ["n01.example.net:3007", "n02.example.net:3007"]\n')
    assert read_network_config(path)["API"]["GRPC"]["Hosts"][1] == "n02.example.net:3007"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read network config {path}: No such file or directory"),
        (b"\xff\xfe", "cannot read network config {path}: "),
        (b"[API.GRPC\n", "network config {path} is not valid TOML: "),
        (b"Name = 'stagnet1'\n", "network config {path} has no API.GRPC.Hosts list"),
        (b"API = 3\n", "network config {path} has no API.GRPC.Hosts list"),
        (b"[API.GRPC]\nHosts = []\n", "network config {path} has no API.GRPC.Hosts list"),
        (b"[API.GRPC]\nHosts = ['n01.example.net']\n", "entry 'n01.example.net' is not host:port"),
        (b"[API.GRPC]\nHosts = ['n01:99999']\n", "entry 'n01:99999' is not host:port"),
        ("[API.GRPC]\nHosts = ['n01:８０']\n".encode(), "entry 'n01:８０' is not host:port"),
    ],
)
def test_bad_network_configs_are_refused_in_one_line(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "vegawallet-stagnet1.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NetworkConfigError) as refused:
        read_network_config(path)
    assert isinstance(refused.value, ValueError)
    assert says.format(path=path) in str(refused.value) and "\n" not in str(refused.value)


def test_checks_need_no_simulator() -> None:
    """The option checks load nothing heavy, so `pytest --help` stays quick."""
    code = "import sys, devops.harness.options; print('vega_sim' in sys.modules, 'numpy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.split() == ["False", "False"]
