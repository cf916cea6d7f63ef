"""Step patterns and the functions that run them, as Vega's godog registrations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from devops.fidelity.features import Step
from devops.fidelity.table import StepError
from devops.fidelity.world import World

StepFunction = Callable[..., None]


@dataclass(frozen=True, slots=True)
class Registration:
    pattern: re.Pattern[str]
    function: StepFunction


REGISTRY: list[Registration] = []


def step(pattern: str) -> Callable[[StepFunction], StepFunction]:
    """Register `function(world, table, *groups)` for step texts matching `pattern`."""

    def register(function: StepFunction) -> StepFunction:
        REGISTRY.append(Registration(re.compile(pattern), function))
        return function

    return register


def run_step(world: World, current: Step) -> None:
    for registration in REGISTRY:
        match = registration.pattern.search(current.text)
        if match:
            registration.function(world, current.table, *match.groups())
            return
    raise StepError(f"unsupported step: {current.text}")
