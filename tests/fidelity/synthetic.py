"""A small synthetic market for testing the fidelity interpreter's checks.

The steps set up one market out of its opening auction with one trade in continuous
trading; each test appends the check it is about, with a right and a wrong value.
"""

from __future__ import annotations

from pathlib import Path

from devops.fidelity.features import Scenario, load_feature
from devops.fidelity.player import ScenarioFailure, run_scenario

BACKGROUND = """\
Feature: synthetic

  Background:
    Given the simple risk model named "simple":
      | long | short | max move up | min move down | probability of trading |
      | 0.1  | 0.1   | 1000        | -1000         | 0.1                    |
    And the fees configuration named "fees":
      | maker fee | infrastructure fee |
      | 0.004     | 0.002              |
    And the price monitoring named "monitoring":
      | horizon | probability | auction extension |
      | 3600    | 0.99        | 300               |
    And the margin calculator named "margins":
      | search factor | initial factor | release factor |
      | 1.2           | 1.5            | 2              |
    And the liquidity monitoring parameters:
      | name               | time window | scaling factor | triggering ratio |
      | default-parameters | 24h         | 1              | 0                |
    And the oracle spec for settlement data filtering data from "0xCAFE" named "oracle":
      | property         | type         | binding         |
      | prices.ETH.value | TYPE_INTEGER | settlement data |
    And the oracle spec for trading termination filtering data from "0xCAFE" named "oracle":
      | property           | type         | binding             |
      | trading.terminated | TYPE_BOOLEAN | trading termination |
    And the following network parameters are set:
      | name                                    | value |
      | network.markPriceUpdateMaximumFrequency | 0s    |
    And the markets:
      | id        | quote name | asset | risk model | margin calculator | auction duration | fees | price monitoring | data source config | linear slippage factor | quadratic slippage factor |
      | ETH/DEC19 | ETH        | ETH   | simple     | margins           | 1                | fees | monitoring       | oracle             | 0.001                  | 0                         |
    And the parties deposit on asset's general account the following amount:
      | party  | asset | amount |
      | aux1   | ETH   | 100000 |
      | aux2   | ETH   | 100000 |
      | buyer  | ETH   | 100000 |
      | seller | ETH   | 100000 |
      | idle   | ETH   | 100000 |
      | lp     | ETH   | 100000 |
    And the parties submit the following liquidity provision:
      | id  | party | market id | commitment amount | fee   | side | pegged reference | proportion | offset | lp type    |
      | lp1 | lp    | ETH/DEC19 | 10000             | 0.001 | buy  | BID              | 1          | 10     | submission |
      | lp1 | lp    | ETH/DEC19 | 10000             | 0.001 | sell | ASK              | 1          | 10     | submission |
    And the parties place the following orders:
      | party | market id | side | volume | price | resulting trades | type       | tif     | reference |
      | aux1  | ETH/DEC19 | buy  | 1      | 900   | 0                | TYPE_LIMIT | TIF_GTC | aux1-bid  |
      | aux2  | ETH/DEC19 | sell | 1      | 1100  | 0                | TYPE_LIMIT | TIF_GTC | aux2-ask  |
      | aux1  | ETH/DEC19 | buy  | 1      | 1000  | 0                | TYPE_LIMIT | TIF_GFA | open-buy  |
      | aux2  | ETH/DEC19 | sell | 1      | 1000  | 0                | TYPE_LIMIT | TIF_GFA | open-sell |
    And the opening auction period ends for market "ETH/DEC19"
    And the trading mode should be "TRADING_MODE_CONTINUOUS" for the market "ETH/DEC19"
    When the parties place the following orders:
      | party  | market id | side | volume | price | resulting trades | type       | tif     | reference |
      | seller | ETH/DEC19 | sell | 2      | 1000  | 0                | TYPE_LIMIT | TIF_GTC | s1        |
      | buyer  | ETH/DEC19 | buy  | 2      | 1000  | 1                | TYPE_LIMIT | TIF_GTC | b1        |
    And the network moves ahead "1" blocks
"""


def scenario(tmp_path: Path, extra: str, background: str = BACKGROUND) -> Scenario:
    """The synthetic feature with `extra` (indented Gherkin steps) appended, as one scenario."""
    path = tmp_path / "features" / "synthetic.feature"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(background + "\n  Scenario: under test\n" + extra, encoding="utf-8")
    (scenario_,) = load_feature(path, path.parent)
    return scenario_


def run(tmp_path: Path, extra: str, background: str = BACKGROUND) -> ScenarioFailure | None:
    """Run the scenario; its failure, or None when it passes."""
    defaults = tmp_path / "defaults"
    defaults.mkdir(exist_ok=True)
    try:
        run_scenario(scenario(tmp_path, extra, background), defaults)
    except ScenarioFailure as failure:
        return failure
    return None


def line_of(tmp_path: Path, extra: str, marker: str, occurrence: int = 0) -> int:
    """The feature-file line of the appended step containing `marker` (the first, or later)."""
    head = (BACKGROUND + "\n  Scenario: under test\n").count("\n")
    lines = extra.splitlines()
    found = [i for i, text in enumerate(lines) if marker in text]
    return head + 1 + found[occurrence]
