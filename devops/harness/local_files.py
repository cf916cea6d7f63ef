"""Where a local network leaves its files for its users, and what `local.env` exports.

`python -m devops.localnet` writes them (`devops.localnet.files`); the harness
reads them to reach the network. `vegawallet-local.toml` is the network config
vega-sim reads for `LOCAL_NETWORK`, the tokens file is what vega-sim's
`VegaWallet.from_json` reads, and `local.env` exports the variables that point
vega-sim and the harness at the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devops.harness.local_ports import Ports
from devops.harness.networks import LOCAL_NETWORK

CONFIG_FILE = f"{LOCAL_NETWORK.value}.toml"  # what vega-sim reads for LOCAL_NETWORK
TOKENS_FILE = "local-wallet-tokens.json"
ENV_FILE = "local.env"


@dataclass(frozen=True, slots=True)
class NetworkFiles:
    """Where a local network's files are, and the variables `local.env` exports."""

    config_path: Path
    tokens_path: Path
    env_path: Path
    env: dict[str, str]


def network_files(directory: Path, ports: Ports, wallet_name: str) -> NetworkFiles:
    """The paths and variables for a network, without writing anything."""
    folder = directory.absolute()
    tokens = folder / TOKENS_FILE
    env = {
        "VEGA_NETWORK_CONFIG": str(folder),
        "VEGA_WALLET_TOKENS_FILE": str(tokens),
        "VEGA_USER_WALLET_NAME": wallet_name,
        # vega-sim's wallet signs with this wallet when a call names none
        "VEGA_DEFAULT_WALLET_NAME": wallet_name,
        "VEGA_WALLET_URL": ports.wallet_url,
        "VEGA_NODE_GRPC_URL": ports.core_grpc_url,
    }
    return NetworkFiles(folder / CONFIG_FILE, tokens, folder / ENV_FILE, env)
