"""Equity-like shares of liquidity providers and the market value proxy.

Implements 0042-LIQF: each LP holds a virtual stake that grows with the
market's trading value; its equity-like share is virtual stake over the total,
and its average entry valuation is the total virtual stake it bought in at,
weighted by the stake added each time. The market value proxy is the larger of
the total stake and the traded value scaled to a full window. Divisions keep
16 decimal places rounded half away from zero, as Vega's decimal type does.
A successor market (0081-SUCM) inherits its parent's figures for the providers
that commit to both, while it waits in its opening auction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from devops.engine.vega_decimal import decimal_div


@dataclass(frozen=True, slots=True)
class InheritedShare:
    """One provider's equity-like share figures in a parent market (Vega's ELSShare)."""

    party: str
    share: Decimal
    stake: Decimal
    virtual_stake: Decimal
    average_entry_valuation: Decimal


@dataclass(slots=True)
class _Provider:
    stake: Decimal = Decimal(0)
    share: Decimal = Decimal(0)
    average_entry_valuation: Decimal = Decimal(0)
    virtual_stake: Decimal = Decimal(0)


@dataclass(slots=True)
class EquityShares:
    """Per-party stake, virtual stake, share and average entry valuation (insertion order)."""

    market_value_proxy: Decimal = Decimal(0)
    growth: Decimal = Decimal(0)
    total_virtual_stake: Decimal = Decimal(0)
    total_stake: Decimal = Decimal(0)
    providers: dict[str, _Provider] = field(default_factory=dict)
    opening_auction_ended: bool = False

    def end_opening_auction(self) -> None:
        self.opening_auction_ended = True
        self.growth = Decimal(0)

    def set_party_stake(self, party: str, stake: int | None) -> None:
        """A commitment was made, changed, or (None / 0) withdrawn."""
        provider = self.providers.get(party)
        if not stake:
            if provider is not None:
                self.total_virtual_stake -= provider.virtual_stake
                self.total_stake -= provider.stake
                del self.providers[party]
            return
        new_stake = Decimal(stake)
        if provider is None:
            provider = _Provider()
            self.providers[party] = provider
            self._add_stake(provider, new_stake, new_stake)
            return
        if new_stake == provider.stake:
            return
        if new_stake < provider.stake:
            self.total_virtual_stake -= provider.virtual_stake
            self.total_stake -= provider.stake
            provider.virtual_stake *= decimal_div(new_stake, provider.stake)
            provider.stake = new_stake
            self.total_virtual_stake += provider.virtual_stake
            self.total_stake += provider.stake
            return
        self._add_stake(provider, new_stake - provider.stake, new_stake)

    def _add_stake(self, provider: _Provider, delta: Decimal, new_stake: Decimal) -> None:
        # the entry valuation is the total virtual stake once this delta is in
        self.total_virtual_stake += delta
        self.total_stake += new_stake - provider.stake
        provider.average_entry_valuation = decimal_div(
            provider.average_entry_valuation * provider.stake, new_stake
        ) + decimal_div(self.total_virtual_stake * delta, new_stake)
        provider.virtual_stake += delta
        provider.stake = new_stake

    def average_trade_value(self, average: Decimal) -> None:
        """A value window closed: grow every virtual stake by the market's growth."""
        if average == 0:
            return
        if self.market_value_proxy != 0:
            self.growth = decimal_div(average - self.market_value_proxy, self.market_value_proxy)
        else:
            self.growth = Decimal(0)
        self._update_virtual_stakes()
        self.market_value_proxy = average

    def _update_virtual_stakes(self) -> None:
        if self.growth == 0:
            return
        factor = Decimal(1) + self.growth
        total = Decimal(0)
        for provider in self.providers.values():
            provider.virtual_stake = max(provider.stake, provider.virtual_stake * factor)
            total += provider.virtual_stake
        changed = total != self.total_virtual_stake
        self.total_virtual_stake = total
        if changed:
            for party, provider in self.providers.items():
                provider.share = self._equity(party)

    def _equity(self, party: str, total: Decimal | None = None) -> Decimal:
        total = self.total_virtual_stake if total is None else total
        if total == 0:
            return Decimal(0)
        return decimal_div(self.providers[party].virtual_stake, total)

    def shares_except(self, inactive: set[str] | frozenset[str]) -> dict[str, Decimal]:
        """Shares among the active providers; stored shares update only when all are active."""
        excluded = [p for p in inactive if p in self.providers]
        total = self.total_virtual_stake - sum(
            (self.providers[p].virtual_stake for p in excluded), Decimal(0)
        )
        shares: dict[str, Decimal] = {}
        for party, provider in self.providers.items():
            if party in inactive:
                continue
            equity = self._equity(party, total)
            shares[party] = equity
            if not excluded:
                provider.share = equity
        return shares

    def all_shares(self) -> dict[str, Decimal]:
        return self.shares_except(frozenset())

    def average_entry_valuation(self, party: str) -> Decimal:
        provider = self.providers.get(party)
        return provider.average_entry_valuation if provider is not None else Decimal(0)

    # ---- successor markets (0081-SUCM) ----------------------------------------------------------

    def parent_shares(self) -> tuple[InheritedShare, ...]:
        """What a successor inherits: every provider's figures, sorted by party descending."""
        return tuple(
            InheritedShare(party, p.share, p.stake, p.virtual_stake, p.average_entry_valuation)
            for party, p in sorted(self.providers.items(), reverse=True)
        )

    def inherit(self, shares: tuple[InheritedShare, ...]) -> None:
        """Vega's InheritELS: a provider of the parent that also commits here takes over its
        parent stake, virtual stake, average entry valuation and share, and its commitment
        here then counts as a change from that stake."""
        for inherited in shares:
            provider = self.providers.get(inherited.party)
            if provider is None:
                continue
            commitment = int(provider.stake)
            self.total_stake += inherited.stake - provider.stake
            self.total_virtual_stake += inherited.virtual_stake - provider.virtual_stake
            provider.stake = inherited.stake
            provider.virtual_stake = inherited.virtual_stake
            provider.average_entry_valuation = inherited.average_entry_valuation
            provider.share = inherited.share
            self.set_party_stake(inherited.party, commitment)

    def rollback_inheritance(self) -> None:
        """Vega's RollbackParentELS: back to the commitments alone, as if just made."""
        stakes = [(party, int(p.stake)) for party, p in self.providers.items()]
        self.providers = {}
        self.total_stake = self.total_virtual_stake = Decimal(0)
        for party, stake in stakes:
            self.set_party_stake(party, stake)

    def fee_shares(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """(party, share, average entry valuation, virtual stake) sorted by party."""
        return [
            (party, p.share, p.average_entry_valuation, p.virtual_stake)
            for party, p in sorted(self.providers.items())
        ]


@dataclass(slots=True)
class FeeSplitter:
    """Traded value per market value window, as Vega's fee splitter."""

    window_start: int = 0
    current_time: int = 0
    trade_value: int = 0
    average: Decimal = Decimal(0)
    window: int = 1

    def set_current_time(self, now: int) -> None:
        if now >= self.window_start:
            self.current_time = now

    def add_trade_value(self, value: int) -> None:
        self.trade_value += value

    def start_window(self, now: int) -> None:
        if self.average != 0:
            self.window += 1
        elif self.trade_value != 0:
            # leaving the opening auction: its traded value seeds the average
            self.average = Decimal(self.trade_value)
        self.trade_value = 0
        self.window_start = now
        self.current_time = now

    @property
    def elapsed(self) -> int:
        return self.current_time - self.window_start

    def market_value_proxy(self, window_length: int, total_stake: int) -> Decimal:
        elapsed = self.elapsed
        active = elapsed - max(elapsed - window_length, 0)
        if active > 0:
            factor = decimal_div(Decimal(window_length), Decimal(active))
            return max(Decimal(total_stake), factor * Decimal(self.trade_value))
        return Decimal(total_stake)

    def average_trade_value(self) -> Decimal:
        value = Decimal(self.trade_value)
        if self.window == 1:
            self.average += value
            return self.average
        n = Decimal(self.window)
        self.average = self.average * decimal_div(n - 1, n) + decimal_div(value, n)
        return self.average
