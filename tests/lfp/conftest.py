"""The writer of the tiny LFP experiment config (``config_files.TINY_LFP``)."""

import pytest
from config_files import TINY_LFP, write_config


@pytest.fixture(scope="session")
def write_lfp_config():
    """Factory: TINY_LFP with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_LFP, overrides)
