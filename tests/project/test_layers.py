"""The packages of `devops/` are layers, each importing only from itself and the layers below.

Bottom to top: the engine (Vega core, no vega-sim), the embedded service, the
fidelity runner, the harness, the local network, then the tools (sweep, bench)
and the entry modules (`devops.run`, `devops.networks`). Every import counts:
module level, inside functions, under `if TYPE_CHECKING:`, relative, and the
dynamic ones a constant string names (`importlib.import_module`, `__import__`,
`importlib.resources.files`, which imports the package it reads from). Packages
of one layer are siblings and do not import each other.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVOPS = ROOT / "devops"

# the layer of each part of `devops`, bottom (1) to top; the root package is below all
ROOT_PACKAGE = "devops"
LAYERS = {
    "engine": 1,
    "embedded": 2,
    "fidelity": 3,
    "harness": 4,
    "localnet": 5,
    "sweep": 6,
    "bench": 6,
    "run": 7,
    "networks": 7,
}
# third-party packages a part must not import, whatever its layer
FORBIDDEN = {"engine": frozenset({"vega_sim"})}

# calls that import the module a constant first argument names
_IMPORTING_CALLS = frozenset({"import_module", "__import__"})
# importlib.resources functions, which import the package they are given
_RESOURCE_CALLS = frozenset(
    {"files", "read_text", "read_binary", "open_text", "open_binary", "path", "contents"}
)


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One import a module may not make."""

    module: str
    line: int
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}: {self.reason}"


def part_of(module: str) -> str | None:
    """The layered part a `devops` module belongs to (`harness`, ...), the root, or None."""
    names = module.split(".")
    if names[0] != ROOT_PACKAGE:
        return None
    if len(names) == 1:
        return ROOT_PACKAGE
    return names[1]


def layer_of(part: str) -> int | None:
    return 0 if part == ROOT_PACKAGE else LAYERS.get(part)


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a relative import `from <level dots><target> import ...`."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _call_name(func: ast.expr) -> tuple[str, ...]:
    """`importlib.resources.files` as ("importlib", "resources", "files"); () if not a name."""
    names: list[str] = []
    while isinstance(func, ast.Attribute):
        names.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return ()
    names.append(func.id)
    return tuple(reversed(names))


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module `tree` imports, wherever the import is, with its line."""
    found: list[tuple[int, str]] = []
    # names bound to importlib's importing functions: `from importlib.resources import files`
    importers: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in ("importlib", "importlib.resources"):
                importers.update(
                    alias.asname or alias.name
                    for alias in node.names
                    if alias.name in _IMPORTING_CALLS | _RESOURCE_CALLS
                )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = (
                _resolve(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            if target == ROOT_PACKAGE:  # `from devops import harness` imports devops.harness
                found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Call) and node.args:
            argument = node.args[0]
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                continue
            name = _call_name(node.func)
            dynamic = bool(name) and (
                name[-1] in _IMPORTING_CALLS
                or (len(name) > 1 and name[-2] == "resources" and name[-1] in _RESOURCE_CALLS)
                or (len(name) == 1 and name[0] in importers)
            )
            if dynamic:
                found.append((node.lineno, argument.value))
    return sorted(found, key=lambda item: item[0])  # in the order of the source


def check_module(module: str, source: str, *, is_package: bool = False) -> list[Violation]:
    """The imports of `module` (whose code is `source`) that break the layering."""
    part = part_of(module)
    layer = None if part is None else layer_of(part)
    if part is None or layer is None:
        return [Violation(module, 0, module, "is in no layer; add it to LAYERS")]
    violations = []
    for line, imported in _imported_names(ast.parse(source), module, is_package):
        top = imported.split(".")[0]
        if top in FORBIDDEN.get(part, ()):
            violations.append(Violation(module, line, imported, f"{part} must not use {top}"))
            continue
        target = part_of(imported)
        if target is None or target == part:
            continue
        target_layer = layer_of(target)
        if target_layer is None:
            violations.append(Violation(module, line, imported, "is in no layer"))
        elif target_layer >= layer:
            violations.append(
                Violation(
                    module,
                    line,
                    imported,
                    f"{part} (layer {layer}) may import only layers below it, "
                    f"not {target} (layer {target_layer})",
                )
            )
    return violations


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name of a file under the project root, and whether it is a package."""
    relative = path.relative_to(ROOT).with_suffix("")
    is_package = relative.name == "__init__"
    parts = relative.parts[:-1] if is_package else relative.parts
    return ".".join(parts), is_package


