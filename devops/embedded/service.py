"""`EmbeddedVegaService`: vega-sim's `VegaService` on the embedded engine, in-process.

Used like vega-sim's `VegaServiceNull`, with no binary, socket, thread or
subprocess:

    with EmbeddedVegaService(seed=1, transactions_per_block=100) as vega:
        vega.create_key("trader")
        ...

It boots from the nullchain genesis vega-sim ships (network parameters and the
VOTE governance asset). vega-sim's own methods run unchanged: they talk to
in-process stand-ins for the data node and core gRPC clients, and time moves
only when they wait (`wait_fn`, `forward`), one null-chain block per
`seconds_per_block`.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from vega_sim.api.helpers import num_to_padded_int
from vega_sim.local_data_cache import LocalDataCache
from vega_sim.service import VegaFaucetError, VegaService

from devops.embedded.binary_only import NO_PROCESS, binary_only_method, binary_only_property
from devops.embedded.clients import CoreClient, CoreStateClient, TradingDataClient
from devops.embedded.codec.governance import builtin_faucet_limit
from devops.embedded.codec.transactions import Transaction
from devops.embedded.datanode.cache import SynchronousDataCache
from devops.embedded.datanode.retention import ARCHIVE, RetentionPolicy
from devops.embedded.datanode.store import DataNodeStore
from devops.embedded.node import EmbeddedNode
from devops.embedded.wallet import EmbeddedWallet
from devops.engine.netparams.params import NetworkParameters
from devops.engine.types import NANOS_PER_SECOND

# vega-sim's `forward` grammar: one number, then s, m, h, hr or d. Not Go's durations
# (`parse_duration` in the engine): those chain parts ("1h30m"), know ns to h and have
# no hr or d, so sharing it would accept and refuse other strings than vega-sim does.
_UNITS = {"s": 1, "m": 60, "h": 3600, "hr": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|hr|d)\s*$")


def _genesis() -> dict[str, Any]:
    text = resources.files("vega_sim").joinpath("vegahome/genesis.json").read_text()
    return json.loads(text)


def _nanoseconds(iso: str) -> int:
    whole, _, fraction = iso.rstrip("Z").partition(".")
    moment = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.UTC)
    return int(moment.timestamp()) * NANOS_PER_SECOND + int((fraction or "0").ljust(9, "0")[:9])


class ServiceNotStartedError(RuntimeError):
    """The service was used before `start()` or outside its `with` block."""


class EmbeddedVegaService(VegaService):
    _local_data_cache: LocalDataCache | None  # set by VegaService.__init__

    def __init__(
        self,
        seed: int = 0,
        seconds_per_block: int = 1,
        transactions_per_block: int = 1,
        warn_on_raw_data_access: bool = False,
        listen_for_high_volume_stream_updates: bool = False,
        governance_symbol: str = "VOTE",
        start_immediately: bool = False,
        genesis_time: int | None = None,
        retention: RetentionPolicy = ARCHIVE,
    ) -> None:
        super().__init__(
            can_control_time=True,
            warn_on_raw_data_access=warn_on_raw_data_access,
            seconds_per_block=seconds_per_block,
            listen_for_high_volume_stream_updates=listen_for_high_volume_stream_updates,
            governance_symbol=governance_symbol,
        )
        self.seed = seed
        # the first block's time in nanoseconds; None keeps vega-sim's genesis time
        self.genesis_time = genesis_time
        self.transactions_per_block = transactions_per_block
        # how long the data node keeps history; ARCHIVE (the default) keeps all of it
        self.retention = retention
        self.node: EmbeddedNode | None = None
        self.store: DataNodeStore | None = None
        self._wallet: EmbeddedWallet | None = None
        if start_immediately:
            self.start()

    # ---- lifetime ---------------------------------------------------------------------------

    def start(self) -> None:
        # vega-sim draws proposal references from Python's `random`; seed it so a seed
        # fixes every byte of the run
        random.seed(self.seed)
        genesis = _genesis()
        app_state = genesis["app_state"]
        assets = {
            asset_id: (
                int(details["decimals"]),
                int(details["source"]["builtin_asset"]["max_faucet_amount_mint"]),
            )
            for asset_id, details in app_state["assets"].items()
        }
        self.node = EmbeddedNode(
            seed=self.seed,
            genesis_time=(
                self.genesis_time
                if self.genesis_time is not None
                else _nanoseconds(genesis["genesis_time"])
            ),
            seconds_per_block=self.seconds_per_block,
            transactions_per_block=self.transactions_per_block,
            netparams=NetworkParameters(app_state["network_parameters"]),
            genesis_assets={},
        )
        self.store = DataNodeStore(
            self.node,
            keep_ledger=self._listen_for_high_volume_stream_updates,
            retention=self.retention,
        )
        for asset_id, (decimals, max_mint) in assets.items():
            self.node.engine.enable_asset(asset_id, decimals)
            self.node.faucet_limits[asset_id] = max_mint
        self._trading_data_client_v2 = TradingDataClient(self.store)
        self._core_client = CoreClient(self.store, genesis["chain_id"])
        self._core_state_client = CoreStateClient()
        self._wallet = EmbeddedWallet(self.seed, self.node.submit)
        for validator in app_state.get("validators", {}).values():
            # the genesis validators stand ready for delegations and staking rewards
            self.node.network.topology.add(validator["id"], validator["vega_pub_key"])
        self.node.produce_block()  # the chain's first block, as a null chain starts

    @property
    def process_pids(self) -> dict[str, int]:
        """The processes vega-sim's snitch samples: core and data node both run in this one."""
        return {"vega": os.getpid(), "data-node": os.getpid()}

    def stake(self, amount: float, key_name: str, wallet_name: str | None = None) -> None:
        """Associate `amount` governance tokens with a key, as the staking bridge reports
        an Ethereum stake; it lands in the next block, which this call produces."""
        node = self._started()
        asset = self.find_asset_id(symbol=self.governance_symbol)
        if asset is None:
            raise ValueError(f"cannot stake: no asset with symbol {self.governance_symbol!r}")
        units = num_to_padded_int(amount, node.engine.assets[asset])
        if units <= 0:
            raise ValueError(f"cannot stake {amount!r}: the amount must be positive")
        party = self.wallet.public_key(name=key_name, wallet_name=wallet_name)
        node.submit(Transaction(party, "stake", units))
        self.wait_fn(1)

    def asset_total(self, asset_id: str) -> int:
        """Every account of `asset_id` inside the network, exact in asset decimals: the
        figure a conservation check needs, which no vega-sim read gives without rounding."""
        return self._started().engine.collateral.total(asset_id)

    def net_deposits(self, asset_id: str) -> int:
        """Deposits less withdrawals of `asset_id` so far, exact; kept whole, never pruned."""
        return self._started().engine.collateral.net_deposits.get(asset_id, 0)

    def stop(self) -> None:
        if self._local_data_cache is not None:
            self._local_data_cache.stop()

    def __enter__(self) -> EmbeddedVegaService:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _started(self) -> EmbeddedNode:
        if self.node is None:
            raise ServiceNotStartedError(
                "EmbeddedVegaService used before it was started: use it in a `with` block "
                "or call start() first"
            )
        return self.node

    # ---- clients, wallet, cache -------------------------------------------------------------

    @property
    def trading_data_client_v2(self) -> Any:
        self._started()
        return self._trading_data_client_v2

    @property
    def core_client(self) -> Any:
        self._started()
        return self._core_client

    @property
    def core_state_client(self) -> Any:
        self._started()
        return self._core_state_client

    @property
    def wallet(self) -> EmbeddedWallet:
        self._started()
        assert self._wallet is not None
        return self._wallet

    @property
    def data_cache(self) -> LocalDataCache:
        if self._local_data_cache is None:
            self._started()
            assert self.store is not None  # started with the node
            cache = SynchronousDataCache(
                self.store,
                self.trading_data_client_v2,
                self.market_pos_decimals,
                self.market_price_decimals,
                self.asset_decimals,
                self.market_to_asset,
            )
            self._local_data_cache = cache
            cache.start_live_feeds(
                start_high_load_feeds=self._listen_for_high_volume_stream_updates
            )
        return self._local_data_cache

    # addresses of Vega's processes: none exist, so asking for one fails saying so
    wallet_url = "embedded://nullchain"
    data_node_rest_port = 0
    vega_node_url = binary_only_property(
        "vega_node_url", NO_PROCESS.format(what="core REST endpoint")
    )
    vega_node_grpc_url = binary_only_property(
        "vega_node_grpc_url", NO_PROCESS.format(what="core gRPC endpoint")
    )
    data_node_rest_url = binary_only_property(
        "data_node_rest_url", NO_PROCESS.format(what="data-node REST endpoint")
    )
    data_node_grpc_url = binary_only_property(
        "data_node_grpc_url", NO_PROCESS.format(what="data-node gRPC endpoint")
    )
    faucet_url = binary_only_property(
        "faucet_url",
        "the faucet is `mint`, which deposits in the next block; there is no faucet server",
    )
    ping_datanode = binary_only_method(
        "ping_datanode",
        "it times a data-node process against the wall clock; the embedded data node is "
        "fed inside each block and chain time moves only when the caller moves it",
    )

    # ---- time -------------------------------------------------------------------------------

    def wait_fn(self, wait_multiple: float = 1) -> None:
        self._started().forward(wait_multiple * self.seconds_per_block)

    def forward(self, time: str) -> None:
        """Forward by a duration (`10s`, `5m`, `1h`, `2d`) or to an ISO time, block by block."""
        node = self._started()
        match = _DURATION.match(time)
        if match:
            node.forward(float(match.group(1)) * _UNITS[match.group(2)])
            return
        try:
            target = _nanoseconds(time)
        except ValueError:
            raise ValueError(
                f"cannot forward by {time!r}: give a duration such as '10s' or an ISO time"
            ) from None
        node.forward((target - node.vega_time) / 1e9)

    def wait_for_core_catchup(self) -> None:
        """The core is always caught up: every block runs inside the call that made it."""

    def wait_for_datanode_sync(self) -> None:
        """The data node is fed inside each block, so it is never behind."""

    def wait_for_thread_catchup(self, max_retries: int = 1000, threshold: float = 0.5) -> None:
        """There are no threads to catch up with."""

    def wait_for_total_catchup(self) -> None:
        """Nothing to wait for (see `wait_for_core_catchup`)."""

    # ---- faucet -----------------------------------------------------------------------------

    def mint(
        self,
        key_name: str | None,
        asset: str,
        amount: float,
        wallet_name: str | None = None,
    ) -> None:
        """The builtin-asset faucet: deposit `amount` into the key's general account.

        The deposit lands in the next block, which this call produces (as vega-sim's
        own `mint` waits one block). An unknown or non-builtin asset, or an amount above
        the asset's `max_faucet_amount_mint` (so any amount when that is 0), fails as
        Vega's faucet does, and nothing is deposited.
        """
        node = self._started()
        party = self.wallet.public_key(name=key_name, wallet_name=wallet_name)
        if asset not in node.engine.assets:
            raise VegaFaucetError(f"cannot mint: asset {asset!r} does not exist")
        try:
            units = num_to_padded_int(amount, node.engine.assets[asset])
        except (InvalidOperation, ValueError, TypeError):
            raise VegaFaucetError(f"cannot mint {amount!r}: not a number") from None
        if units <= 0:
            raise VegaFaucetError(f"cannot mint {amount!r}: the amount must be positive")
        limit = node.faucet_limits.get(asset)
        details = node.governance.asset_details.get(asset)
        if limit is None and details is not None:
            # as Vega's faucet: the amount may not exceed the maximum, so 0 refuses every mint
            limit = builtin_faucet_limit(details)
            if limit is None:
                raise VegaFaucetError(f"cannot mint {asset}: it is not a builtin asset")
        if limit is not None and units > limit:
            raise VegaFaucetError(
                f"cannot mint {amount} of {asset}: above the faucet limit of "
                f"{Decimal(limit).scaleb(-node.engine.assets[asset])}"
            )
        node.submit(Transaction(party, "deposit", (asset, units)))
        self.wait_fn(1)
