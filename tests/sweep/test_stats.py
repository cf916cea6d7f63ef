"""The Wilson lower bound against published values and an independent implementation."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from devops.harness.stats import wilson_lower_bound


@pytest.mark.parametrize(
    ("passes", "trials", "confidence", "bound"),
    [
        # textbook values of the 95% Wilson score interval
        (10, 10, 0.95, 0.7225),
        (5, 10, 0.95, 0.2366),
        (8, 10, 0.95, 0.4902),
        (2, 2, 0.95, 0.3424),
        (0, 10, 0.95, 0.0),
        # all passes: n / (n + z^2), with z = 2.5758 at 99%
        (10, 10, 0.99, 0.6011),
    ],
)
def test_known_values(passes: int, trials: int, confidence: float, bound: float) -> None:
    assert wilson_lower_bound(passes, trials, confidence) == pytest.approx(bound, abs=5e-5)


@pytest.mark.parametrize("trials", [1, 7, 40, 1000])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.999])
def test_matches_scipy_wilson_interval(trials: int, confidence: float) -> None:
    for passes in sorted({0, 1, trials // 3, trials - 1, trials}):
        expected = binomtest(passes, trials).proportion_ci(confidence, method="wilson").low
        assert wilson_lower_bound(passes, trials, confidence) == pytest.approx(expected, abs=1e-12)


def test_more_passes_and_more_trials_raise_the_bound() -> None:
    bounds = [wilson_lower_bound(passes, 20) for passes in range(21)]
    assert bounds == sorted(bounds) and bounds[0] == 0.0 and bounds[-1] < 1.0
    assert (
        wilson_lower_bound(10, 10) < wilson_lower_bound(100, 100) < wilson_lower_bound(1000, 1000)
    )


def test_no_trials_vouch_for_nothing() -> None:
    assert wilson_lower_bound(0, 0) == 0.0


@pytest.mark.parametrize(
    ("passes", "trials", "confidence"), [(3, 2, 0.95), (-1, 2, 0.95), (1, 2, 1.0), (1, 2, 0.0)]
)
def test_impossible_inputs_are_refused(passes: int, trials: int, confidence: float) -> None:
    with pytest.raises(ValueError):
        wilson_lower_bound(passes, trials, confidence)
