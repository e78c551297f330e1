"""BigGAN's orthogonal regularisation: its value, its zeros and its gradient in a generator update."""

import keras
import numpy as np
import pytest
from known_models import linear_critic

from calciumgan.models.registry import build_models
from calciumgan.training.gan import GAN
from calciumgan.training.regularizers import orthogonal_penalty
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend


def _off_diagonal_sum(kernel: np.ndarray) -> float:
    """sum over pairs i != j of (c_i . c_j)^2, c_i the columns of the kernel read as (-1, last axis)."""
    columns = kernel.reshape(-1, kernel.shape[-1]).T.astype(np.float64)
    return sum(float(columns[i] @ columns[j]) ** 2 for i in range(len(columns)) for j in range(len(columns)) if i != j)


def test_penalty_sums_the_squared_off_diagonal_gram_entries_of_every_kernel():
    rng = np.random.default_rng(0)
    kernels = [rng.normal(size=(4, 8)), rng.normal(size=(4, 12, 4)), rng.normal(size=(5, 3, 6))]
    bias = rng.normal(size=(6,))  # one axis: not a kernel, left out
    value = float(orthogonal_penalty([kernel.astype(np.float32) for kernel in kernels] + [bias.astype(np.float32)]))
    assert value == pytest.approx(sum(map(_off_diagonal_sum, kernels)), rel=1e-5)


def test_penalty_of_the_wavegan_generator_counts_its_kernels_only():
    arguments = {"noise_dim": 4, "filters": 4, "kernel_size": 4, "strides": 2, "num_blocks": 3, "window": 16,
                 "num_neurons": 3, "phase_shuffle": 0, "normalization": "layer", "convolutions": "fast"}  # fmt: skip
    generator, _ = build_models("wavegan", arguments)
    kernels = [weights for weights in generator.get_weights() if weights.ndim >= 2]
    assert len(kernels) == 5  # project, three upsampling convolutions, per-frame dense
    value = float(orthogonal_penalty(generator.trainable_variables))
    assert value == pytest.approx(sum(map(_off_diagonal_sum, kernels)), rel=1e-5)


def test_penalty_is_zero_for_orthogonal_columns_of_any_norms():
    orthonormal, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(48, 4)))
    scaled = orthonormal * np.array([0.1, 1.0, 3.0, 7.0])
    kernels = [scaled.astype(np.float32), scaled.reshape(4, 12, 4).astype(np.float32)]
    assert float(orthogonal_penalty(kernels)) == pytest.approx(0.0, abs=1e-9)
    assert float(orthogonal_penalty([np.ones((3, 1), np.float32)])) == 0.0  # one column: nothing off the diagonal


def _dense_generator(kernel: np.ndarray, shape) -> keras.Model:
    """G(z) = reshape(z W + b): one kernel W (noise_dim, prod(shape))."""
    noise = keras.Input((kernel.shape[0],))
    dense = keras.layers.Dense(kernel.shape[1], name="dense")
    generator = keras.Model(noise, keras.layers.Reshape(shape)(dense(noise)))
    dense.set_weights([kernel.astype(np.float32), np.zeros(kernel.shape[1], np.float32)])
    return generator


def test_generator_update_descends_beta_times_the_analytic_gradient():
    """With a critic of zero weights the adversarial gradient vanishes, so one SGD step of rate r is
    W <- W - r beta 4 W (W^T W * (1 - I)); the validation loss is -b + beta sum ||W^T W * (1 - I)||^2."""
    beta, rate, shape = 0.5, 0.1, (2, 3)
    kernel = np.random.default_rng(2).normal(size=(3, 6)) * 0.5
    generator = _dense_generator(kernel, shape)
    critic = linear_critic(np.zeros(shape), bias=0.3)
    gan = GAN(generator, critic, n_critic=1, seed=0, orthogonal_regularization=beta)
    gan.compile(keras.optimizers.SGD(rate), keras.optimizers.SGD(0.0))
    steps = make_steps(gan)
    real = np.random.default_rng(3).random((4, *shape), np.float32)
    logs = steps.test_step(real, seed=1)
    assert float(logs["generator_loss"]) == pytest.approx(-0.3 + beta * _off_diagonal_sum(kernel), rel=1e-5)
    steps.train_step(real)
    steps.sync()
    gram = kernel.T @ kernel
    expected = kernel - rate * beta * 4 * kernel @ (gram * (1 - np.eye(6)))
    np.testing.assert_allclose(generator.get_layer("dense").get_weights()[0], expected, rtol=1e-5, atol=1e-6)
