"""Steps that assert: balances, margins, positions, market data, trades, transfers, orders."""

from __future__ import annotations

from decimal import Decimal

from devops.fidelity.registry import step
from devops.fidelity.steps_trading import side
from devops.fidelity.table import StepError, expect, rows
from devops.fidelity.world import World
from devops.nullchain.core.types import (
    AccountType,
    OrderStatus,
)

Table = tuple[tuple[str, ...], ...]

_ACCOUNT_TYPES = {f"ACCOUNT_TYPE_{t.name}": t for t in AccountType}


def _balance(world: World, owner: str, asset: str, market: str, kind: AccountType) -> int:
    return world.engine.collateral.balance(owner, asset, market, kind)


def _market(world: World, market_id: str):
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
    for row in rows(table):
        party, asset = row.str("party"), row.str("asset")
        market = row.str("market id", "")
        checks = (
            ("general", AccountType.GENERAL, ""),
            ("margin", AccountType.MARGIN, market),
            ("bond", AccountType.BOND, market),
        )
        for column, kind, account_market in checks:
            if row.optional(column) is None:
                continue
            actual = _balance(world, party, asset, account_market, kind)
            expect(f"{party} {column} account ({asset}, {market})", row.int(column), actual)


@step(r"^\"([^\"]*)\" should have general account balance of \"([^\"]*)\" for asset \"([^\"]*)\"$")
def general_balance(world: World, table: Table, party: str, amount: str, asset: str) -> None:
    expect(
        f"{party} general account", amount, _balance(world, party, asset, "", AccountType.GENERAL)
    )


@step(r"^the parties should have the following margin levels:$")
def margin_levels(world: World, table: Table) -> None:
    for row in rows(table):
        party, market_id = row.str("party"), row.str("market id")
        levels = world.engine.margin_levels(party, market_id)
        if levels is None:
            raise StepError(f"no margin levels for {party} in {market_id}")
        for column, value in (
            ("maintenance", levels.maintenance),
            ("search", levels.search),
            ("initial", levels.initial),
            ("release", levels.release),
        ):
            if row.optional(column) is not None:
                expect(f"{party} {column} margin", row.int(column), value)


@step(r"^the parties should have the following profit and loss:$")
def profit_and_loss(world: World, table: Table) -> None:
    for row in rows(table):
        party = row.str("party")
        records = world.positions.of_party(party)
        market_id = row.optional("market id")
        if market_id:
            records = [r for r in records if r.market_id == market_id]
        if not records:
            if (
                row.int("volume") == 0
                and row.decimal("realised pnl") == 0
                and row.decimal("unrealised pnl") == 0
            ):
                continue
            raise StepError(f"no position for party {party}")
        record = records[0]
        expect(f"{party} volume", row.int("volume"), record.open_volume)
        expect(f"{party} unrealised pnl", row.int("unrealised pnl"), record.unrealised)
        expect(f"{party} realised pnl", row.int("realised pnl"), record.realised)


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
}


@step(r"^the market data for the market \"([^\"]+)\" should be:$")
def market_data(world: World, table: Table, market_id: str) -> None:
    _market(world, market_id)
    data = world.engine.market_data(market_id)
    for row in rows(table):
        for column, attribute in _DATA_COLUMNS.items():
            if row.optional(column) is not None:
                expect(f"market data {column}", row.int(column), getattr(data, attribute))
        if row.optional("auction end") is not None:
            end = row.int("auction end")
            if end < data.auction_start:
                end = data.auction_start + end * 1_000_000_000
            expect("market data auction end", end, data.auction_end)
        if row.optional("trading mode") is not None:
            expect(
                "trading mode", row.str("trading mode"), f"TRADING_MODE_{data.trading_mode.name}"
            )
        for column, value in (
            ("auction trigger", data.trigger),
            ("extension trigger", data.extension_trigger),
        ):
            if row.optional(column) is not None:
                expect(column, row.str(column), f"AUCTION_TRIGGER_{value.name}")
        if row.optional("horizon") is not None:
            bounds = [
                b for b in data.price_monitoring_bounds if b.trigger.horizon == row.int("horizon")
            ]
            if not bounds:
                raise StepError(f"no price monitoring bound with horizon {row.int('horizon')}")
            bound = bounds[0]
            if row.optional("min bound") is not None:
                expect("min bound", row.int("min bound"), bound.min_valid_price)
            if row.optional("max bound") is not None:
                expect("max bound", row.int("max bound"), bound.max_valid_price)
            if row.optional("ref price") is not None:
                expect("ref price", row.int("ref price"), int(bound.reference_price))


