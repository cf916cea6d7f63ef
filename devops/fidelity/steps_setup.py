"""Steps that set a scenario up: named defaults, assets, markets, parameters, money, time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from devops.engine.collateral import CollateralError
from devops.engine.netparams.params import NetworkParameterError, parse_duration
from devops.engine.types import (
    NANOS_PER_SECOND,
    AccountType,
    FeeFactors,
    LiquidityMonitoringParameters,
    LogNormalRiskModel,
    MarginScalingFactors,
    MarketConfig,
    PriceMonitoringTrigger,
    SimpleRiskModel,
    TargetStakeParameters,
    TransferType,
)
from devops.fidelity.named_defaults import OracleConfig
from devops.fidelity.step_patterns import step
from devops.fidelity.table import Row, StepError, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

_MARKET_COLUMNS = (
    (
        "id",
        "quote name",
        "asset",
        "risk model",
        "fees",
        "data source config",
        "price monitoring",
        "margin calculator",
        "auction duration",
        "linear slippage factor",
        "quadratic slippage factor",
    ),
    (
        "decimal places",
        "position decimal places",
        "liquidity monitoring",
        "lp price range",
        "parent market id",
        "insurance pool fraction",
        "successor auction",
    ),
)
_MARKET_UPDATE_COLUMNS = (
    ("id", "linear slippage factor", "quadratic slippage factor"),
    (
        "data source config",
        "price monitoring",
        "risk model",
        "liquidity monitoring",
        "lp price range",
    ),
)


def _first_row(table: Table, required: tuple[str, ...]) -> Row:
    """Vega's StrictParseFirstRow: a one-row table of exactly these columns."""
    table_rows = rows(table, required)
    if len(table_rows) > 1:
        raise StepError("this table supports only one row")
    return table_rows[0]


@step(r"^the simple risk model named \"([^\"]*)\":$")
def simple_risk_model(world: World, table: Table, name: str) -> None:
    row = _first_row(
        table, ("probability of trading", "long", "short", "max move up", "min move down")
    )
    world.defaults.risk_models[name] = SimpleRiskModel(
        row.decimal("long"),
        row.decimal("short"),
        row.decimal("max move up"),
        row.decimal("min move down"),
        row.decimal("probability of trading"),
    )


@step(r"^the log normal risk model named \"([^\"]*)\":$")
def log_normal_risk_model(world: World, table: Table, name: str) -> None:
    row = _first_row(table, ("risk aversion", "tau", "mu", "r", "sigma"))
    world.defaults.risk_models[name] = LogNormalRiskModel(
        row.decimal("risk aversion"),
        row.decimal("tau"),
        row.decimal("mu"),
        row.decimal("r"),
        row.decimal("sigma"),
    )


@step(r"^the fees configuration named \"([^\"]*)\":$")
def fees_configuration(world: World, table: Table, name: str) -> None:
    row = _first_row(table, ("maker fee", "infrastructure fee"))
    world.defaults.fees[name] = FeeFactors(
        row.decimal("maker fee"), row.decimal("infrastructure fee"), Decimal(0)
    )


@step(r"^the price monitoring named \"([^\"]*)\":$")
def price_monitoring(world: World, table: Table, name: str) -> None:
    world.defaults.price_monitoring[name] = tuple(
        PriceMonitoringTrigger(
            row.int("horizon"), row.decimal("probability"), row.int("auction extension")
        )
        for row in rows(table, ("horizon", "probability", "auction extension"))
    )


@step(r"^the margin calculator named \"([^\"]*)\":$")
def margin_calculator(world: World, table: Table, name: str) -> None:
    row = _first_row(table, ("release factor", "initial factor", "search factor"))
    world.defaults.margin_calculators[name] = MarginScalingFactors(
        row.decimal("search factor"), row.decimal("initial factor"), row.decimal("release factor")
    )


@step(r"^the liquidity monitoring parameters:$")
def liquidity_monitoring(world: World, table: Table) -> None:
    required = ("name", "time window", "scaling factor", "triggering ratio")
    default_extension = LiquidityMonitoringParameters().auction_extension
    for row in rows(table, required, ("auction extension",)):
        world.defaults.liquidity_monitoring[row.str("name")] = LiquidityMonitoringParameters(
            TargetStakeParameters(row.seconds("time window"), row.decimal("scaling factor")),
            row.decimal("triggering ratio"),
            row.int("auction extension", default_extension) or default_extension,
        )


