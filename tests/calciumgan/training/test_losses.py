"""The standard GAN's non-saturating loss and the penalty-free critic, against their closed forms, computed by the
backend's compiled steps; orthogonal initialisation."""

import keras
import numpy as np
import pytest
from known_models import constant_generator, linear_critic

from calciumgan.config import load_config
from calciumgan.core.config import with_overrides
from calciumgan.experiment import build_gan
from calciumgan.training.gan import GAN
from calciumgan.training.initialisation import orthogonalise_kernels
from calciumgan.training.losses import LOSSES, NonSaturatingLoss
from calciumgan.training.penalties import NoPenalty, gradient_penalty_or_none
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

SHAPE = (8, 3)


def _softplus(x):
    return np.logaddexp(0.0, x)


def test_non_saturating_losses_are_the_cross_entropies_of_the_scores_as_logits():
    """Critic: -mean log sigmoid(D(x)) - mean log(1 - sigmoid(D(G(z)))); generator: -mean log sigmoid(D(G(z)))."""
    rng = np.random.default_rng(0)
    weights, bias = rng.normal(size=SHAPE) * 0.3, 0.3
    real, fake_value = rng.random((6, *SHAPE), np.float32), 0.5
    gan = GAN(constant_generator(np.full(SHAPE, fake_value, np.float32)), linear_critic(weights, bias),
              loss=NonSaturatingLoss(), penalty=NoPenalty(), n_critic=1, seed=0)  # fmt: skip
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    logs = {name: float(value) for name, value in make_steps(gan).test_step(real, seed=3).items()}
    real_scores = real.reshape(6, -1) @ weights.ravel() + bias
    fake_score = fake_value * weights.sum() + bias
    sigmoid = 1.0 / (1.0 + np.exp(-np.concatenate([real_scores, [fake_score]])))
    expected_critic = -np.mean(np.log(sigmoid[:-1])) - np.log(1.0 - sigmoid[-1])
    assert logs["critic_loss"] == pytest.approx(expected_critic, rel=1e-5)
    assert logs["generator_loss"] == pytest.approx(-np.log(sigmoid[-1]), rel=1e-5)
    assert logs["penalty"] == 0.0 and logs["gradient_norm"] == 0.0
    assert _softplus(-fake_score) == pytest.approx(-np.log(sigmoid[-1]), rel=1e-9)


def test_the_generator_loss_does_not_saturate_where_the_discriminator_wins():
    """At D(G(z)) = -10 (generated samples plainly fake) the generator's gradient is near -1, where the
    saturating loss log(1 - sigmoid(D)) would give about -4.5e-5."""
    score = keras.ops.convert_to_tensor(np.full((4, 1), -10.0, np.float32))
    gradient = float(-1.0 / (1.0 + np.exp(-10.0)))  # d/ds softplus(-s) at s = -10
    loss = NonSaturatingLoss()
    assert float(loss.generator(score)) == pytest.approx(_softplus(10.0), rel=1e-6)
    epsilon = 1e-2
    shifted = float(loss.generator(score + epsilon))
    assert (shifted - float(loss.generator(score))) / epsilon == pytest.approx(gradient, rel=1e-2)
    assert set(LOSSES) == {"wasserstein", "non_saturating"}


def test_a_zero_penalty_weight_means_no_penalty_at_all():
    assert isinstance(gradient_penalty_or_none(0.0), NoPenalty)
    assert gradient_penalty_or_none(10.0).weight == 10.0
    assert NoPenalty().points(None, None, None) == []


def test_orthogonal_kernels_have_orthonormal_columns_or_rows():
    model = keras.Sequential([keras.Input((5, 4)), keras.layers.Conv1D(6, 3, name="conv"),
                              keras.layers.Flatten(), keras.layers.Dense(2, name="dense")])  # fmt: skip
    biases = [np.array(layer.bias) for layer in model.layers if hasattr(layer, "bias")]
    assert orthogonalise_kernels(model, seed=3) == 2
    conv = np.array(model.get_layer("conv").kernel).reshape(-1, 6)  # (12, 6): orthonormal columns
    dense = np.array(model.get_layer("dense").kernel)  # (18, 2)
    np.testing.assert_allclose(conv.T @ conv, np.eye(6), atol=1e-5)
    np.testing.assert_allclose(dense.T @ dense, np.eye(2), atol=1e-5)
    for bias, layer in zip(biases, [layer for layer in model.layers if hasattr(layer, "bias")]):
        np.testing.assert_array_equal(np.array(layer.bias), bias)


def test_configs_choose_the_loss_the_penalty_and_orthogonal_kernels():
    config = with_overrides(load_config("demo"), {"train.loss": "non_saturating", "train.penalty": "none",
                                                  "model.orthogonal_init": True})  # fmt: skip
    gan = build_gan(config, num_neurons=4)
    assert isinstance(gan.loss_function, NonSaturatingLoss) and isinstance(gan.penalty, NoPenalty)
    project = np.array(gan.generator.get_layer("project").kernel)  # (noise_dim, positions * noise_dim): wide
    np.testing.assert_allclose(project @ project.T, np.eye(len(project)), atol=1e-5)
