"""Engine bugs the properties found, each pinned by the smallest example that showed it."""

from __future__ import annotations

from devops.engine.commands import OrderAmendment, OrderCancellation
from devops.engine.types import OrderError, OrderStatus
from tests.properties.test_engine_state_machine import LP, MARKET, EngineMachine


def _lp_order(machine: EngineMachine):
    return next(o for o in machine.market.book.orders.values() if o.liquidity_provision_id)


def test_amending_an_lp_order_is_refused_not_raised() -> None:
    """Found by the state machine: amending an LP order raised out of the engine."""
    machine = EngineMachine()
    order = _lp_order(machine)
    confirmation = machine.engine.amend_order(
        OrderAmendment(order.id, MARKET, order.original_price + 22, 0), LP
    )
    assert confirmation.error == OrderError.EDIT_NOT_ALLOWED
    assert order.status == OrderStatus.ACTIVE


def test_cancelling_an_lp_order_is_refused() -> None:
    machine = EngineMachine()
    order = _lp_order(machine)
    result = machine.engine.cancel_order(OrderCancellation(order.id, MARKET), LP)
    assert result.error == OrderError.EDIT_NOT_ALLOWED
    assert order.status == OrderStatus.ACTIVE
