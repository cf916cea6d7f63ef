"""Fast checks of the benchmark code: each runs at a tiny size and its self-checks hold."""
