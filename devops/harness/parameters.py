"""The knobs of a scenario, one frozen dataclass per kind of agent, checked on creation.

Each field below says what it does to the scenario; `devops.harness.scenario` passes every
one of them to the vega-sim agent named. Money is in settlement-asset units, sizes
in position units and prices in market price units, all as human numbers (vega-sim
scales them by the decimals). Per-trader fields are tuples with one entry per key
in `devops.harness.agent_keys` (lists are accepted and stored as tuples).

MarketManagerArgs: the market, created by `ConfigurableMarketManager` on simulated
backends and only looked up by name on a live network.
    market_name: the instrument name; every agent finds the market by it.
    market_code: the instrument code of the market created.
    asset_name: symbol of the settlement asset; created if missing on a simulated
        chain, found by symbol elsewhere.
    asset_decimals: decimals of that asset when created; balances are exact in them.
    market_decimals: price decimals of the market: its tick is 10^-market_decimals.
        Vega requires it to be at most `asset_decimals`. The maker also uses it as the
        smallest price it may quote.
    position_decimals: position decimals: the smallest order size is
        10^-position_decimals, so every trader's sizes must be multiples of it.
    initial_mint: settlement asset minted to the market creator key.
    settle_at_end: on simulated backends, whether the settler key terminates the
        market and settles it at the last external price once the steps are done
        (never on a live network, where the market is not the scenario's own).

MarketMakerArgs: the one `ExponentialShapedMarketMaker`, the market's sole liquidity
provider, which quotes around the external price.
    market_kappa: the maker's assumed decay of fill probability with distance from
        mid; its best quotes sit about 1/market_kappa from the external price.
    market_order_arrival_rate: the maker's assumed arrival rate of market orders;
        higher makes its quotes skew less with its inventory.
    order_kappa: growth of volume per level away from the best quote along the
        exponential shape: larger puts more volume deep in the book.
    order_levels: price levels quoted on each side.
    order_spacing: distance between two levels, in price units (at least a tick).
    inventory_lower_boundary / inventory_upper_boundary: whole position sizes
        between which it steers its inventory: at a boundary it quotes one tick from
        mid on the side that unwinds. The run's checks hold its position to them.
    fee_amount: liquidity fee it bids with its commitment (0.001 is 0.1%).
    commitment_amount: its liquidity commitment (stake), in asset units.
    initial_mint: settlement asset minted to it; must cover the commitment.
    max_order_size: no single order of its shape is larger than this (clipping).

AuctionTraderArgs: two `OpenAuctionPass` traders, one buying and one selling at the
first external price, so the opening auction has a crossing trade and can end.
    initial_volume: size of each one's single limit order.
    initial_mint: settlement asset minted to each.

RandomTraderArgs: three `MarketOrderTrader`s giving the book uninformed flow.
    order_intensity: Poisson mean, per side and step, of the number of base sizes in
        its buy and sell market orders.
    order_volume: its base order size.
    step_bias: probability that it trades at all in a step.
    initial_mint: settlement asset minted to each.

MomentumTraderArgs: five `MomentumTrader`s, each following one TA-Lib indicator of
the mid price with market orders.
    strategies: one `MomentumStrategy` per trader:
        indicator: "MACD", "APO", "RSI", "STOCHRSI" or "CMO".
        periods: TA-Lib periods for the indicator, all of its names at once
            (`INDICATOR_PERIODS`), or empty for TA-Lib's defaults.
        thresholds: (upper, lower) indicator levels: above upper it sells, below
            lower it buys (RSI, STOCHRSI, CMO; MACD and APO trade on zero
            crossings and ignore them).
    order_intensity: Poisson mean of the number of base sizes it trades on a signal.
    order_volume: its base order size.
    initial_mint: settlement asset minted to each.

SensitiveTraderArgs: three `PriceSensitiveMarketOrderTrader`s, which buy when the
best ask is close to the external price and sell when the best bid is, pulling the
book back to that price.
    order_intensity: Poisson mean, per side and step, of the number of base sizes.
    price_half_life: how far (in price units) the touch may be from the external
        price before the chance that it trades halves.
    order_volume: its base order size.
    initial_mint: settlement asset minted to each.

SimulationArgs: the run itself.
    price_process: the seeded jump diffusion (`devops.harness.prices.PriceProcessParams`)
        that is the external price on simulated backends.
    n_steps: steps simulated; in each one every agent acts once, in a seeded order.
    step_length_seconds: simulated seconds per step, whole seconds as blocks last
        one second; also the spacing of the external price series.
    candles_path: a CSV of candles (`timestamp,open,high,low,close`) whose closes
        replace the jump diffusion, resampled to the step length; it must cover
        `n_steps` steps.
    live_price_product: the exchange symbol vega-sim's `LivePrice` follows on a live
        network (and only there); a network run needs it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from devops.harness import agent_keys
from devops.harness.prices import PriceProcessParams

# the faucet cap ConfigurableMarketManager gives the asset it creates, in asset units;
# a mint above it is refused
ASSET_FAUCET_CAP = 10_000_000_000

# TA-Lib period names MomentumTrader reads for each indicator when periods are given
INDICATOR_PERIODS: dict[str, tuple[str, ...]] = {
    "MACD": ("fastperiod", "slowperiod", "signalperiod"),
    "APO": ("fastperiod", "slowperiod"),
    "RSI": ("timeperiod",),
    "STOCHRSI": ("timeperiod", "fastk_period", "fastd_period"),
    "CMO": ("timeperiod",),
}


def _fail(owner: object, name: str, problem: str) -> ValueError:
    return ValueError(f"{type(owner).__name__}.{name} {problem}")


def _number(owner: object, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(owner, name, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise _fail(owner, name, f"must be finite, got {value!r}")
    return float(value)


def _positive(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if _number(owner, name, value) <= 0:
            raise _fail(owner, name, f"must be positive, got {value!r}")


def _integer(owner: object, name: str, low: int, high: int | None = None) -> None:
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _fail(owner, name, f"must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise _fail(owner, name, f"must be {bounds}, got {value}")


def _text(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, str) or not value.strip():
            raise _fail(owner, name, f"must be a non-empty string, got {value!r}")


def _mint(owner: object, mint: float) -> None:
    _positive(owner, "initial_mint")
    if mint > ASSET_FAUCET_CAP:
        raise _fail(
            owner,
            "initial_mint",
            f"exceeds the asset faucet cap {ASSET_FAUCET_CAP:g} (at most that), got {mint:g}",
        )


def _per_trader(
    owner: object, name: str, count: int, *, low: float, inclusive: bool, high: float | None = None
) -> None:
    """Store field `name` as a tuple of `count` numbers within bounds."""
    values = getattr(owner, name)
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise _fail(owner, name, f"must be a sequence of {count} numbers, got {values!r}")
    values = tuple(values)
    object.__setattr__(owner, name, values)
    if len(values) != count:
        raise _fail(owner, name, f"needs one entry per trader ({count}), got {len(values)}")
    for index, value in enumerate(values):
        number = _number(owner, f"{name}[{index}]", value)
        if number < low or (number == low and not inclusive):
            relation = "at least" if inclusive else "greater than"
            raise _fail(owner, f"{name}[{index}]", f"must be {relation} {low:g}, got {value!r}")
        if high is not None and number > high:
            raise _fail(owner, f"{name}[{index}]", f"must be at most {high:g}, got {value!r}")


@dataclass(frozen=True, slots=True)
class MarketManagerArgs:
    market_name: str
    market_code: str
    asset_name: str
    asset_decimals: int
    market_decimals: int
    position_decimals: int
    initial_mint: float = 1e9
    settle_at_end: bool = True

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for a market Vega would refuse or the agents cannot trade."""
        _text(self, "market_name", "market_code", "asset_name")
        _integer(self, "asset_decimals", 0, 18)
        _integer(self, "market_decimals", 0)
        _integer(self, "position_decimals", 0)
        if self.market_decimals > self.asset_decimals:
            raise _fail(
                self,
                "market_decimals",
                f"({self.market_decimals}) cannot exceed asset_decimals "
                f"({self.asset_decimals}); Vega refuses such a market",
            )
        _mint(self, self.initial_mint)
        if not isinstance(self.settle_at_end, bool):
            raise _fail(self, "settle_at_end", f"must be True or False, got {self.settle_at_end!r}")


