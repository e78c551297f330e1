"""The config's ``mei:`` section: the same values by default and in allen_scale.yaml."""

import pytest

from calciumgan.core.errors import ConfigError
from exciting_inputs.config import config_from_dict, load_config


def test_allen_scale_values_are_the_defaults():
    for config in (config_from_dict({}), load_config("allen_scale")):
        settings = config.mei
        assert (settings.steps, settings.step_size, settings.contrast_weight) == (1000, 0.1, 2.0)
        assert (settings.sigma_start, settings.sigma_end, settings.mask_radius) == (7.0, 0.001, 12)


def test_bad_mei_values_are_one_line_errors():
    with pytest.raises(ConfigError, match="'mei.step_size'"):
        config_from_dict({"mei": {"step_size": 0}})
    with pytest.raises(ConfigError, match="unknown key 'mei.step'"):
        config_from_dict({"mei": {"step": 3}})
