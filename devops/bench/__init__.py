"""Benchmarks: throughput and memory figures printed as `name value unit` lines."""
