"""In-process stand-ins for vega-sim's three gRPC clients.

Each method has the RPC's name, takes vega-sim's own request message and
returns its response message, answered from the data node's stores with no
serialisation (messages are built by `codec`; writes go to the node as
transactions, never through these clients). Lists come back in one page (`has_next_page` is false), which
is what vega-sim's pagination helper expects. An unknown id fails as a data
node does, with a NOT_FOUND error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from devops.embedded.codec import api
from devops.embedded.codec.accounts import account_balance_proto, owner, position_proto
from devops.embedded.codec.governance import governance_data, network_parameter_proto
from devops.embedded.codec.market_data import risk_factors_response
from devops.embedded.codec.orders import LIVE_PROVISION_STATUSES, market_depth_response
from devops.embedded.datanode import history, network_queries
from devops.embedded.datanode.store import LIVE_STATUSES, DataNodeStore


class NotFoundError(LookupError):
    """What a data node answers for an id it does not know (gRPC NOT_FOUND)."""


class UnsupportedCallError(NotImplementedError):
    """An RPC the embedded node does not serve (gRPC UNIMPLEMENTED)."""


class _Unimplemented:
    """Any RPC a client does not define fails with its name, as UNIMPLEMENTED does."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)

        def unimplemented(*args: object, **kwargs: object) -> object:
            raise UnsupportedCallError(
                f"{type(self).__name__}.{name} is not served by the embedded nullchain"
            )

        return unimplemented


