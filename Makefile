PYTHON ?= python3
# Test processes: every test has its own schemas, vhost and ports, and most of a test's time is
# spent waiting on a broker, a database or a child process, so three share two cores well.
TEST_WORKERS ?= 3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MICROWISH := $(VENV)/bin/microwish

.PHONY: run test stack migrate install clean deploy-files

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: the all-in-one platform with demo data at http://127.0.0.1:8000
run: install
	$(MICROWISH) run

## test: the whole suite, against the real PostgreSQL and RabbitMQ
test: install
	$(PY) -m pytest -q -n $(TEST_WORKERS) --durations=25

## stack: every service as its own processes against RabbitMQ and PostgreSQL (Ctrl-C stops it)
stack: install
	$(MICROWISH) stack

## migrate: bring every service's schema up to date (MICROWISH_* variables say where)
migrate: install
	$(MICROWISH) migrate

clean:
	rm -rf $(VENV) var

## deploy-files: regenerate the broker's definitions and the Kubernetes base from the code
deploy-files: install
	$(PY) -m services.ops.definitions > deploy/rabbitmq/definitions.json
	cp deploy/rabbitmq/definitions.json deploy/prometheus/alerts.yml deploy/k8s/base/files/
	$(PY) deploy/k8s/generate.py
