"""The tiny latent experiment config (config_files.TINY_LATENT) as a fixture."""

import pytest
from config_files import TINY_LATENT, write_config


@pytest.fixture(scope="session")
def write_latent_config():
    """Factory: TINY_LATENT with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_LATENT, overrides)
