"""Offline price series for the agents to follow: no scenario run touches the internet.

The market maker quotes around this series and the price-sensitive traders decide
from it, so it plays the part of "the outside world's price". Two sources:

* `simulate_prices`: a Merton jump diffusion (geometric Brownian motion plus
  Poisson-timed log-normal jumps), fixed entirely by a seed, so a run can be
  replayed exactly and two seeds give two different but statistically alike days.
* `load_candles`: closes from a CSV of candles someone saved earlier, resampled
  to the scenario's step length, for replaying a real episode.

Both give one price per step: element `i` is the price during step `i`.
"""

from __future__ import annotations

import csv
import datetime
import math
import numbers
import os
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

import numpy as np

# crypto markets trade around the clock, so a year is every second of it
SECONDS_PER_YEAR = 365.25 * 24 * 60 * 60
# epoch seconds above this are far in the future: the file is most likely in milliseconds
_LATEST_PLAUSIBLE_SECONDS = 1e11


@dataclass(frozen=True, slots=True)
class PriceProcessParams:
    """One asset's jump diffusion; rates are per year, jumps are in log price."""

    initial_price: float  # the first price of the series, in quote units
    volatility: float  # annualised standard deviation of log returns, without jumps
    drift: float = 0.0  # annualised expected log-price growth of the whole process
    jump_intensity: float = 0.0  # expected number of jumps per year
    jump_mean: float = 0.0  # mean of one jump's log size (negative: crashes)
    jump_std: float = 0.0  # standard deviation of one jump's log size

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError on parameters no price process can have, naming the field."""
        for item in dataclass_fields(self):
            self._finite(item.name)
        self._at_least("initial_price", 0, "must be positive", strictly=True)
        for name in ("volatility", "jump_intensity", "jump_std"):
            self._at_least(name, 0, "must not be negative")

    def _finite(self, name: str) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"PriceProcessParams.{name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"PriceProcessParams.{name} must be finite, got {value!r}")

    def _at_least(self, name: str, low: float, rule: str, strictly: bool = False) -> None:
        value = getattr(self, name)
        if value < low or (strictly and value == low):
            raise ValueError(f"PriceProcessParams.{name} {rule}, got {value!r}")

    def step_volatility(self, step_length_seconds: float) -> float:
        """Standard deviation of one step's diffusive log return."""
        return self.volatility * math.sqrt(step_length_seconds / SECONDS_PER_YEAR)


def simulate_price_path(
    params: PriceProcessParams, n_steps: int, step_length_seconds: float, seed: int
) -> np.ndarray:
    """`n_steps` prices `step_length_seconds` apart, starting at the initial price.

    The jump compensator keeps the expected price growing at `drift` whatever the
    jumps, so adding jumps changes the shape of moves, not their direction.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive integer, got {n_steps!r}")
    if not step_length_seconds > 0 or not math.isfinite(step_length_seconds):
        raise ValueError(f"step_length_seconds must be positive, got {step_length_seconds!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    rng = np.random.default_rng(int(seed))
    dt = step_length_seconds / SECONDS_PER_YEAR
    moves = n_steps - 1
    # draw every source of randomness whatever the parameters, so a seed fixes the
    # same shocks when only a parameter changes
    diffusion = rng.standard_normal(moves)
    jump_counts = rng.poisson(params.jump_intensity * dt, moves)
    jump_noise = rng.standard_normal(moves)

    compensator = params.jump_intensity * (
        math.exp(params.jump_mean + 0.5 * params.jump_std**2) - 1.0
    )
    deterministic = (params.drift - 0.5 * params.volatility**2 - compensator) * dt
    jumps = jump_counts * params.jump_mean + np.sqrt(jump_counts) * params.jump_std * jump_noise
    increments = deterministic + params.volatility * math.sqrt(dt) * diffusion + jumps

    growth = np.exp(np.concatenate(([0.0], np.cumsum(increments))))
    return params.initial_price * growth


def simulate_prices(
    params: PriceProcessParams, n_steps: int, step_length_seconds: float, seed: int
) -> list[float]:
    """`simulate_price_path` as plain floats, the form vega-sim's agents iterate over."""
    return [
        float(price) for price in simulate_price_path(params, n_steps, step_length_seconds, seed)
    ]


