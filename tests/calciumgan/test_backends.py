"""Both Keras backends: models move between them, and JAX needs no TensorFlow at all."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow

INSTALLED = {name: importlib.util.find_spec(name) is not None for name in ("tensorflow", "jax")}

BUILD_AND_SAVE = """
import sys, numpy as np, keras
from calciumgan.models.registry import build_models
keras.utils.set_random_seed(0)
arguments = dict(window=32, num_neurons=5, noise_dim=4, filters=4, kernel_size=4, strides=2, num_blocks=3,
                 normalization="layer", convolutions="fast", phase_shuffle=2)
generator, critic = build_models("wavegan", arguments)
generator.save(sys.argv[1] + "/generator.keras")
critic.save(sys.argv[1] + "/critic.keras")
traces = np.asarray(generator(np.load(sys.argv[1] + "/noise.npy")))
np.save(sys.argv[1] + "/traces.npy", traces)
np.save(sys.argv[1] + "/scores.npy", np.asarray(critic(traces)))
"""

LOAD_AND_RUN = """
import sys, numpy as np, calciumgan, keras
generator = keras.saving.load_model(sys.argv[1] + "/generator.keras", safe_mode=True)
critic = keras.saving.load_model(sys.argv[1] + "/critic.keras", safe_mode=True)
traces = np.asarray(generator(np.load(sys.argv[1] + "/noise.npy")))
np.save(sys.argv[1] + "/traces_loaded.npy", traces)
np.save(sys.argv[1] + "/scores_loaded.npy", np.asarray(critic(traces)))
"""


def _python(code, backend, *arguments, blocked=()):
    """Run ``code`` in a fresh interpreter under ``backend``; ``blocked`` modules fail to import."""
    prelude = "".join(f"import sys; sys.modules[{name!r}] = None\n" for name in blocked)
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-c", prelude + code, *map(str, arguments)], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip


@pytest.mark.skipif(not all(INSTALLED.values()), reason="needs TensorFlow and JAX installed side by side")
@pytest.mark.parametrize("writer, reader", [("tensorflow", "jax"), ("jax", "tensorflow")])
def test_keras_files_written_under_one_backend_load_and_sample_under_the_other(tmp_path, writer, reader):
    np.save(tmp_path / "noise.npy", np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32))
    _python(BUILD_AND_SAVE, writer, tmp_path)
    _python(LOAD_AND_RUN, reader, tmp_path)
    np.testing.assert_allclose(np.load(tmp_path / "traces_loaded.npy"), np.load(tmp_path / "traces.npy"), atol=1e-6)
    np.testing.assert_allclose(np.load(tmp_path / "scores_loaded.npy"), np.load(tmp_path / "scores.npy"),
                               rtol=1e-5, atol=1e-5)  # fmt: skip


@pytest.mark.parametrize("order", ["import calciumgan, keras", "import keras, calciumgan"])
def test_importing_the_package_registers_its_layers_in_either_order(order):
    code = order + "\nprint(keras.saving.get_registered_object('calciumgan>SubPixelConv1DTranspose').__name__)"
    backend = "jax" if INSTALLED["jax"] else "tensorflow"
    assert _python(code, backend).stdout.split()[-1] == "SubPixelConv1DTranspose"


def test_importing_the_package_loads_no_backend():
    code = "import sys, calciumgan; print(sorted({'keras', 'tensorflow', 'jax'} & set(sys.modules)))"
    assert _python(code, "tensorflow").stdout.strip() == "[]"


END_TO_END = """
import json, sys
from calciumgan import evaluate, generate, train
folder = sys.argv[1]
assert train.main(["--config", folder + "/tiny.yaml", "--out", folder + "/run"]) == 0
assert generate.main(["--run", folder + "/run", "--num-samples", "6", "--out", folder + "/samples.h5"]) == 0
assert evaluate.main(["--run", folder + "/run", "--num-samples", "8"]) == 0
loaded = [name for name, module in sys.modules.items() if module is not None]
print(json.dumps({package: any(name.split(".")[0] == package for name in loaded) for package in ("jax", "tensorflow")}))
"""


@pytest.mark.skipif(not INSTALLED["jax"], reason="JAX is not installed")
def test_jax_trains_generates_and_evaluates_without_tensorflow(tmp_path, write_config):
    write_config(tmp_path / "tiny.yaml", {"data.window": 64, "data.num_frames": 1200, "evaluate.heatmap_samples": 4,
                                          "evaluate.workers": 1})  # fmt: skip
    result = _python(END_TO_END, "jax", tmp_path, blocked=("tensorflow",))
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"jax": True, "tensorflow": False}
    report = json.loads((tmp_path / "run" / "evaluation" / "report.json").read_text())
    assert [row["row"] for row in report["table"]] == ["floor", "model", "untrained", "dichotomized_gaussian", "poisson"]
    assert report["counts"]["samples_per_set"] == 8
    with open(tmp_path / "run" / "config.yaml") as file:
        assert "precision: float32" in file.read()
