# Every target installs what it needs first, so each works on a fresh clone.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
.PHONY: install pins test fidelity lint bench bench-long soak scenario networks localnet sweep
S ?= ETHUSD
# make sweep: seeds and extra options, e.g. SWEEP="--steps 60 --vary market_maker_args.order_levels=10,25"
SEEDS ?= 0:4
SWEEP ?= --steps 60

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --quiet

# the whole suite, and every registry scenario that passes deployed for 5 one-second steps
# to a local network started for it (over loopback gRPC and the wallet's HTTP API)
test: install
	$(UV) run pytest -n 2 --dist loadgroup --deploy-network=local --deploy-steps=5

scenario: install
	$(UV) run python -m devops.run -s $(S)

networks: install
	$(UV) run python -m devops.networks

localnet: install
	$(UV) run python -m devops.localnet -s $(S)

# after changing a dependency: pin every transitive version in pyproject.toml
pins: install
	$(UV) export --frozen --no-hashes --no-emit-project | $(UV) run python scripts/pin_dependencies.py

fidelity: install
	$(UV) run pytest tests/fidelity -n 2

lint: install
	$(UV) run ruff check devops tests conftest.py
	$(UV) run ruff format --check devops tests conftest.py
	$(UV) run mypy

bench: install
	$(UV) run python -m devops.bench

# 1,000 ETHUSD steps, then 10,000 three times, in fresh processes: memory and step time
# stay flat (about eight minutes)
bench-long: install
	$(UV) run python -m devops.bench long

# about twenty minutes here, not part of `make test`: long hypothesis searches and a 10,000-step run;
# SOAK="--scale 0.1" for a shorter one
soak: install
	$(UV) run python -m devops.bench.soak $(SOAK)

sweep: install
	$(UV) run python -m devops.sweep -s $(S) --seeds $(SEEDS) $(SWEEP)