@step(r"^the price monitoring bounds for the market \"([^\"]*)\" should be:$")
def price_monitoring_bounds(world: World, table: Table, market_id: str) -> None:
    bounds = world.engine.market_data(market_id).price_monitoring_bounds
    for row in rows(table):
        wanted = (row.int("min bound"), row.int("max bound"))
        found = [(b.min_valid_price, b.max_valid_price) for b in bounds]
        if wanted not in found:
            raise StepError(f"price monitoring bounds {wanted} not among {found}")


@step(r"^the order book should have the following volumes for market \"([^\"]*)\":$")
def book_volumes(world: World, table: Table, market_id: str) -> None:
    for row in rows(table):
        actual = world.engine.orderbook_volume(market_id, side(row.str("side")), row.int("price"))
        expect(f"{row.str('side')} volume at {row.str('price')}", row.int("volume"), actual)


@step(r"^the following trades should be executed:$")
def trades_executed(world: World, table: Table) -> None:
    for row in rows(table):
        matches = [
            t
            for t in world.trades
            if t.buyer == row.str("buyer")
            and t.seller == row.str("seller")
            and t.market_price == row.int("price")
            and t.size == row.int("size")
        ]
        if not matches:
            raise StepError(
                f"no trade of {row.str('size')} at {row.str('price')} from {row.str('seller')} "
                f"to {row.str('buyer')}"
            )


@step(r"^the auction ends with a traded volume of \"([^\"]+)\" at a price of \"([^\"]+)\"$")
def auction_traded(world: World, table: Table, volume: str, price: str) -> None:
    seen = 0
    for trade in world.trades:
        if trade.timestamp > world.now:
            continue
        if trade.market_price != int(price):
            raise StepError(f"expected trades at price {price}, saw {trade.market_price}")
        seen += trade.size
    expect("auction traded volume", volume, seen)


@step(r"^the following transfers should happen:$")
def transfers(world: World, table: Table) -> None:
    """Each row is one ledger entry between two accounts, identified as Vega identifies them."""
    entries = [e for m in world.ledger for e in m.entries]
    for row in rows(table):
        market_id = row.str("market id", "")
        wanted_from = _account_key(row.str("from"), row.str("from account"), market_id)
        wanted_to = _account_key(row.str("to"), row.str("to account"), market_id)
        amounts = [
            e.amount
            for e in entries
            if _entry_key(e.from_account) == wanted_from and _entry_key(e.to_account) == wanted_to
        ]
        if row.int("amount") not in amounts:
            raise StepError(
                f"no transfer of {row.str('amount')} from {row.str('from')} "
                f"{row.str('from account')} to {row.str('to')} {row.str('to account')} "
                f"(saw {amounts})"
            )


_ASSET_LEVEL = {AccountType.GENERAL, AccountType.FEES_INFRASTRUCTURE, AccountType.EXTERNAL}


def _account_key(owner: str, account_type: str, market_id: str) -> tuple[str, AccountType, str]:
    kind = _ACCOUNT_TYPES[account_type]
    network_owned = owner in ("", "market", "*")
    return ("*" if network_owned else owner, kind, "" if kind in _ASSET_LEVEL else market_id)


def _entry_key(account) -> tuple[str, AccountType, str]:
    market_id = "" if account.type in _ASSET_LEVEL else account.market_id
    return (account.owner, account.type, market_id)


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


