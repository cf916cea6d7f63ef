"""A market's data and risk factors as vega-sim's messages."""

from __future__ import annotations

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

from devops.engine.events.payloads import MarketData


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


def risk_factors_response(market_id: str, short: object, long: object) -> td.GetRiskFactorsResponse:
    return td.GetRiskFactorsResponse(
        risk_factor=vega_pb2.RiskFactor(market=market_id, short=str(short), long=str(long))
    )
