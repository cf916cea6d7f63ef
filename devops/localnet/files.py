"""Writing the files a local network leaves for its users: network config, wallet tokens, env.

Where they go and what `local.env` exports is `devops.harness.local_files`,
which the harness reads too. `vegawallet-local.toml` is a Vega wallet network
config (the format of the networks vega-sim and the Vega wallet import); the
tokens file is what vega-sim's `VegaWallet.from_json` reads (`{wallet name:
token}`), readable by this user only. The token is new on every start and is
never printed.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import string
from pathlib import Path

from devops.harness.local_files import NetworkFiles, network_files
from devops.harness.local_ports import Ports
from devops.harness.options import LOCAL_NETWORK_NAME

_TOKEN_ALPHABET = string.ascii_letters + string.digits
_TOKEN_LENGTH = 64  # the length of the Vega wallet's own API tokens


def new_token() -> str:
    """A fresh wallet API token, as long as the Vega wallet's and as unguessable."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(_TOKEN_LENGTH))


def network_config(ports: Ports) -> str:
    """The network config in the Vega wallet's TOML format."""
    return (
        f'Name = "{LOCAL_NETWORK_NAME}"\n'
        "\n"
        "[API.GRPC]\n"
        f'  Hosts = ["{ports.data_node_grpc_url}"]\n'
        "  Retries = 5\n"
        "\n"
        "[API.REST]\n"
        f'  Hosts = ["{ports.data_node_rest_url}"]\n'
        "\n"
        "[API.GraphQL]\n"
        f'  Hosts = ["{ports.data_node_rest_url}/graphql"]\n'
    )


def write_network_files(
    directory: Path, ports: Ports, wallet_name: str, token: str
) -> NetworkFiles:
    """Write the config, the tokens (mode 0600) and `local.env`; return their paths."""
    files = network_files(directory, ports, wallet_name)
    files.config_path.parent.mkdir(parents=True, exist_ok=True)
    files.config_path.write_text(network_config(ports))
    descriptor = os.open(files.tokens_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w") as tokens:
        json.dump({wallet_name: token}, tokens)
    lines = [f"export {name}={shlex.quote(value)}" for name, value in files.env.items()]
    files.env_path.write_text("\n".join(lines) + "\n")
    return files