class TradingDataClient(_Unimplemented):
    """The data node's `TradingDataService` (API v2), for the calls vega-sim makes."""

    def __init__(self, store: DataNodeStore) -> None:
        self._store = store

    # ---- time, network ----------------------------------------------------------------------

    def GetVegaTime(self, request: Any = None) -> Any:  # noqa: N802
        return api.response("GetVegaTime", timestamp=self._store.core.vega_time)

    def Ping(self, request: Any = None) -> Any:  # noqa: N802
        return api.response("Ping")

    def GetNetworkParameter(self, request: Any) -> Any:  # noqa: N802
        value = self._store.network_parameters.get(request.key)
        if value is None:
            raise NotFoundError(f"network parameter {request.key!r} does not exist")
        return api.response(
            "GetNetworkParameter", network_parameter=network_parameter_proto(request.key, value)
        )

    def ListNetworkParameters(self, request: Any = None) -> Any:  # noqa: N802
        parameters = sorted(self._store.network_parameters.items())
        nodes = [network_parameter_proto(k, v) for k, v in parameters]
        return api.page("ListNetworkParameters", "network_parameters", nodes)

    def ListAllNetworkHistorySegments(self, request: Any = None) -> Any:  # noqa: N802
        return api.response("ListAllNetworkHistorySegments")

    # ---- assets and markets -----------------------------------------------------------------

    def ListAssets(self, request: Any = None) -> Any:  # noqa: N802
        return api.page("ListAssets", "assets", self._store.assets.values())

    def GetAsset(self, request: Any) -> Any:  # noqa: N802
        asset = self._store.assets.get(request.asset_id)
        if asset is None:
            raise NotFoundError(f"asset {request.asset_id!r} does not exist")
        return api.response("GetAsset", asset=asset)

    def ListMarkets(self, request: Any = None) -> Any:  # noqa: N802
        markets = [self._store.market_proto(m) for m in self._store.markets.ids()]
        return api.page("ListMarkets", "markets", markets)

    def _known_market(self, market_id: str) -> str:
        if market_id not in self._store.markets:
            raise NotFoundError(f"market {market_id!r} does not exist")
        return market_id

    def GetMarket(self, request: Any) -> Any:  # noqa: N802
        market_id = self._known_market(request.market_id)
        return api.response("GetMarket", market=self._store.market_proto(market_id))

    def GetLatestMarketData(self, request: Any) -> Any:  # noqa: N802
        market_id = self._known_market(request.market_id)
        data = self._store.market_data_proto(market_id)
        return api.response("GetLatestMarketData", market_data=data)

    def GetMarketDataHistoryByID(self, request: Any) -> Any:  # noqa: N802
        """Every block's market data between the request's bounds, oldest first."""
        self._known_market(request.market_id)
        nodes = history.market_data_history(self._store, request)
        return api.page("GetMarketDataHistoryByID", "market_data", nodes)

    def GetLatestMarketDepth(self, request: Any) -> Any:  # noqa: N802
        market_id = self._known_market(request.market_id)
        bids, asks = self._store.core.depth(market_id, request.max_depth or 0)
        last = self._store.last_trade.get(market_id)
        return market_depth_response(market_id, bids, asks, last)

    def GetRiskFactors(self, request: Any) -> Any:  # noqa: N802
        market_id = self._known_market(request.market_id)
        factors = self._store.markets.risk_factors(market_id)
        return risk_factors_response(market_id, factors.short, factors.long)

    # ---- accounts ---------------------------------------------------------------------------

    def ListAccounts(self, request: Any) -> Any:  # noqa: N802
        wanted = request.filter
        parties = set(wanted.party_ids)
        markets = set(wanted.market_ids)
        types = set(wanted.account_types)
        nodes = [
            account_balance_proto(account)
            for account in self._store.accounts.values()
            if (not parties or owner(account) in parties)
            and (not wanted.asset_id or account.asset == wanted.asset_id)
            and (not markets or account.market_id in markets)
            and (not types or int(account.type) in types)
        ]
        return api.page("ListAccounts", "accounts", nodes)

    def GetStake(self, request: Any) -> Any:  # noqa: N802
        """The key's associated stake (its staking account), with its linkings."""
        return network_queries.get_stake(self._store, request)

    # ---- orders, trades, positions ----------------------------------------------------------

    def ListOrders(self, request: Any) -> Any:  # noqa: N802
        wanted = request.filter
        parties = set(wanted.party_ids)
        markets = set(wanted.market_ids)
        nodes = []
        orders = self._store.orders
        # live orders come from their own index, so a long history costs them nothing
        ids = self._store.live_orders if wanted.live_only else orders
        for order_id in ids:
            order = orders[order_id][-1]
            if parties and order.party_id not in parties:
                continue
            if markets and order.market_id not in markets:
                continue
            if wanted.reference and order.reference != wanted.reference:
                continue
            if wanted.live_only and order.status not in LIVE_STATUSES:
                continue
            if wanted.statuses and order.status not in wanted.statuses:
                continue
            if wanted.exclude_liquidity and order.liquidity_provision_id:
                continue
            nodes.append(order)
        return api.page("ListOrders", "orders", nodes)

    def GetOrder(self, request: Any) -> Any:  # noqa: N802
        versions = self._store.orders.get(request.order_id)
        if not versions:
            raise NotFoundError(f"order {request.order_id!r} does not exist")
        if request.version:
            matching = [v for v in versions if v.version == request.version]
            if not matching:
                raise NotFoundError(f"order {request.order_id!r} has no version {request.version}")
            return api.response("GetOrder", order=matching[-1])
        return api.response("GetOrder", order=versions[-1])

    def ListTrades(self, request: Any) -> Any:  # noqa: N802
        markets = set(request.market_ids)
        parties = set(request.party_ids)
        orders = set(request.order_ids)
        start = request.date_range.start_timestamp
        end = request.date_range.end_timestamp
        nodes = [
            t
            for t in self._store.trades
            if (not markets or t.market_id in markets)
            and (not parties or t.buyer in parties or t.seller in parties)
            and (not orders or t.buy_order in orders or t.sell_order in orders)
            and (not start or t.timestamp >= start)
            and (not end or t.timestamp < end)
        ]
        return api.page("ListTrades", "trades", nodes)

    def ListPositions(self, request: Any) -> Any:  # noqa: N802
        markets = self._store.markets
        nodes = [
            position_proto(record, markets.config(market_id).price_factor)
            for (market_id, party), record in self._store.positions.records.items()
            if (not request.party_id or party == request.party_id)
            and (not request.market_id or market_id == request.market_id)
        ]
        return api.page("ListPositions", "positions", nodes)

    def ListMarginLevels(self, request: Any) -> Any:  # noqa: N802
        """Levels as last computed, stamped with that block's time."""
        nodes = history.margin_levels(self._store, request)
        return api.page("ListMarginLevels", "margin_levels", nodes)

    def ListLiquidityProvisions(self, request: Any) -> Any:  # noqa: N802
        nodes = [
            p
            for (market_id, party), p in self._store.provisions.items()
            if (not request.market_id or market_id == request.market_id)
            and (not request.party_id or party == request.party_id)
            and (not request.live or p.status in LIVE_PROVISION_STATUSES)
        ]
        return api.page("ListLiquidityProvisions", "liquidity_provisions", nodes)

    # ---- transfers, staking, delegation, epochs, rewards, estimates --------------------------

    def ListTransfers(self, request: Any = None) -> Any:  # noqa: N802
        return network_queries.list_transfers(self._store, request)

    def ListDelegations(self, request: Any) -> Any:  # noqa: N802
        return network_queries.list_delegations(self._store, request)

    def GetEpoch(self, request: Any = None) -> Any:  # noqa: N802
        return network_queries.get_epoch(self._store, request)

    def ListRewards(self, request: Any) -> Any:  # noqa: N802
        return network_queries.list_rewards(self._store, request)

    def ListRewardSummaries(self, request: Any) -> Any:  # noqa: N802
        return network_queries.list_reward_summaries(self._store, request)

    def EstimatePosition(self, request: Any) -> Any:  # noqa: N802
        return network_queries.estimate_position(self._store, request)

    def ListLedgerEntries(self, request: Any) -> Any:  # noqa: N802
        """The stored ledger (within the retention period), filtered as Vega's data node."""
        nodes = history.ledger_entries(self._store, request)
        return api.page("ListLedgerEntries", "ledger_entries", nodes)

    # ---- governance -------------------------------------------------------------------------

    def GetGovernanceData(self, request: Any) -> Any:  # noqa: N802
        proposal = None
        if request.proposal_id:
            proposal = self._store.proposals.get(request.proposal_id)
        elif request.reference:
            matching = [
                p for p in self._store.proposals.values() if p.reference == request.reference
            ]
            proposal = matching[-1] if matching else None
        if proposal is None:
            raise NotFoundError("proposal does not exist")
        data = governance_data(proposal, self._store.votes.get(proposal.id, []))
        return api.response("GetGovernanceData", data=data)

    def ListGovernanceData(self, request: Any = None) -> Any:  # noqa: N802
        nodes = [governance_data(p) for p in self._store.proposals.values()]
        return api.page("ListGovernanceData", "connection", nodes)


