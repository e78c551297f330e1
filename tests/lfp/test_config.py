"""The LFP experiment config: shipped configs, one-line errors, what a run folder may change."""

import dataclasses

import pytest

from calciumgan.core.errors import ConfigError
from lfp.config import load_config


@pytest.mark.parametrize("name", ["demo", "thesis", "thesis_no_images"])
def test_shipped_configs_load_with_the_thesis_optimiser(name):
    config = load_config(name)
    assert config.data.window == 313 and config.data.num_channels == 22 and config.data.sampling_rate == 1250.0
    assert (config.data.num_images, config.data.test_images) == (118, 24)
    assert (config.train.learning_rate, config.train.beta_1, config.train.beta_2) == (1e-3, 0.0, 0.999)
    assert config.train.penalty_weight == 10.0 and config.train.scale_by_wasserstein


def test_thesis_config_is_the_thesis_schedule():
    config = load_config("thesis")
    assert (config.data.showings, config.data.image_height, config.data.image_width) == (50, 918, 1174)
    assert (config.pretrain.signal_epochs, config.pretrain.signal_windows_per_epoch) == (7, None)
    assert (config.pretrain.image_epochs, config.train.epochs) == (10000, 200)


def test_no_image_config_is_the_thesis_variant_without_images():
    """§4.4: the GAN without the image encoder, 4,000 epochs; everything else as the thesis config."""
    thesis, variant = load_config("thesis"), load_config("thesis_no_images")
    assert not variant.model.use_image and variant.train.epochs == 4000 and variant.pretrain.image_epochs == 0
    assert variant.data == thesis.data and variant.train == dataclasses.replace(thesis.train, epochs=4000)
    assert variant.model == dataclasses.replace(thesis.model, use_image=False)
    assert variant.pretrain == dataclasses.replace(thesis.pretrain, image_epochs=0)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"train.batch_szie": 3}, "unknown key 'train.batch_szie'"),
        ({"train.beta_1": 1.0}, "'train.beta_1' must be below 1"),
        ({"train.init": "warm"}, "'train.init' must be one of pretrained, scratch"),
        ({"data.test_images": 6}, "'data.test_images' 6 must be below data.num_images 6"),
        ({"data.source": "allen"}, "'data.lfp_path' and 'data.session_path' are required"),
        (
            {"data.image_height": 40},
            "image_encoder: .* ends at 4 x 23 = 92 positions from input 40 x 64, but the code needs 115",
        ),
        ({"data.window": 300}, "the code needs 102"),
        ({"pretrain.signal_epochs": 0}, "'pretrain.signal_epochs' must be at least 1"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_key(tmp_path, write_lfp_config, overrides, message):
    path = write_lfp_config(tmp_path / "bad.yaml", overrides)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_a_gan_run_may_grow_its_epochs_but_not_change_its_training(tmp_path, write_lfp_config):
    config = load_config(write_lfp_config(tmp_path / "c.yaml"))
    longer = dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=9))
    faster = dataclasses.replace(config, train=dataclasses.replace(config.train, learning_rate=0.1))
    assert longer.training_part() == config.training_part() and faster.training_part() != config.training_part()
    assert faster.data_part() == config.data_part()
    other_data = dataclasses.replace(config, data=dataclasses.replace(config.data, seed=9))
    assert other_data.data_part() != config.data_part()
