"""The data node's answers about transfers, stake, delegations, epochs, rewards and
position estimates, from its stores (and, for estimates, the market's last state).

Filters follow data node v0.72: transfers by public key and direction (from, to,
either), delegations by party, node and epoch (the current epoch by default),
rewards by party, asset and epoch range, reward summaries as totals per party
and asset. Rejected transfers are kept, as the data node keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Any

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

from devops.embedded.codec.network import epoch_proto
from devops.embedded.datanode.position_estimate import (
    EstimateError,
    Factors,
    OrderInfo,
    decimal_text,
    liquidation_prices,
    maintenance_margin,
    round_half_away,
)
from devops.embedded.datanode.store import DataNodeStore

_FROM, _TO, _EITHER = 1, 2, 3
_WIDE = Context(prec=100)


def _page(response: Any, field: str, nodes: Iterable[Any]) -> Any:
    connection = getattr(response, field)
    for node in nodes:
        connection.edges.add(node=node)
    connection.page_info.has_next_page = False
    return response


def list_transfers(store: DataNodeStore, request: Any) -> td.ListTransfersResponse:
    key = request.pubkey if request is not None else ""
    direction = request.direction if request is not None else 0
    nodes = []
    for transfer in store.network.transfers.values():
        sender, receiver = getattr(transfer, "from"), transfer.to
        if key:
            if direction == _FROM and sender != key:
                continue
            if direction == _TO and receiver != key:
                continue
            if direction in (0, _EITHER) and key not in (sender, receiver):
                continue
        nodes.append(transfer)
    return _page(td.ListTransfersResponse(), "transfers", nodes)


def get_stake(store: DataNodeStore, request: Any) -> td.GetStakeResponse:
    party = request.party_id
    balance = store.node.network.staking.balance(party) or 0
    response = td.GetStakeResponse(current_stake_available=str(balance))
    for linking in store.network.stake_linkings:
        if linking.party == party:
            response.stake_linkings.edges.add(node=linking)
    response.stake_linkings.page_info.has_next_page = False
    return response


def list_delegations(store: DataNodeStore, request: Any) -> td.ListDelegationsResponse:
    epoch = int(request.epoch_id) if request.epoch_id else None
    nodes = store.network.delegations_for(request.party_id, request.node_id, epoch)
    return _page(td.ListDelegationsResponse(), "delegations", nodes)


def get_epoch(store: DataNodeStore, request: Any) -> td.GetEpochResponse:
    epochs = store.network.epochs
    if request is not None and request.HasField("id"):
        epoch = epochs.get(request.id)
        if epoch is None:
            from devops.embedded.clients import NotFoundError

            raise NotFoundError(f"epoch {request.id} not found")
    else:
        epoch = store.network.current_epoch
    if epoch is None:
        return td.GetEpochResponse()
    delegations = store.network.delegations_for(epoch=epoch.seq)
    return td.GetEpochResponse(epoch=epoch_proto(epoch, delegations))


def _rewards(store: DataNodeStore, party: str, asset: str) -> list[vega_pb2.Reward]:
    return [
        r
        for r in store.network.rewards
        if (not party or r.party_id == party) and (not asset or r.asset_id == asset)
    ]


def list_rewards(store: DataNodeStore, request: Any) -> td.ListRewardsResponse:
    nodes = [
        r
        for r in _rewards(store, request.party_id, request.asset_id)
        if (not request.HasField("from_epoch") or r.epoch >= request.from_epoch)
        and (not request.HasField("to_epoch") or r.epoch <= request.to_epoch)
    ]
    return _page(td.ListRewardsResponse(), "rewards", nodes)


def list_reward_summaries(store: DataNodeStore, request: Any) -> td.ListRewardSummariesResponse:
    totals: dict[tuple[str, str], int] = {}
    for reward in _rewards(store, request.party_id, request.asset_id):
        key = (reward.party_id, reward.asset_id)
        totals[key] = totals.get(key, 0) + int(reward.amount)
    response = td.ListRewardSummariesResponse()
    for (party, asset), amount in sorted(totals.items()):
        response.summaries.add(party_id=party, asset_id=asset, amount=str(amount))
    return response


def estimate_position(store: DataNodeStore, request: Any) -> td.EstimatePositionResponse:
    """Data node v0.72's `EstimatePosition`; bad input raises `EstimateError`."""
    if not request.market_id:
        raise EstimateError("empty or missing market ID")
    market = store.node.engine.markets.get(request.market_id)
    if market is None:
        raise EstimateError(f"market {request.market_id} not found")
    config = market.config
    price_factor = Decimal(config.price_factor)
    buys: list[OrderInfo] = []
    sells: list[OrderInfo] = []
    with localcontext(_WIDE):
        for order in request.orders:
            try:
                price = Decimal(order.price or "0")
            except InvalidOperation:
                raise EstimateError("invalid order price") from None
            if price < 0 or price != price.to_integral_value():
                raise EstimateError("invalid order price")
            info = OrderInfo(order.remaining, price * price_factor, order.is_market_order)
            if order.side == vega_pb2.SIDE_BUY:
                buys.append(info)
            elif order.side == vega_pb2.SIDE_SELL:
                sells.append(info)
            else:
                raise EstimateError("invalid order side")
        data = market.market_data()
        auction = data.auction_end > 0
        observable = Decimal(data.mark_price)
        if auction and data.trading_mode.name == "OPENING_AUCTION":
            observable = Decimal(data.indicative_price)
        observable *= price_factor
        factors = Factors(
            Decimal(10) ** config.position_decimal_places,
            Decimal(config.linear_slippage_factor),
            Decimal(config.quadratic_slippage_factor),
            Decimal(market.risk_factors.long),
            Decimal(market.risk_factors.short),
        )
        response = td.EstimatePositionResponse()
        scaling = config.margin_scaling
        for target, slippage in (
            (response.margin.worst_case, True),
            (response.margin.best_case, False),
        ):
            margin = maintenance_margin(
                request.open_volume,
                buys,
                sells,
                observable,
                factors,
                with_slippage=slippage,
                auction=auction,
            )
            target.market_id = config.id
            target.asset = config.asset
            target.maintenance_margin = round_half_away(margin)
            target.search_level = round_half_away(margin * scaling.search)
            target.initial_margin = round_half_away(margin * scaling.initial)
            target.collateral_release_level = round_half_away(margin * scaling.release)
        for case in (response.liquidation.best_case, response.liquidation.worst_case):
            # without collateral the data node leaves the estimate empty; vega-sim reads the
            # empty strings as numbers, so it gets the zeros its documentation promises
            case.open_volume_only = case.including_buy_orders = case.including_sell_orders = "0"
        if request.HasField("collateral_available") and request.collateral_available:
            try:
                collateral = Decimal(request.collateral_available)
            except InvalidOperation:
                raise EstimateError("invalid collateral amount") from None
            for target, slippage in (
                (response.liquidation.best_case, False),
                (response.liquidation.worst_case, True),
            ):
                prices = liquidation_prices(
                    request.open_volume,
                    list(buys),
                    list(sells),
                    observable,
                    collateral,
                    factors,
                    with_slippage=slippage,
                )
                target.open_volume_only = decimal_text(prices[0])
                target.including_buy_orders = decimal_text(prices[1])
                target.including_sell_orders = decimal_text(prices[2])
    return response