@functools.cache
def project_violations() -> tuple[Violation, ...]:
    """Every violation in `devops/`, read once per test session."""
    violations = []
    for path in sorted(DEVOPS.rglob("*.py")):
        module, is_package = module_name(path)
        source = path.read_text(encoding="utf-8")
        violations.extend(check_module(module, source, is_package=is_package))
    return tuple(sorted(violations))


@pytest.mark.parametrize("part", sorted(LAYERS))
def test_each_part_imports_only_downward(part: str) -> None:
    found = [
        str(violation) for violation in project_violations() if part_of(violation.module) == part
    ]
    assert not found, "\n".join(found)


def test_every_module_is_in_a_layer() -> None:
    modules = [module_name(path)[0] for path in DEVOPS.rglob("*.py")]
    assert modules
    unlayered = sorted(module for module in modules if layer_of(part_of(module) or "") is None)
    assert not unlayered, unlayered


# ---- the checker itself can fail ------------------------------------------------------------


def _reported(module: str, source: str, *, is_package: bool = False) -> list[str]:
    return [violation.imported for violation in check_module(module, source, is_package=is_package)]


def test_an_upward_import_is_reported_wherever_it_is() -> None:
    source = """
from typing import TYPE_CHECKING

import devops.embedded.node
from devops.engine import types
from devops.harness import agent_keys

if TYPE_CHECKING:
    from devops.sweep.grid import Grid

def start() -> None:
    from devops.localnet.process import LocalNetworkProcess
"""
    assert _reported("devops.harness.synthetic", source) == [
        "devops.sweep.grid",
        "devops.localnet.process",
    ]


def test_relative_root_and_dynamic_imports_are_resolved() -> None:
    source = """
import importlib
from importlib import import_module
from importlib.resources import files as resource_files

from devops import localnet
from . import registry
from ..localnet import chain
from .. import bench

def later() -> None:
    importlib.import_module("devops.fidelity.world")
    import_module("devops.sweep")
    resource_files("devops.localnet")
    __import__("devops.bench.soak")
"""
    assert _reported("devops.embedded.synthetic", source) == [
        "devops.localnet",
        "devops.localnet",  # from ..localnet import chain
        "devops.bench",
        "devops.fidelity.world",
        "devops.sweep",
        "devops.localnet",
        "devops.bench.soak",
    ]
    # in a package's `__init__`, one dot is the package itself
    assert _reported("devops.harness", "from .registry import SCENARIOS\n", is_package=True) == []


def test_siblings_and_forbidden_third_parties_are_reported() -> None:
    assert _reported("devops.sweep.cli", "from devops.bench import soak\n") == ["devops.bench"]
    assert _reported("devops.bench.soak", "import devops.sweep.grid\n") == ["devops.sweep.grid"]
    engine = "import numpy\nfrom vega_sim.api import data\n"
    assert _reported("devops.engine.synthetic", engine) == ["vega_sim.api"]
    assert _reported("devops.embedded.synthetic", engine) == []  # vega-sim's own service


def test_downward_imports_and_unlayered_modules() -> None:
    source = "import devops\nfrom devops.harness import options\nfrom devops.engine import types\n"
    assert _reported("devops.localnet.synthetic", source) == []
    assert _reported("devops.run", "from devops.harness.cli import main\n") == []
    assert _reported("devops.newpart.module", "") == ["devops.newpart.module"]
