"""The standard normal distribution, computed in float64 as Vega's quant library does.

The quantile is Wichura's algorithm AS 241 (PPND16, Applied Statistics 1988),
evaluated in the same order of operations as the library Vega links, so that
bounds and risk factors agree with Vega's to the last bit; the CDF is
`erfc(−x/√2)/2`.
"""

from __future__ import annotations

import math

# AS 241 coefficients, highest power first.
_CENTRAL_NUMERATOR = (
    2509.0809287301226727,
    33430.575583588128105,
    67265.770927008700853,
    45921.953931549871457,
    13731.693765509461125,
    1971.5909503065514427,
    133.14166789178437745,
    3.387132872796366608,
)
_CENTRAL_DENOMINATOR = (
    5226.495278852854561,
    28729.085735721942674,
    39307.89580009271061,
    21213.794301586595867,
    5394.1960214247511077,
    687.1870074920579083,
    42.313330701600911252,
    1.0,
)
_NEAR_NUMERATOR = (
    7.7454501427834140764e-4,
    0.0227238449892691845833,
    0.24178072517745061177,
    1.27045825245236838258,
    3.64784832476320460504,
    5.7694972214606914055,
    4.6303378461565452959,
    1.42343711074968357734,
)
_NEAR_DENOMINATOR = (
    1.05075007164441684324e-9,
    5.475938084995344946e-4,
    0.0151986665636164571966,
    0.14810397642748007459,
    0.68976733498510000455,
    1.6763848301838038494,
    2.05319162663775882187,
    1.0,
)
_TAIL_NUMERATOR = (
    2.01033439929228813265e-7,
    2.71155556874348757815e-5,
    0.0012426609473880784386,
    0.026532189526576123093,
    0.29656057182850489123,
    1.7848265399172913358,
    5.4637849111641143699,
    6.6579046435011037772,
)
_TAIL_DENOMINATOR = (
    2.04426310338993978564e-15,
    1.4215117583164458887e-7,
    1.8463183175100546818e-5,
    7.868691311456132591e-4,
    0.0148753612908506148525,
    0.13692988092273580531,
    0.59983220655588793769,
    1.0,
)


def _horner(coefficients: tuple[float, ...], z: float) -> float:
    value = coefficients[0]
    for coefficient in coefficients[1:]:
        value = value * z + coefficient
    return value


def quantile(p: float) -> float:
    if p < 0 or p > 1:
        raise ValueError("probability out of [0, 1]")
    if p == 1:
        return math.inf
    if p == 0:
        return -math.inf
    dp = p - 0.5
    if abs(dp) <= 0.425:
        z = 0.180625 - dp * dp
        return dp * _horner(_CENTRAL_NUMERATOR, z) / _horner(_CENTRAL_DENOMINATOR, z)
    r = math.sqrt(-math.log(p if p < 0.5 else 1 - p))
    if r <= 5.0:
        z = r - 1.6
        value = _horner(_NEAR_NUMERATOR, z) / _horner(_NEAR_DENOMINATOR, z)
    else:
        z = r - 5
        value = _horner(_TAIL_NUMERATOR, z) / _horner(_TAIL_DENOMINATOR, z)
    return -value if p < 0.5 else value


def cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))
