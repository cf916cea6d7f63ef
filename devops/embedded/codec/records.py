"""Conversion of the engine's records into vega-sim's protobuf messages.

The bus carries light Python records; the query layer and streaming RPCs turn
them into the messages a real data node would send. As Vega's events do,
orders and trades carry prices in market decimals (their original price).
"""

from __future__ import annotations

from vega_sim.proto.vega import vega_pb2

from devops.engine.collateral import AccountSnapshot, LedgerEntry, LedgerMovement
from devops.engine.events.payloads import MarginLevelsEvent, MarketData
from devops.engine.liquidity.provision import LiquidityProvision
from devops.engine.types import Order, Trade


def order_proto(order: Order) -> vega_pb2.Order:
    message = vega_pb2.Order(
        id=order.id,
        market_id=order.market_id,
        party_id=order.party,
        side=int(order.side),
        price=str(order.original_price),
        size=order.size,
        remaining=order.remaining,
        time_in_force=int(order.time_in_force),
        type=int(order.type),
        created_at=order.created_at,
        status=int(order.status),
        expires_at=order.expires_at,
        reference=order.reference,
        updated_at=order.updated_at,
        version=order.version,
        liquidity_provision_id=order.liquidity_provision_id,
        post_only=order.post_only,
        reduce_only=order.reduce_only,
    )
    if order.reason:
        message.reason = int(order.reason)
    if order.pegged is not None:
        message.pegged_order.reference = int(order.pegged.reference)
        message.pegged_order.offset = str(order.pegged.offset)
    return message


def _fee(fee: dict[str, int]) -> vega_pb2.Fee:
    return vega_pb2.Fee(
        maker_fee=str(fee.get("maker_fee", 0)),
        infrastructure_fee=str(fee.get("infrastructure_fee", 0)),
        liquidity_fee=str(fee.get("liquidity_fee", 0)),
    )


def trade_proto(trade: Trade) -> vega_pb2.Trade:
    message = vega_pb2.Trade(
        id=trade.id,
        market_id=trade.market_id,
        price=str(trade.market_price),
        size=trade.size,
        buyer=trade.buyer,
        seller=trade.seller,
        aggressor=int(trade.aggressor),
        buy_order=trade.buy_order,
        sell_order=trade.sell_order,
        timestamp=trade.timestamp,
        type=int(trade.type),
        buyer_auction_batch=trade.buyer_auction_batch,
        seller_auction_batch=trade.seller_auction_batch,
    )
    if trade.buyer_fee:
        message.buyer_fee.CopyFrom(_fee(trade.buyer_fee))
    if trade.seller_fee:
        message.seller_fee.CopyFrom(_fee(trade.seller_fee))
    return message


def account_proto(account: AccountSnapshot) -> vega_pb2.Account:
    return vega_pb2.Account(
        id=account.id,
        owner=account.owner if account.owner != "*" else "",
        balance=str(account.balance),
        asset=account.asset,
        market_id=account.market_id or "!",
        type=int(account.type),
    )


def _details(account: AccountSnapshot) -> vega_pb2.AccountDetails:
    details = vega_pb2.AccountDetails(asset_id=account.asset, type=int(account.type))
    if account.owner != "*":
        details.owner = account.owner
    if account.market_id:
        details.market_id = account.market_id
    return details


def ledger_entry_proto(entry: LedgerEntry) -> vega_pb2.LedgerEntry:
    return vega_pb2.LedgerEntry(
        from_account=_details(entry.from_account),
        to_account=_details(entry.to_account),
        amount=str(entry.amount),
        type=int(entry.type),
        timestamp=entry.timestamp,
        from_account_balance=str(entry.from_account.balance),
        to_account_balance=str(entry.to_account.balance),
    )


def ledger_movement_proto(movement: LedgerMovement) -> vega_pb2.LedgerMovement:
    return vega_pb2.LedgerMovement(entries=[ledger_entry_proto(e) for e in movement.entries])


def margin_levels_proto(levels: MarginLevelsEvent) -> vega_pb2.MarginLevels:
    return vega_pb2.MarginLevels(
        maintenance_margin=str(levels.maintenance),
        search_level=str(levels.search),
        initial_margin=str(levels.initial),
        collateral_release_level=str(levels.release),
        party_id=levels.party,
        market_id=levels.market_id,
        asset=levels.asset,
        timestamp=levels.timestamp,
    )


def market_data_proto(data: MarketData) -> vega_pb2.MarketData:
    message = vega_pb2.MarketData(
        mark_price=str(data.mark_price),
        last_traded_price=str(data.last_traded_price),
        best_bid_price=str(data.best_bid_price),
        best_bid_volume=data.best_bid_volume,
        best_offer_price=str(data.best_offer_price),
        best_offer_volume=data.best_offer_volume,
        best_static_bid_price=str(data.best_static_bid_price),
        best_static_bid_volume=data.best_static_bid_volume,
        best_static_offer_price=str(data.best_static_offer_price),
        best_static_offer_volume=data.best_static_offer_volume,
        mid_price=str(data.mid_price),
        static_mid_price=str(data.static_mid_price),
        market=data.market_id,
        timestamp=data.timestamp,
        open_interest=data.open_interest,
        auction_end=data.auction_end,
        auction_start=data.auction_start,
        indicative_price=str(data.indicative_price),
        indicative_volume=data.indicative_volume,
        market_trading_mode=int(data.trading_mode),
        trigger=int(data.trigger),
        extension_trigger=int(data.extension_trigger),
        target_stake=str(data.target_stake),
        supplied_stake=str(data.supplied_stake),
        market_value_proxy=str(data.market_value_proxy),
        market_state=int(data.market_state),
    )
    for bound in data.price_monitoring_bounds:
        entry = message.price_monitoring_bounds.add()
        entry.min_valid_price = str(bound.min_valid_price)
        entry.max_valid_price = str(bound.max_valid_price)
        entry.trigger.horizon = bound.trigger.horizon
        entry.trigger.probability = str(bound.trigger.probability)
        entry.trigger.auction_extension = bound.trigger.auction_extension
        entry.reference_price = str(bound.reference_price)
    for share in data.liquidity_provider_fee_shares:
        entry = message.liquidity_provider_fee_share.add()
        entry.party = share.party
        entry.equity_like_share = str(share.equity_like_share)
        entry.average_entry_valuation = str(share.average_entry_valuation)
        entry.average_score = str(share.average_score)
    return message


def liquidity_provision_proto(provision: LiquidityProvision) -> vega_pb2.LiquidityProvision:
    message = vega_pb2.LiquidityProvision(
        id=provision.id,
        party_id=provision.party,
        created_at=provision.created_at,
        updated_at=provision.updated_at,
        market_id=provision.market_id,
        commitment_amount=str(provision.commitment_amount),
        fee=str(provision.fee),
        version=provision.version,
        status=int(provision.status),
        reference=provision.reference,
    )
    for lines, target in ((provision.buys, message.buys), (provision.sells, message.sells)):
        for line in lines:
            entry = target.add(order_id=line.order_id)
            entry.liquidity_order.reference = int(line.order.reference)
            entry.liquidity_order.proportion = line.order.proportion
            entry.liquidity_order.offset = str(line.order.offset)
    return message
