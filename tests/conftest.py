"""Shared fixtures: quiet TensorFlow, tiny configurations, one finished tiny training run."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# JAX compiles every new step and model with XLA; tests run each program a few times, so skipping
# LLVM's expensive optimisation passes saves more compile time than it costs in run time (about
# half of the time of a test that builds and steps a GAN), and so does XLA's older code generator
# for fused operations (the tiny GAN's step compiles in 2.6 s instead of 4.9 s). The programs and
# their results are the same; only the machine code is less tuned. Test subprocesses inherit it.
XLA_TEST_FLAGS = ("--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
                  " --xla_cpu_use_fusion_emitters=false")  # fmt: skip
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One pytest worker per core (make test): each worker, and every process it starts, computes on one
    # thread, since thread pools that spin for work they share with the other worker's slow both down.
    for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    XLA_TEST_FLAGS += " --xla_cpu_multi_thread_eigen=false"
os.environ.setdefault("XLA_FLAGS", XLA_TEST_FLAGS)
# JAX keeps what it compiles in a cache on disk shared by this run's workers and every process they
# start, so the next test that builds the same tiny model loads the program instead of compiling it
# again (the JAX lane: about a fifth less time). Entries are keyed by the program, its options and
# JAX's version, so no test sees a result it would not compute itself. Made by the first process of
# the run (the xdist controller, before it starts the workers) and removed when it ends.
JAX_CACHE_MADE_HERE = None
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    import tempfile

    JAX_CACHE_MADE_HERE = os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="calciumgan-tests-jax-")
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    os.environ["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"

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


# Modules whose tests share an expensive module fixture (a trained experiment, a search) or the
# MEI tests' session experiment. Under `--dist loadgroup` (make test) each of them runs whole on one
# worker, so the fixture is built once, not once per worker; every other test is sent on its own,
# as under `--dist load`. (xdist's own `xdist_group` marks do not group tests under pytest 9.)
SHARED_FIXTURE_MODULES = {
    "tests/lfp/test_pipeline.py": "lfp experiment",
    "tests/tuning/test_search.py": "search",
    "tests/exciting_inputs/latent/test_cli.py": "latent experiment",
    "tests/exciting_inputs/test_cli.py": "mei experiment",
    "tests/exciting_inputs/optimisation/test_optimise_cli.py": "mei experiment",
    "tests/calciumgan/test_evaluate.py": "evaluated run",
}


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown when xdist is not loaded
def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadgroup``: the modules of ``SHARED_FIXTURE_MODULES`` by group, every other test alone."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return SHARED_FIXTURE_MODULES.get(nodeid.split("::", 1)[0], nodeid)

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """On pytest-xdist's workers, whose order of tests is the order they are handed out in, the longest work comes
    first, so that no worker is left with it at the end: the shared-fixture modules, then the other slow tests,
    then the rest, each in collection order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return

    def turn(item) -> int:
        if item.nodeid.split("::", 1)[0] in SHARED_FIXTURE_MODULES:
            return 0
        return 1 if item.get_closest_marker("slow") else 2

    items.sort(key=turn)


def pytest_unconfigure(config):
    if JAX_CACHE_MADE_HERE:
        import shutil

        shutil.rmtree(JAX_CACHE_MADE_HERE, ignore_errors=True)


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


@pytest.fixture(scope="session")
def untrained_lfp_experiment(tmp_path_factory) -> pathlib.Path:
    """A tiny LFP experiment (config_files.TINY_LFP) with its data stage and an untrained GAN "scratch", made as
    lfp.train makes them, without training: for the tests of what reads a GAN run. Read it, never change it."""
    import config_files

    from lfp.adversarial import build_lfp_gan, experiment_data
    from lfp.config import load_config
    from lfp.experiment import Experiment

    folder = tmp_path_factory.mktemp("lfp")
    path = config_files.write_config(folder / "tiny.yaml", config_files.TINY_LFP, {"train.init": "scratch"})
    config = load_config(str(path))
    experiment = Experiment(folder / "experiment")
    recording, _, _ = experiment_data(config, experiment, "lfp.train")
    gan = build_lfp_gan(config, recording.lfp.shape[1], (*recording.images.shape[1:], 1))
    run = experiment.gan_run("scratch")
    run.start(config)
    run.save_model(gan.generator, run.generator_path)
    return experiment.root
