"""The embedded layer's two rules, read from its source.

1. Proto conversion lives in `devops/embedded/codec/` only: no other module
   imports vega-sim's `vega_sim.proto` packages, names a `*_pb2` module or
   builds a message (`type(message)()`, `CopyFrom`, `MergeFrom`...).
2. The client-facing read paths (the clients, the data node's query modules)
   read the data node's stores, never the engine or the node behind them.

Each scanner is also run on a snippet that breaks its rule, so a scanner that
finds nothing cannot pass unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EMBEDDED = Path(__file__).resolve().parents[2] / "devops" / "embedded"
CODEC = EMBEDDED / "codec"
# what answers clients: the clients themselves and the queries they delegate to
CLIENT_READ_PATHS = (
    EMBEDDED / "clients.py",
    EMBEDDED / "datanode" / "history.py",
    EMBEDDED / "datanode" / "network_queries.py",
)
_MESSAGE_METHODS = {"CopyFrom", "MergeFrom", "ParseFromString", "SerializeToString", "ClearField"}
# attributes that lead to the node and the engine's live state (a store's own `markets`
# and `network` are the data node's stores, so those names are not among them)
_ENGINE_ATTRIBUTES = {"engine", "node", "collateral", "governance", "netparams", "book", "staking"}
_ENGINE_NAMES = {"engine", "node"}


def proto_violations(source: str) -> list[str]:
    """Where `source` imports vega-sim's protos or builds or copies a message."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}"
                for a in node.names
                if a.name.startswith("vega_sim.proto")
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.startswith("vega_sim.proto") or (
                module == "vega_sim" and any(a.name == "proto" for a in node.names)
            ):
                found.append(f"line {node.lineno}: from {module} import ...")
        elif isinstance(node, ast.Name) and node.id.endswith("_pb2"):
            found.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and (
            node.attr in _MESSAGE_METHODS or node.attr.endswith("_pb2")
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Name)
            and node.func.func.id == "type"
        ):
            found.append(f"line {node.lineno}: type(...)()")
    return found


def engine_references(source: str) -> list[str]:
    """Where `source` imports the engine or reaches for the node or engine state.

    Imports for type checking only (`if TYPE_CHECKING:`) name record types, not state.
    """
    tree = ast.parse(source)
    typing_only = {
        id(inner)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(block)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("devops.engine"):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}"
                for a in node.names
                if a.name.startswith("devops.engine")
            ]
        elif isinstance(node, ast.Attribute) and node.attr in _ENGINE_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in _ENGINE_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
    return found


def _outside_codec() -> list[Path]:
    modules = sorted(p for p in EMBEDDED.rglob("*.py") if CODEC not in p.parents)
    assert len(modules) > 10  # the walk found the package
    return modules


@pytest.mark.parametrize("path", _outside_codec(), ids=lambda p: str(p.relative_to(EMBEDDED)))
def test_no_proto_conversion_outside_codec(path: Path) -> None:
    assert proto_violations(path.read_text()) == []


@pytest.mark.parametrize("path", CLIENT_READ_PATHS, ids=lambda p: p.name)
def test_client_reads_go_through_the_stores(path: Path) -> None:
    assert engine_references(path.read_text()) == []


def test_codec_is_where_the_protos_are() -> None:
    """The rule is about something: codec does import and build vega-sim's messages."""
    assert any(proto_violations(p.read_text()) for p in CODEC.glob("*.py"))


@pytest.mark.parametrize(
    "snippet",
    [
        "from vega_sim.proto.vega import vega_pb2",
        "import vega_sim.proto.vega as protos",
        "from vega_sim import proto",
        "x = vega_pb2.Order(id='1')",
        "message.details.CopyFrom(details)",
        "duplicate = type(message)()",
    ],
)
def test_proto_scanner_finds_conversions(snippet: str) -> None:
    assert proto_violations(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "from devops.engine.types import Side",
        "self._engine = store.node.engine",
        "market = self._store.node.engine.markets[market_id]",
        "accounts = self._store.collateral.accounts",
        "balance = node.vega_time",
    ],
)
def test_engine_scanner_finds_engine_reads(snippet: str) -> None:
    assert engine_references(snippet)
