"""A listed scenario must fail where its line in the expectations says."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops.fidelity import expectations


def test_reasons_name_their_location() -> None:
    assert expectations.failing_location("line 63: the parties ... / x") == "line 63"
    assert expectations.failing_location("at scenario end: balances") == "at scenario end"


def test_failing_where_listed_is_the_expected_failure() -> None:
    with pytest.raises(expectations.ListedFailure):
        expectations.check_listed("line 63", "line 63: boom", "line 63: earlier text")


def test_failing_elsewhere_is_a_real_failure() -> None:
    with pytest.raises(
        AssertionError, match="listed as failing at line 63, but fails at line 40"
    ) as info:
        expectations.check_listed("line 40", "line 40: boom", "line 63: listed")
    assert not isinstance(info.value, expectations.ListedFailure)


def test_the_list_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "expectations.txt"
    expectations.write({"b.feature::two": "line 2: y", "a.feature::one": "line 1: x"}, path)
    assert expectations.read(path) == {"a.feature::one": "line 1: x", "b.feature::two": "line 2: y"}
    assert path.read_text().splitlines()[-2].startswith("a.feature::one | ")
