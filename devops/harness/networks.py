"""`python -m devops.networks`: fetch the network config files live runs need.

vega-sim's network service reads `vegawallet-<network>.toml` from the folder named
by `VEGA_NETWORK_CONFIG`. This fetches them from Vega's public network-config
repository into `networks/` (or `--dest`). Offline, it says so and what to do
instead, and exits non-zero; nothing else in the project touches the internet.
`LOCAL_NETWORK` names the local network's config (`vegawallet-local.toml`, written
by `python -m devops.localnet`) the way vega-sim's `Network` names the others.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
import urllib.error
import urllib.request
from enum import Enum
from pathlib import Path

from devops.harness import options

SOURCE = "https://raw.githubusercontent.com/vegaprotocol/networks-internal/main"
TIMEOUT_SECONDS = 10


def config_name(network: str) -> str:
    return f"vegawallet-{network}.toml"


class LocalNetwork(Enum):
    """vega-sim's `Network` has no local member; this one names the config it reads."""

    LOCAL = f"vegawallet-{options.LOCAL_NETWORK_NAME}"  # vega-sim reads `<value>.toml`


LOCAL_NETWORK = LocalNetwork.LOCAL


class NetworkConfigError(ValueError):
    """A network config file that cannot be used; one line says which file and why."""


def read_network_config(path: str | os.PathLike[str]) -> dict:
    """The parsed TOML of a network config, which must list data-node gRPC hosts.

    vega-sim connects to the first of `API.GRPC.Hosts`, each `host:port`; a file
    without them would fail later, deep inside the network service.
    """
    where = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise NetworkConfigError(f"cannot read network config {where}: {reason}") from None
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise NetworkConfigError(f"network config {where} is not valid TOML: {error}") from None
    hosts: object = config
    for key in ("API", "GRPC", "Hosts"):
        hosts = hosts.get(key) if isinstance(hosts, dict) else None
    if not isinstance(hosts, list) or not hosts:
        raise NetworkConfigError(
            f"network config {where} has no API.GRPC.Hosts list of data-node addresses"
        )
    for host in hosts:
        name, colon, port = host.rpartition(":") if isinstance(host, str) else ("", "", "")
        if not (name and colon and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise NetworkConfigError(
                f"network config {where}: API.GRPC.Hosts entry {host!r} is not host:port"
            )
    return config


def fetch(network: str, dest: Path) -> Path:
    url = f"{SOURCE}/{network}/{config_name(network)}"
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        text = response.read()
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / config_name(network)
    path.write_bytes(text)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devops.networks", description=__doc__)
    parser.add_argument(
        "--dest", type=options.folder, default=Path("networks"), help="folder for the files"
    )
    parser.add_argument(
        "networks",
        nargs="*",
        type=options.one_of("live network", options.LIVE_NETWORKS),
        default=list(options.LIVE_NETWORKS),
        help=f"any of {', '.join(options.LIVE_NETWORKS)} (default: all)",
    )
    args = parser.parse_args(argv)
    dest = args.dest
    failed = 0
    for network in args.networks:
        try:
            path = fetch(network, dest)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            failed += 1
            reason = getattr(error, "reason", error)
            print(
                f"{network}: could not fetch {config_name(network)} ({reason}). Offline? "
                f"Copy the file into {dest}/ by hand, or point VEGA_NETWORK_CONFIG at a "
                "folder that has it.",
                file=sys.stderr,
            )
            continue
        print(f"{network}: {path}")
    if not failed:
        print(f"export VEGA_NETWORK_CONFIG={dest.resolve()}")
    return 1 if failed else 0