class CoreClient(_Unimplemented):
    """The core node's `CoreService`: time, statistics and the event bus stream."""

    def __init__(self, store: DataNodeStore, chain_id: str) -> None:
        self._store = store
        self._chain_id = chain_id

    def GetVegaTime(self, request: Any = None) -> Any:  # noqa: N802
        return api.core_time(self._store.core.vega_time)

    def LastBlockHeight(self, request: Any = None) -> Any:  # noqa: N802
        return api.core_height(self._store.core.height)

    def Statistics(self, request: Any = None) -> Any:  # noqa: N802
        core = self._store.core
        epoch = core.epoch
        return api.statistics(
            height=core.height,
            backlog=core.backlog,
            markets=core.market_count,
            vega_time=core.vega_time,
            chain_id=self._chain_id,
            epoch_seq=core.epoch_seq,
            epoch_start=epoch.start_time if epoch else None,
            epoch_expiry=epoch.expire_time if epoch else None,
        )

    def ObserveEventBus(self, requests: Iterable[Any]) -> Iterator[Any]:  # noqa: N802
        """Events published from now on, delivered when read; ends instead of blocking."""
        request = api.bus_request(requests)
        wanted = set(request.type)
        collected: list[Any] = []

        def collect(event: Any) -> None:
            if wanted and event.type not in wanted:
                return
            if request.market_id and getattr(event.order, "market_id", "") not in (
                "",
                request.market_id,
            ):
                return
            collected.append(event)

        self._store.stream_listeners.append(collect)

        def drain() -> Iterator[Any]:
            while collected:
                batch = collected[:]
                del collected[:]
                yield api.bus_response(batch)

        return drain()


class CoreStateClient(_Unimplemented):
    """The core node's state service: vega-sim's scenarios ask it for nothing."""
