"""Every penalty against its closed form, computed by the backend's own compiled steps."""

import keras
import numpy as np
import pytest
from known_models import constant_generator, linear_critic, quadratic_critic

from calciumgan.experiment import build_gan
from calciumgan.training.gan import GAN
from calciumgan.training.penalties import GradientPenalty, OneSidedGradientPenalty, WassersteinDivergence
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

SHAPE = (8, 3)


def _validation_logs(critic, real, fake_value, penalty):
    """Logs of one validation step: real samples against G(z) = ``fake_value`` everywhere."""
    gan = GAN(constant_generator(np.full(SHAPE, fake_value, np.float32)), critic, penalty=penalty, n_critic=1, seed=0)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    logs = make_steps(gan).test_step(real, seed=3)
    return {name: float(value) for name, value in logs.items()}


def test_gradient_penalty_of_a_linear_critic():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=SHAPE) * 0.4
    logs = _validation_logs(linear_critic(weights), rng.random((6, *SHAPE), np.float32), 0.5, GradientPenalty(7.0))
    norm = np.linalg.norm(weights)
    assert logs["penalty"] == pytest.approx(7.0 * (norm - 1.0) ** 2, rel=1e-5)
    assert logs["gradient_norm"] == pytest.approx(norm, rel=1e-5)


def test_gradient_penalty_of_a_quadratic_critic_at_the_samples():
    """With G(z) equal to every real sample, each interpolate is that sample, whatever the weights."""
    real = np.full((5, *SHAPE), 0.4, np.float32)
    logs = _validation_logs(quadratic_critic(SHAPE, 0.7), real, 0.4, GradientPenalty())
    norm = 0.7 * 0.4 * np.sqrt(np.prod(SHAPE))
    assert logs["penalty"] == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-5)


def test_gradient_penalty_draws_one_interpolation_weight_per_example():
    """Real = 0, fake = 1 and D(x) = ||x||^2 / 2 give ||grad|| = sqrt(24) (1 - eps) per example."""
    logs = _validation_logs(quadratic_critic(SHAPE, 1.0), np.zeros((4000, *SHAPE), np.float32), 1.0,
                            GradientPenalty(1.0))  # fmt: skip
    # E[(sqrt(24) u - 1)^2] for u ~ U(0, 1) = 24 / 3 - sqrt(24) + 1; one draw per batch would scatter widely.
    assert logs["penalty"] == pytest.approx(24 / 3 - np.sqrt(24) + 1, rel=0.03)
    assert logs["gradient_norm"] == pytest.approx(np.sqrt(24) / 2, rel=0.02)


@pytest.mark.parametrize("scale", [0.4, 1.7])
def test_one_sided_penalty_scales_by_the_wasserstein_estimate(scale):
    """Eq. 2.8-2.9: lambda max(0, ||w|| - 1)^2 max(0, W), W = <w, mean(real) - mean(fake)>."""
    rng = np.random.default_rng(1)
    weights = np.abs(rng.normal(size=SHAPE))
    weights *= scale / np.linalg.norm(weights)
    real = rng.random((6, *SHAPE), np.float32) + 0.5
    logs = _validation_logs(linear_critic(weights), real, 0.0, OneSidedGradientPenalty(10.0))
    wasserstein = float(np.sum(weights * real.mean(axis=0)))
    assert logs["wasserstein"] == pytest.approx(wasserstein, rel=1e-5)
    assert logs["penalty"] == pytest.approx(10.0 * max(scale - 1.0, 0.0) ** 2 * wasserstein, rel=1e-5, abs=1e-7)


def test_one_sided_penalty_without_wasserstein_scaling():
    weights = np.full(SHAPE, 2.0 / np.sqrt(np.prod(SHAPE)))  # ||w|| = 2
    logs = _validation_logs(linear_critic(weights), np.ones((3, *SHAPE), np.float32), 0.0,
                            OneSidedGradientPenalty(3.0, scale_by_wasserstein=False))  # fmt: skip
    assert logs["penalty"] == pytest.approx(3.0, rel=1e-5)


def test_wasserstein_divergence_of_a_linear_critic():
    """(k / 2) (||w||^p + ||w||^p) = k ||w||^p at real and generated points alike."""
    weights = np.random.default_rng(2).normal(size=SHAPE) * 0.3
    logs = _validation_logs(linear_critic(weights), np.ones((4, *SHAPE), np.float32), 0.2,
                            WassersteinDivergence(2.0, 6.0))  # fmt: skip
    assert logs["penalty"] == pytest.approx(2.0 * np.linalg.norm(weights) ** 6, rel=1e-4)


def test_wasserstein_divergence_takes_the_gradients_at_the_real_and_the_generated_samples():
    """D(x) = s ||x||^2 / 2 has gradient s x: with real samples r_i 1 and G(z) = c 1 over n entries the
    term is (k / 2) (mean_i (s r_i sqrt(n))^p + (s c sqrt(n))^p), not a value at interpolates."""
    scale, fake_value, size = 0.3, 0.5, np.prod(SHAPE)
    levels = np.array([0.2, 0.6, 0.9, 1.0], np.float32)
    real = levels[:, None, None] * np.ones((4, *SHAPE), np.float32)
    logs = _validation_logs(quadratic_critic(SHAPE, scale), real, fake_value, WassersteinDivergence(2.0, 6.0))
    real_term = np.mean((scale * levels * np.sqrt(size)) ** 6)
    fake_term = (scale * fake_value * np.sqrt(size)) ** 6
    assert logs["penalty"] == pytest.approx(real_term + fake_term, rel=1e-4)


def test_the_divergence_penalty_of_a_config_is_wgan_div_with_k_2_and_p_6(make_config):
    penalty = build_gan(make_config({"train.penalty": "divergence"}), num_neurons=6).penalty
    assert isinstance(penalty, WassersteinDivergence) and (penalty.weight, penalty.power) == (2.0, 6.0)


def test_critic_update_differentiates_through_the_penalty():
    """One SGD critic update on D(x) = <w, x> + b against G(z) = c, penalty lambda (||w|| - 1)^2:

    dL/dw = mean(fake) - mean(real) + 2 lambda (||w|| - 1) w / ||w||, dL/db = 0. The last term
    exists only if the update differentiates the input gradient with respect to the weights.
    """
    rng = np.random.default_rng(3)
    weights, real = rng.normal(size=SHAPE) * 0.5, rng.random((4, *SHAPE), np.float32)
    fake = np.full(SHAPE, 0.25, np.float32)
    critic = linear_critic(weights)
    gan = GAN(constant_generator(fake), critic, penalty=GradientPenalty(10.0), n_critic=1, seed=0)
    gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
    steps = make_steps(gan)
    steps.train_step(real)
    steps.sync()
    norm = np.linalg.norm(weights)
    gradient = fake - real.mean(axis=0) + 2 * 10.0 * (norm - 1.0) * weights / norm
    kernel, bias = critic.get_layer("linear").get_weights()
    np.testing.assert_allclose(kernel.reshape(SHAPE), weights - 0.01 * gradient, rtol=1e-5, atol=1e-6)
    assert float(bias[0]) == pytest.approx(0.3)


def test_penalties_round_trip_their_config():
    for penalty in (GradientPenalty(3.0), OneSidedGradientPenalty(4.0, False), WassersteinDivergence(2.0, 5.0)):
        restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(penalty))
        assert type(restored) is type(penalty) and restored.get_config() == penalty.get_config()
