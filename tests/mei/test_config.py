"""The MEI config: shipped configs, the seed's values, one-line errors."""

import pytest

from calciumgan.core.errors import ConfigError
from mei.config import config_from_dict, load_config


def test_seed_config_has_the_seeds_sizes_and_selection():
    config = load_config("seed")
    simulation, model = config.simulation, config.model
    assert (simulation.num_images, simulation.image_height, simulation.image_width) == (118, 60, 96)
    assert (simulation.trials, simulation.num_neurons) == (50, 135)
    selection = config.selection
    assert (selection.draws, selection.oracle_quantile, selection.variance_quantile) == (50, 0.6, 0.5)
    assert (model.hidden_channels, model.layers, model.input_kernel, model.hidden_kernel) == (64, 3, 4, 3)
    assert model.pooling == 2
    assert (model.gamma_input, model.gamma_hidden, model.pyramid_scales, model.init_range) == (0.1, 0.1, 3, 0.1)
    assert config.fit.neurons == "selected"


def test_demo_config_is_small():
    simulation = load_config("demo").simulation
    assert (simulation.image_height, simulation.image_width, simulation.num_neurons) == (32, 48, 20)


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"fit": {"epoch": 3}}, "unknown key 'fit.epoch'"),
        ({"fit": {"neurons": "some"}}, "'fit.neurons' must be one of selected, all"),
        ({"simulation": {"sigma_min": 0.2, "sigma_max": 0.1}}, "'simulation.sigma_min' 0.2 must not exceed"),
        ({"simulation": {"num_neurons": 3, "noiseless_neurons": 4}}, "'simulation.noiseless_neurons' 4 must not"),
        ({"fit": {"validation_fraction": 0.5, "test_fraction": 0.5}}, "must be below 1"),
        ({"model": {"hidden_kernel": 4}}, "'model.hidden_kernel' must be odd"),
        ({"selection": {"oracle_quantile": 1.5}}, "'selection.oracle_quantile' must be at most 1"),
    ],
)
def test_bad_values_are_one_line_errors(raw, message):
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw, "bad.yaml")
