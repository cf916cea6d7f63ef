"""Equity-like shares, average entry valuation and probability of trading (0042-LIQF, 0034-PROB)."""

from decimal import Decimal

from devops.engine.liquidity.equity_shares import EquityShares, FeeSplitter
from devops.engine.liquidity.provision import ProbabilityTable, model_probability_of_trading
from devops.engine.types import LogNormalRiskModel, SimpleRiskModel
from devops.engine.vega_decimal import decimal_div


def test_two_equal_lps_at_start() -> None:
    # 0042-LIQF-002: 5000 + 5000 -> shares 0.5 each, entry valuations 5000 and 10000
    shares = EquityShares()
    shares.set_party_stake("lp1", 5000)
    shares.set_party_stake("lp2", 5000)
    assert shares.all_shares() == {"lp1": Decimal("0.5"), "lp2": Decimal("0.5")}
    assert shares.average_entry_valuation("lp1") == 5000
    assert shares.average_entry_valuation("lp2") == 10000


def test_single_lp_owns_everything() -> None:
    # 0042-LIQF-001: one LP of 10000 -> share 1, entry valuation 10000
    shares = EquityShares()
    shares.set_party_stake("lp1", 10000)
    assert shares.all_shares() == {"lp1": Decimal(1)}
    assert shares.fee_shares() == [("lp1", Decimal(1), Decimal(10000), Decimal(10000))]


def test_inactive_parties_are_left_out_without_touching_stored_shares() -> None:
    shares = EquityShares()
    shares.set_party_stake("a", 1000)
    shares.set_party_stake("b", 3000)
    shares.all_shares()
    assert shares.shares_except({"a"}) == {"b": Decimal(1)}
    assert [s[1] for s in shares.fee_shares()] == [Decimal("0.25"), Decimal("0.75")]


def test_decrease_scales_virtual_stake_and_zero_removes() -> None:
    shares = EquityShares()
    shares.set_party_stake("a", 8000)
    shares.set_party_stake("a", 5000)
    assert shares.total_virtual_stake == 5000
    shares.set_party_stake("a", None)
    assert shares.providers == {} and shares.total_virtual_stake == 0


def test_growth_raises_virtual_stake() -> None:
    shares = EquityShares(market_value_proxy=Decimal(1000))
    shares.set_party_stake("a", 1000)
    shares.average_trade_value(Decimal(2000))  # the market doubled
    assert shares.growth == 1
    assert shares.providers["a"].virtual_stake == 2000
    shares.set_party_stake("b", 1000)
    # b enters at a total virtual stake of 3000
    assert shares.average_entry_valuation("b") == 3000
    assert shares.all_shares()["b"] == decimal_div(Decimal(1000), Decimal(3000))


def test_division_keeps_sixteen_places_half_up() -> None:
    assert decimal_div(Decimal(2), Decimal(3)) == Decimal("0.6666666666666667")
    assert decimal_div(Decimal(1), Decimal(3)) == Decimal("0.3333333333333333")


def test_market_value_proxy_scales_traded_value_to_the_window() -> None:
    splitter = FeeSplitter()
    splitter.start_window(0)
    splitter.add_trade_value(500)
    splitter.set_current_time(10)
    assert splitter.market_value_proxy(100, 1000) == 5000  # 500 × 100/10
    assert splitter.market_value_proxy(100, 9000) == 9000


def test_simple_model_probability_table() -> None:
    model = SimpleRiskModel(Decimal("0.1"), Decimal("0.1"), probability_of_trading=Decimal("0.1"))
    table = ProbabilityTable.compute(model, Decimal(1000), Decimal(1100), Decimal(1))
    assert table.bid[0] == Decimal("0.1") and len(table.bid) == 1001
    minimum = Decimal("1e-8")
    probability = table.probability(
        Decimal(1000), Decimal(1100), Decimal(0), Decimal(10**6), Decimal(1000), True, minimum
    )
    assert probability == Decimal("0.5")  # at or better than best: in-range default
    below = table.probability(
        Decimal(1000), Decimal(1100), Decimal(0), Decimal(10**6), Decimal(990), True, minimum
    )
    assert below == Decimal("0.05")  # interpolated and rescaled by one half


