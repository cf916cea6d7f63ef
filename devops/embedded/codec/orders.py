"""Orders, trades and liquidity provisions: engine records to vega-sim's messages.

As Vega's events do, orders and trades carry prices in market decimals (their
original price); book depth is given in market decimals too.
"""

from __future__ import annotations

from collections.abc import Iterable

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

from devops.engine.liquidity.provision import LiquidityProvision
from devops.engine.types import Order, Trade

LIVE_ORDER_STATUSES = (vega_pb2.Order.Status.STATUS_ACTIVE, vega_pb2.Order.Status.STATUS_PARKED)
ACTIVE_ORDER = vega_pb2.Order.Status.STATUS_ACTIVE
LIVE_PROVISION_STATUSES = (
    vega_pb2.LiquidityProvision.Status.STATUS_ACTIVE,
    vega_pb2.LiquidityProvision.Status.STATUS_PENDING,
    vega_pb2.LiquidityProvision.Status.STATUS_UNDEPLOYED,
)
# a level of the book: (price in market decimals, visible volume, number of orders)
DepthLevel = tuple[str, int, int]


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


def market_depth_response(
    market_id: str,
    buys: Iterable[DepthLevel],
    sells: Iterable[DepthLevel],
    last_trade: vega_pb2.Trade | None,
) -> td.GetLatestMarketDepthResponse:
    response = td.GetLatestMarketDepthResponse(market_id=market_id)
    for levels, target in ((buys, response.buy), (sells, response.sell)):
        for price, volume, count in levels:
            target.add(price=price, volume=volume, number_of_orders=count)
    if last_trade is not None:
        response.last_trade.CopyFrom(last_trade)
    return response
