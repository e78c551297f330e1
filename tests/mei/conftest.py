"""A tiny MEI experiment config: 60 images of 16 x 24, 4 trials, 6 neurons, a 4-channel core, 2 epochs."""

import pytest
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
