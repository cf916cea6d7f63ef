"""Liquidity provision (0038-OLIQ, 0044-LIME): shapes, sizes, statuses and the fee bid.

Figures come from Vega's feature files: liquidity-provision/verify-simple-shape-order-sizes
and verified/0038-OLIQ-verified-complex-shape-order-sizes.
"""

from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from devops.engine.commands import (
    LiquidityOrder,
    LiquidityProvisionAmendment,
    LiquidityProvisionSubmission,
)
from devops.engine.events.bus import EventBus, EventRecorder, EventType
from devops.engine.liquidity.provision import (
    LiquidityEngine,
    LiquidityParameters,
    ProvisionStatus,
    RepriceFn,
    ToCancel,
    adjust_price,
    lp_price_range,
    validate_shape,
)
from devops.engine.types import Order, OrderStatus, PeggedReference, Side, TimeInForce

BID, ASK, MID = PeggedReference.BEST_BID, PeggedReference.BEST_ASK, PeggedReference.MID
ASK_ON_BUY = "order in buy side shape with best ask price reference"


class Clock:
    now = 1_000


def make_engine(position_factor: int = 1, **params: Any) -> tuple[LiquidityEngine, EventRecorder]:
    bus = EventBus()
    recorder = EventRecorder(bus)
    engine = LiquidityEngine(
        "M",
        bus=bus,
        clock=Clock(),
        price_factor=1,
        position_factor=position_factor,
        params=LiquidityParameters(**params),
    )
    return engine, recorder


def ids() -> Callable[[], str]:
    counter = count(1)
    return lambda: f"id{next(counter):03d}"


def submission(
    amount: int,
    buys: tuple[LiquidityOrder, ...],
    sells: tuple[LiquidityOrder, ...],
    fee: str = "0.1",
) -> LiquidityProvisionSubmission:
    return LiquidityProvisionSubmission("M", amount, Decimal(fee), buys, sells, reference="lp")


def static_reprice(bid: int, ask: int, low: int, high: int) -> RepriceFn:
    def reprice(side: Side, reference: PeggedReference, offset: int) -> int:
        if reference == MID:
            price = (bid + ask + (1 if side == Side.BUY else 0)) // 2
        else:
            price = bid if reference == BID else ask
        return adjust_price(side, price, offset, low, high, 1)

    return reprice


def limit(party: str, side: Side, price: int, size: int) -> Order:
    return Order("o-" + party + str(price), "M", party, side, price, size, size, TimeInForce.GTC)


def deploy(
    engine: LiquidityEngine, party: str, bid: int, ask: int, own: list[Order] | None = None
) -> tuple[list[Order], ToCancel | None]:
    low, high = lp_price_range(bid, ask, Decimal(1), 1)
    return engine.update_party(
        party, low, high, static_reprice(bid, ask, low, high), lambda p: [], lambda p: own or []
    )


def test_mid_pegs_size_from_the_commitment() -> None:
    # verify-simple-shape-order-sizes, scenario 1: 1e9 at mid ∓ 10 -> 84 each side
    engine, _ = make_engine()
    sub = submission(1_000_000_000, (LiquidityOrder(MID, 1, 10),), (LiquidityOrder(MID, 1, 10),))
    assert engine.submit(sub, "party-lp-1", ids()) is None
    creates, cancels = deploy(engine, "party-lp-1", 11999980, 12000020)
    assert [(o.side, o.price, o.size) for o in creates] == [
        (Side.BUY, 11999990, 84),
        (Side.SELL, 12000010, 84),
    ]
    assert cancels is None
    assert engine.provisions["party-lp-1"].status == ProvisionStatus.ACTIVE


def test_bid_ask_pegs_with_offset() -> None:
    # the opening LP of the same feature: 9e7 at bid - 100 and ask + 100 -> 8 each side
    engine, _ = make_engine()
    sub = submission(90_000_000, (LiquidityOrder(BID, 50, 100),), (LiquidityOrder(ASK, 50, 100),))
    engine.submit(sub, "lpprov", ids())
    creates, _ = deploy(engine, "lpprov", 11999980, 12000020)
    assert [(o.price, o.size) for o in creates] == [(11999880, 8), (12000120, 8)]


def test_position_decimals_scale_the_volume() -> None:
    # scenario 3 (ETH/DEC20, 3 position decimals): 7501 buy at 11999899, 7500 sell at 12000101
    engine, _ = make_engine(position_factor=1000)
    sub = submission(90_000_000, (LiquidityOrder(BID, 50, 100),), (LiquidityOrder(ASK, 50, 100),))
    engine.submit(sub, "lpprov", ids())
    creates, _ = deploy(engine, "lpprov", 11999999, 12000001)
    assert [(o.price, o.size) for o in creates] == [(11999899, 7501), (12000101, 7500)]


