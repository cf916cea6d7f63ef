"""Sweep arguments: seeds, typed grid values, and every refusal before anything runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devops.harness.registry import SCENARIOS
from devops.harness.seeds import parse_seeds
from devops.sweep import cli
from devops.sweep.grid import (
    Axis,
    Value,
    apply,
    grid,
    label,
    parse_axis,
    scenario_arguments,
)

ROOT = Path(__file__).resolve().parents[2]
ETH = scenario_arguments(SCENARIOS["ETHUSD"]())


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("1", (0,)), ("4", (0, 1, 2, 3)), ("0:2", (0, 1)), ("998:1000", (998, 999)), (" 3:4 ", (3,))],
)
def test_seeds_count_from_zero_or_span_a_range(text: str, seeds: tuple[int, ...]) -> None:
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["0", "-1", "5:5", "6:2", "a:b", "1.5", "", f"0:{2**32 + 1}"])
def test_empty_or_malformed_seed_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_seeds(text)


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        (
            "market_maker_args.inventory_upper_boundary=10,20,30",
            "market_maker_args.inventory_upper_boundary",
            (10, 20, 30),
        ),
        ("market_maker_args.market_kappa=5, 10.5", "market_maker_args.market_kappa", (5.0, 10.5)),
        (
            "random_trader_args.order_volume=0.01/0.1/1,0.02/0.2/2",
            "random_trader_args.order_volume",
            ((0.01, 0.1, 1.0), (0.02, 0.2, 2.0)),
        ),
        (
            "market_manager_args.settle_at_end=true,False",
            "market_manager_args.settle_at_end",
            (True, False),
        ),
        (
            "simulation_args.live_price_product=none,ETHUSDT",
            "simulation_args.live_price_product",
            (None, "ETHUSDT"),
        ),
        (
            "simulation_args.price_process.volatility=0.3,0.9",
            "simulation_args.price_process.volatility",
            (0.3, 0.9),
        ),
    ],
)
def test_values_are_parsed_to_the_attribute_type(
    text: str, path: str, values: tuple[Value, ...]
) -> None:
    axis = parse_axis(text, ETH)
    assert axis == Axis(path, values)
    assert [type(v) for v in axis.values] == [type(v) for v in values]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("maker_args.order_levels=1,2", "unknown argument field 'maker_args'"),
        (
            "market_maker_args.levels=1,2",
            "MarketMakerArgs (market_maker_args) has no attribute 'levels'",
        ),
        ("market_maker_args=1,2", "names a whole field"),
        (
            "market_maker_args.order_levels=2.5",
            "market_maker_args.order_levels needs int, got '2.5'",
        ),
        ("market_maker_args.market_kappa=fast", "needs float, got 'fast'"),
        ("market_maker_args.market_kappa=nan", "needs float"),
        ("random_trader_args.order_volume=0.1/x/1", "float entries separated by '/'"),
        ("market_manager_args.settle_at_end=maybe", "needs true or false"),
        ("simulation_args.price_process=1", "is a PriceProcessParams; vary one of its attributes"),
        ("momentum_trader_args.strategies=MACD", "cannot be varied from the command line"),
        ("market_maker_args.order_levels=2,2", "lists a value twice"),
        ("market_maker_args.order_levels", "wants <args field>.<attribute>=v1,v2,..."),
    ],
)
def test_unknown_paths_and_unparsable_values_are_named(text: str, says: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_axis(text, ETH)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_the_grid_is_every_combination_first_axis_slowest() -> None:
    axes = (Axis("a.x", (1, 2)), Axis("b.y", (0.5, 1.5, 2.5)))
    points = grid(axes)
    assert len(points) == 6
    assert points[0] == (("a.x", 1), ("b.y", 0.5)) and points[3] == (("a.x", 2), ("b.y", 0.5))
    assert grid(()) == ((),) and label(()) == "scenario defaults"


def test_a_point_is_applied_to_a_fresh_scenario_only() -> None:
    scenario = SCENARIOS["ETHUSD"]()
    point = (
        ("market_maker_args.inventory_upper_boundary", 12),
        ("simulation_args.price_process.volatility", 0.25),
    )
    apply(scenario, point)
    assert scenario.market_maker_args.inventory_upper_boundary == 12
    assert scenario.simulation_args.price_process.volatility == 0.25
    untouched = SCENARIOS["ETHUSD"]()
    assert untouched.market_maker_args.inventory_upper_boundary == 30
    assert scenario.market_maker_args.order_levels == untouched.market_maker_args.order_levels


def _refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.parse_arguments(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["--vary", "market_maker_args.nope=1"],
            "argument --vary: MarketMakerArgs (market_maker_args) has no attribute 'nope'",
        ),
        (
            ["--vary", "trader_args.order_volume=1"],
            "argument --vary: unknown argument field 'trader_args'",
        ),
        # parsed fine, but the dataclass refuses it: a maker boundary must stay above zero
        (
            ["--vary", "market_maker_args.inventory_upper_boundary=10,-5"],
            "argument --vary: market_maker_args.inventory_upper_boundary=-5 is refused: "
            "MarketMakerArgs.inventory_lower_boundary and inventory_upper_boundary must straddle zero",
        ),
        # each value alone is fine; together the maker cannot fund its commitment
        (
            [
                "--vary",
                "market_maker_args.initial_mint=1e5,3e5",
                "--vary",
                "market_maker_args.commitment_amount=2e5",
            ],
            "market_maker_args.commitment_amount=200000 is refused: MarketMakerArgs.commitment_amount",
        ),
        (
            [
                "--vary",
                "market_maker_args.order_levels=2",
                "--vary",
                "market_maker_args.order_levels=3",
            ],
            "market_maker_args.order_levels is varied twice",
        ),
        (["--seeds", "3:3"], "argument --seeds: must name at least one seed"),
        (["--steps", "0"], "argument --steps: must be a whole number of at least 1"),
        (["--scheduler", "localhost:8786"], "argument --scheduler: wants tcp://HOST:PORT"),
        (["--scheduler", "tcp://localhost:abc"], "argument --scheduler: wants tcp://HOST:PORT"),
        (["--scheduler", "tcp://localhost:８７８６"], "argument --scheduler: wants tcp://HOST"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "not allowed with argument"),
        (["--confidence", "1"], "argument --confidence: must be between 0 and 1"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    line = _refusal(capsys, ["-s", "ETHUSD", *argv])
    assert line.startswith("python -m devops.sweep: error: ")
    assert says in line


def test_an_unknown_scenario_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown scenario 'DOGEUSD'" in _refusal(capsys, ["-s", "DOGEUSD"])


def test_good_arguments_make_the_grid_times_the_seeds() -> None:
    args, axes = cli.parse_arguments(
        [
            "-s",
            "ethusd",
            "--seeds",
            "5:8",
            "--steps",
            "20",
            "--vary",
            "market_maker_args.order_levels=5,10",
        ]
    )
    assert args.scenario == "ETHUSD" and args.seeds == (5, 6, 7) and args.workers is None
    tasks = cli.tasks_for(args.scenario, axes, args.seeds, args.steps)
    assert [(t.overrides[0][1], t.seed) for t in tasks] == [
        (5, 5),
        (5, 6),
        (5, 7),
        (10, 5),
        (10, 6),
        (10, 7),
    ]
    assert all(t.steps == 20 and t.scenario == "ETHUSD" for t in tasks)


def test_the_command_refuses_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "never"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "devops.sweep",
            "-s",
            "ETHUSD",
            "--out",
            str(out),
            "--vary",
            "market_maker_args.fee_amount=0.5,2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "python -m devops.sweep: error: argument --vary: market_maker_args.fee_amount=2 is "
        "refused: MarketMakerArgs.fee_amount must be between 0 and 1, got 2.0"
    )
    assert done.stdout == "" and not out.exists()
