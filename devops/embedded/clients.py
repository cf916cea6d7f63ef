"""In-process stand-ins for vega-sim's three gRPC clients.

Each method has the RPC's name, takes vega-sim's own request message and
returns its response message, answered from the embedded node with no
serialisation. Lists come back in one page (`has_next_page` is false), which
is what vega-sim's pagination helper expects. An unknown id fails as a data
node does, with a NOT_FOUND error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import governance_pb2, vega_pb2
from vega_sim.proto.vega.api.v1 import core_pb2

from devops.embedded.datanode import history, network_queries
from devops.embedded.datanode.store import LIVE_STATUSES, DataNodeStore
from devops.engine.types import AccountType, Side


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


def _page(response: Any, field: str, nodes: Iterable[Any]) -> Any:
    connection = getattr(response, field)
    for node in nodes:
        connection.edges.add(node=node)
    connection.page_info.has_next_page = False
    return response


class TradingDataClient(_Unimplemented):
    """The data node's `TradingDataService` (API v2), for the calls vega-sim makes."""

    def __init__(self, store: DataNodeStore) -> None:
        self._store = store
        self._node = store.node
        self._engine = store.node.engine

    # ---- time, network ----------------------------------------------------------------------

    def GetVegaTime(self, request: Any = None) -> td.GetVegaTimeResponse:  # noqa: N802
        return td.GetVegaTimeResponse(timestamp=self._node.vega_time)

    def Ping(self, request: Any = None) -> td.PingResponse:  # noqa: N802
        return td.PingResponse()

    def GetNetworkParameter(self, request: Any) -> td.GetNetworkParameterResponse:  # noqa: N802
        if request.key not in self._engine.netparams:
            raise NotFoundError(f"network parameter {request.key!r} does not exist")
        value = self._engine.netparams.get(request.key)
        return td.GetNetworkParameterResponse(
            network_parameter=vega_pb2.NetworkParameter(key=request.key, value=value)
        )

    def ListNetworkParameters(self, request: Any = None) -> td.ListNetworkParametersResponse:  # noqa: N802
        nodes = [
            vega_pb2.NetworkParameter(key=k, value=v) for k, v in self._engine.netparams.items()
        ]
        return _page(td.ListNetworkParametersResponse(), "network_parameters", nodes)

    def ListAllNetworkHistorySegments(self, request: Any = None) -> Any:  # noqa: N802
        return td.ListAllNetworkHistorySegmentsResponse()

    # ---- assets and markets -----------------------------------------------------------------

    def ListAssets(self, request: Any = None) -> td.ListAssetsResponse:  # noqa: N802
        return _page(td.ListAssetsResponse(), "assets", self._store.assets.values())

    def GetAsset(self, request: Any) -> td.GetAssetResponse:  # noqa: N802
        asset = self._store.assets.get(request.asset_id)
        if asset is None:
            raise NotFoundError(f"asset {request.asset_id!r} does not exist")
        return td.GetAssetResponse(asset=asset)

    def _market_ids(self) -> list[str]:
        return list(self._node.governance.market_changes)

    def ListMarkets(self, request: Any = None) -> td.ListMarketsResponse:  # noqa: N802
        markets = [self._store.market_proto(m) for m in self._market_ids()]
        return _page(td.ListMarketsResponse(), "markets", markets)

    def _known_market(self, market_id: str) -> str:
        if market_id not in self._node.governance.market_changes:
            raise NotFoundError(f"market {market_id!r} does not exist")
        return market_id

    def GetMarket(self, request: Any) -> td.GetMarketResponse:  # noqa: N802
        market_id = self._known_market(request.market_id)
        return td.GetMarketResponse(market=self._store.market_proto(market_id))

    def GetLatestMarketData(self, request: Any) -> td.GetLatestMarketDataResponse:  # noqa: N802
        market_id = self._known_market(request.market_id)
        return td.GetLatestMarketDataResponse(market_data=self._store.market_data_proto(market_id))

    def GetMarketDataHistoryByID(self, request: Any) -> Any:  # noqa: N802
        """Every block's market data between the request's bounds, oldest first."""
        self._known_market(request.market_id)
        nodes = history.market_data_history(self._store, request)
        return _page(td.GetMarketDataHistoryByIDResponse(), "market_data", nodes)

    def GetLatestMarketDepth(self, request: Any) -> td.GetLatestMarketDepthResponse:  # noqa: N802
        market = self._engine.markets[self._known_market(request.market_id)]
        factor = market.config.price_factor
        bids, asks = market.book.depth(request.max_depth or 0)
        response = td.GetLatestMarketDepthResponse(market_id=market.config.id)
        book = market.book
        for levels, target, side in (
            (bids, response.buy, Side.BUY),
            (asks, response.sell, Side.SELL),
        ):
            for price, _, count in levels:
                # the data node shows what is visible: an iceberg's peak, not its reserve
                volume = book.visible_volume_at(side, price)
                target.add(price=str(price // factor), volume=volume, number_of_orders=count)
        last = self._store.last_trade.get(market.config.id)
        if last is not None:
            response.last_trade.CopyFrom(last)
        return response

    def GetRiskFactors(self, request: Any) -> td.GetRiskFactorsResponse:  # noqa: N802
        market = self._engine.markets[self._known_market(request.market_id)]
        factors = market.risk_factors
        return td.GetRiskFactorsResponse(
            risk_factor=vega_pb2.RiskFactor(
                market=market.config.id, short=str(factors.short), long=str(factors.long)
            )
        )

    # ---- accounts ---------------------------------------------------------------------------

    def ListAccounts(self, request: Any) -> td.ListAccountsResponse:  # noqa: N802
        wanted = request.filter
        parties = set(wanted.party_ids)
        markets = set(wanted.market_ids)
        types = set(wanted.account_types)
        nodes = []
        for account in self._engine.collateral.accounts.values():
            if account.type == AccountType.EXTERNAL:
                continue
            owner = "" if account.owner == "*" else account.owner
            if parties and owner not in parties:
                continue
            if wanted.asset_id and account.asset != wanted.asset_id:
                continue
            if markets and account.market_id not in markets:
                continue
            if types and int(account.type) not in types:
                continue
            nodes.append(
                td.AccountBalance(
                    owner=owner,
                    balance=str(account.balance),
                    asset=account.asset,
                    market_id=account.market_id,
                    type=int(account.type),
                )
            )
        return _page(td.ListAccountsResponse(), "accounts", nodes)

    def GetStake(self, request: Any) -> td.GetStakeResponse:  # noqa: N802
        """The key's associated stake (its staking account), with its linkings."""
        return network_queries.get_stake(self._store, request)

    # ---- orders, trades, positions ----------------------------------------------------------

    def ListOrders(self, request: Any) -> td.ListOrdersResponse:  # noqa: N802
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
        return _page(td.ListOrdersResponse(), "orders", nodes)

    def GetOrder(self, request: Any) -> td.GetOrderResponse:  # noqa: N802
        versions = self._store.orders.get(request.order_id)
        if not versions:
            raise NotFoundError(f"order {request.order_id!r} does not exist")
        if request.version:
            matching = [v for v in versions if v.version == request.version]
            if not matching:
                raise NotFoundError(f"order {request.order_id!r} has no version {request.version}")
            return td.GetOrderResponse(order=matching[-1])
        return td.GetOrderResponse(order=versions[-1])

    def ListTrades(self, request: Any) -> td.ListTradesResponse:  # noqa: N802
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
        return _page(td.ListTradesResponse(), "trades", nodes)

    def ListPositions(self, request: Any) -> td.ListPositionsResponse:  # noqa: N802
        nodes = []
        markets = self._engine.markets
        for (market_id, party), record in self._store.positions.records.items():
            if request.party_id and party != request.party_id:
                continue
            if request.market_id and market_id != request.market_id:
                continue
            nodes.append(
                vega_pb2.Position(
                    market_id=market_id,
                    party_id=party,
                    open_volume=record.open_volume,
                    realised_pnl=str(record.realised),
                    unrealised_pnl=str(record.unrealised),
                    average_entry_price=str(
                        record.average_entry // markets[market_id].config.price_factor
                    ),
                    loss_socialisation_amount=str(int(record.loss_socialisation)),
                    updated_at=record.updated_at,
                    position_status=history.position_status(record.status),
                )
            )
        return _page(td.ListPositionsResponse(), "positions", nodes)

    def ListMarginLevels(self, request: Any) -> td.ListMarginLevelsResponse:  # noqa: N802
        """Levels as last computed, stamped with that block's time."""
        nodes = history.margin_levels(self._store, request)
        return _page(td.ListMarginLevelsResponse(), "margin_levels", nodes)

    def ListLiquidityProvisions(self, request: Any) -> td.ListLiquidityProvisionsResponse:  # noqa: N802
        live = (
            vega_pb2.LiquidityProvision.Status.STATUS_ACTIVE,
            vega_pb2.LiquidityProvision.Status.STATUS_PENDING,
            vega_pb2.LiquidityProvision.Status.STATUS_UNDEPLOYED,
        )
        nodes = [
            p
            for (market_id, party), p in self._store.provisions.items()
            if (not request.market_id or market_id == request.market_id)
            and (not request.party_id or party == request.party_id)
            and (not request.live or p.status in live)
        ]
        return _page(td.ListLiquidityProvisionsResponse(), "liquidity_provisions", nodes)

    # ---- transfers, staking, delegation, epochs, rewards, estimates --------------------------

    def ListTransfers(self, request: Any = None) -> td.ListTransfersResponse:  # noqa: N802
        return network_queries.list_transfers(self._store, request)

    def ListDelegations(self, request: Any) -> td.ListDelegationsResponse:  # noqa: N802
        return network_queries.list_delegations(self._store, request)

    def GetEpoch(self, request: Any = None) -> td.GetEpochResponse:  # noqa: N802
        return network_queries.get_epoch(self._store, request)

    def ListRewards(self, request: Any) -> td.ListRewardsResponse:  # noqa: N802
        return network_queries.list_rewards(self._store, request)

    def ListRewardSummaries(self, request: Any) -> td.ListRewardSummariesResponse:  # noqa: N802
        return network_queries.list_reward_summaries(self._store, request)

    def EstimatePosition(self, request: Any) -> td.EstimatePositionResponse:  # noqa: N802
        return network_queries.estimate_position(self._store, request)

    def ListLedgerEntries(self, request: Any) -> td.ListLedgerEntriesResponse:  # noqa: N802
        """The stored ledger (within the retention period), filtered as Vega's data node."""
        nodes = history.ledger_entries(self._store, request)
        return _page(td.ListLedgerEntriesResponse(), "ledger_entries", nodes)

    # ---- governance -------------------------------------------------------------------------

    def GetGovernanceData(self, request: Any) -> td.GetGovernanceDataResponse:  # noqa: N802
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
        data = governance_pb2.GovernanceData(proposal=proposal)
        for vote in self._store.votes.get(proposal.id, []):
            target = data.yes if vote.value == governance_pb2.Vote.Value.VALUE_YES else data.no
            target.append(vote)
        return td.GetGovernanceDataResponse(data=data)

    def ListGovernanceData(self, request: Any = None) -> td.ListGovernanceDataResponse:  # noqa: N802
        nodes = [governance_pb2.GovernanceData(proposal=p) for p in self._store.proposals.values()]
        return _page(td.ListGovernanceDataResponse(), "connection", nodes)


class CoreClient(_Unimplemented):
    """The core node's `CoreService`: time, statistics and the event bus stream."""

    def __init__(self, store: DataNodeStore, chain_id: str) -> None:
        self._store = store
        self._node = store.node
        self._chain_id = chain_id

    def GetVegaTime(self, request: Any = None) -> core_pb2.GetVegaTimeResponse:  # noqa: N802
        return core_pb2.GetVegaTimeResponse(timestamp=self._node.vega_time)

    def LastBlockHeight(self, request: Any = None) -> core_pb2.LastBlockHeightResponse:  # noqa: N802
        return core_pb2.LastBlockHeightResponse(height=self._node.height)

    def Statistics(self, request: Any = None) -> core_pb2.StatisticsResponse:  # noqa: N802
        node = self._node
        epoch = node.network.epochs.current
        return core_pb2.StatisticsResponse(
            statistics=core_pb2.Statistics(
                block_height=node.height,
                backlog_length=len(node.pending),
                total_markets=len(node.engine.markets),
                current_time=_iso(node.vega_time),
                vega_time=_iso(node.vega_time),
                chain_id=self._chain_id,
                app_version="v0.72.6",
                status=1,
                epoch_seq=node.network.epochs.seq,
                epoch_start_time=_iso(epoch.start_time) if epoch else "",
                epoch_expiry_time=_iso(epoch.expire_time) if epoch else "",
            )
        )

    def ObserveEventBus(
        self, requests: Iterable[Any]
    ) -> Iterator[core_pb2.ObserveEventBusResponse]:  # noqa: N802
        """Events published from now on, delivered when read; ends instead of blocking."""
        request = next(iter(requests), core_pb2.ObserveEventBusRequest())
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

        def drain() -> Iterator[core_pb2.ObserveEventBusResponse]:
            while collected:
                batch = collected[:]
                del collected[:]
                yield core_pb2.ObserveEventBusResponse(events=batch)

        return drain()


class CoreStateClient(_Unimplemented):
    """The core node's state service: vega-sim's scenarios ask it for nothing."""


def _iso(nanoseconds: int) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(nanoseconds / 1e9, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
