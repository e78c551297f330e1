import dataclasses

import keras
import numpy as np
import pytest

from calciumgan.core.errors import RunError
from calciumgan.experiment import build_gan
from calciumgan.training.checkpoints import list_checkpoints, restore_checkpoint, save_checkpoint, training_variables
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend


def _trained_gan(config, steps=2):
    gan = build_gan(config, num_neurons=config.data.num_neurons)
    compiled = make_steps(gan)
    windows = np.random.default_rng(0).random((config.train.n_critic * 4, config.data.window, 6), np.float32)
    for _ in range(steps):
        compiled.train_step(windows)
    compiled.sync()
    return gan


def test_round_trip_restores_weights_optimizer_and_random_state(tmp_path, make_config):
    config = make_config()
    keras.utils.set_random_seed(0)
    trained = _trained_gan(config)
    path = save_checkpoint(trained, tmp_path, epoch=7, keep=3)
    keras.utils.set_random_seed(1)
    fresh = build_gan(config, num_neurons=6)
    assert restore_checkpoint(fresh, path) == 7
    for saved, restored in zip(training_variables(trained), training_variables(fresh)):
        np.testing.assert_array_equal(np.asarray(restored), np.asarray(saved), err_msg=saved.path)
    # The restored random streams continue identically.
    np.testing.assert_array_equal(fresh.sample_noise(3), trained.sample_noise(3))


def test_checkpoint_covers_optimizer_moments_and_seed_states(make_config):
    gan = build_gan(make_config(), num_neurons=6)
    paths = [variable.path for variable in training_variables(gan)]
    assert sum("seed_generator_state" in path for path in paths) == 3  # the GAN's and two phase shuffles'
    assert any("momentum" in path for path in paths) and any("velocity" in path for path in paths)
    assert sum("iteration" in path for path in paths) == 2


def test_only_the_newest_checkpoints_are_kept(tmp_path, make_config):
    gan = build_gan(make_config(), num_neurons=6)
    for epoch in (1, 2, 3, 10):
        save_checkpoint(gan, tmp_path, epoch, keep=2)
    assert [path.name for path in list_checkpoints(tmp_path)] == ["epoch-00003.h5", "epoch-00010.h5"]


def test_restoring_into_a_different_model_is_refused(tmp_path, make_config):
    config = make_config()
    path = save_checkpoint(build_gan(config, num_neurons=6), tmp_path, 1, keep=1)
    wider = dataclasses.replace(config, model=dataclasses.replace(config.model, filters=8))
    with pytest.raises(RunError, match="epoch-00001.h5: variable .* has shape"):
        restore_checkpoint(build_gan(wider, num_neurons=6), path)