def test_complex_shape_counts_own_limit_orders() -> None:
    # 0038-OLIQ complex shape: the LP's own sell of 50 at 12000013 reduces its sell obligation
    engine, _ = make_engine(max_shapes=10)
    buys = tuple(LiquidityOrder(MID, 1, offset) for offset in range(10, 1, -1))
    sells = tuple(LiquidityOrder(MID, 1, offset) for offset in range(4, 11))
    engine.submit(submission(1_000_000_000, buys, sells), "party-lp-1", ids())
    own = [limit("party-lp-1", Side.SELL, 12000013, 50)]
    creates, _ = deploy(engine, "party-lp-1", 12000007, 12000013, own)
    buys_out = [(o.price, o.size) for o in creates if o.side == Side.BUY]
    sells_out = [(o.price, o.size) for o in creates if o.side == Side.SELL]
    assert buys_out == [(12000010 - offset, 10) for offset in range(10, 1, -1)]
    assert sells_out == [(12000010 + offset, 5) for offset in range(4, 11)]


def test_stake_to_volume_scales_the_obligation() -> None:
    engine, _ = make_engine(stake_to_ccy_volume=Decimal(3))
    sub = submission(1_000_000_000, (LiquidityOrder(MID, 1, 10),), (LiquidityOrder(MID, 1, 10),))
    engine.submit(sub, "lp", ids())
    creates, _ = deploy(engine, "lp", 11999980, 12000020)
    # 3e9 / 11999990 = 250.0002 -> 251; 3e9 / 12000010 = 249.9998 -> 250
    assert [o.size for o in creates] == [251, 250]


def test_unchanged_orders_stay_and_traded_ones_are_replaced() -> None:
    engine, _ = make_engine()
    sub = submission(1_000_000_000, (LiquidityOrder(MID, 1, 10),), (LiquidityOrder(MID, 1, 10),))
    engine.submit(sub, "lp", ids())
    creates, _ = deploy(engine, "lp", 11999980, 12000020)
    low, high = lp_price_range(11999980, 12000020, Decimal(1), 1)
    reprice = static_reprice(11999980, 12000020, low, high)
    again, cancels = engine.update_party("lp", low, high, reprice, lambda p: creates, lambda p: [])
    assert again == [] and cancels is None
    creates[0].remaining = 80  # partly filled: cancelled and recreated at full size
    again, cancels = engine.update_party("lp", low, high, reprice, lambda p: creates, lambda p: [])
    assert [o.id for o in again] == [creates[0].id]
    assert cancels is not None and cancels.order_ids == [creates[0].id]


def test_reprice_failure_undeploys_an_active_provision() -> None:
    engine, _ = make_engine()
    sub = submission(1000, (LiquidityOrder(BID, 1, 1),), (LiquidityOrder(ASK, 1, 1),))
    engine.submit(sub, "lp", ids())
    creates, _ = deploy(engine, "lp", 100, 110)
    creates, cancels = engine.update_party(
        "lp", 1, 10**9, lambda *_: None, lambda p: [], lambda p: []
    )
    assert creates == [] and cancels is None
    assert engine.provisions["lp"].status == ProvisionStatus.UNDEPLOYED


def test_submit_publishes_stub_orders_then_the_pending_provision() -> None:
    engine, recorder = make_engine()
    sub = submission(1000, (LiquidityOrder(BID, 1, 1),), (LiquidityOrder(ASK, 1, 1),))
    assert engine.submit(sub, "lp", ids(), lp_id="lp-id") is None
    kinds = [e.type for e in recorder.events]
    assert kinds == [EventType.ORDER, EventType.ORDER, EventType.LIQUIDITY_PROVISION]
    stub = recorder.of_type(EventType.ORDER)[0]
    assert stub.status == OrderStatus.STOPPED and stub.liquidity_provision_id == "lp-id"
    provision = recorder.of_type(EventType.LIQUIDITY_PROVISION)[0]
    assert provision.status == ProvisionStatus.PENDING and provision.id == "lp-id"
    assert engine.submit(sub, "lp", ids()) == "liquidity provision already exists"
    assert engine.supplied_stake() == 1000 and engine.is_pending("lp")


def test_invalid_submission_is_rejected_with_an_event() -> None:
    engine, recorder = make_engine()
    sub = submission(1000, (), (LiquidityOrder(ASK, 1, 1),))
    assert engine.submit(sub, "lp", ids()) == "empty SIDE_BUY shape"
    assert recorder.of_type(EventType.LIQUIDITY_PROVISION)[0].status == ProvisionStatus.REJECTED
    assert not engine.is_provider("lp")


@pytest.mark.parametrize(
    ("shape", "side", "error"),
    [
        ((LiquidityOrder(ASK, 1, 1),), Side.BUY, ASK_ON_BUY),
        ((LiquidityOrder(MID, 1, 0),), Side.BUY, "order in buy side shape offset must be > 0"),
        ((LiquidityOrder(MID, 1, 0),), Side.SELL, "order in sell shape offset must be > 0"),
        ((LiquidityOrder(BID, 0, 1),), Side.BUY, "order in shape without a proportion"),
        ((LiquidityOrder(BID, 1, 1),) * 6, Side.BUY, "SIDE_BUY shape size exceed max (5)"),
    ],
)
def test_shape_validation(shape: tuple[LiquidityOrder, ...], side: Side, error: str) -> None:
    assert validate_shape(shape, side, 5) == error