def test_lognormal_probability_is_renormalised_over_the_truncated_range() -> None:
    model = LogNormalRiskModel(
        Decimal("0.001"), Decimal("0.0001140771161"), Decimal(0), Decimal(0), Decimal("1.5")
    )
    at_best = model_probability_of_trading(
        model, Decimal(1000), Decimal(1000), Decimal(0), Decimal(1000), model.tau, True, True
    )
    assert at_best == Decimal(1)  # a bid at the top of [0, best bid] always trades
    untruncated = model_probability_of_trading(
        model, Decimal(1000), Decimal(1000), Decimal(0), Decimal(1000), model.tau, True, False
    )
    assert Decimal("0.49") < untruncated < Decimal("0.51")
    near = model_probability_of_trading(
        model, Decimal(1000), Decimal(990), Decimal(0), Decimal(1000), model.tau, True, True
    )
    assert untruncated < near < Decimal(1)
    ask = model_probability_of_trading(
        model, Decimal(1000), Decimal(1000), Decimal(1000), Decimal(6000), model.tau, False, True
    )
    assert ask == Decimal(1)
    far = model_probability_of_trading(
        model, Decimal(1000), Decimal(500), Decimal(0), Decimal(1000), model.tau, True, True
    )
    assert far < Decimal("1e-8")


def test_no_consensus_uses_a_twenty_percent_band() -> None:
    table = ProbabilityTable()
    minimum = Decimal("1e-8")
    near = table.probability(
        Decimal(1000), Decimal(1100), Decimal(0), Decimal(10**6), Decimal(850), True, minimum
    )
    far = table.probability(
        Decimal(1000), Decimal(1100), Decimal(0), Decimal(10**6), Decimal(700), True, minimum
    )
    assert (near, far) == (Decimal("0.5"), minimum)


def _reference_lookup(
    table: list[Decimal], best: Decimal, distance: Decimal, price: Decimal, minimum: Decimal
) -> Decimal:
    """`_lookup` before its step ratios were tabulated, verbatim."""
    from decimal import ROUND_FLOOR

    offset = int((Decimal(10**6) * decimal_div(distance, best)).to_integral_value(ROUND_FLOOR))
    last = (len(table) - 1) * 1000
    if offset > last:
        before = last - 1000
        slope = decimal_div(Decimal(offset - before), Decimal(last - before))
        extrapolated = table[-2] + (table[-1] - table[-2]) * slope
        return min(Decimal(1), max(minimum, extrapolated * Decimal("0.5")))
    index = offset // 1000 + 1
    if index >= len(table):
        return max(minimum, table[-1] * Decimal("0.5"))
    previous = (index - 1) * 1000
    ratio = decimal_div(Decimal(offset - previous), Decimal(index * 1000 - previous))
    blended = ratio * table[index] + (Decimal(1) - ratio) * table[index - 1]
    return max(minimum, blended * Decimal("0.5"))


def test_table_lookups_give_the_digits_of_the_interpolation() -> None:
    from devops.engine.liquidity.provision import _lookup

    model = LogNormalRiskModel(
        Decimal("0.001"), Decimal("0.0001140771161"), Decimal(0), Decimal(0), Decimal("1.5")
    )
    best = Decimal(1_234_567)
    table = ProbabilityTable.compute(model, best, best + 10, Decimal(1)).bid
    minimum = Decimal("1e-8")
    for distance in [*range(0, 5000, 7), *range(5000, 400_000, 997)]:
        price = best - distance
        got = _lookup(table, best, Decimal(distance), price, minimum)
        expected = _reference_lookup(table, best, Decimal(distance), price, minimum)
        assert got.as_tuple() == expected.as_tuple()
