"""What an operator has done before agents trade on a network: market open, keys funded.

A few simulated steps of the registry scenario itself do it on an embedded
service: the market manager proposes and enacts the market, the auction traders
take it out of its opening auction, the market maker starts quoting, and every
agent's key is created and funded from the faucet (the market settler only
submits oracle data and holds nothing). The market is not settled at the end.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from devops.harness.registry import SCENARIOS

PREPARATION_STEPS = 6


def prepare_local_network(vega: Any, name: str, seed: int) -> None:
    """Run the first `PREPARATION_STEPS` steps of scenario `name` on `vega`."""
    scenario = SCENARIOS[name]()
    scenario.market_manager_args = replace(scenario.market_manager_args, settle_at_end=False)
    scenario.simulation_args = replace(scenario.simulation_args, n_steps=PREPARATION_STEPS)
    scenario.run_iteration(
        vega=vega, random_state=np.random.RandomState(seed), run_with_snitch=False, seed=seed
    )
