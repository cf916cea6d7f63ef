"""`python -m devops.networks`: fetch the network config files live runs need.

vega-sim's network service reads `vegawallet-<network>.toml` from the folder named
by `VEGA_NETWORK_CONFIG`. This fetches them from Vega's public network-config
repository into `networks/` (or `--dest`). Offline, it says so and what to do
instead, and exits non-zero; nothing else in the project touches the internet.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from pathlib import Path

LIVE_NETWORKS = ("stagnet1", "stagnet2", "stagnet3", "fairground")
SOURCE = "https://raw.githubusercontent.com/vegaprotocol/networks-internal/main"
TIMEOUT_SECONDS = 10


def config_name(network: str) -> str:
    return f"vegawallet-{network}.toml"


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
    parser.add_argument("--dest", default="networks", help="folder for the config files")
    parser.add_argument("networks", nargs="*", default=list(LIVE_NETWORKS))
    args = parser.parse_args(argv)
    dest = Path(args.dest)
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


if __name__ == "__main__":
    sys.exit(main())
