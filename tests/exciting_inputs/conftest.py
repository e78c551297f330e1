"""The writer of the tiny MEI experiment config (``config_files.TINY_MEI``) and one simulated and fitted experiment
of it, shared by the test modules that read one."""

import pytest
from commands import run_module
from config_files import TINY_MEI, write_config


@pytest.fixture(scope="session")
def write_mei_config():
    """Factory: TINY_MEI with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_MEI, overrides)


@pytest.fixture(scope="session")
def fitted_mei_experiment(tmp_path_factory, write_mei_config):
    """(config path, experiment folder) after ``exciting_inputs.simulate`` and ``exciting_inputs.fit``; read it, never
    change it (copy it)."""
    folder = tmp_path_factory.mktemp("mei")
    config = write_mei_config(folder / "tiny.yaml", {"mei.steps": 20, "mei.sigma_start": 2.0,
                                                     "mei.mask_radius": 3.0})  # fmt: skip
    out = folder / "experiment"
    for module in ("exciting_inputs.simulate", "exciting_inputs.fit"):
        result = run_module(module, "--config", config, "--out", out)
        assert result.returncode == 0, result.stderr[-3000:]
    return config, out
