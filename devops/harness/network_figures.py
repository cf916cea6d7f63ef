"""What a network client can measure of its own agents, exactly, through the data node.

On a network nobody sees every account, so money is checked per agent: between
two steps, each agent's accounts (general, margin, bond, in the scenario's asset)
must change by exactly the ledger movements into and out of them that the data
node lists for that time; a deposit, a transfer, a fee, a settlement or a margin
move is a ledger entry like any other. Close-outs are the data node's trades of
type NETWORK_CLOSE_OUT_BAD: the network taking over a distressed party's position.

Reads are pinned to one block: the chain time is read before and after the
balances, and the read is repeated when a block landed in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vega_sim.proto.data_node.api.v2 import trading_data_pb2 as td
from vega_sim.proto.vega import vega_pb2

PINNING_ATTEMPTS = 5
_PAGE = 1000
_CLOSE_OUT = vega_pb2.Trade.Type.TYPE_NETWORK_CLOSE_OUT_BAD
_NETWORK_PARTY = "network"


class UnpinnedReadError(RuntimeError):
    """Blocks kept landing while balances were read; no consistent figure exists."""


def _all_pages(request: Any, call: Any, field: str) -> list[Any]:
    """Every node of a paginated data-node listing, following cursors to the end."""
    nodes: list[Any] = []
    request.pagination.first = _PAGE
    while True:
        connection = getattr(call(request), field)
        nodes.extend(edge.node for edge in connection.edges)
        if not connection.page_info.has_next_page:
            return nodes
        request.pagination.after = connection.page_info.end_cursor


@dataclass(frozen=True, slots=True)
class AgentMoney:
    """The agents' holdings at one block, and what the ledger says they should be."""

    vega_time: int
    balances: dict[str, int]  # party id -> general + margin + bond, in asset decimals
    expected: dict[str, int]  # party id -> previous balance + ledger movements since


class NetworkFigures:
    """Per-step figures for a set of agent parties trading one market, read as a client."""

    def __init__(self, vega: Any, market_id: str, asset_id: str, parties: Iterable[str]) -> None:
        self._client = vega.trading_data_client_v2
        self._market_id = market_id
        self._asset_id = asset_id
        self._parties = tuple(sorted(set(parties)))
        self._last: AgentMoney | None = None

    def _time(self) -> int:
        return int(self._client.GetVegaTime(td.GetVegaTimeRequest()).timestamp)

    def _balances(self) -> dict[str, int]:
        request = td.ListAccountsRequest(
            filter=td.AccountFilter(asset_id=self._asset_id, party_ids=list(self._parties))
        )
        totals = dict.fromkeys(self._parties, 0)
        for account in _all_pages(request, self._client.ListAccounts, "accounts"):
            if account.owner in totals and account.asset == self._asset_id:
                totals[account.owner] += int(account.balance)
        return totals

    def _pinned_balances(self) -> tuple[int, dict[str, int]]:
        for _ in range(PINNING_ATTEMPTS):
            before = self._time()
            balances = self._balances()
            if self._time() == before:
                return before, balances
        raise UnpinnedReadError(
            f"blocks landed during each of {PINNING_ATTEMPTS} balance reads; the data node "
            "may be catching up"
        )

    def _ledger_flows(self, after: int, until: int) -> dict[str, int]:
        """Net movement into each agent's accounts of the asset, for blocks in (after, until].

        A data node lists ledger entries for one party at a time, so each agent is
        asked on its own: entries from or to any of its accounts.
        """
        flows = dict.fromkeys(self._parties, 0)
        for party in self._parties:
            mine = td.AccountFilter(asset_id=self._asset_id, party_ids=[party])
            request = td.ListLedgerEntriesRequest(
                filter=td.LedgerEntryFilter(
                    from_account_filter=mine,
                    to_account_filter=mine,
                    close_on_account_filters=False,
                ),
                date_range=td.DateRange(start_timestamp=after + 1, end_timestamp=until + 1),
            )
            for entry in _all_pages(request, self._client.ListLedgerEntries, "ledger_entries"):
                if entry.asset_id != self._asset_id or not after < entry.timestamp <= until:
                    continue
                amount = int(entry.quantity)
                if entry.to_account_party_id == party:
                    flows[party] += amount
                if entry.from_account_party_id == party:
                    flows[party] -= amount
        return flows

    def money(self) -> AgentMoney:
        """Balances now; expected balances from the last reading and the ledger since."""
        now, balances = self._pinned_balances()
        if self._last is None:
            expected = dict(balances)  # the first reading is the baseline
        else:
            flows = self._ledger_flows(self._last.vega_time, now)
            expected = {p: self._last.balances[p] + flows[p] for p in self._parties}
        self._last = AgentMoney(now, balances, expected)
        return self._last

    def close_outs(self, after: int, until: int) -> list[str]:
        """Parties the network closed out in blocks (after, until], one entry per close-out."""
        request = td.ListTradesRequest(
            market_ids=[self._market_id],
            date_range=td.DateRange(start_timestamp=after + 1, end_timestamp=until + 1),
        )
        closed = []
        for trade in _all_pages(request, self._client.ListTrades, "trades"):
            if trade.type != _CLOSE_OUT or not after < trade.timestamp <= until:
                continue
            closed.append(trade.seller if trade.buyer == _NETWORK_PARTY else trade.buyer)
        return closed
