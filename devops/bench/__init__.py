"""Benchmarks: one table of figures, each with what it measures, its target and its checks."""