class CandleFileError(ValueError):
    """A candle file that cannot be trusted as a price history; says where and why."""


def _parse_timestamp(text: str) -> float:
    """Epoch seconds from a number of seconds or an ISO 8601 time (naive means UTC)."""
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            raise ValueError(f"timestamp {text!r} is not a finite number")
        if abs(seconds) > _LATEST_PLAUSIBLE_SECONDS:
            raise ValueError(
                f"timestamp {text!r} is too large for seconds; milliseconds are not accepted"
            )
        return seconds
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"timestamp {text!r} is neither seconds since the epoch nor an ISO 8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()


def _parse_prices(fields: list[str]) -> tuple[float, float, float, float] | None:
    """open, high, low, close as floats, or None when any of them is not a number."""
    try:
        open_, high, low, close = (float(field) for field in fields[1:5])
    except ValueError:
        return None
    return open_, high, low, close


HEADER_PRICE_COLUMNS = ("open", "high", "low", "close")


def _check_header(fields: list[str], where: str) -> None:
    """A header must name the price columns in the order they are read."""
    if tuple(name.lower() for name in fields[1:5]) != HEADER_PRICE_COLUMNS:
        raise CandleFileError(
            f"{where}: header must be timestamp,open,high,low,close, got {','.join(fields)!r}"
        )


def _read_candles(path: str | os.PathLike[str]) -> list[tuple[float, float]]:
    """(timestamp, close) per candle, every row checked."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return _parse_candles(csv.reader(handle), os.fspath(path))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CandleFileError(f"cannot read candle file {os.fspath(path)}: {reason}") from None


def _parse_candles(rows: Iterable[list[str]], name: str) -> list[tuple[float, float]]:
    candles: list[tuple[float, float]] = []
    for line_number, row in enumerate(rows, start=1):
        fields = [field.strip() for field in row]
        if not any(fields):
            continue
        where = f"{name}:{line_number}"
        if len(fields) < 5:
            raise CandleFileError(
                f"{where}: expected timestamp,open,high,low,close, got {len(fields)} "
                f"column(s): {','.join(fields)!r}"
            )
        prices = _parse_prices(fields)
        if prices is None:
            if not candles and line_number == 1:
                _check_header(fields, where)
                continue
            raise CandleFileError(f"{where}: open, high, low and close must be numbers")
        try:
            timestamp = _parse_timestamp(fields[0])
        except ValueError as error:
            raise CandleFileError(f"{where}: {error}") from None
        if not all(math.isfinite(price) and price > 0 for price in prices):
            raise CandleFileError(
                f"{where}: prices must be positive finite numbers, got {fields[1:5]}"
            )
        _, high, low, _ = prices
        if high < low:
            raise CandleFileError(f"{where}: high {high} is below low {low}")
        if candles and timestamp <= candles[-1][0]:
            raise CandleFileError(
                f"{where}: timestamps must increase; {fields[0]!r} does not come after "
                "the previous candle"
            )
        candles.append((timestamp, prices[3]))
    if not candles:
        raise CandleFileError(f"{name}: no candles")
    return candles


def load_candles(path: str | os.PathLike[str], step_length_seconds: float) -> list[float]:
    """Closes from a candle CSV, one per step from the first candle to the last.

    Rows are `timestamp,open,high,low,close` (further columns, such as volume, are
    ignored; a header line is optional). The price at a step is the close of the
    last candle stamped at or before that step's time, so coarse candles repeat and
    fine ones are thinned out.
    """
    if not step_length_seconds > 0 or not math.isfinite(step_length_seconds):
        raise ValueError(f"step_length_seconds must be positive, got {step_length_seconds!r}")
    candles = _read_candles(path)
    first, last = candles[0][0], candles[-1][0]
    # a hair of tolerance so float timestamps that land on the grid count as on it
    steps = int(math.floor((last - first) / step_length_seconds + 1e-9)) + 1
    closes: list[float] = []
    index = 0
    for step in range(steps):
        moment = first + step * step_length_seconds
        while index + 1 < len(candles) and candles[index + 1][0] <= moment + 1e-9:
            index += 1
        closes.append(candles[index][1])
    return closes
