# cookiecutter-fastapi-aws: `make demo` to try it, `make test` to check all of it.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
DEMO_DIR := $(CURDIR)/build/demo
PORT ?= 8000
PYTEST_WORKERS ?= auto
# The demo is rendered for the Python running make, so it needs no other interpreter.
PY_VERSION = $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PY_PATH = $(shell $(PYTHON) -c 'import sys; print(sys.executable)')

export UV
export PATH := $(TOOLS)/bin:$(PATH)

.PHONY: help demo test test-fast test-slow bench docs lint clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.venv: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PY_PATH)
	@touch .venv

demo: .venv ## Render the default project, with the web page, into build/demo and serve it on http://127.0.0.1:$(PORT)/
	@case "$(PY_VERSION)" in 3.11|3.12|3.13) ;; \
	  *) echo "make demo needs Python 3.11, 3.12 or 3.13 (found $(PY_VERSION)); set PYTHON=python3.12"; exit 2;; esac
	rm -rf $(DEMO_DIR)
	$(UV) run cookiecutter . --no-input --output-dir $(DEMO_DIR) python_version=$(PY_VERSION) frontend=static
	@echo "Serving the demo on SQLite: open http://127.0.0.1:$(PORT)/ (the page) or /docs (the API) (Ctrl-C stops it)"
	$(MAKE) -C $(DEMO_DIR)/acme-orders-api run PORT=$(PORT) UV_PYTHON=$(PY_PATH)

test: .venv ## Every test: hooks, every combination rendered, linted and type-checked, generated suites on SQLite and Postgres
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=30

test-fast: .venv ## Hooks and every combination rendered (no installs)
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not slow"

test-slow: .venv ## Lint, type check and run the generated projects' own test suites
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist worksteal -m slow

bench: .venv ## Print the benchmark figures of one covering generated project (needs TEST_DATABASE_URL)
	$(UV) run python -m tests.print_benchmarks

docs: .venv ## Build the documentation site into build/site (mkdocs, --strict, as the tests do)
	$(UV) run mkdocs build --strict --site-dir build/site

lint: .venv ## Lint the template's own code (hooks and tests)
	$(UV) run ruff check hooks tests
	$(UV) run ruff format --check hooks tests

clean: ## Remove the tool folders and build/ (the demo)
	rm -rf .tools .venv build
