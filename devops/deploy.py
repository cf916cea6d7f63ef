"""Running a scenario that passed its simulation on a network.

Live networks need vega-sim's network configuration files and a wallet holding
one key per agent (see `devops.wallet`); anything missing stops the deploy at
once with one line saying what to set up, before any connection is attempted.
"""

from __future__ import annotations

import os
from pathlib import Path

from devops import wallet


class DeployError(RuntimeError):
    """A deploy cannot start; the message says what is missing."""


def _network_config(network: str) -> Path:
    folder = Path(os.environ.get("VEGA_NETWORK_CONFIGS", "networks"))
    path = folder / f"{network}.toml"
    if not path.is_file():
        raise DeployError(
            f"no network config for {network!r} at {path}; run `make networks` (online) "
            "or set VEGA_NETWORK_CONFIGS to the folder holding it"
        )
    return path


def deploy(scenario: str, network: str, *, steps: int) -> None:
    if network == "local":
        raise DeployError(
            "the 'local' deploy target (network-mode agents against the embedded nullchain) "
            "is not built yet"
        )
    _network_config(network)
    if wallet.wallet_passphrase() is None:
        raise DeployError(
            f"set VEGA_USER_WALLET_PASS for wallet {wallet.wallet_name()!r} to deploy to {network}"
        )
    raise DeployError(f"live deploys to {network} are not built yet")
