"""A tiny MEI experiment config (60 images of 16 x 24, 4 trials, 6 neurons, a 4-channel core, 2 epochs) and one
simulated and fitted experiment of it, shared by the test modules that read one."""

import pytest
from commands import run_module
from config_files import write_config

TINY_MEI = {
    "simulation": {"seed": 2, "num_images": 60, "image_height": 16, "image_width": 24, "trials": 4, "num_neurons": 6},
    "selection": {"draws": 5},
    "model": {"hidden_channels": 4},
    "fit": {"neurons": "all", "epochs": 2, "batch_size": 16},
}  # fmt: skip


@pytest.fixture(scope="session")
def write_mei_config():
    """Factory: TINY_MEI with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_MEI, overrides)


@pytest.fixture(scope="session")
def fitted_mei_experiment(tmp_path_factory, write_mei_config):
    """(config path, experiment folder) after ``mei.simulate`` and ``mei.fit``; read it, never change it (copy it)."""
    folder = tmp_path_factory.mktemp("mei")
    config = write_mei_config(folder / "tiny.yaml", {"mei.steps": 20, "mei.sigma_start": 2.0,
                                                     "mei.mask_radius": 3.0})  # fmt: skip
    out = folder / "experiment"
    for module in ("mei.simulate", "mei.fit"):
        result = run_module(module, "--config", config, "--out", out)
        assert result.returncode == 0, result.stderr[-3000:]
    return config, out
