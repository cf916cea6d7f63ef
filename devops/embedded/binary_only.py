"""vega-sim members that only mean something when Vega runs as separate binaries.

`EmbeddedVegaService` runs core and data node in the caller's process, so it has no
endpoint to give and no connection to check; these members fail with one line
saying why, instead of answering with a made-up address.
"""

from __future__ import annotations

from typing import Any, NoReturn


class BinaryOnlyError(NotImplementedError):
    """A vega-sim member that needs Vega's binaries, asked of the embedded service."""


def _refuse(name: str, reason: str) -> NoReturn:
    raise BinaryOnlyError(f"EmbeddedVegaService.{name} is not served: {reason}")


def binary_only_property(name: str, reason: str) -> Any:
    """A read-only property that refuses with `reason`."""

    def getter(self: object) -> NoReturn:
        _refuse(name, reason)

    return property(getter, doc=f"Not served: {reason}.")


def binary_only_method(name: str, reason: str) -> Any:
    """A method that refuses with `reason`, whatever its arguments."""

    def method(self: object, *args: object, **kwargs: object) -> NoReturn:
        _refuse(name, reason)

    method.__name__ = name
    method.__doc__ = f"Not served: {reason}."
    return method


NO_PROCESS = "core and data node run inside this process, so there is no {what} to connect to"
