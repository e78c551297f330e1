# Reproducible training image.
#   docker build -t calciumgan .                              # GPU image (CUDA libraries from pip)
#   docker build --build-arg EXTRAS=test -t calciumgan:cpu .  # CPU-only image with the test tools
#   docker run --gpus all -v $PWD/runs:/app/runs calciumgan --config dg
FROM python:3.11-slim

ARG EXTRAS=gpu
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 TF_CPP_MIN_LOG_LEVEL=2
WORKDIR /app

COPY pyproject.toml setup.cfg README.md ./
COPY calciumgan ./calciumgan
COPY lfp ./lfp
COPY tuning ./tuning
RUN pip install ".[${EXTRAS}]"

COPY tests ./tests
COPY benchmarks ./benchmarks

ENTRYPOINT ["python", "-m", "calciumgan.train"]
CMD ["--config", "demo", "--out", "runs/demo"]
