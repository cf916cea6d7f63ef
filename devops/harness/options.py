"""One check for each value a user types, shared by the CLI and the pytest plugin.

Each function takes the text a user gave and returns the value to use, or raises
`argparse.ArgumentTypeError` with one line saying what was given and what is
allowed. That makes them argparse `type=` callables: argparse (and pytest, which
parses its options with argparse) prefixes the option's name and stops before
anything runs. This module imports nothing heavy, so `pytest --help` stays fast.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path

from devops.harness.thresholds import ScenarioExpectations

# the single definitions; the runner and the deploy code must agree with them
BACKENDS = ("embedded", "nullchain")
# the shared networks `python -m devops.networks` fetches configs for
LIVE_NETWORKS = ("stagnet1", "stagnet2", "stagnet3", "fairground")
# the local network (`python -m devops.localnet`): the name a user gives (`-n local`) and
# its config file's `Name`
LOCAL_NETWORK_NAME = "local"
NETWORKS = (*LIVE_NETWORKS, LOCAL_NETWORK_NAME)
# numpy's RandomState takes seeds up to 2**32 - 1
MAX_SEED = 2**32 - 1


def _refuse(problem: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(problem)


def _whole_number(text: str | int) -> int | None:
    """The integer `text` spells, or None; "3.0" and "1e3" are not whole numbers here."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    try:
        return int(str(text).strip(), 10)
    except ValueError:
        return None


def positive_int(text: str | int) -> int:
    """A count such as steps or seconds per step: a whole number of at least 1."""
    value = _whole_number(text)
    if value is None or value < 1:
        raise _refuse(f"must be a whole number of at least 1, got {str(text)!r}")
    return value


def seed(text: str | int) -> int:
    """A run's seed: a whole number numpy's random state accepts."""
    value = _whole_number(text)
    if value is None or not 0 <= value <= MAX_SEED:
        raise _refuse(f"must be a whole number from 0 to {MAX_SEED}, got {str(text)!r}")
    return value


def one_of(kind: str, names: Iterable[str]) -> Callable[[str], str]:
    """A check accepting one of `names` in any case and returning it as spelled there."""
    spelled = {name.lower(): name for name in names}

    def check(text: str) -> str:
        name = spelled.get(str(text).strip().lower())
        if name is None:
            raise _refuse(
                f"unknown {kind} {str(text)!r}; choose one of {', '.join(spelled.values())}"
            )
        return name

    check.__name__ = kind  # argparse names the check in some messages
    return check


def network_name(text: str) -> str:
    """A network name in any case, returned in lower case."""
    name = str(text).strip().lower()
    if name not in NETWORKS:
        raise _refuse(f"unknown network {str(text)!r}; choose one of {', '.join(NETWORKS)}")
    return name


def backend_name(text: str) -> str:
    """Where a scenario is simulated, in any case, returned in lower case."""
    name = str(text).strip().lower()
    if name not in BACKENDS:
        raise _refuse(f"unknown backend {str(text)!r}; choose one of {', '.join(BACKENDS)}")
    return name


def market_name(text: str) -> str:
    """A market's name on a network: any non-blank text, trimmed."""
    name = str(text).strip()
    if not name:
        raise _refuse(f"must name a market, got {str(text)!r}")
    return name


def folder(text: str) -> Path:
    """A folder to write into: it may not exist yet, but nothing on its path may be a file."""
    if not str(text).strip():
        raise _refuse(f"must name a folder, got {str(text)!r}")
    path = Path(text)
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                raise _refuse(f"{str(part)!r} is a file, not a folder; give a folder")
            break
    return path


run_logs_folder = folder  # the folder reports go in


def _expectation_value(name: str, kind: type, text: str) -> int | float:
    """A threshold's value: of its field's kind, finite and not negative."""
    value: int | float | None
    if kind is int:
        value, allowed = _whole_number(text), "a whole number of at least 0"
    else:
        try:
            value = float(text)
        except ValueError:
            value = None
        allowed = "a finite number of at least 0"
    if value is None or not math.isfinite(value) or value < 0:
        raise _refuse(f"{name} must be {allowed}, got {text!r}")
    return value


def expectation_override(text: str) -> str:
    """`NAME=VALUE` overriding one invariant threshold; returned as trimmed `NAME=VALUE`."""
    name, sep, value = str(text).partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise _refuse(f"wants NAME=VALUE, got {str(text)!r}")
    # by declared type, so a float threshold whose default is written 1 still takes 1.5
    known = {
        item.name: int if item.type in ("int", int) else float
        for item in fields(ScenarioExpectations)
    }
    if name not in known:
        raise _refuse(f"unknown expectation {name!r}; known: {', '.join(sorted(known))}")
    _expectation_value(name, known[name], value)
    return f"{name}={value}"


def distinct_overrides(overrides: Iterable[str]) -> None:
    """Raise ValueError when one threshold is overridden twice: which value was meant?"""
    seen: dict[str, str] = {}
    for override in overrides:
        name, _, value = override.partition("=")
        if name in seen and seen[name] != value:
            raise ValueError(
                f"--expect {name} given twice ({seen[name]} and {value}); give it once"
            )
        seen[name] = value
