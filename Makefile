# Pitchstream developer entry points. `make help` lists them.
#
# The integration tests start their own Kafka broker (tests/kafka_fixture.py: $KAFKA_BOOTSTRAP_SERVERS,
# else testcontainers when Docker answers, else processors.devtools.devbroker on the local JVM);
# `make test` itself starts none. For a broker of your own while developing:
#     export $(make -s broker-start)     # sets KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:PORT
#     make broker-stop

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
BROKER_DIR := .broker
COV := --cov=domain --cov=contracts --cov=processors --cov-report=term-missing:skip-covered
PYTEST_ARGS ?=
# Two test processes (pytest-xdist), whole files each: the integration tests mostly wait on
# brokers and workers, so the fault suite (sent first, tests/conftest.py) runs beside the rest.
TEST_WORKERS ?= 2
PIP_FLAGS := --disable-pip-version-check --no-input --progress-bar off

.PHONY: help venv jars tools test test-unit lint broker-start broker-stop demo clean distclean

help:
	@echo "make venv          create .venv and install pitchstream[dev] with constraints.txt"
	@echo "make jars          fetch the Kafka jars (once) into the user cache"
	@echo "make tools         install jq, kcat and curl (apt-get) when missing; the README test runs them"
	@echo "make test          all tests with coverage (starts its own broker if needed)"
	@echo "make test-unit     unit and adapter tests only, no broker"
	@echo "make lint          ruff check, ruff format --check, mypy domain contracts (strict) processors"
	@echo "make broker-start  detached dev broker in $(BROKER_DIR)/ (prints KAFKA_BOOTSTRAP_SERVERS=...)"
	@echo "make broker-stop   stop it"
	@echo "make demo          run processors.devtools.demo"
	@echo "make faults        fault-injection suite: kills, broker restarts, hostile requests"
	@echo "make bench         benchmarks against baselines (bench/README.md)"
	@echo "make clean         stop the dev broker, remove its state and tool caches"
	@echo "make distclean     clean, and remove .venv"

venv: $(VENV)/.installed

# Re-installs only when pyproject.toml or constraints.txt changed.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev]'
	touch $@

# Instant once the jars are cached (marker file); standard library only, no venv needed.
jars:
	$(PYTHON) -m processors.devtools.devbroker jars

test: venv jars tools
	$(VPY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(COV) $(PYTEST_ARGS)

# Command-line tools the README's commands use (tests/integration/test_readme.py runs them):
# kcat from the distribution when missing (as root, or with sudo that needs no password).
tools:
	@command -v jq >/dev/null && command -v kcat >/dev/null && command -v curl >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
		echo "make tools: installing jq, kcat and curl with apt-get"; \
		$$SUDO apt-get install -y -q jq kcat curl >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q jq kcat curl >/dev/null; } || \
		echo "make tools: could not install jq, kcat and curl: install them yourself (the README test needs them)"; }

test-unit: venv
	$(VPY) -m pytest tests/unit tests/adapters $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy domain contracts processors

# No `jars` prerequisite: `start` fetches them itself and prints only KAFKA_BOOTSTRAP_SERVERS=...
broker-start:
	@$(PYTHON) -m processors.devtools.devbroker start --state-dir $(BROKER_DIR)

broker-stop:
	@$(PYTHON) -m processors.devtools.devbroker stop --state-dir $(BROKER_DIR)

demo: venv jars
	$(VPY) -m processors.devtools.demo

clean: broker-stop
	rm -rf $(BROKER_DIR) build dist .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

.PHONY: kloppy-check
# Start locations of passes and shots (StatsBomb, Wyscout, Stats Perform) against kloppy's (an independent reader).
kloppy-check: venv
	@$(VPY) -c 'import kloppy' 2>/dev/null || \
		$(VENV)/bin/pip install $(PIP_FLAGS) -c constraints.txt -e '.[bench]'
	$(VPY) -m bench.kloppy_agreement

# The benchmark (bench/README.md): our pipeline beside kloppy and a plain producer, one run.
.PHONY: bench
BENCH_ARGS ?=
bench: venv jars
	@$(VPY) -c 'import kloppy, pyinstrument' 2>/dev/null && test -x $(VENV)/bin/py-spy || \
		$(VENV)/bin/pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev,bench]'
	$(VPY) -m bench.run $(BENCH_ARGS)

# The fault-injection suite on a broker of its own: kill -9 the worker 20 times, restart the
# broker twice, feed 1000 hypothesis-generated hostile requests; prints one summary line.
.PHONY: faults
faults: venv jars
	$(VPY) -m tests.faults.suite $(FAULTS_ARGS)
