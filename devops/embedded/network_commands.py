"""Vega's spam policy for transfers (`spam.protection.maxUserTransfersPerEpoch`)."""

from __future__ import annotations

from devops.embedded.codec.transactions import CommandError
from devops.engine.network import Network


class TransferLimit:
    """Vega's simple spam policy for transfers: at most N per party per epoch."""

    def __init__(self, network: Network) -> None:
        self._network = network
        self._epoch = -1
        self._counts: dict[str, int] = {}

    def admit(self, party: str) -> None:
        epoch = self._network.epochs.seq
        if epoch != self._epoch:
            self._epoch, self._counts = epoch, {}
        limit = self._network.engine.netparams.get_int("spam.protection.maxUserTransfersPerEpoch")
        if self._counts.get(party, 0) >= limit:
            raise CommandError(
                "party has already submitted the maximum number of transfer requests per epoch"
            )
        self._counts[party] = self._counts.get(party, 0) + 1
