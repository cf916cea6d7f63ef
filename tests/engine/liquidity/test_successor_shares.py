"""A successor market's equity-like shares (0081-SUCM, 0042-LIQF) and the network's fee
factors on markets created after they change.

Figures follow Vega's InheritELS by hand: an LP committed to parent and successor takes
the parent's stake, virtual stake and average entry valuation, and its successor
commitment then counts as a change from that stake (an increase buys in at the total
virtual stake, a decrease scales the virtual stake down).
"""

from decimal import Decimal

from devops.engine.execution.engine import ExecutionEngine
from devops.engine.liquidity.equity_shares import EquityShares
from devops.engine.types import FeeFactors, LogNormalRiskModel, MarketConfig
from devops.engine.vega_decimal import decimal_div

RISK_MODEL = LogNormalRiskModel(
    Decimal("0.000001"), Decimal("0.0001140771161305042"), Decimal(0), Decimal(0), Decimal("1.5")
)


def parent_and_successor() -> tuple[EquityShares, EquityShares]:
    parent = EquityShares()
    parent.set_party_stake("lp1", 9000)  # entry valuation 9000
    parent.set_party_stake("lp2", 1000)  # entry valuation 10000
    parent.all_shares()
    successor = EquityShares()
    successor.set_party_stake("lp1", 2000)  # entry valuation 2000
    successor.set_party_stake("lp2", 8000)  # entry valuation 10000
    return parent, successor


def test_successor_inherits_entry_valuations_and_keeps_its_commitments() -> None:
    parent, successor = parent_and_successor()
    successor.inherit(parent.parent_shares())
    # lp2 (first, parties descending): 1000 inherited, +7000 at a total virtual stake of
    # 10000 -> 10000 * 1000/8000 + 10000 * 7000/8000 = 10000
    assert successor.average_entry_valuation("lp2") == 10000
    # lp1: 9000 inherited, down to 2000 -> virtual stake 9000 * 2000/9000, valuation kept
    assert successor.average_entry_valuation("lp1") == 9000
    assert successor.all_shares() == {"lp1": Decimal("0.2"), "lp2": Decimal("0.8")}
    # Vega's decimals divide to 16 places, so lp1's virtual stake is 9000 * 0.2222222222222222
    lp1_virtual = Decimal(9000) * decimal_div(Decimal(2000), Decimal(9000))
    assert successor.providers["lp1"].virtual_stake == lp1_virtual
    assert (successor.total_stake, successor.total_virtual_stake) == (10000, 8000 + lp1_virtual)


def test_only_providers_committed_to_both_inherit() -> None:
    parent, _ = parent_and_successor()
    successor = EquityShares()
    successor.set_party_stake("lp3", 4000)
    successor.set_party_stake("lp1", 1000)  # entry valuation 5000
    successor.inherit(parent.parent_shares())
    assert successor.average_entry_valuation("lp3") == 4000
    assert successor.average_entry_valuation("lp1") == 9000
    assert "lp2" not in successor.providers


def test_rollback_returns_to_the_commitments_alone() -> None:
    parent, successor = parent_and_successor()
    successor.inherit(parent.parent_shares())
    successor.rollback_inheritance()
    assert successor.average_entry_valuation("lp1") == 2000
    assert successor.average_entry_valuation("lp2") == 10000
    assert successor.all_shares() == {"lp1": Decimal("0.2"), "lp2": Decimal("0.8")}


def market(engine: ExecutionEngine, market_id: str) -> FeeFactors:
    config = MarketConfig(
        id=market_id,
        asset="USD",
        risk_model=RISK_MODEL,
        fees=FeeFactors(Decimal("0.01"), Decimal("0.02")),
    )
    return engine.submit_market(config).fee_factors


def test_a_new_market_keeps_its_fees_until_the_network_sets_them() -> None:
    engine = ExecutionEngine()
    engine.enable_asset("USD", 0)
    assert market(engine, "A") == FeeFactors(Decimal("0.01"), Decimal("0.02"))
    engine.netparams.update("market.fee.factors.makerFee", "0.004")
    # the change reaches the market already there and every market created after it
    assert engine.markets["A"].fee_factors.maker == Decimal("0.004")
    assert market(engine, "B") == FeeFactors(Decimal("0.004"), Decimal("0.02"))
