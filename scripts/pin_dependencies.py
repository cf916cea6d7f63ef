"""Rewrite `[tool.uv] constraint-dependencies` in pyproject.toml from the current resolution.

`uv.lock` is not committed, so the exact version of every transitive dependency is
kept in pyproject.toml instead: a fresh clone's `uv sync` then installs exactly the
versions the suite was tested with. Run `make pins` after changing a dependency; it
pipes `uv export --frozen --no-hashes --no-emit-project` into this script.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
BLOCK = re.compile(r"constraint-dependencies = \[\n(?:    .*\n)*?\]\n")
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)(\s*;\s*(.+))?$")


def resolution(text: str) -> list[str]:
    """Every package of `uv export`'s text as `name==version` (with its marker, if any)."""
    pins = []
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            name, version, _, marker = match.groups()
            pins.append(f"{name}=={version}" + (f"; {marker}" if marker else ""))
    return sorted(pins, key=str.lower)


def main() -> int:
    pins = resolution(sys.stdin.read())
    if not pins:
        print("no resolution on standard input: pipe `uv export` into this", file=sys.stderr)
        return 1
    block = "constraint-dependencies = [\n" + "".join(f'    "{p}",\n' for p in pins) + "]\n"
    text = PYPROJECT.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("pyproject.toml has no constraint-dependencies block", file=sys.stderr)
        return 1
    PYPROJECT.write_text(BLOCK.sub(lambda _: block, text, count=1), encoding="utf-8")
    print(f"{len(pins)} versions pinned in {PYPROJECT.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
