# Reproducible images of the package. Two targets, from one slim Python base:
#   docker build --target cpu -t calciumgan:cpu .    # TensorFlow on the CPU (the default target)
#   docker build --target gpu -t calciumgan:gpu .    # TensorFlow with its CUDA libraries from pip
#   docker build --target gpu --build-arg EXTRAS=jax-gpu --build-arg KERAS_BACKEND=jax -t calciumgan:jax-gpu .
# The default command runs the CPU demo (scripts/demo.sh) into /app/runs/calciumgan/demo:
#   docker run --rm -v "$PWD/runs:/app/runs" calciumgan:cpu
#   docker run --rm --gpus all -v "$PWD/runs:/app/runs" calciumgan:gpu python -m calciumgan.train --config dg --out runs/dg
# Add the test tools with --build-arg EXTRAS=tensorflow,test (then: docker run calciumgan:cpu python -m pytest -q).
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml setup.cfg README.md ./
COPY calciumgan ./calciumgan
COPY lfp ./lfp
COPY tuning ./tuning
COPY scripts ./scripts
COPY tests ./tests
COPY benchmarks ./benchmarks
CMD ["sh", "scripts/demo.sh"]

FROM base AS gpu
ARG EXTRAS=gpu
ARG KERAS_BACKEND=tensorflow
ENV KERAS_BACKEND=${KERAS_BACKEND}
# Versions are pinned by the ranges in setup.cfg.
# hadolint ignore=DL3013
RUN pip install ".[${EXTRAS}]"

FROM base AS cpu
ARG EXTRAS=tensorflow
ARG KERAS_BACKEND=tensorflow
ENV KERAS_BACKEND=${KERAS_BACKEND}
# Versions are pinned by the ranges in setup.cfg.
# hadolint ignore=DL3013
RUN pip install ".[${EXTRAS}]"
