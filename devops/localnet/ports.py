"""How `python -m devops.localnet` reports a port it cannot bind: one line, exit status 2.

Which ports a local network listens on (`Ports`) and whether they are free is
`devops.harness.local_ports`, shared with the harness that starts networks.
"""

from __future__ import annotations

from devops.harness.local_ports import HOST

EXIT_PORT_IN_USE = 2  # the command's exit status when a port is taken


def port_in_use_line(port: int) -> str:
    """The one line a port in use is reported with."""
    return f"localnet: port {port} on {HOST} is already in use"
