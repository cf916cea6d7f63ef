"""Offline prices: a seed fixes the series, its statistics are the ones configured,
and candle files are read strictly."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from devops.harness.prices import (
    SECONDS_PER_YEAR,
    CandleFileError,
    PriceProcessParams,
    load_candles,
    simulate_price_path,
    simulate_prices,
)

ETH = PriceProcessParams(initial_price=1_800, volatility=0.6)


def log_returns(path: np.ndarray) -> np.ndarray:
    return np.diff(np.log(path))


# ---- the jump diffusion --------------------------------------------------------------------


def test_same_seed_gives_the_same_series() -> None:
    params = PriceProcessParams(1_800, 0.6, jump_intensity=1_000, jump_std=0.01)
    assert simulate_prices(params, 500, 10, seed=7) == simulate_prices(params, 500, 10, seed=7)


def test_different_seeds_give_different_series() -> None:
    first = simulate_prices(ETH, 500, 10, seed=7)
    second = simulate_prices(ETH, 500, 10, seed=8)
    assert first[0] == second[0] == 1_800
    assert first[1:] != second[1:]


def test_series_has_one_price_per_step_starting_at_the_initial_price() -> None:
    prices = simulate_prices(ETH, 360, 10, seed=0)
    assert len(prices) == 360
    assert prices[0] == 1_800
    assert all(isinstance(price, float) and price > 0 for price in prices)


def test_a_single_step_is_just_the_initial_price() -> None:
    assert simulate_prices(ETH, 1, 10, seed=0) == [1_800.0]


def test_no_volatility_no_drift_no_jumps_is_flat() -> None:
    flat = PriceProcessParams(initial_price=0.3, volatility=0.0)
    assert simulate_prices(flat, 50, 10, seed=3) == [0.3] * 50


def test_log_return_spread_matches_the_configured_volatility() -> None:
    path = simulate_price_path(ETH, 200_001, 10, seed=11)
    per_step = log_returns(path).std(ddof=1)
    assert per_step == pytest.approx(ETH.step_volatility(10), rel=0.02)
    annualised = per_step / math.sqrt(10 / SECONDS_PER_YEAR)
    assert annualised == pytest.approx(0.6, rel=0.02)


def test_log_return_mean_matches_the_drift() -> None:
    params = PriceProcessParams(initial_price=100, volatility=0.5, drift=0.3)
    day = 86_400
    returns = log_returns(simulate_price_path(params, 100_001, day, seed=5))
    dt = day / SECONDS_PER_YEAR
    expected = (0.3 - 0.5 * 0.5**2) * dt
    standard_error = 0.5 * math.sqrt(dt) / math.sqrt(len(returns))
    assert abs(returns.mean() - expected) < 4 * standard_error


def test_jumps_add_their_variance_and_fat_tails() -> None:
    dt = 10 / SECONDS_PER_YEAR
    params = PriceProcessParams(
        initial_price=1_800, volatility=0.6, jump_intensity=0.01 / dt, jump_std=0.01
    )
    returns = log_returns(simulate_price_path(params, 400_001, 10, seed=2))
    expected = 0.6**2 * dt + 0.01 * 0.01**2
    assert returns.var(ddof=1) == pytest.approx(expected, rel=0.15)
    kurtosis = ((returns - returns.mean()) ** 4).mean() / returns.var() ** 2
    assert kurtosis > 10  # a normal distribution has 3


def test_jump_compensator_keeps_the_expected_price_at_the_drift() -> None:
    # E[S_T] = S_0 exp(drift T) whatever the jumps: average the final price of many paths
    dt = 10 / SECONDS_PER_YEAR
    params = PriceProcessParams(
        initial_price=100, volatility=0.0, jump_intensity=0.05 / dt, jump_mean=-0.02, jump_std=0.0
    )
    finals = [simulate_price_path(params, 101, 10, seed=seed)[-1] for seed in range(4_000)]
    assert np.mean(finals) == pytest.approx(100.0, rel=0.002)


@pytest.mark.parametrize(
    ("steps", "length", "seed", "message"),
    [
        (0, 10, 0, "n_steps"),
        (10, 0, 0, "step_length_seconds"),
        (10, -5, 0, "step_length_seconds"),
        (10, 10, -1, "seed"),
        (10.5, 10, 0, "n_steps"),
    ],
)
def test_nonsense_run_shapes_are_refused(
    steps: int, length: float, seed: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_prices(ETH, steps, length, seed)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"initial_price": 0}, "initial_price must be positive"),
        ({"initial_price": -1}, "initial_price must be positive"),
        ({"volatility": -0.1}, "volatility must not be negative"),
        ({"jump_intensity": -1}, "jump_intensity must not be negative"),
        ({"jump_std": -0.01}, "jump_std must not be negative"),
        ({"drift": math.nan}, "drift must be finite"),
        ({"volatility": math.inf}, "volatility must be finite"),
    ],
)
def test_nonsense_processes_are_refused(changes: dict[str, float], message: str) -> None:
    arguments = {"initial_price": 1.0, "volatility": 0.5} | changes
    with pytest.raises(ValueError, match=message):
        PriceProcessParams(**arguments)


# ---- candles -------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "candles.csv"
    path.write_text(text)
    return path


def test_coarse_candles_are_forward_filled_to_the_step_length(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "timestamp,open,high,low,close\n"
        "1700000000,10,11,9,10.5\n"
        "1700000060,10.5,12,10,11.5\n"
        "1700000120,11.5,12,11,11.0\n",
    )
    closes = load_candles(path, 10)
    assert closes == [10.5] * 6 + [11.5] * 6 + [11.0]


def test_fine_candles_are_thinned_and_iso_times_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2023-01-01T00:00:00Z,1,1,1,1\n"
        "2023-01-01T00:01:00Z,2,2,2,2\n"
        "2023-01-01T00:02:00+00:00,3,3,3,3\n"
        "2023-01-01 00:03:00,4,4,4,4\n"
        "2023-01-01T00:04:00,5,5,5,5\n",
    )
    assert load_candles(path, 120) == [1.0, 3.0, 5.0]


def test_gaps_repeat_the_last_close_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "0,1,1,1,1,999\n30,2,2,2,2,5\n\n35,3,3,3,3,1\n")
    assert load_candles(path, 10) == [1.0, 1.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,1,1,1,1\n60,2,2,2,2\n60,3,3,3,3\n", r"candles\.csv:3: timestamps must increase"),
        ("0,1,1,1,1\n60,2,2,2,2\n30,3,3,3,3\n", r"candles\.csv:3: timestamps must increase"),
        ("0,1,1,1,1\n60,2,2,-1,2\n", r"candles\.csv:2: prices must be positive"),
        ("0,1,1,1,0\n", r"candles\.csv:1: prices must be positive"),
        ("0,1,1,1,1\n60,2,two,2,2\n", r"candles\.csv:2: open, high, low and close must be numbers"),
        ("0,1,1,1\n", r"candles\.csv:1: expected timestamp,open,high,low,close"),
        ("yesterday,1,1,1,1\n", r"candles\.csv:1: timestamp 'yesterday' is neither"),
        ("1700000000000,1,1,1,1\n", r"candles\.csv:1: .*milliseconds are not accepted"),
        ("0,1,1,2,1\n", r"candles\.csv:1: high 1.0 is below low 2.0"),
        ("", r"candles\.csv: no candles"),
        ("timestamp,open,high,low,close\n", r"candles\.csv: no candles"),
    ],
)
def test_bad_candle_files_are_refused_with_where_and_why(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CandleFileError, match=message):
        load_candles(write(tmp_path, text), 10)


def test_a_header_is_only_accepted_on_the_first_line(tmp_path: Path) -> None:
    path = write(tmp_path, "0,1,1,1,1\ntimestamp,open,high,low,close\n")
    with pytest.raises(CandleFileError, match="candles.csv:2"):
        load_candles(path, 10)


def test_candle_step_length_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="step_length_seconds"):
        load_candles(write(tmp_path, "0,1,1,1,1\n"), 0)
