"""Who trades in a scenario: one wallet, one named key per agent.

Every agent signs with its own key so its orders, positions and accounts can be
told apart in a run's records. The key names are fixed here, in one place, because
a live network run can only use keys that already exist in the local wallet:

    market_creator, market_settler, market_maker,
    auction_trader_a, auction_trader_b,
    random_trader_a, random_trader_b, random_trader_c,
    momentum_trader_a, momentum_trader_b, momentum_trader_c, momentum_trader_d,
    momentum_trader_e,
    sensitive_trader_a, sensitive_trader_b, sensitive_trader_c

Live-network set-up, done once by hand with the Vega wallet command line: create a
wallet (in the style of `vega wallet create -w devops`), then generate one key per
name above in that wallet, giving each key its name as the `name` metadata (the
wallet's `key generate` command with `--meta "name:market_maker"`, and so on), and
fund the keys. Then export `VEGA_USER_WALLET_NAME=devops` and put the wallet's
passphrase in `VEGA_USER_WALLET_PASS` for the run. On a network the scenario never
creates or funds keys itself; it only signs with the ones it finds.

On simulated backends the keys are created on the fly, in the wallet the same
variable names; the embedded wallet derives party identifiers from the seed, the
wallet name and the key name, so keep the wallet name fixed to compare runs.

The passphrase is read only when asked for and comes wrapped in `Passphrase`, so
it never appears in a `repr`, a log line or an assertion message by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

WALLET_NAME_ENV = "VEGA_USER_WALLET_NAME"
WALLET_PASS_ENV = "VEGA_USER_WALLET_PASS"
DEFAULT_WALLET_NAME = "vega-market-sim"

MARKET_CREATOR = "market_creator"
MARKET_SETTLER = "market_settler"
MARKET_MAKER = "market_maker"
AUCTION_TRADERS = ("auction_trader_a", "auction_trader_b")
RANDOM_TRADERS = ("random_trader_a", "random_trader_b", "random_trader_c")
MOMENTUM_TRADERS = (
    "momentum_trader_a",
    "momentum_trader_b",
    "momentum_trader_c",
    "momentum_trader_d",
    "momentum_trader_e",
)
SENSITIVE_TRADERS = ("sensitive_trader_a", "sensitive_trader_b", "sensitive_trader_c")


class MissingPassphraseError(RuntimeError):
    """The wallet passphrase was needed but the environment does not provide it."""


@dataclass(frozen=True, slots=True)
class AgentKey:
    """The wallet and key an agent signs with."""

    wallet_name: str
    key_name: str


@dataclass(frozen=True, slots=True)
class AgentKeys:
    """Every agent's key, grouped the way the scenario builds its agents."""

    market_creator: AgentKey
    market_settler: AgentKey
    market_maker: AgentKey
    auction_traders: tuple[AgentKey, ...]
    random_traders: tuple[AgentKey, ...]
    momentum_traders: tuple[AgentKey, ...]
    sensitive_traders: tuple[AgentKey, ...]

    def all(self) -> tuple[AgentKey, ...]:
        """All keys, in the order agents are initialised."""
        return (
            self.market_creator,
            self.market_settler,
            self.market_maker,
            *self.auction_traders,
            *self.random_traders,
            *self.momentum_traders,
            *self.sensitive_traders,
        )


class Passphrase:
    """A secret whose text only `reveal()` gives; printing it shows a mask."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return "Passphrase(<hidden>)"

    __str__ = __repr__


def wallet_name() -> str:
    """The wallet agents sign with, read from the environment at call time."""
    return os.environ.get(WALLET_NAME_ENV) or DEFAULT_WALLET_NAME


def wallet_passphrase() -> Passphrase | None:
    """The wallet passphrase, read at call time, or None when it is not set."""
    text = os.environ.get(WALLET_PASS_ENV)
    return Passphrase(text) if text else None


def require_wallet_passphrase() -> Passphrase:
    """The passphrase a live-network run cannot start without."""
    passphrase = wallet_passphrase()
    if passphrase is None:
        raise MissingPassphraseError(
            f"set {WALLET_PASS_ENV} to the passphrase of wallet {wallet_name()!r} "
            "to run against a live network"
        )
    return passphrase


def all_key_names() -> tuple[str, ...]:
    """Every key name a wallet must hold, in the order agents are initialised."""
    return (
        MARKET_CREATOR,
        MARKET_SETTLER,
        MARKET_MAKER,
        *AUCTION_TRADERS,
        *RANDOM_TRADERS,
        *MOMENTUM_TRADERS,
        *SENSITIVE_TRADERS,
    )


def agent_key(key_name: str, wallet: str | None = None) -> AgentKey:
    """`key_name` in `wallet` (default: the wallet named by the environment)."""
    return AgentKey(wallet if wallet is not None else wallet_name(), key_name)


def agent_keys(wallet: str | None = None) -> AgentKeys:
    """Every agent's key in `wallet` (default: the wallet named by the environment)."""
    name = wallet if wallet is not None else wallet_name()

    def keys(names: tuple[str, ...]) -> tuple[AgentKey, ...]:
        return tuple(AgentKey(name, key) for key in names)

    return AgentKeys(
        market_creator=AgentKey(name, MARKET_CREATOR),
        market_settler=AgentKey(name, MARKET_SETTLER),
        market_maker=AgentKey(name, MARKET_MAKER),
        auction_traders=keys(AUCTION_TRADERS),
        random_traders=keys(RANDOM_TRADERS),
        momentum_traders=keys(MOMENTUM_TRADERS),
        sensitive_traders=keys(SENSITIVE_TRADERS),
    )


def all_agent_keys(wallet: str | None = None) -> tuple[AgentKey, ...]:
    """Every key a live wallet must hold for a scenario to run against a network."""
    return agent_keys(wallet).all()
