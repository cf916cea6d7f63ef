"""hypothesis profiles: `dev` (fast, random) and `ci` (derandomised, no deadline, no
example database), chosen with `--hypothesis-profile`; `ci` is the default when the
`CI` environment variable is set, `dev` otherwise."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=200,
    stateful_step_count=50,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=30, stateful_step_count=30, deadline=None, print_blob=True
)


def pytest_configure(config: pytest.Config) -> None:
    """A profile given on the command line wins; otherwise `ci` under CI, else `dev`."""
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile("ci" if os.environ.get("CI") else "dev")
