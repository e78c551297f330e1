"""A tiny latent experiment config: 64 images of 16 x 24, 12 neurons, a 4-dimensional latent, 6 iterations."""

import pytest
from config_files import write_config

TINY_LATENT = {
    "simulation": {"seed": 1, "num_images": 64, "image_height": 16, "image_width": 24, "trials": 2, "num_neurons": 12},
    "generator": {"latent_dim": 4, "channels": 8, "iterations": 6, "batch_size": 8, "n_critic": 2},
    "decoding": {"train_codes": 60, "test_codes": 20, "trials": 4, "components": 6},
    "search": {"neuron": 3, "population_size": 8, "generations": 3},
}  # fmt: skip


@pytest.fixture(scope="session")
def write_latent_config():
    """Factory: TINY_LATENT with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_LATENT, overrides)
