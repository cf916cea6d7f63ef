"""A long run freezes its survivors every N steps and unfreezes them when it ends."""

from __future__ import annotations

import gc
import weakref

import pytest

from devops.harness.long_runs import history_kept_frozen


def test_survivors_are_frozen_every_n_steps_and_unfrozen_at_the_end() -> None:
    callbacks: list = []
    kept = [[n] for n in range(1_000)]  # tracked containers that survive the steps
    with history_kept_frozen(callbacks, every=3):
        (freezer,) = callbacks
        freezer()
        freezer()
        assert gc.get_freeze_count() == 0
        freezer()
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_a_failed_run_unfreezes_too() -> None:
    callbacks: list = []
    with pytest.raises(RuntimeError), history_kept_frozen(callbacks, every=1):
        callbacks[0]()
        assert gc.get_freeze_count() > 0
        raise RuntimeError("the run broke")
    assert gc.get_freeze_count() == 0


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_an_earlier_runs_garbage_is_collected_before_this_run_freezes() -> None:
    gc.disable()  # no collection may happen on its own between here and the run's start
    try:
        garbage = _Node()
        gone = weakref.ref(garbage)
        del garbage
        assert gone() is not None  # unreachable, yet alive until a collection
        callbacks: list = []
        with history_kept_frozen(callbacks, every=1):
            callbacks[0]()
            assert gone() is None  # collected, not frozen with this run's survivors
    finally:
        gc.enable()
