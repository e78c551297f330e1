# Quick start:  make demo        (install, train on built-in data, write samples, evaluate them)
#               make test        (install with test extras, run the whole suite under TensorFlow, then the backend lane under JAX)
#               make test-fast   (unit tests with known answers only: no end-to-end training, no notebooks)
PYTHON ?= python3
VENV ?= .venv
JAX_VENV ?= .venv-jax
BIN := $(VENV)/bin
JAX_BIN := $(JAX_VENV)/bin
INSTALLED := $(VENV)/.installed
JAX_INSTALLED := $(JAX_VENV)/.installed
# The installer: uv, in a venv of its own. Both environments install from its one download cache
# and from one resolved set of versions (RESOLVED), so no wheel is downloaded twice. Bytecode is
# compiled at install: without it every Python start compiles TensorFlow's sources again (about
# 15 s more per import of TensorFlow, in each test subprocess and notebook kernel).
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
RESOLVED := $(TOOLS)/resolved.txt
EXTRAS := tensorflow,jax,test,tuning,distributed,docs
PYTEST_WORKERS ?= 2
# Tests are spread over the workers one by one, except the modules that share an expensive
# fixture (SHARED_FIXTURE_MODULES in tests/conftest.py): each runs whole on one worker, so the
# fixture (a trained experiment, a search) is built once instead of once per worker.
PYTEST := -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup
comma := ,

.PHONY: install demo lfp-demo test test-fast test-tensorflow test-jax docs benchmark docker clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet 'uv>=0.9,<1'

$(RESOLVED): setup.cfg pyproject.toml $(UV)
	$(UV) pip compile --quiet setup.cfg $(foreach extra,$(subst $(comma), ,$(EXTRAS)),--extra $(extra)) \
		--python $(PYTHON) -o $@

# TensorFlow (the default backend), with JAX beside it for the cross-backend tests.
$(INSTALLED): $(RESOLVED)
	$(UV) venv --quiet --clear --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c $(RESOLVED) -e '.[$(EXTRAS)]'
	touch $@

# JAX alone: proves the package installs, trains and evaluates with no TensorFlow.
$(JAX_INSTALLED): $(RESOLVED)
	$(UV) venv --quiet --clear --python $(PYTHON) $(JAX_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(JAX_BIN)/python -c $(RESOLVED) -e '.[jax,test,tuning]'
	touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	PYTHON=$(BIN)/python sh scripts/demo.sh

# The LFP GAN on built-in data: pre-train the autoencoders, train the GAN with and without them, Table 5.1.
lfp-demo: $(INSTALLED)
	$(BIN)/python -m lfp.pretrain --config demo --out runs/lfp/demo
	$(BIN)/python -m lfp.train --config demo --out runs/lfp/demo --init pretrained
	$(BIN)/python -m lfp.train --config demo --out runs/lfp/demo --init scratch
	$(BIN)/python -m lfp.evaluate --run runs/lfp/demo

test: test-tensorflow test-jax docs

test-fast: $(INSTALLED)
	$(BIN)/python $(PYTEST) -m "not slow"

test-tensorflow: $(INSTALLED)
	$(BIN)/python $(PYTEST)

test-jax: $(JAX_INSTALLED)
	KERAS_BACKEND=jax $(JAX_BIN)/python $(PYTEST) -m backend

# The documentation site (mkdocs.yml, docs/), built strictly: a broken link or reference is an error.
docs: $(INSTALLED)
	$(BIN)/python -m mkdocs build --strict --site-dir site

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/train_step.py
	$(BIN)/python benchmarks/evaluate.py

docker:
	docker build --target cpu -t calciumgan:cpu .

clean:
	rm -rf $(VENV) $(JAX_VENV) $(TOOLS) runs
