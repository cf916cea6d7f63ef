"""Deterministic identifiers: 64 hex characters, as Vega's, from a seed and a counter."""

from __future__ import annotations

import hashlib


class IdGenerator:
    """Each id is the SHA-256 of the seed and a running counter: same seed, same ids."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode()
        self._counter = 0

    def next(self) -> str:
        self._counter += 1
        return hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).hexdigest()