@step(r"^the orders should have the following states:$")
def order_states(world: World, table: Table) -> None:
    for row in rows(table):
        party = row.str("party")
        candidates = [
            o
            for o in world.orders.values()
            if o.party == party
            and o.market_id == row.str("market id")
            and o.side == side(row.str("side"))
            and o.original_price == row.int("price")
            and o.size == row.int("volume")
            and (row.optional("reference") is None or o.reference == row.str("reference"))
        ]
        wanted = row.str("status")
        if not any(f"STATUS_{o.status.name}" == wanted for o in candidates):
            raise StepError(
                f"no order of {party} with status {wanted} "
                f"(found {[o.status.name for o in candidates]})"
            )
        if row.optional("remaining") is not None:
            if not any(o.remaining == row.int("remaining") for o in candidates):
                raise StepError(f"no order of {party} with remaining {row.str('remaining')}")


@step(r"^the orders should have the following status:$")
def order_status(world: World, table: Table) -> None:
    for row in rows(table):
        order = world.order(row.str("party"), row.str("reference"))
        expect(
            f"status of {row.str('reference')}", row.str("status"), f"STATUS_{order.status.name}"
        )


@step(r"^the liquidity provisions should have the following states:$")
def provision_states(world: World, table: Table) -> None:
    for row in rows(table):
        provision = world.provisions.get(row.str("id"))
        if provision is None:
            raise StepError(f"liquidity provision {row.str('id')} not found")
        actual = (
            provision.party,
            provision.market_id,
            str(provision.commitment_amount),
            f"STATUS_{provision.status.name}",
        )
        wanted = (
            row.str("party"),
            row.str("market"),
            row.str("commitment amount"),
            row.str("status"),
        )
        expect(f"liquidity provision {row.str('id')}", wanted, actual)
        for column, shape in (("buy shape", provision.buys), ("sell shape", provision.sells)):
            if row.optional(column) is not None:
                expect(f"{column} of {row.str('id')}", row.int(column), len(shape))


@step(r"^the liquidity provider fee shares for the market \"([^\"]*)\" should be:$")
def fee_shares(world: World, table: Table, market_id: str) -> None:
    shares = world.engine.market_data(market_id).liquidity_provider_fee_shares
    got = [(s.party, str(s.equity_like_share), str(s.average_entry_valuation)) for s in shares]
    for row in rows(table):
        wanted = (
            row.str("party"),
            row.str("equity like share"),
            row.str("average entry valuation"),
        )
        if wanted not in got:
            raise StepError(f"liquidity fee share {wanted} not among {got}")


@step(r"^\"([^\"]*)\" should have one account per asset$")
def one_account_per_asset(world: World, table: Table, owner: str) -> None:
    assets = [
        a.asset
        for a in world.accounts.values()
        if a.owner == owner and a.type == AccountType.GENERAL
    ]
    if len(assets) != len(set(assets)):
        raise StepError(f"party {owner} has several general accounts for one asset")


@step(r"^\"([^\"]*)\" should have one margin account per market$")
def one_margin_account_per_market(world: World, table: Table, owner: str) -> None:
    markets = [
        a.market_id
        for a in world.accounts.values()
        if a.owner == owner and a.type == AccountType.MARGIN
    ]
    if len(markets) != len(set(markets)):
        raise StepError(f"party {owner} has several margin accounts for one market")


@step(r"^the pegged orders should have the following states:$")
def pegged_states(world: World, table: Table) -> None:
    for row in rows(table):
        wanted_status = row.str("status")
        candidates = [
            o
            for o in world.orders.values()
            if o.party == row.str("party")
            and o.market_id == row.str("market id")
            and o.side == side(row.str("side"))
            and o.size == row.int("volume")
            and o.pegged is not None
            and o.original_price == row.int("price")
        ]
        if not any(f"STATUS_{o.status.name}" == wanted_status for o in candidates):
            raise StepError(
                f"no pegged order of {row.str('party')} at {row.str('price')} with status "
                f"{wanted_status} (found {[(o.original_price, o.status.name) for o in candidates]})"
            )


