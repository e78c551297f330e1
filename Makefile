# Quick start:  make demo   (install, train on built-in data, write samples, evaluate them)
#               make test   (install with test extras, run the test suite under TensorFlow, then under JAX)
PYTHON ?= python3
VENV ?= .venv
JAX_VENV ?= .venv-jax
BIN := $(VENV)/bin
JAX_BIN := $(JAX_VENV)/bin
INSTALLED := $(VENV)/.installed
JAX_INSTALLED := $(JAX_VENV)/.installed

.PHONY: install demo lfp-demo test test-tensorflow test-jax benchmark docker clean

# TensorFlow (the default backend), with JAX beside it for the cross-backend tests.
$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[tensorflow,jax,test,tuning]'
	touch $@

# JAX alone: proves the package installs, trains and evaluates with no TensorFlow.
$(JAX_INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(JAX_VENV)
	$(JAX_BIN)/pip install --quiet --upgrade pip
	$(JAX_BIN)/pip install --quiet -e '.[jax,test,tuning]'
	touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	PYTHON=$(BIN)/python OUT=runs/demo sh scripts/demo.sh

# The LFP GAN on built-in data: pre-train the autoencoders, train the GAN with and without them, Table 5.1.
lfp-demo: $(INSTALLED)
	$(BIN)/python -m lfp.pretrain --config demo --out runs/lfp-demo
	$(BIN)/python -m lfp.train --config demo --out runs/lfp-demo --init pretrained
	$(BIN)/python -m lfp.train --config demo --out runs/lfp-demo --init scratch
	$(BIN)/python -m lfp.evaluate --run runs/lfp-demo

test: test-tensorflow test-jax

test-tensorflow: $(INSTALLED)
	$(BIN)/python -m pytest -q

test-jax: $(JAX_INSTALLED)
	KERAS_BACKEND=jax $(JAX_BIN)/python -m pytest -q -m backend

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/train_step.py
	$(BIN)/python benchmarks/evaluate.py

docker:
	docker build --target cpu -t calciumgan:cpu .

clean:
	rm -rf $(VENV) $(JAX_VENV) runs
