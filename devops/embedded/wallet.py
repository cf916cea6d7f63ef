"""A wallet for the embedded nullchain: named keys, deterministic from the seed.

vega-sim's agents only need key names, public keys and `submit_transaction`.
Keys are Ed25519 key pairs derived from the service seed, the wallet name and
the key name, so a seed fixes every party id. Transactions are handed to the
node in submission order; nothing is signed, as on a null chain nothing checks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from nacl.encoding import HexEncoder
from nacl.signing import SigningKey
from vega_sim.wallet.base import DEFAULT_WALLET_NAME, Wallet

from devops.embedded.codec.transactions import Transaction, copy_command


class UnknownKeyError(KeyError):
    """A key name that was never created in that wallet."""

    def __str__(self) -> str:
        return str(self.args[0])


class EmbeddedWallet(Wallet):
    def __init__(self, seed: int, submit: Callable[[Transaction], None]) -> None:
        self._seed = seed
        self._submit = submit
        self.pub_keys: dict[str, dict[str, str]] = {}
        self.default_wallet_name = os.environ.get("VEGA_DEFAULT_WALLET_NAME", DEFAULT_WALLET_NAME)

    def _wallet(self, wallet_name: str | None) -> str:
        return wallet_name if wallet_name is not None else self.default_wallet_name

    def create_key(self, name: str, wallet_name: str | None = None) -> str:
        wallet = self._wallet(wallet_name)
        keys = self.pub_keys.setdefault(wallet, {})
        if name not in keys:
            verify_key = self._signing_key(wallet, name).verify_key
            keys[name] = verify_key.encode(encoder=HexEncoder).decode()
        return keys[name]

    def _signing_key(self, wallet: str, name: str) -> SigningKey:
        return SigningKey(hashlib.sha256(f"{self._seed}/{wallet}/{name}".encode()).digest())

    def signing_key(self, name: str, wallet_name: str | None = None) -> SigningKey:
        """The key pair behind `public_key`, for a wallet service that signs what it sends."""
        self.public_key(name=name, wallet_name=wallet_name)  # unknown keys fail as there
        return self._signing_key(self._wallet(wallet_name), name)

    def public_key(self, name: str | None, wallet_name: str | None = None) -> str:
        """`name` may be None, as vega-sim's optional key names are: no key has it."""
        wallet = self._wallet(wallet_name)
        key = self.pub_keys.get(wallet, {}).get(name) if name is not None else None
        if key is None:
            raise UnknownKeyError(
                f"no key named {name!r} in wallet {wallet!r}; create it first with "
                f"vega.create_key(name={name!r}, wallet_name={wallet!r})"
            )
        return key

    def submit_transaction(
        self,
        transaction: Any,
        key_name: str,
        transaction_type: str,
        wallet_name: str | None = None,
    ) -> None:
        party = self.public_key(name=key_name, wallet_name=wallet_name)
        self._submit(Transaction(party, transaction_type, copy_command(transaction)))

    def login(self, name: str, passphrase: str) -> str:
        """Nothing to unlock in an embedded wallet; answers as a logged-in session would."""
        return ""

    def stop(self) -> None:
        """Nothing runs in the background."""