@dataclass(frozen=True, slots=True)
class MarketMakerArgs:
    market_kappa: float
    market_order_arrival_rate: float
    order_kappa: float
    order_levels: int
    order_spacing: float
    inventory_lower_boundary: int
    inventory_upper_boundary: int
    fee_amount: float
    commitment_amount: float
    initial_mint: float
    max_order_size: float = 10_000

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for quotes the maker's model cannot compute or afford."""
        _positive(
            self,
            "market_kappa",
            "market_order_arrival_rate",
            "order_spacing",
            "commitment_amount",
            "max_order_size",
        )
        if _number(self, "order_kappa", self.order_kappa) < 0:
            raise _fail(self, "order_kappa", f"must not be negative, got {self.order_kappa}")
        _integer(self, "order_levels", 1)
        # the maker's optimal-quote tables are indexed by whole inventory levels
        _integer(self, "inventory_lower_boundary", -(10**12))
        _integer(self, "inventory_upper_boundary", -(10**12))
        if not self.inventory_lower_boundary < 0 < self.inventory_upper_boundary:
            raise _fail(
                self,
                "inventory_lower_boundary",
                f"and inventory_upper_boundary must straddle zero, got "
                f"{self.inventory_lower_boundary} and {self.inventory_upper_boundary}",
            )
        if not 0 <= _number(self, "fee_amount", self.fee_amount) <= 1:
            raise _fail(self, "fee_amount", f"must be between 0 and 1, got {self.fee_amount}")
        _mint(self, self.initial_mint)
        if self.commitment_amount > self.initial_mint:
            raise _fail(
                self,
                "commitment_amount",
                f"({self.commitment_amount:g}) exceeds initial_mint ({self.initial_mint:g}); "
                "the maker could not fund its commitment",
            )


