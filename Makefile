# Quick start:  make demo   (install, train on built-in data, write samples, evaluate them)
#               make test   (install with test extras, run the test suite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test benchmark docker clean

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/python -m calciumgan.train --config demo --out runs/demo
	$(BIN)/python -m calciumgan.generate --run runs/demo --num-samples 256 --out runs/demo/samples.h5
	$(BIN)/python -m calciumgan.evaluate --run runs/demo

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/train_step.py
	$(BIN)/python benchmarks/evaluate.py

docker:
	docker build -t calciumgan .

clean:
	rm -rf $(VENV) runs
