"""A local Vega network on the wire: the embedded engine behind real sockets.

`python -m devops.localnet -s ETHUSD` prepares the scenario's market on the
embedded engine, then serves it in the foreground as a network does: the data
node's and the core's gRPC APIs and the Vega wallet's HTTP API on loopback,
blocks on the wall clock. vega-sim's own `VegaServiceNetwork` reaches it with
`LOCAL_NETWORK` (the network config it writes is `vegawallet-local.toml`);
`devops.harness.local_network.LocalNetworkProcess` runs one in a subprocess.
The names shared with the harness are the harness's, and re-exported here.
"""

from __future__ import annotations

from devops.harness.local_network import READY_LINE
from devops.harness.networks import LOCAL_NETWORK, LocalNetwork
from devops.harness.options import LOCAL_NETWORK_NAME

__all__ = ["LOCAL_NETWORK", "LOCAL_NETWORK_NAME", "READY_LINE", "LocalNetwork"]