@dataclass(frozen=True, slots=True)
class AuctionTraderArgs:
    initial_volume: float
    initial_mint: float

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError unless both traders can place a crossing order."""
        _positive(self, "initial_volume")
        _mint(self, self.initial_mint)


@dataclass(frozen=True, slots=True)
class RandomTraderArgs:
    order_intensity: tuple[float, ...]
    order_volume: tuple[float, ...]
    step_bias: tuple[float, ...]
    initial_mint: float

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError unless there is one sensible entry per random trader."""
        count = len(agent_keys.RANDOM_TRADERS)
        _per_trader(self, "order_intensity", count, low=0, inclusive=True)
        _per_trader(self, "order_volume", count, low=0, inclusive=False)
        _per_trader(self, "step_bias", count, low=0, inclusive=True, high=1)
        _mint(self, self.initial_mint)


@dataclass(frozen=True, slots=True)
class MomentumStrategy:
    """The indicator one momentum trader follows."""

    indicator: str
    periods: tuple[tuple[str, int], ...] = ()
    thresholds: tuple[float, float] = (70.0, 30.0)

    def __post_init__(self) -> None:
        if isinstance(self.periods, Mapping):
            object.__setattr__(self, "periods", tuple(sorted(self.periods.items())))
        else:
            object.__setattr__(self, "periods", tuple(tuple(pair) for pair in self.periods))
        object.__setattr__(self, "thresholds", tuple(self.thresholds))
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for an indicator MomentumTrader cannot compute."""
        if self.indicator not in INDICATOR_PERIODS:
            raise _fail(
                self,
                "indicator",
                f"must be one of {', '.join(INDICATOR_PERIODS)}, got {self.indicator!r}",
            )
        if self.periods:
            needed = set(INDICATOR_PERIODS[self.indicator])
            given = {name for name, _ in self.periods}
            if given != needed or len(self.periods) != len(needed):
                raise _fail(
                    self,
                    "periods",
                    f"for {self.indicator} must name exactly {', '.join(sorted(needed))} "
                    f"(or be empty for TA-Lib's defaults), got {', '.join(sorted(given))}",
                )
            for name, value in self.periods:
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise _fail(
                        self, "periods", f"{name} must be a positive integer, got {value!r}"
                    )
        if len(self.thresholds) != 2:
            raise _fail(self, "thresholds", f"must be (upper, lower), got {self.thresholds!r}")
        upper = _number(self, "thresholds", self.thresholds[0])
        lower = _number(self, "thresholds", self.thresholds[1])
        if upper < lower:
            raise _fail(
                self,
                "thresholds",
                f"must be (upper, lower) with upper at least lower, got {self.thresholds!r}",
            )

    def period_arguments(self) -> dict[str, int] | None:
        """The `momentum_strategy_args` MomentumTrader takes: None means TA-Lib defaults."""
        return dict(self.periods) if self.periods else None


DEFAULT_MOMENTUM_STRATEGIES = (
    MomentumStrategy("MACD"),
    MomentumStrategy("APO"),
    MomentumStrategy("RSI", thresholds=(70.0, 30.0)),
    MomentumStrategy("STOCHRSI", thresholds=(80.0, 20.0)),
    MomentumStrategy("CMO", thresholds=(50.0, -50.0)),
)


@dataclass(frozen=True, slots=True)
class MomentumTraderArgs:
    order_intensity: tuple[float, ...]
    order_volume: tuple[float, ...]
    initial_mint: float
    strategies: tuple[MomentumStrategy, ...] = DEFAULT_MOMENTUM_STRATEGIES

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError unless there is one strategy and one size per momentum trader."""
        count = len(agent_keys.MOMENTUM_TRADERS)
        object.__setattr__(self, "strategies", tuple(self.strategies))
        if len(self.strategies) != count:
            raise _fail(
                self,
                "strategies",
                f"needs one entry per trader ({count}), got {len(self.strategies)}",
            )
        for index, strategy in enumerate(self.strategies):
            if not isinstance(strategy, MomentumStrategy):
                raise _fail(
                    self, f"strategies[{index}]", f"must be a MomentumStrategy, got {strategy!r}"
                )
        _per_trader(self, "order_intensity", count, low=0, inclusive=True)
        _per_trader(self, "order_volume", count, low=0, inclusive=False)
        _mint(self, self.initial_mint)


