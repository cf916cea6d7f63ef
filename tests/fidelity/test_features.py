"""Feature files become scenarios of plain steps: backgrounds, rules, outlines."""

from __future__ import annotations

from pathlib import Path

from devops.fidelity.features import load_feature

FEATURE = """\
Feature: parsing

  Background:
    Given the markets:
      | id  |
      | M/1 |

  Scenario: plain
    When the network moves ahead "1" blocks

  Rule: with its own background

    Background:
      Given clear all events

    Scenario: inside a rule
      Then the mark price should be "10" for the market "M/1"

  Rule: without a background

  Scenario Outline: outline
    Then the mark price should be "<price>" for the market "M/1"

    Examples:
      | price |
      | 10    |
      | 20    |

  Scenario: plain
    When the network moves ahead "2" blocks
"""


def _load(tmp_path: Path):
    path = tmp_path / "topic" / "parsing.feature"
    path.parent.mkdir()
    path.write_text(FEATURE, encoding="utf-8")
    return load_feature(path, tmp_path)


def test_backgrounds_come_first(tmp_path: Path) -> None:
    plain = _load(tmp_path)[0]
    assert [s.text for s in plain.steps] == ["the markets:", 'the network moves ahead "1" blocks']
    assert plain.steps[0].table == (("id",), ("M/1",))
    assert plain.steps[1].line == 9


def test_rule_scenarios_are_kept_with_the_rule_background(tmp_path: Path) -> None:
    ruled = _load(tmp_path)[1]
    assert ruled.name == "inside a rule"
    assert [s.text for s in ruled.steps][:2] == ["the markets:", "clear all events"]
    assert len(ruled.steps) == 3


def test_a_rule_background_stays_inside_its_rule(tmp_path: Path) -> None:
    outline = _load(tmp_path)[2]
    assert "clear all events" not in [s.text for s in outline.steps]


def test_outlines_expand_per_example(tmp_path: Path) -> None:
    scenarios = _load(tmp_path)
    names = [s.name for s in scenarios]
    assert names[2:4] == ["outline (price=10)", "outline (price=20)"]
    assert scenarios[3].steps[-1].text == 'the mark price should be "20" for the market "M/1"'


def test_duplicate_names_get_a_number(tmp_path: Path) -> None:
    scenarios = _load(tmp_path)
    assert scenarios[-1].name == "plain [2]"
    assert scenarios[-1].id == "topic/parsing.feature::plain [2]"
    assert scenarios[-1].topic == "topic"
