"""Steps that assert: balances, margins, positions, market data, trades and transfers.

Each reads what Vega's step reads (the engine's state, or the events since the
last "clear all events") and compares each column Vega compares, as Vega does.
"""

from __future__ import annotations

from decimal import Decimal

from devops.engine.collateral import AccountSnapshot, account_id
from devops.engine.events.bus import EventType
from devops.engine.events.payloads import MarketData
from devops.engine.execution.market import Market
from devops.engine.types import NANOS_PER_SECOND, AccountType, Order, OrderStatus, Trade
from devops.engine.vega_decimal import vega_text
from devops.fidelity.step_patterns import step
from devops.fidelity.steps_trading import side
from devops.fidelity.table import Row, StepError, expect, parse_decimal, parse_int, rows
from devops.fidelity.world import World

Table = tuple[tuple[str, ...], ...]

_ACCOUNT_TYPES = {f"ACCOUNT_TYPE_{t.name}": t for t in AccountType}


def _balance(world: World, owner: str, asset: str, market: str, kind: AccountType) -> int:
    return world.engine.collateral.balance(owner, asset, market, kind)


def _market(world: World, market_id: str) -> Market:
    market = world.engine.markets.get(market_id)
    if market is None:
        raise StepError(f"market {market_id} not found")
    return market


