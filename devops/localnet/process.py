"""`LocalNetworkProcess`, where the README has pointed for it: the harness runs networks.

A local network in a subprocess is the harness's (`devops.harness.local_network`),
so that its deploys reach one without importing this package, which sits above it.
"""

from __future__ import annotations

from devops.harness.local_network import LocalNetworkError, LocalNetworkProcess
from devops.harness.local_ports import free_port_offset

__all__ = ["LocalNetworkError", "LocalNetworkProcess", "free_port_offset"]
