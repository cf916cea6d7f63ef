"""Bookkeeping a market delegates, as Vega core's `execution/common`."""
