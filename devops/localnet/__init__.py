"""A local Vega network on the wire: the embedded engine behind real sockets.

`python -m devops.localnet -s ETHUSD` prepares the scenario's market on the
embedded engine, then serves it in the foreground as a network does: the data
node's and the core's gRPC APIs and the Vega wallet's HTTP API on loopback,
blocks on the wall clock. vega-sim's own `VegaServiceNetwork` reaches it with
`LOCAL_NETWORK` (the network config it writes is `vegawallet-local.toml`);
`devops.localnet.process.LocalNetworkProcess` runs one in a subprocess.
"""

from __future__ import annotations

from enum import Enum

# the name a user gives (`-n local`) and the config file's `Name`
LOCAL_NETWORK_NAME = "local"


class LocalNetwork(Enum):
    """vega-sim's `Network` has no local member; this one names the config it reads."""

    LOCAL = f"vegawallet-{LOCAL_NETWORK_NAME}"


LOCAL_NETWORK = LocalNetwork.LOCAL
# printed, flushed, once every port is served and the files are written
READY_LINE = "localnet ready"

__all__ = ["LOCAL_NETWORK", "LOCAL_NETWORK_NAME", "READY_LINE", "LocalNetwork"]
