"""One local network subprocess for the folder's tests, on a free port offset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devops.harness.local_network import LocalNetworkProcess
from devops.harness.local_ports import free_port_offset

SCENARIO = "ETHUSD"


@pytest.fixture(scope="package")
def local_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNetworkProcess]:
    folder = tmp_path_factory.mktemp("networks")
    with LocalNetworkProcess(
        SCENARIO, seed=0, port_offset=free_port_offset(), networks_dir=folder
    ) as network:
        yield network
