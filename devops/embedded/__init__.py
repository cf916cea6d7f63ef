"""The embedded nullchain: Vega core rules in-process, behind vega-sim's VegaService."""

from devops.embedded.service import EmbeddedVegaService

__all__ = ["EmbeddedVegaService"]
