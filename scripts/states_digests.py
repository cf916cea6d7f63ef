"""Digests of every registry scenario's `states.jsonl` at seed 0 and its full length.

A refactor must leave these bytes unchanged; `tests/scenarios/test_states_digests.py`
compares each session's runs with the recorded digests. After a deliberate change of
behaviour, record the new ones: `uv run python scripts/states_digests.py --update`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

DIGESTS = Path(__file__).resolve().parent.parent / "tests" / "scenarios" / "states_digests.json"


def main() -> int:
    from devops.harness.registry import SCENARIOS
    from devops.harness.reports import states_jsonl
    from devops.harness.simulation import run_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the digests file")
    update = parser.parse_args().update
    recorded = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    found = {}
    for name in SCENARIOS:
        record = run_scenario(name, seed=0)
        found[name] = hashlib.sha256(states_jsonl(record).encode()).hexdigest()
        verdict = "same" if recorded.get(name) == found[name] else "DIFFERENT"
        print(f"{name:8} {found[name]}  {verdict}")
    if update:
        DIGESTS.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
        print(f"wrote {DIGESTS}")
        return 0
    return 0 if found == recorded else 1


if __name__ == "__main__":
    sys.exit(main())
