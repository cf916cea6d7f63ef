"""The data node's answers about transfers, stake, delegations, epochs, rewards and
position estimates, from its stores (and, for estimates, the market's last state
as `core_view` gives it).

Filters follow data node v0.72: transfers by public key and direction (from, to,
either), delegations by party, node and epoch (the current epoch by default),
rewards by party, asset and epoch range, reward summaries as totals per party
and asset. Rejected transfers are kept, as the data node keeps them.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Any

from devops.embedded.codec.api import page
from devops.embedded.codec.estimates import BUY, SELL, MarginFigures, estimate_response
from devops.embedded.codec.network import (
    epoch_response,
    reward_summaries_response,
    stake_response,
)
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


def list_transfers(store: DataNodeStore, request: Any) -> Any:
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
    return page("ListTransfers", "transfers", nodes)


def get_stake(store: DataNodeStore, request: Any) -> Any:
    party = request.party_id
    linkings = [linking for linking in store.network.stake_linkings if linking.party == party]
    return stake_response(store.stake_balance(party), linkings)


def list_delegations(store: DataNodeStore, request: Any) -> Any:
    epoch = int(request.epoch_id) if request.epoch_id else None
    nodes = store.network.delegations_for(request.party_id, request.node_id, epoch)
    return page("ListDelegations", "delegations", nodes)


def get_epoch(store: DataNodeStore, request: Any) -> Any:
    epochs = store.network.epochs
    if request is not None and request.HasField("id"):
        epoch = epochs.get(request.id)
        if epoch is None:
            from devops.embedded.clients import NotFoundError

            raise NotFoundError(f"epoch {request.id} not found")
    else:
        epoch = store.network.current_epoch
    if epoch is None:
        return epoch_response(None, [])
    return epoch_response(epoch, store.network.delegations_for(epoch=epoch.seq))


def _rewards(store: DataNodeStore, party: str, asset: str) -> list[Any]:
    return [
        r
        for r in store.network.rewards
        if (not party or r.party_id == party) and (not asset or r.asset_id == asset)
    ]


def list_rewards(store: DataNodeStore, request: Any) -> Any:
    nodes = [
        r
        for r in _rewards(store, request.party_id, request.asset_id)
        if (not request.HasField("from_epoch") or r.epoch >= request.from_epoch)
        and (not request.HasField("to_epoch") or r.epoch <= request.to_epoch)
    ]
    return page("ListRewards", "rewards", nodes)


def list_reward_summaries(store: DataNodeStore, request: Any) -> Any:
    totals: dict[tuple[str, str], int] = {}
    for reward in _rewards(store, request.party_id, request.asset_id):
        key = (reward.party_id, reward.asset_id)
        totals[key] = totals.get(key, 0) + int(reward.amount)
    return reward_summaries_response(sorted(totals.items()))


def estimate_position(store: DataNodeStore, request: Any) -> Any:
    """Data node v0.72's `EstimatePosition`; bad input raises `EstimateError`."""
    if not request.market_id:
        raise EstimateError("empty or missing market ID")
    if request.market_id not in store.markets:
        raise EstimateError(f"market {request.market_id} not found")
    config = store.markets.config(request.market_id)
    risk = store.markets.risk_factors(request.market_id)
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
            if order.side == BUY:
                buys.append(info)
            elif order.side == SELL:
                sells.append(info)
            else:
                raise EstimateError("invalid order side")
        data = store.latest_market_data(request.market_id)
        auction = data.auction_end > 0
        observable = Decimal(data.mark_price)
        if auction and data.trading_mode.name == "OPENING_AUCTION":
            observable = Decimal(data.indicative_price)
        observable *= price_factor
        factors = Factors(
            Decimal(10) ** config.position_decimal_places,
            Decimal(config.linear_slippage_factor),
            Decimal(config.quadratic_slippage_factor),
            Decimal(risk.long),
            Decimal(risk.short),
        )
        scaling = config.margin_scaling
        margins: list[MarginFigures] = []
        for slippage in (True, False):  # worst case, then best case
            margin = maintenance_margin(
                request.open_volume,
                buys,
                sells,
                observable,
                factors,
                with_slippage=slippage,
                auction=auction,
            )
            margins.append(
                (
                    round_half_away(margin),
                    round_half_away(margin * scaling.search),
                    round_half_away(margin * scaling.initial),
                    round_half_away(margin * scaling.release),
                )
            )
        liquidation: list[tuple[str, str, str] | None] = [None, None]
        if request.HasField("collateral_available") and request.collateral_available:
            try:
                collateral = Decimal(request.collateral_available)
            except InvalidOperation:
                raise EstimateError("invalid collateral amount") from None
            for index, slippage in ((0, False), (1, True)):  # best case, then worst case
                prices = liquidation_prices(
                    request.open_volume,
                    list(buys),
                    list(sells),
                    observable,
                    collateral,
                    factors,
                    with_slippage=slippage,
                )
                liquidation[index] = (
                    decimal_text(prices[0]),
                    decimal_text(prices[1]),
                    decimal_text(prices[2]),
                )
    return estimate_response(
        config.id,
        config.asset,
        worst_margin=margins[0],
        best_margin=margins[1],
        best_liquidation=liquidation[0],
        worst_liquidation=liquidation[1],
    )
