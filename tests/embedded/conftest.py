"""A market created through governance on the embedded service, per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devops.embedded import EmbeddedVegaService
from devops.embedded.demo import open_market


@pytest.fixture()
def service() -> Iterator[EmbeddedVegaService]:
    with EmbeddedVegaService(seed=11, transactions_per_block=1) as vega:
        yield vega


@pytest.fixture()
def market(service: EmbeddedVegaService) -> tuple[str, str]:
    return open_market(service)