@step(r"^the trading mode should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def trading_mode(world: World, table: Table, mode: str, market_id: str) -> None:
    actual = _market(world, market_id).trading_mode
    expect(f"trading mode of {market_id}", mode, f"TRADING_MODE_{actual.name}")


@step(r"^the market state should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def market_state(world: World, table: Table, state: str, market_id: str) -> None:
    actual = _market(world, market_id).state
    expect(f"market state of {market_id}", state, f"STATE_{actual.name}")


@step(r"^the mark price should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def mark_price(world: World, table: Table, price: str, market_id: str) -> None:
    _market(world, market_id)
    expect(f"mark price of {market_id}", price, world.engine.market_data(market_id).mark_price)


@step(r"^the parties should have the following account balances:$")
def account_balances(world: World, table: Table) -> None:
    """Balances compare as text; an account the party does not have fails the row."""
    collateral = world.engine.collateral
    optional = ("market id", "margin", "general", "bond")
    for row in rows(table, ("party", "asset"), optional):
        party, asset = row.str("party"), row.str("asset")
        market = row.str("market id", "")
        for column, kind in (
            ("general", AccountType.GENERAL),
            ("margin", AccountType.MARGIN),
            ("bond", AccountType.BOND),
        ):
            wanted = row.optional(column)
            if wanted is None:
                continue
            if kind != AccountType.GENERAL and not market:
                raise StepError(f"market id must be specified when expected {column} is supplied")
            account_market = "" if kind == AccountType.GENERAL else market
            account = collateral.find(account_market, party, asset, kind)
            if account is None:
                raise StepError(f"party {party} has no {column} account ({asset}, {market})")
            expect(f"{party} {column} account ({asset}, {market})", wanted, account.balance)


@step(r"^\"([^\"]*)\" should have general account balance of \"([^\"]*)\" for asset \"([^\"]*)\"$")
def general_balance(world: World, table: Table, party: str, amount: str, asset: str) -> None:
    expect(
        f"{party} general account", amount, _balance(world, party, asset, "", AccountType.GENERAL)
    )


@step(r"^the parties should have the following margin levels:$")
def margin_levels(world: World, table: Table) -> None:
    """The levels of the party's latest MARGIN_LEVELS event since events were last cleared."""
    latest = {(m.party, m.market_id): m for m in world.payloads(EventType.MARGIN_LEVELS)}
    required = ("party", "market id", "maintenance")
    for row in rows(table, required, ("search", "initial", "release")):
        party, market_id = row.str("party"), row.str("market id")
        levels = latest.get((party, market_id))
        if levels is None:
            raise StepError(
                f"couldn't get margin levels for party({party}) and market({market_id})"
            )
        for column, value in (
            ("maintenance", levels.maintenance),
            ("search", levels.search),
            ("initial", levels.initial),
            ("release", levels.release),
        ):
            if row.optional(column) is not None:
                expect(f"{party} {column} margin", row.int(column), value)


_POSITION_STATUSES = {
    "POSITION_STATUS_UNSPECIFIED",
    "POSITION_STATUS_ORDERS_CLOSED",
    "POSITION_STATUS_CLOSED_OUT",
    "POSITION_STATUS_DISTRESSED",
}


@step(r"^the parties should have the following profit and loss:$")
def profit_and_loss(world: World, table: Table) -> None:
    """Exactly one position, its figures equal as decimals, and its status when a row names one."""
    required = ("party", "volume", "unrealised pnl", "realised pnl")
    for row in rows(table, required, ("status",)):
        party = row.str("party")
        volume = parse_int(row.str("volume"), "volume")
        unrealised = parse_decimal(row.str("unrealised pnl"), "unrealised pnl")
        realised = parse_decimal(row.str("realised pnl"), "realised pnl")
        records = world.positions.of_party(party)
        if not records:
            raise StepError(f"party do not have a position, party({party})")
        if len(records) != 1:
            raise StepError(f"party {party} has {len(records)} positions, expected one")
        record = records[0]
        _same(f"{party} volume", volume, record.open_volume)
        _same(f"{party} unrealised pnl", unrealised, record.unrealised)
        _same(f"{party} realised pnl", realised, record.realised)
        status = row.optional("status")
        if status is not None:
            if status not in _POSITION_STATUSES:
                raise StepError(f"invalid position status {status!r}")
            expect(f"{party} position status", status, f"POSITION_STATUS_{record.status}")


def _same(what: str, expected: Decimal | int, actual: int) -> None:
    """Numbers compared by value, as Vega's Decimal.Equals compares them."""
    if Decimal(expected) != Decimal(actual):
        raise StepError(f"{what}: expected {expected}, got {actual}")


# Market data columns compared as Vega's mappedMD compares them: the first row that
# sets a column gives its expected value.
_DATA_COLUMNS = {
    "mark price": "mark_price",
    "last traded price": "last_traded_price",
    "best bid price": "best_bid_price",
    "best bid volume": "best_bid_volume",
    "best offer price": "best_offer_price",
    "best offer volume": "best_offer_volume",
    "best static bid price": "best_static_bid_price",
    "best static bid volume": "best_static_bid_volume",
    "best static offer price": "best_static_offer_price",
    "best static offer volume": "best_static_offer_volume",
    "mid price": "mid_price",
    "static mid price": "static_mid_price",
    "open interest": "open_interest",
    "indicative price": "indicative_price",
    "indicative volume": "indicative_volume",
    "target stake": "target_stake",
    "supplied stake": "supplied_stake",
    "market value proxy": "market_value_proxy",
    "timestamp": "timestamp",
    "auction start": "auction_start",
    "market": "market_id",
}
_ENUM_COLUMNS = {
    "trading mode": ("trading_mode", "TRADING_MODE_"),
    "auction trigger": ("trigger", "AUCTION_TRIGGER_"),
    "extension trigger": ("extension_trigger", "AUCTION_TRIGGER_"),
}
_MARKET_DATA_OPTIONAL = (
    *_DATA_COLUMNS,
    *_ENUM_COLUMNS,
    "auction end",
    "horizon",
    "ref price",
    "min bound",
    "max bound",
    "average entry valuation",
    "party",
    "equity share",
)


def _first(table_rows: list[Row], column: str) -> str | None:
    return next((r.optional(column) for r in table_rows if r.optional(column) is not None), None)


@step(r"^the market data for the market \"([^\"]+)\" should be:$")
def market_data(world: World, table: Table, market_id: str) -> None:
    _market(world, market_id)
    data = world.engine.market_data(market_id)
    table_rows = rows(table, (), _MARKET_DATA_OPTIONAL)
    for column, attribute in _DATA_COLUMNS.items():
        wanted = _first(table_rows, column)
        if wanted is not None:
            actual = getattr(data, attribute, None)
            if column == "market":
                expect(f"market data {column}", wanted, actual)
            else:
                expect(f"market data {column}", parse_int(wanted, column), actual)
    end = _first(table_rows, "auction end")
    if end is not None:
        wanted_end = parse_int(end, "auction end")
        if wanted_end < data.auction_start:  # a duration: the auction lasts that many seconds
            wanted_end = data.auction_start + wanted_end * NANOS_PER_SECOND
        expect("market data auction end", wanted_end, data.auction_end)
    for column, (attribute, prefix) in _ENUM_COLUMNS.items():
        wanted = _first(table_rows, column)
        if wanted is not None:
            expect(column, wanted, f"{prefix}{getattr(data, attribute).name}")
    _check_price_bounds(data, table_rows)
    _check_fee_shares(data, table_rows)


def _check_price_bounds(data: MarketData, table_rows: list[Row]) -> None:
    """Every row names a horizon (else Vega skips the check); the first bound of it must match."""
    if not all(r.optional("horizon") is not None for r in table_rows):
        return
    for row in table_rows:
        horizon = parse_int(row.str("horizon"), "horizon")
        bound = next(
            (b for b in data.price_monitoring_bounds if b.trigger.horizon == horizon), None
        )
        if bound is None:
            raise StepError(f"no price bound for horizon {horizon} found")
        wanted = (parse_int(row.str("min bound"), "min bound"), row.int("max bound"))
        got = (bound.min_valid_price, bound.max_valid_price)
        reference = row.decimal("ref price", Decimal(0))
        if wanted != got or (reference != 0 and reference != Decimal(bound.reference_price)):
            raise StepError(
                f"expected price bounds {wanted} (ref price={reference}) for horizon {horizon}, "
                f"instead got {got} (ref price={bound.reference_price})"
            )


def _check_fee_shares(data: MarketData, table_rows: list[Row]) -> None:
    """Every row names an average entry valuation (else Vega skips the check)."""
    if not all(r.has("average entry valuation") for r in table_rows):
        return
    for row in table_rows:
        party = row.str("party")
        share = next((s for s in data.liquidity_provider_fee_shares if s.party == party), None)
        if share is None:
            raise StepError(f"no LP fee share found for party {party}")
        wanted = (row.str("average entry valuation"), row.str("equity share"))
        got = (vega_text(share.average_entry_valuation), vega_text(share.equity_like_share))
        if wanted != got:
            raise StepError(f"LP fee share of {party}: expected {wanted}, got {got}")


@step(r"^the price monitoring bounds for the market \"([^\"]*)\" should be:$")
def price_monitoring_bounds(world: World, table: Table, market_id: str) -> None:
    bounds = world.engine.market_data(market_id).price_monitoring_bounds
    for row in rows(table, ("min bound", "max bound")):
        wanted = (row.int("min bound"), row.int("max bound"))
        found = [(b.min_valid_price, b.max_valid_price) for b in bounds]
        if wanted not in found:
            raise StepError(f"price monitoring bounds {wanted} not among {found}")


@step(r"^the order book should have the following volumes for market \"([^\"]*)\":$")
def book_volumes(world: World, table: Table, market_id: str) -> None:
    """Vega's GetBookDepth: each order's latest event, if ACTIVE, adds its remaining volume
    at its market-precision price (so two asset prices may share one market price)."""
    active: dict[str, Order] = {}
    for event in world.events:
        order = event.payload
        if event.type is not EventType.ORDER or order.market_id != market_id:
            continue
        if order.status == OrderStatus.ACTIVE:
            active[order.id] = order
        else:
            active.pop(order.id, None)
    for row in rows(table, ("volume", "price", "side")):
        wanted_side, price = side(row.str("side")), row.int("price")
        actual = sum(
            o.remaining
            for o in active.values()
            if o.side == wanted_side and o.original_price == price
        )
        expect(f"{row.str('side')} volume at {row.str('price')}", row.int("volume"), actual)


_TRADE_OPTIONAL = (
    "aggressor side",
    "buyer fee",
    "seller fee",
    "infrastructure fee",
    "liquidity fee",
    "maker fee",
)


def _fee_total(fee: dict[str, int]) -> int:
    return sum(fee.values())


def _both(trade: Trade, name: str) -> int:
    return trade.buyer_fee.get(name, 0) + trade.seller_fee.get(name, 0)


# Each optional fee column: how a trade's value for it is read.
_FEE_COLUMNS = {
    "buyer fee": lambda t: _fee_total(t.buyer_fee),
    "seller fee": lambda t: _fee_total(t.seller_fee),
    "infrastructure fee": lambda t: _both(t, "infrastructure_fee"),
    "maker fee": lambda t: _both(t, "maker_fee"),
    "liquidity fee": lambda t: _both(t, "liquidity_fee"),
}


@step(r"^the following trades should be executed:$")
def trades_executed(world: World, table: Table) -> None:
    """A trade with the row's parties, price and size, and every aggressor or fee it names."""
    for row in rows(table, ("buyer", "seller", "price", "size"), _TRADE_OPTIONAL):
        buyer, seller = row.str("buyer"), row.str("seller")
        price, size = row.int("price"), row.int("size")
        aggressor = side(row.str("aggressor side")) if row.optional("aggressor side") else None
        fees = {c: row.int(c) for c in _FEE_COLUMNS if row.optional(c) is not None}
        if not any(
            t.buyer == buyer
            and t.seller == seller
            and t.market_price == price
            and t.size == size
            and (aggressor is None or t.aggressor == aggressor)
            and all(_FEE_COLUMNS[c](t) == v for c, v in fees.items())
            for t in world.trades
        ):
            raise StepError(
                f"expecting trade was missing: buyer({buyer}), seller({seller}), "
                f"price({price}), volume({size})"
                + (f", aggressor {row.str('aggressor side')}" if aggressor else "")
                + (f", fees {fees}" if fees else "")
            )


@step(r"^the auction ends with a traded volume of \"([^\"]+)\" at a price of \"([^\"]+)\"$")
def auction_traded(world: World, table: Table, volume: str, price: str) -> None:
    seen = 0
    for trade in world.trades:
        if trade.timestamp > world.now:
            continue
        if trade.market_price != parse_int(price):
            raise StepError(f"expected trades at price {price}, saw {trade.market_price}")
        seen += trade.size
    expect("auction traded volume", parse_int(volume), seen)


@step(r"^the following transfers should happen:$")
def transfers(world: World, table: Table) -> None:
    """Each row one ledger entry between accounts named as Vega's AccountID names them.

    Entries are those since the last clear; a passing check clears them, as Vega's does.
    """
    entries = [e for m in world.payloads(EventType.LEDGER_MOVEMENTS) for e in m.entries]
    required = ("from", "from account", "to", "to account", "market id", "amount", "asset")
    for row in rows(table, required):
        market_id, asset = row.str("market id"), row.str("asset")
        wanted_from = _vega_account_id(market_id, row.str("from"), asset, row.str("from account"))
        wanted_to = _vega_account_id(market_id, row.str("to"), asset, row.str("to account"))
        amount = row.int("amount")
        amounts = [
            e.amount
            for e in entries
            if e.from_account.id == wanted_from and e.to_account.id == wanted_to
        ]
        if amount not in amounts:
            raise StepError(
                f"no transfer of {amount} {asset} from {row.str('from')} "
                f"{row.str('from account')} to {row.str('to')} {row.str('to account')} "
                f"(saw {amounts})"
            )
    world.reset_type(EventType.LEDGER_MOVEMENTS)


def _vega_account_id(market_id: str, owner: str, asset: str, account_type: str) -> str:
    """Vega's step AccountID: general and infrastructure accounts have no market; `market` is the network."""
    kind = _ACCOUNT_TYPES.get(account_type)
    if kind is None:
        raise StepError(f"invalid account type {account_type!r}")
    if kind in (AccountType.GENERAL, AccountType.FEES_INFRASTRUCTURE):
        market_id = ""
    if owner == "market":
        owner = ""
    return account_id(market_id, owner, asset, kind)


def _market_account(
    world: World, market_id: str, kind: AccountType, label: str, amount: str
) -> None:
    """A network-owned account of one market holds `amount`."""
    market = _market(world, market_id)
    expect(label, amount, _balance(world, "*", market.asset, market_id, kind))


@step(r"^the insurance pool balance should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def insurance_pool(world: World, table: Table, amount: str, market_id: str) -> None:
    _market_account(world, market_id, AccountType.INSURANCE, "insurance pool", amount)


@step(r"^the settlement account should have a balance of \"([^\"]*)\" for the market \"([^\"]*)\"$")
def settlement_account(world: World, table: Table, amount: str, market_id: str) -> None:
    _market_account(world, market_id, AccountType.SETTLEMENT, "settlement account", amount)


@step(r"^the accumulated liquidity fees should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def liquidity_fees(world: World, table: Table, amount: str, market_id: str) -> None:
    _market_account(world, market_id, AccountType.FEES_LIQUIDITY, "liquidity fee account", amount)


@step(r"^the accumulated infrastructure fees should be \"([^\"]*)\" for the asset \"([^\"]*)\"$")
def infrastructure_fees(world: World, table: Table, amount: str, asset: str) -> None:
    expect(
        "infrastructure fee account",
        amount,
        _balance(world, "*", asset, "", AccountType.FEES_INFRASTRUCTURE),
    )


@step(r"^the liquidity fee factor should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def liquidity_fee_factor(world: World, table: Table, factor: str, market_id: str) -> None:
    _market(world, market_id)
    expect("liquidity fee factor", Decimal(factor), world.engine.liquidity_fee_factor(market_id))


@step(r"^the target stake should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def target_stake(world: World, table: Table, amount: str, market_id: str) -> None:
    _market(world, market_id)
    expect("target stake", amount, world.engine.market_data(market_id).target_stake)


@step(r"^the supplied stake should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def supplied_stake(world: World, table: Table, amount: str, market_id: str) -> None:
    _market(world, market_id)
    expect("supplied stake", amount, world.engine.market_data(market_id).supplied_stake)


@step(r"^the open interest should be \"([^\"]*)\" for the market \"([^\"]*)\"$")
def open_interest(world: World, table: Table, amount: str, market_id: str) -> None:
    _market(world, market_id)
    expect("open interest", amount, world.engine.market_data(market_id).open_interest)


@step(r"^the cumulated balance for all accounts should be worth \"([^\"]*)\"$")
def cumulated_balance(world: World, table: Table, amount: str) -> None:
    total = sum(
        a.balance
        for a in world.engine.collateral.accounts.values()
        if a.type != AccountType.EXTERNAL
    )
    expect("cumulated balance for all accounts", amount, total)


@step(r"^the liquidity provider fee shares for the market \"([^\"]*)\" should be:$")
def fee_shares(world: World, table: Table, market_id: str) -> None:
    shares = world.engine.market_data(market_id).liquidity_provider_fee_shares
    got = [
        (s.party, vega_text(s.equity_like_share), vega_text(s.average_entry_valuation))
        for s in shares
    ]
    for row in rows(table, ("party", "equity like share", "average entry valuation")):
        wanted = (
            row.str("party"),
            row.str("equity like share"),
            row.str("average entry valuation"),
        )
        if wanted not in got:
            raise StepError(f"liquidity fee share {wanted} not among {got}")


def _accounts_of(world: World, owner: str, account_type: AccountType) -> list[AccountSnapshot]:
    return [a for a in world.accounts.values() if a.owner == owner and a.type == account_type]


@step(r"^\"([^\"]*)\" should have one account per asset$")
def one_account_per_asset(world: World, table: Table, owner: str) -> None:
    assets = [a.asset for a in _accounts_of(world, owner, AccountType.GENERAL)]
    if len(assets) != len(set(assets)):
        raise StepError(f"party {owner} has several general accounts for one asset")


@step(r"^\"([^\"]*)\" should have one margin account per market$")
def one_margin_account_per_market(world: World, table: Table, owner: str) -> None:
    markets = [a.market_id for a in _accounts_of(world, owner, AccountType.MARGIN)]
    if len(markets) != len(set(markets)):
        raise StepError(f"party {owner} has several margin accounts for one market")


@step(r"^the following network trades should be executed:$")
def network_trades(world: World, table: Table) -> None:
    for row in rows(table, ("party", "aggressor side", "volume")):
        party, volume = row.str("party"), row.int("volume")
        aggressor = side(row.str("aggressor side"))
        if not any(
            party in (t.buyer, t.seller) and t.aggressor == aggressor and t.size == volume
            for t in world.trades
        ):
            raise StepError(f"expected trade missing: {party}, {aggressor.name}, {volume}")


@step(r"^the network treasury balance should be \"([^\"]*)\" for the asset \"([^\"]*)\"$")
def network_treasury(world: World, table: Table, amount: str, asset: str) -> None:
    expect("network treasury", amount, _balance(world, "*", asset, "", AccountType.GLOBAL_REWARD))
