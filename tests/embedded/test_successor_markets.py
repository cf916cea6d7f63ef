"""Successor markets (spec 0081-SUCM) proposed through vega-sim on the embedded service.

A successor names its parent; two may be pending for one parent, and the first to
leave its opening auction succeeds the parent, rejecting the other. A proposal
naming a market that does not exist is rejected with Vega's reason.
"""

from __future__ import annotations

import pytest
from vega_sim.api.helpers import ProposalNotAcceptedError
from vega_sim.api.market import MarketConfig, Successor
from vega_sim.proto.vega import governance_pb2, markets_pb2

from devops.embedded.demo import ASSET, start_trading

MarketState = markets_pb2.Market.State


def propose(service, asset: str, name: str, parent: str, fraction: float = 1) -> None:
    config = MarketConfig()
    for key, value in (
        ("decimal_places", 2),
        ("position_decimal_places", 1),
        ("instrument.name", name),
        ("instrument.code", name.replace("/", "")),
        ("instrument.future.settlement_asset", asset),
        ("instrument.future.quote_name", ASSET),
        ("instrument.future.number_decimal_places", 2),
        ("instrument.future.terminating_key", service.wallet.public_key("settler")),
    ):
        config.set(key, value)
    successor = Successor(opt={"parent_market_id": parent, "insurance_pool_fraction": fraction})
    config.set("successor", successor)
    service.create_market_from_config(proposal_key_name="proposer", market_config=config)


def test_successor_naming_an_unknown_parent_is_rejected(service, market) -> None:
    asset, _ = market
    before = {k: a.balance for k, a in service.node.engine.collateral.accounts.items()}
    markets = set(service.node.engine.markets)
    with pytest.raises(ProposalNotAcceptedError, match="market to succeed does not exist"):
        propose(service, asset, "ETH/USD-X", parent="f" * 64)
    record = list(service.node.governance.proposals.values())[-1].message
    assert record.state == governance_pb2.Proposal.State.STATE_REJECTED
    assert record.reason == governance_pb2.PROPOSAL_ERROR_INVALID_SUCCESSOR_MARKET
    assert record.error_details == "market to succeed does not exist"
    assert set(service.node.engine.markets) == markets
    after = {k: a.balance for k, a in service.node.engine.collateral.accounts.items()}
    assert after == before


def test_first_successor_to_open_rejects_the_other(service, market) -> None:
    asset, parent = market
    start_trading(service, parent)
    propose(service, asset, "ETH/USD-A", parent)
    propose(service, asset, "ETH/USD-B", parent, fraction=0.5)
    first, second = service.find_market_id("ETH/USD-A"), service.find_market_id("ETH/USD-B")
    assert service.market_info(first).parent_market_id == parent
    assert service.market_info(second).state == MarketState.STATE_PENDING
    general_before = service.party_account("maker", asset, second).general
    service.submit_simple_liquidity(
        "maker",
        second,
        commitment_amount=1_000,
        fee=0.002,
        reference_buy="PEGGED_REFERENCE_BEST_BID",
        reference_sell="PEGGED_REFERENCE_BEST_ASK",
        delta_buy=1,
        delta_sell=1,
        is_amendment=False,
    )
    assert service.party_account("maker", asset, second).bond == 1_000
    start_trading(service, first)
    assert service.market_info(first).state == MarketState.STATE_ACTIVE
    assert service.market_info(second).state == MarketState.STATE_REJECTED
    assert service.market_info(parent).successor_market_id == first
    # the rejected market hands its LP bond back: the maker's general account is down only
    # by what it holds in the market that opened
    maker = service.party_account("maker", asset, second)
    assert (maker.bond, maker.margin) == (0, 0)
    held = service.party_account("maker", asset, first)
    assert maker.general == pytest.approx(general_before - held.bond - held.margin, abs=1e-9)
    # a third successor of the succeeded parent is refused
    with pytest.raises(ProposalNotAcceptedError, match="already succeeded"):
        propose(service, asset, "ETH/USD-C", parent)
    record = list(service.node.governance.proposals.values())[-1].message
    assert record.error_details == "the market was already succeeded by a prior proposal"
