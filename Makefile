# Every target installs what it needs first, so each works on a fresh clone.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
.PHONY: install test fidelity lint bench scenario networks
S ?= ETHUSD

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --quiet

test: install
	$(UV) run pytest -n 2 --dist loadgroup

scenario: install
	$(UV) run python -m devops.run -s $(S)

networks: install
	$(UV) run python -m devops.networks

fidelity: install
	$(UV) run pytest tests/fidelity -n 2

lint: install
	$(UV) run ruff check devops tests conftest.py

bench: install
	$(UV) run python -m devops.bench
