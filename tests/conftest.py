"""Shared fixtures: quiet TensorFlow, tiny configurations, one finished tiny training run."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# JAX compiles every new step and model with XLA; tests run each program a few times, so skipping
# LLVM's expensive optimisation passes saves more compile time than it costs in run time (about
# half of the time of a test that builds and steps a GAN). The programs and their results are the
# same; only the machine code is less tuned. Test subprocesses inherit it.
XLA_TEST_FLAGS = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One pytest worker per core (make test): each worker, and every process it starts, computes on one
    # thread, since thread pools that spin for work they share with the other worker's slow both down.
    for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    XLA_TEST_FLAGS += " --xla_cpu_multi_thread_eigen=false"
os.environ.setdefault("XLA_FLAGS", XLA_TEST_FLAGS)

import pathlib  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from calciumgan.config import config_from_dict  # noqa: E402

TINY = {
    "data": {"source": "surrogate", "preset": "day4", "num_frames": 600, "num_neurons": 6, "window": 32,
             "stride": 4, "validation_fraction": 0.25},
    "model": {"noise_dim": 4, "filters": 4, "kernel_size": 4, "strides": 2, "num_blocks": 3, "phase_shuffle": 2},
    "train": {"batch_size": 4, "epochs": 2, "steps_per_epoch": 3, "n_critic": 2, "validation_batches": 1,
              "learning_rate": 0.001},
}  # fmt: skip


def _with_overrides(overrides: dict) -> dict:
    raw = {section: dict(values) for section, values in TINY.items()}
    for dotted, value in overrides.items():
        section, key = dotted.split(".")
        raw.setdefault(section, {})[key] = value
    return raw


@pytest.fixture(scope="session")
def make_config():
    """Factory: TINY with ``"section.key": value`` overrides, as an ExperimentConfig."""
    return lambda overrides={}: config_from_dict(_with_overrides(overrides), "tiny")


@pytest.fixture(scope="session")
def write_config():
    """Factory: TINY with overrides written as YAML to ``path``; returns the path."""

    def write(path, overrides={}):
        path.write_text(yaml.safe_dump(_with_overrides(overrides)))
        return path

    return write


@pytest.fixture(scope="session")
def trained_tiny_run(tmp_path_factory, write_config) -> pathlib.Path:
    """The folder of a run of TINY trained by the training CLI, beside its ``tiny.yaml``; shared by every test that
    reads a finished run. Read it, never change it: a test that must change a run copies it."""
    from calciumgan.train import main

    folder = tmp_path_factory.mktemp("tiny-run")
    assert main(["--config", str(write_config(folder / "tiny.yaml")), "--out", str(folder / "run")]) == 0
    return folder / "run"
