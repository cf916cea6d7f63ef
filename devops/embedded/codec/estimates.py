"""`EstimatePosition`'s response from the figures the data node computed."""

from __future__ import annotations

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

BUY = vega_pb2.SIDE_BUY
SELL = vega_pb2.SIDE_SELL
# (maintenance, search, initial, collateral release), each rounded to a whole number
MarginFigures = tuple[str, str, str, str]
# liquidation prices: (open volume only, including buy orders, including sell orders)
LiquidationFigures = tuple[str, str, str]
_NONE: LiquidationFigures = ("0", "0", "0")


def estimate_response(
    market_id: str,
    asset: str,
    *,
    worst_margin: MarginFigures,
    best_margin: MarginFigures,
    worst_liquidation: LiquidationFigures | None,
    best_liquidation: LiquidationFigures | None,
) -> td.EstimatePositionResponse:
    """Without collateral the data node leaves the liquidation estimate empty; vega-sim
    reads the empty strings as numbers, so it gets the zeros its documentation promises."""
    response = td.EstimatePositionResponse()
    for target, figures in (
        (response.margin.worst_case, worst_margin),
        (response.margin.best_case, best_margin),
    ):
        target.market_id = market_id
        target.asset = asset
        (
            target.maintenance_margin,
            target.search_level,
            target.initial_margin,
            target.collateral_release_level,
        ) = figures
    for case, prices in (
        (response.liquidation.best_case, best_liquidation),
        (response.liquidation.worst_case, worst_liquidation),
    ):
        case.open_volume_only, case.including_buy_orders, case.including_sell_orders = (
            prices or _NONE
        )
    return response