@step(r"^the following network trades should be executed:$")
def network_trades(world: World, table: Table) -> None:
    for row in rows(table):
        party, volume = row.str("party"), row.int("volume")
        aggressor = side(row.str("aggressor side"))
        if not any(
            party in (t.buyer, t.seller) and t.aggressor == aggressor and t.size == volume
            for t in world.trades
        ):
            raise StepError(f"expected trade missing: {party}, {aggressor.name}, {volume}")


@step(r"^the following orders should be rejected:$")
def orders_rejected(world: World, table: Table) -> None:
    for row in rows(table):
        party, market_id, reason = row.str("party"), row.str("market id"), row.str("reason")
        if not any(
            o.party == party
            and o.market_id == market_id
            and o.status == OrderStatus.REJECTED
            and f"ORDER_ERROR_{o.reason.name}" == reason
            for o in world.order_events
        ):
            raise StepError(f"no order of {party} rejected with {reason}")


@step(r"^the iceberg orders should have the following states:$")
def iceberg_states(world: World, table: Table) -> None:
    for row in rows(table):
        party, visible, price = row.str("party"), row.int("visible volume"), row.int("price")
        reserved, status = row.int("reserved volume"), row.str("status")
        reference = row.optional("reference")
        found = False
        for order in world.order_events:
            if reference is not None and order.reference != reference:
                continue
            if (
                order.party != party
                or f"STATUS_{order.status.name}" != status
                or order.market_id != row.str("market id")
                or order.side != side(row.str("side"))
            ):
                continue
            if order.remaining != visible or order.original_price != price:
                if reference is not None:
                    raise StepError(
                        f"iceberg {reference}: expected {visible} at {price}, "
                        f"got {order.remaining} at {order.original_price}"
                    )
                continue
            if order.iceberg is None or order.iceberg.reserved_remaining != reserved:
                continue
            found = True
            break
        if not found:
            raise StepError(f"no iceberg order event for {party}: {visible} visible at {price}")


# Vega's event names, as the features write them, for the events this engine emits.
_EVENT_NAMES = {
    "AuctionEvent": "AUCTION",
    "MarketUpdatedEvent": "MARKET_UPDATED",
    "PositionStateEvent": "POSITION_STATE",
    "MarginLevelsEvent": "MARGIN_LEVELS",
    "AccountEvent": "ACCOUNT",
    "LedgerMovements": "LEDGER_MOVEMENTS",
    "LiquidityProvisionEvent": "LIQUIDITY_PROVISION",
    "OrderEvent": "ORDER",
    "TradeEvent": "TRADE",
}


def _emitted(world: World, name: str) -> bool:
    if name not in _EVENT_NAMES:
        raise StepError(f"unknown event type {name}")
    wanted = _EVENT_NAMES[name]
    return any(e.type.value == wanted for e in world.events[world.events_cleared_at :])


@step(r"^the following events should NOT be emitted:$")
def events_not_emitted(world: World, table: Table) -> None:
    for row in rows(table):
        if _emitted(world, row.str("type")):
            raise StepError(f"{row.str('type')} was emitted")


@step(r"^the following events should be emitted:$")
def events_emitted(world: World, table: Table) -> None:
    for row in rows(table):
        if not _emitted(world, row.str("type")):
            raise StepError(f"{row.str('type')} was not emitted")


@step(r"^the network treasury balance should be \"([^\"]*)\" for the asset \"([^\"]*)\"$")
def network_treasury(world: World, table: Table, amount: str, asset: str) -> None:
    expect("network treasury", amount, _balance(world, "*", asset, "", AccountType.GLOBAL_REWARD))


@step(r"^the stop orders should have the following states$")
def stop_order_states(world: World, table: Table) -> None:
    for row in rows(table):
        party, reference, status = row.str("party"), row.str("reference"), row.str("status")
        found = [
            s
            for s in world.stop_orders.values()
            if s.party == party and s.reference == reference and s.market_id == row.str("market id")
        ]
        if not any(f"STATUS_{s.status.name}" == status for s in found):
            raise StepError(
                f"stop order {reference} of {party}: expected {status}, "
                f"got {[s.status.name for s in found]}"
            )
