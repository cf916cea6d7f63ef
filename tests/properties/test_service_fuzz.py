"""Malformed input through EmbeddedVegaService's public surface.

Every malformed call must end in a clear rejection: vega-sim's own error, a
rejected order with Vega's reason, a refused transaction, or one of the
service's named errors; never an unexpected exception from inside the service.
And no balance may move.
"""

from __future__ import annotations

import math
import traceback
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st
from vega_sim.proto.vega.commands.v1 import commands_pb2
from vega_sim.service import VegaFaucetError

from devops.embedded import EmbeddedVegaService
from devops.embedded.clients import NotFoundError
from devops.embedded.demo import open_market, start_trading
from devops.embedded.wallet import UnknownKeyError

SERVICE_ERRORS = (UnknownKeyError, NotFoundError, VegaFaucetError)
SERVICE_CODE = "/devops/embedded/"


@cache
def _market() -> tuple[EmbeddedVegaService, str, str]:
    vega = EmbeddedVegaService(seed=5, transactions_per_block=1)
    vega.start()
    asset, market_id = open_market(vega)
    start_trading(vega, market_id)
    return vega, asset, market_id


def _balances(vega: EmbeddedVegaService) -> dict[str, int]:
    return {a.id: a.balance for a in vega.node.engine.collateral.accounts.values() if a.balance}


def _assert_clear(error: BaseException) -> None:
    """Raised by vega-sim's own checks, or one of the service's named errors."""
    if isinstance(error, SERVICE_ERRORS):
        return
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if SERVICE_CODE in f.filename]
    assert not inside or SERVICE_CODE not in frames[-1].filename, (
        f"{type(error).__name__}: {error} escaped from inside the service at "
        f"{frames[-1].filename}:{frames[-1].lineno}"
    )


bad_numbers = st.one_of(
    st.integers(max_value=0),
    st.floats(max_value=0, allow_nan=False),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(min_value=1e19, max_value=1e300),
    st.text(max_size=5),
    st.none(),
)
key_names = st.sampled_from(["buyer", "seller", "ghost", "", "BUYER"])
market_ids = st.sampled_from(["", "unknown-market", "0" * 64, None])


@settings(max_examples=200, deadline=None)
@given(
    key=key_names,
    volume=bad_numbers,
    price=bad_numbers,
    side=st.sampled_from(["SIDE_BUY", "SIDE_SELL", "SIDE_UNSPECIFIED"]),
    use_market=st.booleans(),
    other_market=market_ids,
)
def test_malformed_orders_are_rejected_and_move_nothing(
    key, volume, price, side, use_market, other_market
) -> None:
    vega, _, market_id = _market()
    before = _balances(vega)
    try:
        vega.submit_order(
            key,
            market_id if use_market else other_market,
            "TYPE_LIMIT",
            "TIME_IN_FORCE_GTC",
            side,
            volume,
            price,
            wait=True,
        )
    except Exception as error:  # noqa: BLE001 - every failure must be a clear one
        _assert_clear(error)
    else:
        raise AssertionError(f"accepted volume={volume!r} price={price!r} side={side}")
    assert _balances(vega) == before


# digits outside ASCII: Python's isdigit takes them, Go's base-10 parsing does not
NON_ASCII_DIGITS = ["²", "١٢", "１２"]
raw_text = st.one_of(
    st.text(max_size=8), st.sampled_from(["-1", "1e5", "NaN", "0x10", "", *NON_ASCII_DIGITS])
)


@settings(max_examples=200, deadline=None)
@given(
    price=raw_text,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    side=st.integers(min_value=0, max_value=5),
    tif=st.integers(min_value=0, max_value=9),
    kind=st.integers(min_value=0, max_value=4),
    expires_at=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    use_market=st.booleans(),
)
def test_raw_order_commands_never_crash_the_node(
    price, size, side, tif, kind, expires_at, use_market
) -> None:
    vega, _, market_id = _market()
    node = vega.node
    before = _balances(vega)
    command = commands_pb2.OrderSubmission(
        market_id=market_id if use_market else "nope",
        price=price,
        size=size,
        side=side,
        time_in_force=tif,
        type=kind,
        expires_at=expires_at,
    )
    vega.wallet.submit_transaction(command, "buyer", "order_submission")
    result = node.results[-1]
    if result.error is None:
        return  # a well-formed order the market took: only malformed ones must be refused
    assert _balances(vega) == before, f"refused ({result.error}) yet money moved"


@settings(max_examples=200, deadline=None)
@given(
    market_id=st.one_of(st.text(max_size=10), st.sampled_from(["", "0" * 64])),
    party=st.one_of(st.text(max_size=10), st.just("")),
)
def test_queries_for_unknown_ids_fail_as_a_data_node_does(market_id: str, party: str) -> None:
    vega, _, real_market = _market()
    if market_id == real_market:
        return
    client = vega.trading_data_client_v2
    from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td

    for call in (
        lambda: client.GetMarket(td.GetMarketRequest(market_id=market_id)),
        lambda: client.GetLatestMarketData(td.GetLatestMarketDataRequest(market_id=market_id)),
        lambda: client.GetOrder(td.GetOrderRequest(order_id=market_id)),
    ):
        try:
            call()
        except NotFoundError:
            continue
        raise AssertionError(f"unknown id {market_id!r} answered")
    accounts = client.ListAccounts(
        td.ListAccountsRequest(filter=td.AccountFilter(party_ids=[party or "x"]))
    )
    assert all(edge.node.owner == (party or "x") for edge in accounts.accounts.edges)


def test_a_price_in_digits_other_than_ascii_is_refused_as_vega_refuses_it() -> None:
    vega, _, market_id = _market()
    node = vega.node
    for price in NON_ASCII_DIGITS:
        before = _balances(vega)
        command = commands_pb2.OrderSubmission(
            market_id=market_id, price=price, size=1, side=1, time_in_force=1, type=2
        )
        vega.wallet.submit_transaction(command, "buyer", "order_submission")
        error = node.results[-1].error
        assert error is not None and "is not a valid number" in error, (price, error)
        assert _balances(vega) == before