def _signers(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


_PROPERTY_TYPES = {
    "TYPE_UNSPECIFIED",
    "TYPE_EMPTY",
    "TYPE_INTEGER",
    "TYPE_STRING",
    "TYPE_BOOLEAN",
    "TYPE_DECIMAL",
    "TYPE_TIMESTAMP",
}
_OPERATORS = {
    "OPERATOR_UNSPECIFIED",
    "OPERATOR_EQUALS",
    "OPERATOR_GREATER_THAN",
    "OPERATOR_GREATER_THAN_OR_EQUAL",
    "OPERATOR_LESS_THAN",
    "OPERATOR_LESS_THAN_OR_EQUAL",
}


def _oracle_rows(table: Table) -> dict[str, Row]:
    """Vega's TheOracleSpec: each row a filter; the row bound to a destination names its property."""
    bound: dict[str, Row] = {}
    for row in rows(table, ("property", "type", "binding"), ("condition", "value")):
        if row.str("type") not in _PROPERTY_TYPES:
            raise StepError(f"invalid oracle property type {row.str('type')!r}")
        if (row.optional("condition") is None) != (row.optional("value") is None):
            raise StepError("condition and value columns require each other")
        if row.optional("condition") is not None:
            if row.str("condition") not in _OPERATORS:
                raise StepError(f"invalid oracle condition {row.str('condition')!r}")
            if row.str("type") == "TYPE_TIMESTAMP":
                _parse_time(row.str("value"))
        bound[row.str("binding")] = row
    return bound


@step(r"^the oracle spec for settlement data filtering data from \"([^\"]*)\" named \"([^\"]*)\":$")
def settlement_oracle(world: World, table: Table, signers: str, name: str) -> None:
    row = _oracle_rows(table).get("settlement data")
    previous = world.defaults.oracles.get(name)
    world.defaults.oracles[name] = OracleConfig(
        _signers(signers),
        row.str("property") if row is not None else "",
        previous.settlement_decimals if previous else 0,
        previous.termination_signers if previous else _signers(signers),
        previous.termination_property if previous else "trading.terminated",
        previous.termination_time if previous else 0,
    )


@step(
    r"^the oracle spec for trading termination filtering data from \"([^\"]*)\" named \"([^\"]*)\":$"
)
def termination_oracle(world: World, table: Table, signers: str, name: str) -> None:
    row = _oracle_rows(table).get("trading termination")
    previous = world.defaults.oracles.get(name)
    deadline = 0
    if row is not None and row.str("type") == "TYPE_TIMESTAMP" and row.optional("value"):
        deadline = _parse_time(row.str("value"))
    world.defaults.oracles[name] = OracleConfig(
        previous.settlement_signers if previous else (),
        previous.settlement_property if previous else "",
        previous.settlement_decimals if previous else 0,
        _signers(signers),
        row.str("property") if row is not None else "",
        deadline,
    )


@step(
    r"^the settlement data decimals for the oracle named \"([^\"]*)\" is given in \"([^\"]*)\" decimal places$"
)
def settlement_decimals(world: World, table: Table, name: str, decimals: str) -> None:
    world.defaults.oracles[name] = replace(
        world.defaults.oracles[name], settlement_decimals=int(decimals)
    )


@step(r"^the following assets are registered:$")
def assets_registered(world: World, table: Table) -> None:
    for row in rows(table, ("id", "decimal places")):
        decimals = row.int("decimal places")
        world.asset_decimals[row.str("id")] = decimals
        world.engine.enable_asset(row.str("id"), decimals)


def _market_config(world: World, row: Row) -> MarketConfig:
    named = world.defaults
    market_id = row.str("id")
    asset = row.str("asset")
    for column, table_ in (
        ("risk model", named.risk_models),
        ("margin calculator", named.margin_calculators),
        ("price monitoring", named.price_monitoring),
        ("fees", named.fees),
        ("data source config", named.oracles),
    ):
        if row.str(column) not in table_:
            raise StepError(f"unknown {column} {row.str(column)!r}")
    liquidity_name = row.str("liquidity monitoring", "default-parameters")
    liquidity = named.liquidity_monitoring.get(liquidity_name)
    if liquidity is None:
        raise StepError(f"unknown liquidity monitoring {liquidity_name!r}")
    params = world.engine.netparams
    liquidity = LiquidityMonitoringParameters(
        TargetStakeParameters(
            int(params.get_duration_seconds("market.stake.target.timeWindow")),
            params.get_decimal("market.stake.target.scalingFactor"),
        ),
        params.get_decimal("market.liquidity.targetstake.triggering.ratio"),
        liquidity.auction_extension,
    )
    oracle = named.oracles[row.str("data source config")]
    fees = named.fees[row.str("fees")]
    duration = row.int("auction duration")
    return MarketConfig(
        id=market_id,
        asset=asset,
        risk_model=named.risk_models[row.str("risk model")],
        quote_name=row.str("quote name", ""),
        decimal_places=row.int("decimal places", 0),
        position_decimal_places=row.int("position decimal places", 0),
        asset_decimals=world.asset_decimals.get(asset, 0),
        margin_scaling=named.margin_calculators[row.str("margin calculator")],
        fees=fees,
        price_monitoring=named.price_monitoring[row.str("price monitoring")],
        liquidity_monitoring=liquidity,
        opening_auction_duration=duration if duration > 0 else 1,
        linear_slippage_factor=row.decimal("linear slippage factor", Decimal("0.001")),
        quadratic_slippage_factor=row.decimal("quadratic slippage factor", Decimal(0)),
        lp_price_range=row.decimal("lp price range", Decimal(1)),
        settlement_data_decimals=oracle.settlement_decimals,
        settlement_oracle=",".join(oracle.settlement_signers),
        termination_oracle=",".join(oracle.termination_signers),
        settlement_property=oracle.settlement_property,
        termination_property=oracle.termination_property,
        termination_time=oracle.termination_time,
    )


@step(r"^the markets:$")
def the_markets(world: World, table: Table) -> None:
    for row in rows(table, *_MARKET_COLUMNS):
        config = _market_config(world, row)
        successor_of = row.optional("parent market id")
        if successor_of:  # a successor's opening auction is longer (Vega's step adds to it)
            config.opening_auction_duration += row.int(
                "successor auction", 5 * row.int("auction duration")
            )
        if config.asset not in world.engine.assets:
            world.engine.enable_asset(config.asset, world.asset_decimals.get(config.asset, 0))
        if "VOTE" not in world.engine.assets:
            world.engine.enable_asset("VOTE", 5)
        world.markets[config.id] = config
        world.engine.submit_market(config)
        world.engine.start_opening_auction(config.id)
        if successor_of:
            fraction = row.decimal("insurance pool fraction", Decimal(0))
            world.network.succession.register(config.id, successor_of, fraction)


@step(r"^the markets are updated:$")
def markets_updated(world: World, table: Table) -> None:
    for row in rows(table, *_MARKET_UPDATE_COLUMNS):
        market_id = row.str("id")
        if market_id not in world.markets:
            raise StepError(f"unknown market id {market_id}")
        config = world.markets[market_id]
        named = world.defaults
        updated = replace(
            config,
            risk_model=named.risk_models[row.str("risk model")]
            if row.optional("risk model")
            else config.risk_model,
            price_monitoring=named.price_monitoring[row.str("price monitoring")]
            if row.optional("price monitoring")
            else config.price_monitoring,
            linear_slippage_factor=row.decimal("linear slippage factor")
            if row.optional("linear slippage factor")
            else config.linear_slippage_factor,
            quadratic_slippage_factor=row.decimal("quadratic slippage factor")
            if row.optional("quadratic slippage factor")
            else config.quadratic_slippage_factor,
            lp_price_range=row.decimal("lp price range")
            if row.optional("lp price range")
            else config.lp_price_range,
            liquidity_monitoring=named.liquidity_monitoring[row.str("liquidity monitoring")]
            if row.optional("liquidity monitoring")
            else config.liquidity_monitoring,
        )
        world.markets[market_id] = updated
        world.engine.update_market(updated)


@step(r"^the following network parameters are set:$")
def network_parameters(world: World, table: Table) -> None:
    durations = {
        "market.auction.minimumDuration",
        "market.stake.target.timeWindow",
        "network.markPriceUpdateMaximumFrequency",
    }
    for row in rows(table, ("name", "value")):
        name = row.str("name")
        value = row.duration_text("value") if name in durations else row.str("value")
        try:
            world.engine.netparams.update(name, value)
        except NetworkParameterError as error:
            raise StepError(str(error)) from None


@step(r"^the average block duration is \"([^\"]+)\"(?: with variance \"([^\"]+)\")?$")
def block_duration(world: World, table: Table, seconds: str, variance: str | None) -> None:
    world.block_duration = int(Decimal(seconds) * NANOS_PER_SECOND)


@step(r"^the parties deposit on asset's general account the following amount:$")
def deposit(world: World, table: Table) -> None:
    for row in rows(table, ("party", "asset", "amount"), ("error",)):
        try:
            world.engine.collateral.deposit(row.str("party"), row.str("asset"), row.int("amount"))
        except CollateralError as error:
            raise StepError(str(error)) from None


@step(r"^the parties withdraw the following assets:$")
def withdraw(world: World, table: Table) -> None:
    for row in rows(table, ("party", "asset", "amount"), ("error",)):
        try:
            world.engine.collateral.withdraw(row.str("party"), row.str("asset"), row.int("amount"))
            error = None
        except CollateralError as failure:
            error = str(failure)
        expected = row.optional("error")
        if expected is None and error is not None:
            raise StepError(f"withdrawal by {row.str('party')} failed: {error}")
        if expected is not None and error is None:
            raise StepError(f"withdrawal by {row.str('party')} should have failed: {expected}")


@step(r"^the initial insurance pool balance is \"([^\"]*)\" for all the markets$")
def initial_insurance(world: World, table: Table, amount: str) -> None:
    collateral = world.engine.collateral
    for market_id, config in world.markets.items():
        external = collateral.get("", "*", config.asset, AccountType.EXTERNAL)
        insurance = collateral.get(market_id, "*", config.asset, AccountType.INSURANCE)
        external.balance += int(amount)
        collateral.net_deposits[config.asset] += int(amount)
        collateral.move([external], [insurance], int(amount), TransferType.DEPOSIT)


def _parse_time(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) * NANOS_PER_SECOND


@step(r"^time is updated to \"([^\"]*)\"$")
def time_updated(world: World, table: Table, text: str) -> None:
    """Vega's harness moves the clock, then ends a block."""
    world.set_time(_parse_time(text))
    world.end_block()


@step(r"^(?:then )?the network moves ahead \"([^\"]+)\" blocks:?$")
def move_blocks(world: World, table: Table, count: str) -> None:
    world.move_blocks(int(count))


@step(r"^the network moves ahead \"([^\"]+)\" with block duration of \"([^\"]+)\"$")
def move_duration(world: World, table: Table, delta: str, block: str) -> None:
    target = world.now + int(parse_duration(delta) * NANOS_PER_SECOND)
    step_length = int(parse_duration(block) * NANOS_PER_SECOND)
    now = world.now
    while now < target:
        world.end_block()
        now += step_length
        world.set_time(now)


@step(r"^the opening auction period ends for market \"([^\"]+)\"$")
def opening_auction_ends(world: World, table: Table, market_id: str) -> None:
    if market_id not in world.engine.markets:
        raise StepError(f"market {market_id} not found")
    end = world.engine.market_data(market_id).auction_end
    now = world.now
    if end < now:
        world.set_time(now + NANOS_PER_SECOND)
        return
    world.set_time(now + 2 * (end - now))


@step(r"^the oracles broadcast data signed with \"([^\"]*)\":$")
def oracle_data(world: World, table: Table, signers: str) -> None:
    data = {row.str("name"): row.str("value") for row in rows(table, ("name", "value"))}
    world.engine.submit_oracle_data(list(_signers(signers)), data)


@step(r"^clear all events$")
def clear_events(world: World, table: Table) -> None:
    """Vega's ClearAllEvents: trades, orders, transfers and every other clearable list."""
    world.clear_all_events()


@step(r"^debug .*$")
def no_op(world: World, table: Table) -> None:
    """Debug steps only print in Vega's harness; they change nothing."""
