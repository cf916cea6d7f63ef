"""hypothesis profiles: `dev` (fast, random) and `ci` (derandomised, no deadline, no
example database), chosen with `--hypothesis-profile`; `ci` is the default when the
`CI` environment variable is set, `dev` otherwise. `soak` (`make soak`) searches long:
10,000 examples, or `DEVOPS_SOAK_EXAMPLES` when set, which then overrides a test's
own example count too."""

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
SOAK_EXAMPLES = "DEVOPS_SOAK_EXAMPLES"
settings.register_profile(
    "soak",
    max_examples=int(os.environ.get(SOAK_EXAMPLES) or 10_000),
    stateful_step_count=50,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def pytest_configure(config: pytest.Config) -> None:
    """A profile given on the command line wins; otherwise `ci` under CI, else `dev`."""
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `soak` with `DEVOPS_SOAK_EXAMPLES`, every test searches that many examples,
    even one whose decorator names its own count (an explicit count beats a profile)."""
    wanted = os.environ.get(SOAK_EXAMPLES)
    if settings._current_profile != "soak" or not wanted:  # noqa: SLF001 - no public getter
        return
    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None:  # a @given test: hypothesis reads this when it runs
            test._hypothesis_internal_use_settings = settings(own, max_examples=int(wanted))
        case = getattr(item, "cls", None)
        if case is not None and isinstance(getattr(case, "settings", None), settings):
            case.settings = settings(case.settings, max_examples=int(wanted))  # state machines
