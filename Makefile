# The two commands of README.md. Each creates .venv if missing and installs what it needs with
# constraints.txt (torch pinned to the CPU build this project is tested on).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test typecheck bench install-serve install-all clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed-serve: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e ".[serve]"
	touch $@

$(VENV)/.installed-all: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e ".[all]"
	touch $@ $(VENV)/.installed-serve

install-serve: $(VENV)/.installed-serve
install-all: $(VENV)/.installed-all

## run: the main job: the moderation HTTP API on the shipped default model, open mode, on 127.0.0.1.
run: install-serve
	$(BIN)/grooming-detect serve --open --host $(HOST) --port $(PORT)

## test: lint, the import contract, type-check, then the whole test suite.
test: install-all
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MAKE) typecheck
	$(BIN)/python -m pytest

## typecheck: mypy over the three packages, under the names they install as (see [tool.mypy] in pyproject.toml).
typecheck: install-all
	mkdir -p build/typecheck
	ln -sfn ../../training build/typecheck/grooming_detect_training
	ln -sfn ../../evaluation build/typecheck/grooming_detect_evaluation
	$(BIN)/python -m mypy

bench: install-all
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis build *.egg-info
