"""The MEI config: shipped configs, the Allen-scale values, the renamed config's old name, one-line errors."""

import logging
import subprocess
import sys

import pytest

from calciumgan.core.errors import ConfigError
from exciting_inputs.config import config_from_dict, load_config


def test_allen_scale_config_has_the_allen_sizes_and_selection():
    config = load_config("allen_scale")
    simulation, model = config.simulation, config.model
    assert (simulation.num_images, simulation.image_height, simulation.image_width) == (118, 60, 96)
    assert (simulation.trials, simulation.num_neurons) == (50, 135)
    selection = config.selection
    assert (selection.draws, selection.oracle_quantile, selection.variance_quantile) == (50, 0.6, 0.5)
    assert (model.hidden_channels, model.layers, model.input_kernel, model.hidden_kernel) == (64, 3, 4, 3)
    assert model.pooling == 2
    assert (model.gamma_input, model.gamma_hidden, model.pyramid_scales, model.init_range) == (0.1, 0.1, 3, 0.1)
    assert config.fit.neurons == "selected"


@pytest.mark.parametrize("old_name", ["seed", "seed.yaml"])
def test_the_old_name_seed_still_loads_allen_scale_with_a_one_line_warning(old_name, caplog):
    with caplog.at_level(logging.WARNING, logger="exciting_inputs.config"):
        assert load_config(old_name) == load_config("allen_scale")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings == ["config name 'seed' is deprecated and will be removed in the next release; use 'allen_scale'"]


def test_the_old_name_warns_in_one_line_on_stderr_without_any_logging_set_up(tmp_path):
    code = "from exciting_inputs.config import load_config; load_config('seed')"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stderr.splitlines() == [
        "config name 'seed' is deprecated and will be removed in the next release; use 'allen_scale'"]


def test_a_file_named_seed_is_read_as_it_is(tmp_path, monkeypatch, caplog):
    (tmp_path / "seed.yaml").write_text("simulation:\n  num_images: 7\n")
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="exciting_inputs.config"):
        assert load_config("seed.yaml").simulation.num_images == 7
    assert not caplog.records


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
