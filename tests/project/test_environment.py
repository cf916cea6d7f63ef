"""The project environment carries vega-sim without the reinforcement-learning stack."""

import importlib.util


def test_torch_is_not_installed() -> None:
    # vega-sim's unconditional sb3-contrib requirement is overridden away in pyproject.toml;
    # if it came back, torch (and gigabytes of CUDA wheels) would be importable here.
    assert importlib.util.find_spec("torch") is None
    assert importlib.util.find_spec("sb3_contrib") is None


def test_vega_sim_protos_import() -> None:
    from vega_sim.proto.vega.events.v1 import events_pb2

    assert events_pb2.BusEvent.DESCRIPTOR.name == "BusEvent"
