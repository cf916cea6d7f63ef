"""Each registry scenario's per-step state, byte for byte, as recorded before refactors.

The digests in `states_digests.json` pin seed 0 at each scenario's full length on the
embedded backend. A refactor that changes one byte fails here; a deliberate change of
behaviour records new digests with `scripts/states_digests.py --update`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from devops.harness.pytest_plugin import Simulation
from devops.harness.reports import states_jsonl

DIGESTS = json.loads((Path(__file__).parent / "states_digests.json").read_text())


def test_states_bytes_unchanged(scenario_run: Simulation, request: pytest.FixtureRequest) -> None:
    key = scenario_run.key
    if key.seed != 0 or request.config.getoption("--scenario-steps") is not None:
        pytest.skip("the digests pin seed 0 at each scenario's full length")
    if key.backend != "embedded":
        pytest.skip("the digests pin the embedded backend")
    digest = hashlib.sha256(states_jsonl(scenario_run.record).encode()).hexdigest()
    assert digest == DIGESTS[key.scenario], (
        f"{key.scenario}: states.jsonl changed ({digest}); "
        "if the change is meant, run scripts/states_digests.py --update"
    )
