"""Small statistics for judging many seeded runs at once.

A pass rate over a handful of seeds is a noisy estimate; gates and sweep tables
quote the lower end of its Wilson score interval instead, which stays honest for
few trials and for rates at 0 or 1, where the normal approximation collapses.
"""

from __future__ import annotations

import math
from statistics import NormalDist

# the confidence gates, reports and sweep tables quote unless told another
DEFAULT_CONFIDENCE = 0.95


def wilson_lower_bound(passes: int, trials: int, confidence: float = DEFAULT_CONFIDENCE) -> float:
    """Lower end of the two-sided Wilson score interval for `passes` of `trials`.

    No passes (or no trials) give 0. `confidence` is the interval's
    two-sided coverage (0.95 uses z = 1.96).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    if trials < 0 or not 0 <= passes <= trials:
        raise ValueError(f"need 0 <= passes <= trials, got {passes} of {trials}")
    if passes == 0:  # exactly 0 in theory; the formula leaves rounding dust
        return 0.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    rate = passes / trials
    z2_n = z * z / trials
    centre = rate + z2_n / 2
    spread = z * math.sqrt(rate * (1 - rate) / trials + z2_n / (4 * trials))
    return max(0.0, (centre - spread) / (1 + z2_n))
