"""The moving average of the generator's weights, kept by the backend's compiled steps."""

import keras
import numpy as np
import pytest
from known_models import quadratic_critic

from calciumgan.training.checkpoints import training_variables
from calciumgan.training.gan import GAN
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

SHAPE = (4, 3)


def _generator() -> keras.Model:
    """Dense (no bias: the normalisation cancels it) -> batch normalisation (its moving statistics are
    non-trainable variables) -> samples SHAPE. Beta starts at 1 so that every weight has a gradient."""
    noise = keras.Input((2,))
    x = keras.layers.Dense(int(np.prod(SHAPE)), use_bias=False, name="dense")(noise)
    x = keras.layers.BatchNormalization(beta_initializer="ones", name="norm")(x)
    return keras.Model(noise, keras.layers.Reshape(SHAPE)(x))


def _gan(decay, uniform=False):
    keras.utils.set_random_seed(0)
    gan = GAN(_generator(), quadratic_critic(SHAPE, 1.0), n_critic=1, seed=0, ema_decay=decay, uniform_average=uniform)
    gan.compile(keras.optimizers.Adam(0.05), keras.optimizers.SGD(0.01))
    return gan


def _values(variables) -> list:
    return [np.array(variable) for variable in variables]


@pytest.mark.parametrize("decay", [0.3, 0.999])
def test_average_follows_the_warmed_up_recurrence_from_the_initial_weights(decay):
    """a_0 = w_0 and a_t = d_t a_(t-1) + (1 - d_t) w_t, d_t = min(d, (1 + t) / (10 + t)), for the trainable
    weights w_t after update t (decay 0.3: the warm-up's 0.18 and 0.25, then d; 0.999: the warm-up
    throughout); non-trainable variables (here batch-normalisation statistics) are copied, as ProGAN does."""
    gan = _gan(decay)
    generator, average = gan.generator, gan.generator_ema
    steps = make_steps(gan)
    real = np.random.default_rng(1).random((8, *SHAPE), np.float32)
    expected = _values(generator.trainable_variables)
    for initial, copy in zip(_values(generator.variables), _values(average.variables)):
        np.testing.assert_array_equal(copy, initial)
    moved = []
    for update in range(1, 7):
        steps.train_step(real)
        steps.sync()
        weights = _values(generator.trainable_variables)
        moved.append(min(np.abs(w - a).max() for w, a in zip(weights, expected)))
        decay_now = min(decay, (1 + update) / (10 + update))
        expected = [decay_now * a + (1 - decay_now) * w for a, w in zip(expected, weights)]
    assert min(moved) > 1e-3  # every weight really moved at every update, away from the average
    for value, target in zip(_values(average.trainable_variables), expected):
        np.testing.assert_allclose(value, target, rtol=1e-5, atol=1e-6)
    statistics = _values(generator.non_trainable_variables)
    assert len(statistics) == 2 and not np.allclose(statistics[0], 0)  # the moving mean moved from 0
    for copy, value in zip(_values(average.non_trainable_variables), statistics):
        np.testing.assert_array_equal(copy, value)


def test_uniform_average_is_the_mean_of_the_weights_after_every_update():
    """a_t = (w_1 + ... + w_t) / t: the initial weights drop out at the first update."""
    gan = _gan(None, uniform=True)
    steps = make_steps(gan)
    real = np.random.default_rng(1).random((8, *SHAPE), np.float32)
    history = []
    for _ in range(5):
        steps.train_step(real)
        steps.sync()
        history.append(_values(gan.generator.trainable_variables))
    for index, value in enumerate(_values(gan.generator_ema.trainable_variables)):
        snapshots = np.stack([weights[index] for weights in history])
        assert np.abs(snapshots[-1] - snapshots.mean(axis=0)).max() > 1e-3  # the mean differs from the last
        np.testing.assert_allclose(value, snapshots.mean(axis=0), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="ema_decay and uniform_average both average"):
        _gan(0.999, uniform=True)


def test_average_is_a_separate_model_in_the_checkpointed_variables():
    gan = _gan(0.999)
    shadow, generator = gan.generator_ema, gan.generator
    assert shadow is not generator and len(shadow.trainable_variables) == len(generator.trainable_variables)
    ids = {id(variable) for variable in training_variables(gan)}
    assert all(id(variable) in ids for variable in shadow.variables)
    without = _gan(None)
    assert without.generator_ema is None
    assert len(training_variables(gan)) == len(training_variables(without)) + len(shadow.variables)


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.5])
def test_a_decay_outside_zero_and_one_is_refused(decay):
    with pytest.raises(ValueError, match="ema_decay must be between 0 and 1"):
        _gan(decay)
