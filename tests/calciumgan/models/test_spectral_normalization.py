"""Spectral normalisation of the critic (Miyato et al. 2018): sigma against the SVD, training-only updates of u,
gradients through sigma, the same outputs as the plain layers on the normalised kernel, and the critic option."""

import keras
import numpy as np
import pytest
from keras import ops

from calciumgan.config import ModelConfig
from calciumgan.models.convolution import SpaceToDepthConv1D
from calciumgan.models.registry import build_models
from calciumgan.models.spectral_normalization import SpectralConv1D, SpectralDense, SpectralSpaceToDepthConv1D

pytestmark = pytest.mark.backend

INPUTS = np.random.default_rng(0).normal(size=(2, 16, 3)).astype(np.float32)


def _largest_singular_value(kernel: np.ndarray) -> float:
    return float(np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0])


LAYERS = {
    "conv": (lambda: SpectralConv1D(4, 4, 2), INPUTS),
    "fast-conv": (lambda: SpectralSpaceToDepthConv1D(4, 4, 2), INPUTS),
    "dense": (lambda: SpectralDense(5), INPUTS.reshape(2, -1)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_training_calls_converge_on_the_largest_singular_value_and_leave_a_unit_norm_kernel(name):
    build, inputs = LAYERS[name]
    keras.utils.set_random_seed(1)
    layer = build()
    layer(inputs)  # builds
    kernel = np.asarray(layer.kernel)
    for _ in range(60):  # one power-iteration step per training call
        layer(inputs, training=True)
    normalised = np.asarray(layer.normalised(layer.kernel))
    np.testing.assert_allclose(_largest_singular_value(normalised), 1.0, rtol=1e-3)
    np.testing.assert_allclose(normalised * _largest_singular_value(kernel), kernel, rtol=1e-3, atol=1e-6)


def test_inference_calls_keep_u_and_training_calls_refresh_it():
    layer = SpectralDense(5)
    layer(INPUTS.reshape(2, -1))
    stored = np.asarray(layer.vector_u).copy()
    layer(INPUTS.reshape(2, -1), training=False)
    np.testing.assert_array_equal(np.asarray(layer.vector_u), stored)
    layer(INPUTS.reshape(2, -1), training=True)
    assert not np.allclose(np.asarray(layer.vector_u), stored)


@pytest.mark.parametrize("spectral, plain", [
    (lambda: SpectralSpaceToDepthConv1D(4, 4, 2), lambda: SpaceToDepthConv1D(4, 4, 2)),
    (lambda: SpectralConv1D(4, 5, 2), lambda: keras.layers.Conv1D(4, 5, 2, padding="same")),
    (lambda: SpectralDense(4), lambda: keras.layers.Dense(4)),
], ids=["fast-conv", "conv", "dense"])  # fmt: skip
def test_each_layer_computes_its_plain_layer_on_the_normalised_kernel(spectral, plain):
    keras.utils.set_random_seed(2)
    spectral, plain = spectral(), plain()
    spectral(INPUTS), plain(INPUTS)
    plain.kernel.assign(spectral.normalised(spectral.kernel))
    plain.bias.assign(np.arange(4, dtype=np.float32))
    spectral.bias.assign(np.arange(4, dtype=np.float32))
    np.testing.assert_allclose(np.asarray(spectral(INPUTS)), np.asarray(plain(INPUTS)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("convolutions, layer", [("fast", "SpectralSpaceToDepthConv1D"), ("keras", "SpectralConv1D")])
def test_the_critic_option_normalises_every_weighted_layer_adds_only_u_and_round_trips(tmp_path, convolutions, layer):
    arguments = {**vars(ModelConfig(filters=4, kernel_size=4, num_blocks=2, phase_shuffle=0,
                                    convolutions=convolutions)), "window": 16, "num_neurons": 3}  # fmt: skip
    _, plain = build_models("wavegan", arguments)
    _, spectral = build_models("wavegan", {**arguments, "critic_spectral_norm": True})
    for _ in range(3):
        spectral(INPUTS, training=True)  # u moves away from its initial value, so the file must keep it
    names = [type(layer).__name__ for layer in spectral.layers if layer.weights]
    assert names == [layer, layer, "SpectralDense"]
    assert spectral.count_params() == plain.count_params() + 4 + 8 + 1  # one u of each layer's units
    assert len(spectral.trainable_weights) == len(plain.trainable_weights)
    path = tmp_path / "critic.keras"
    spectral.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(INPUTS)), np.asarray(spectral(INPUTS)), rtol=1e-6)


def test_a_critic_of_spectrally_normalised_layers_scores_within_the_lipschitz_bound():
    """Each layer is 1-Lipschitz once sigma is estimated, LeakyReLU too, so |D(x) - D(y)| <= ||x - y||."""
    arguments = {**vars(ModelConfig(filters=4, kernel_size=4, num_blocks=2, phase_shuffle=0)), "window": 16,
                 "num_neurons": 3, "critic_spectral_norm": True}  # fmt: skip
    keras.utils.set_random_seed(3)
    _, critic = build_models("wavegan", arguments)
    for _ in range(60):
        critic(INPUTS, training=True)
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2, 64, 16, 3)).astype(np.float32)
    gaps = np.abs(np.asarray(critic(x)) - np.asarray(critic(y)))[:, 0]
    distances = np.sqrt(((x - y) ** 2).sum(axis=(1, 2)))
    assert (gaps <= distances * 1.01).all()


