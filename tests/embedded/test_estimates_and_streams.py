"""Position estimates, iceberg orders, the snitch's process map and the event stream.

`estimate_position` follows data node v0.72 (spec 0019-MCAL margins at the mark
price; worst case with the market's slippage factors, best case without; liquidation
where collateral less the position's value covers its margin). The demo market
trades at 1000 with 2 price, 1 position and 5 asset decimals, so 1000 is 1e8 units.
"""

from __future__ import annotations

import os

import psutil
import pytest
import vega_sim.proto.vega as vega_protos
from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega.events.v1 import events_pb2

from devops.embedded.datanode.position_estimate import EstimateError
from devops.embedded.demo import start_trading

GENERAL = vega_protos.vega.ACCOUNT_TYPE_GENERAL
ASSET_UNIT = 10**5
MARK = 1000


def test_margin_estimate_for_an_open_volume(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    info = service.market_info(market_id)
    linear = float(info.linear_slippage_factor)
    quadratic = float(info.quadratic_slippage_factor)
    long_factor = service.get_risk_factors(market_id).long
    margin, liquidation = service.estimate_position(market_id, open_volume=2)
    worst = MARK * (linear * 2 + quadratic * 4) + 2 * MARK * long_factor
    best = 2 * MARK * long_factor
    assert margin.worst_case.maintenance_margin == pytest.approx(worst, abs=1e-5)
    assert margin.best_case.maintenance_margin == pytest.approx(best, abs=1e-5)
    assert margin.best_case.initial_margin == pytest.approx(best * 1.5, abs=1e-5)
    assert liquidation.best_case.open_volume_only == 0  # no collateral given


def test_liquidation_estimate_for_a_long_position(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    info = service.market_info(market_id)
    linear = float(info.linear_slippage_factor)
    quadratic = float(info.quadratic_slippage_factor)
    long_factor = service.get_risk_factors(market_id).long
    _, liquidation = service.estimate_position(market_id, open_volume=2, collateral_available=500)
    # (collateral - volume * mark) / (slippage + volume * risk factor - volume), in units
    numerator = 500 * ASSET_UNIT - 2 * MARK * ASSET_UNIT
    worst = numerator / (linear * 2 + quadratic * 4 + 2 * long_factor - 2)
    best = numerator / (2 * long_factor - 2)
    assert liquidation.worst_case.open_volume_only == pytest.approx(worst, rel=1e-12)
    assert liquidation.best_case.open_volume_only == pytest.approx(best, rel=1e-12)
    assert liquidation.best_case.including_buy_orders == pytest.approx(best, rel=1e-12)


def test_estimate_for_an_unknown_market_is_refused(service, market) -> None:
    with pytest.raises(EstimateError, match="not found"):
        service.trading_data_client_v2.EstimatePosition(
            td.EstimatePositionRequest(market_id="nope")
        )


def test_iceberg_order_shows_its_peak_and_fills_in_full(service, market) -> None:
    _, market_id = market
    start_trading(service, market_id)
    service.submit_order(
        "buyer",
        market_id,
        "TYPE_LIMIT",
        "TIME_IN_FORCE_GTC",
        "SIDE_BUY",
        3,
        1000,
        peak_size=1,
        minimum_visible_size=0.5,
    )
    depth = service.market_depth(market_id)
    assert [(level.price, level.volume) for level in depth.buys][:1] == [(1000, 1)]
    service.submit_market_order("seller", market_id, "SIDE_SELL", 2, wait=True)
    service.wait_fn(5)
    assert service.positions_by_market("buyer", market_id).open_volume == 2 + 2


def test_snitch_samples_this_process(service) -> None:
    pids = service.process_pids
    assert set(pids) == {"vega", "data-node"}
    assert all(psutil.Process(pid).pid == os.getpid() for pid in pids.values())


def test_event_bus_streams_transfers_and_epochs(service, market) -> None:
    asset, _ = market
    request = vega_protos.api.v1.core.ObserveEventBusRequest(
        type=[events_pb2.BUS_EVENT_TYPE_TRANSFER, events_pb2.BUS_EVENT_TYPE_EPOCH_UPDATE]
    )
    stream = service.core_client.ObserveEventBus(iter([request]))
    service.one_off_transfer("buyer", "seller", GENERAL, GENERAL, asset, 10)
    service.forward("6m")
    events = [e for response in stream for e in response.events]
    transfers = [e.transfer for e in events if e.type == events_pb2.BUS_EVENT_TYPE_TRANSFER]
    assert [(t.amount, t.status) for t in transfers] == [
        (str(10 * ASSET_UNIT), events_pb2.Transfer.Status.STATUS_DONE)
    ]
    epochs = [e.epoch_event for e in events if e.type == events_pb2.BUS_EVENT_TYPE_EPOCH_UPDATE]
    assert [e.action for e in epochs] == [2, 1]  # one epoch ends, the next starts
    assert epochs[1].seq == epochs[0].seq + 1
