# Two commands on a fresh machine: `make setup` (virtualenv, tools, generate), then `make test`.
# An active virtualenv is used as it is; otherwise one is made in .venv.
PYTHON ?= python3
VENV ?= $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),.venv)
BIN := $(VENV)/bin
PY := $(BIN)/python
CLIENT := generated/client
# The client runtime's source: plain Python, copied unchanged into the generated package.
RUNTIME := templates/client/src/{{api.package}}

.PHONY: setup generate check test lint bench clean sync-twins

setup:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m generator
	$(PY) -m pip install --quiet -e ./$(CLIENT)

# `make generate FORCE=1` passes --force (see the README's Errors section).
generate:
	$(PY) -m generator $(if $(FORCE),--force)

check:
	$(PY) -m generator --check

test:
	$(PY) -m pytest

lint:
	$(BIN)/ruff check generator tests
	$(BIN)/mypy --strict generator
	$(BIN)/ruff check --config $(CLIENT)/pyproject.toml "$(RUNTIME)/_runtime"
	cd "$(RUNTIME)" && $(abspath $(BIN))/mypy --strict --python-version 3.10 --cache-dir /dev/null _runtime
	$(BIN)/black --check -q -l 100 -t py310 "$(RUNTIME)/_runtime"
	$(PY) -m generator.sync_twins --check
	cd $(CLIENT) && $(abspath $(BIN))/ruff check --no-cache . && $(abspath $(BIN))/mypy --strict src
	$(BIN)/ruff check --no-cache --isolated --select E,F,W,I,B --line-length 120 --ignore E501 generated/tests
	$(BIN)/ruff check benchmarks

# After editing the runtime's asynchronous client: derive its synchronous twin (see README).
sync-twins:
	$(PY) -m generator.sync_twins

bench:
	$(PY) -m benchmarks.run

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache benchmarks/.work