def test_amend_bumps_version_and_keeps_pending() -> None:
    engine, recorder = make_engine()
    sub = submission(1000, (LiquidityOrder(BID, 1, 1),), (LiquidityOrder(ASK, 1, 1),))
    engine.submit(sub, "lp", ids())
    amendment = LiquidityProvisionAmendment(
        "M", 2000, Decimal("0.2"), sub.buys, sub.sells, reference="lp"
    )
    engine.amend(amendment, "lp", ids(), set())
    provision = engine.provisions["lp"]
    assert provision.version == 2
    assert (provision.commitment_amount, provision.fee) == (2000, Decimal("0.2"))
    assert provision.status == ProvisionStatus.PENDING


def test_stop_cancels_and_forgets() -> None:
    engine, recorder = make_engine()
    sub = submission(1000, (LiquidityOrder(BID, 1, 1),), (LiquidityOrder(ASK, 1, 1),))
    engine.submit(sub, "lp", ids())
    assert engine.stop("lp", ProvisionStatus.CANCELLED, set())
    assert recorder.of_type(EventType.LIQUIDITY_PROVISION)[-1].status == ProvisionStatus.CANCELLED
    assert not engine.is_provider("lp") and engine.supplied_stake() == 0


def test_fee_for_target_walks_cheapest_first() -> None:
    engine, _ = make_engine()
    shape = ((LiquidityOrder(BID, 1, 1),), (LiquidityOrder(ASK, 1, 1),))
    engine.submit(submission(5000, *shape, fee="0.002"), "lp2", ids())
    engine.submit(submission(5000, *shape, fee="0.001"), "lp1", ids())
    # 0042-LIQF-002: target 9000 needs both -> 0.002
    assert engine.fee_for_target(9000) == Decimal("0.002")
    assert engine.fee_for_target(5000) == Decimal("0.001")
    assert engine.fee_for_target(20000) == Decimal("0.002")


def test_lp_price_range_clamps_offsets() -> None:
    low, high = lp_price_range(900, 1100, Decimal("0.1"), 1)
    assert (low, high) == (900, 1100)
    assert adjust_price(Side.BUY, 900, 50, low, high, 1) == 900
    assert adjust_price(Side.SELL, 1100, 50, low, high, 1) == 1100
    assert adjust_price(Side.BUY, 10, 20, 1, 100, 1) == 1  # below zero: the minimum price


def test_liquidity_scores_are_the_same_with_the_probability_cache() -> None:
    from devops.engine.liquidity.provision import ProbabilityTable
    from devops.engine.types import LogNormalRiskModel

    model = LogNormalRiskModel(
        Decimal("0.001"), Decimal("0.0001140771161"), Decimal(0), Decimal(0), Decimal("1.5")
    )
    orders = [
        limit("lp", Side.BUY, 990, 3),
        limit("lp", Side.BUY, 995, 7),
        limit("lp", Side.BUY, 850, 2),
        limit("lp", Side.SELL, 1010, 4),
        limit("lp", Side.SELL, 1200, 9),
        limit("lp", Side.SELL, 1010, 1),
    ]
    unbounded = (2**255, Decimal(2**255))
    contexts = [
        (Decimal(1000), Decimal(1005), ((0, Decimal(0)), unbounded)),
        (Decimal(1000), Decimal(1005), ((0, Decimal(0)), unbounded)),
        (Decimal(998), Decimal(1005), ((0, Decimal(0)), unbounded)),
        (Decimal(998), Decimal(1005), ((900, Decimal("900.4")), (1100, Decimal("1100.2")))),
        (Decimal(1000), Decimal(1005), ((0, Decimal(0)), unbounded)),
    ]
    cached, _ = make_engine()
    cached.set_probabilities(
        ProbabilityTable.compute(model, Decimal(1000), Decimal(1005), Decimal(1))
    )
    for bid, ask, valid in contexts:
        fresh, _ = make_engine()
        fresh.set_probabilities(cached.probabilities)
        expected = fresh.liquidity_score(orders, bid, ask, 1, 10**6, valid)
        got = cached.liquidity_score(orders, bid, ask, 1, 10**6, valid)
        assert got.as_tuple() == expected.as_tuple() and got > 0
    table = ProbabilityTable.compute(model, Decimal(990), Decimal(1005), Decimal(1))
    cached.set_probabilities(table)  # a new table: nothing cached from the old one is used
    fresh, _ = make_engine()
    fresh.set_probabilities(table)
    bid, ask, valid = contexts[0]
    assert cached.liquidity_score(orders, bid, ask, 1, 10**6, valid) == fresh.liquidity_score(
        orders, bid, ask, 1, 10**6, valid
    )
