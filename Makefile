# Two commands on a fresh machine: `make setup` (virtualenv, tools, generate), then `make test`.
# An active virtualenv is used as it is; otherwise one is made in .venv.
PYTHON ?= python3
VENV ?= $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),.venv)
BIN := $(VENV)/bin
PY := $(BIN)/python
CLIENT := generated/client
# The client runtime's source: plain Python, copied unchanged into the generated package.
RUNTIME := templates/client/src/{{api.package}}

# The OpenAPI linters, from the npm registry, pinned in package.json / package-lock.json.
NODE_BIN := node_modules/.bin
LINTED_SPECS := spec/*.yaml generated/openapi.yaml generated/openapi.json
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_NOTIFICATIONS := true

.PHONY: setup generate check test lint lint-spec bench clean sync-twins

setup:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PY) -m generator
	$(PY) -m pip install --quiet -e ./$(CLIENT)

# `make generate FORCE=1` passes --force (see the README's Errors section).
generate:
	$(PY) -m generator $(if $(FORCE),--force)

check:
	$(PY) -m generator --check

# One worker per core (pytest-xdist); `pytest` alone runs in one process.
test:
	$(PY) -m pytest -n auto

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
	$(MAKE) --no-print-directory lint-spec

# Redocly's recommended rules and Spectral's spectral:oas on every spec file and on the bundle:
# 0 errors; accepted warnings are listed in redocly.yaml, .redocly.lint-ignore.yaml, .spectral.yaml.
lint-spec:
	$(NODE_BIN)/redocly lint --format=summary $(LINTED_SPECS)
	$(NODE_BIN)/spectral lint --fail-severity=warn $(LINTED_SPECS)

# After editing the runtime's asynchronous client: derive its synchronous twin (see README).
sync-twins:
	$(PY) -m generator.sync_twins

bench:
	$(PY) -m benchmarks.run

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache benchmarks/.work
