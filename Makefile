PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test stack migrate install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: the all-in-one platform with demo data at http://127.0.0.1:8000
run: install
	$(PY) -m services.allinone

## test: the whole suite, against the real PostgreSQL and RabbitMQ
test: install
	$(PY) -m pytest -q

## stack: every service as its own processes against RabbitMQ and PostgreSQL (Ctrl-C stops it)
stack: install
	$(PY) -m services.stack

migrate: install
	$(PY) -m shared.migrate

clean:
	rm -rf $(VENV) var