@dataclass(frozen=True, slots=True)
class SensitiveTraderArgs:
    order_intensity: tuple[float, ...]
    price_half_life: tuple[float, ...]
    order_volume: tuple[float, ...]
    initial_mint: float

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError unless there is one sensible entry per sensitive trader."""
        count = len(agent_keys.SENSITIVE_TRADERS)
        _per_trader(self, "order_intensity", count, low=0, inclusive=True)
        _per_trader(self, "price_half_life", count, low=0, inclusive=False)
        _per_trader(self, "order_volume", count, low=0, inclusive=False)
        _mint(self, self.initial_mint)


@dataclass(frozen=True, slots=True)
class SimulationArgs:
    price_process: PriceProcessParams
    n_steps: int = 360
    step_length_seconds: int = 10
    candles_path: str | None = None
    live_price_product: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for a run that cannot be simulated."""
        if not isinstance(self.price_process, PriceProcessParams):
            raise _fail(
                self, "price_process", f"must be a PriceProcessParams, got {self.price_process!r}"
            )
        _integer(self, "n_steps", 1)
        _integer(self, "step_length_seconds", 1)
        if self.candles_path is not None:
            _text(self, "candles_path")
            if not Path(self.candles_path).is_file():
                raise _fail(
                    self, "candles_path", f"must name a candle file, got {self.candles_path!r}"
                )
        if self.live_price_product is not None:
            _text(self, "live_price_product")