def test_gradients_reach_the_kernel_through_sigma():
    layer = SpectralDense(1)
    inputs = ops.convert_to_tensor(INPUTS.reshape(2, -1))
    layer(inputs)
    weights = [np.asarray(value) for value in layer.trainable_weights]

    def loss(kernel):
        return ops.sum(ops.matmul(inputs, layer.normalised(kernel)))

    gradient = np.asarray(_gradient(loss, layer.kernel))
    # d(sum(x W / sigma))/dW differs from the gradient with sigma held fixed
    fixed = np.asarray(ops.sum(inputs, axis=0))[:, None] / float(np.linalg.svd(weights[0], compute_uv=False)[0])
    assert gradient.shape == weights[0].shape and not np.allclose(gradient, fixed, rtol=1e-3)


def _gradient(function, variable):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.grad(lambda value: function(value))(ops.convert_to_tensor(variable))
    import tensorflow as tf

    value = tf.convert_to_tensor(variable)
    with tf.GradientTape() as tape:
        tape.watch(value)
        result = function(value)
    return tape.gradient(result, value)


def test_training_steps_refresh_u_and_hold_the_critic_s_kernels_near_unit_norm(make_config):
    """Through each backend's compiled step (JAX: u is non-trainable state of the stateless critic). One power
    iteration per call trails kernels that move every step, from below (TensorFlow: sigma 1.07 after 30 steps)."""
    from calciumgan.experiment import build_gan
    from calciumgan.training.steps import make_steps

    config = make_config({"model.critic_spectral_norm": True, "train.penalty_weight": 0.0, "train.n_critic": 2,
                          "train.batch_size": 4})  # fmt: skip
    keras.utils.set_random_seed(5)
    gan = build_gan(config, num_neurons=config.data.num_neurons)
    layers = [layer for layer in gan.critic.layers if hasattr(layer, "vector_u")]
    initial = [np.asarray(layer.vector_u).copy() for layer in layers]
    steps = make_steps(gan)
    windows = np.random.default_rng(6).random((8, config.data.window, config.data.num_neurons), np.float32)
    for _ in range(30):
        logs = steps.train_step(windows)
    steps.sync()
    assert all(np.isfinite(float(value)) for value in logs.values())
    assert all(not np.allclose(np.asarray(layer.vector_u), start) for layer, start in zip(layers, initial))
    for layer in layers:
        assert 0.99 < _largest_singular_value(np.asarray(layer.normalised(layer.kernel))) < 1.15
