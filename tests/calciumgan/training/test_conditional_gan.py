"""A conditional GAN (generator ``[conditions, noise]``, critic ``[samples, conditions]``) on the running backend."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from calciumgan.training.gan import GAN
from calciumgan.training.penalties import OneSidedGradientPenalty
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

LENGTH, NOISE = 6, (5, 2)


def _copying_generator():
    """Samples = conditions + s * mean(noise), with the trainable s starting at 0."""
    conditions, noise = keras.Input((LENGTH,)), keras.Input(NOISE)
    spread = layers.Dense(1, use_bias=False, kernel_initializer="zeros")(layers.Flatten()(noise))
    return keras.Model([conditions, noise], layers.Add()([conditions, spread]))


def _mismatch_critic():
    """Score = a * sum((samples - conditions)^2) + b: the same for every pair that matches."""
    samples, conditions = keras.Input((LENGTH,)), keras.Input((LENGTH,))
    squared = layers.Lambda(lambda pair: ops.square(pair[0] - pair[1]))([samples, conditions])
    return keras.Model([samples, conditions], layers.Dense(1, kernel_initializer="ones")(squared))


def _linear_critic(sample_weights, condition_weights):
    """Score = w . samples + v . conditions with fixed w, v."""
    samples, conditions = keras.Input((LENGTH,)), keras.Input((LENGTH,))
    on_samples, on_conditions = layers.Dense(1, use_bias=False), layers.Dense(1, use_bias=False)
    critic = keras.Model([samples, conditions], layers.Add()([on_samples(samples), on_conditions(conditions)]))
    on_samples.set_weights([np.reshape(sample_weights, (LENGTH, 1))])
    on_conditions.set_weights([np.reshape(condition_weights, (LENGTH, 1))])
    return critic


def _steps(generator, critic, n_critic=2):
    gan = GAN(generator, critic, penalty=OneSidedGradientPenalty(10.0, scale_by_wasserstein=False), n_critic=n_critic,
              seed=0)  # fmt: skip
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0))
    return gan, make_steps(gan)


def test_generated_samples_carry_the_conditions_of_the_real_ones():
    gan, steps = _steps(_copying_generator(), _mismatch_critic())
    assert gan.conditional and gan.noise_shape == NOISE
    windows = np.random.default_rng(0).normal(size=(8, LENGTH)).astype("float32")
    # real samples equal their conditions; the generator copies its conditions, so every pair matches
    logs = steps.train_step((windows, windows))
    assert float(logs["wasserstein"]) == pytest.approx(0.0, abs=1e-6)
    assert float(steps.test_step((windows, windows), seed=3)["wasserstein"]) == pytest.approx(0.0, abs=1e-6)
    # a real set whose conditions do not match scores apart from the (matching) generated set
    shuffled = windows[::-1].copy()
    assert abs(float(steps.test_step((windows, shuffled), seed=3)["wasserstein"])) > 0.1


def test_penalty_differentiates_with_respect_to_the_samples_only():
    sample_weights = np.array([3.0, 0, 0, 0, 4.0, 0])  # norm 5
    gan, steps = _steps(_copying_generator(), _linear_critic(sample_weights, np.full(LENGTH, 7.0)), n_critic=1)
    windows = np.random.default_rng(1).normal(size=(4, LENGTH)).astype("float32")
    logs = steps.train_step((windows, windows))
    assert float(logs["gradient_norm"]) == pytest.approx(5.0, rel=1e-5)
    assert float(logs["penalty"]) == pytest.approx(10.0 * 4.0**2, rel=1e-5)
    noise = np.zeros((4, *NOISE), "float32")
    np.testing.assert_allclose(np.asarray(gan.generator(gan.generator_inputs(noise, windows))), windows, atol=1e-6)
