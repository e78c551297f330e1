"""The response model: Walker et al.'s shapes and exact parameter counts, saving, input gradients."""

import keras
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from exciting_inputs.models import build_core, build_response_model

pytestmark = pytest.mark.backend

SEED_CORE = 4 * 4 * 64 + 2 * 3 * 3 * 64 * 64 + 3 * 2 * 64  # 1,024 + 73,728 + 384 batch-norm scales and offsets


def trainable(model) -> int:
    return sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)


def input_gradient(model, images: np.ndarray) -> np.ndarray:
    """d(sum of the model's outputs) / d(images), on whichever backend runs (what an MEI optimiser takes)."""
    if keras.backend.backend() == "jax":
        import jax

        return np.asarray(jax.jit(jax.grad(lambda x: model(x).sum()))(images))
    import tensorflow as tf

    variable = tf.Variable(images)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(model(variable))
    return tape.gradient(total, variable).numpy()


@pytest.fixture(scope="module")
def seed_model():
    return build_response_model((60, 96), 1)  # 60 x 96 images and outdims=1; built, never trained


def test_seed_core_makes_192_maps_of_30_by_48(seed_model):
    core = seed_model.get_layer("core")
    assert core.output.shape == (None, 30, 48, 192)
    assert core.get_layer("conv0").output.shape == (None, 61, 97, 64)
    assert all(not layer.use_bias for layer in core.layers if layer.name.startswith("conv"))


def test_seed_model_has_the_seeds_75907_trainable_parameters(seed_model):
    assert trainable(seed_model.get_layer("core")) == SEED_CORE == 75_136
    assert trainable(seed_model) == 75_907 == SEED_CORE + 2 + 192 * 4 + 1
    assert seed_model.count_params() - trainable(seed_model) == 3 * 2 * 64  # batch-norm moving statistics
    assert trainable(build_response_model((60, 96), 49)) == SEED_CORE + 49 * 771


def test_penalties_are_the_seeds_weights(seed_model):
    core = seed_model.get_layer("core")
    penalties = [core.get_layer(f"conv{index}").kernel_regularizer for index in range(3)]
    assert [type(penalty).__name__ for penalty in penalties] == ["LaplaceL2", "GroupSparsity", "GroupSparsity"]
    assert [penalty.strength for penalty in penalties] == [0.1, 0.05, 0.05]  # 0.1 x the mean over 2 hidden layers
    assert core.get_layer("norm0").momentum == 0.9 and core.get_layer("norm0").epsilon == 1e-5


def test_saved_model_reloads_with_equal_outputs(tmp_path):
    model = build_response_model((20, 28), 3, hidden_channels=4)
    model.get_layer("readout").location.assign(np.float32([[0.3, -0.2], [-0.7, 0.5], [0.0, 0.9]]))
    images = np.random.default_rng(0).uniform(size=(4, 20, 28, 1)).astype(np.float32)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    outputs = model.predict_on_batch(images)
    np.testing.assert_allclose(loaded.predict_on_batch(images), outputs, rtol=1e-6)
    assert outputs.shape == (4, 3) and np.all(outputs > 0)


def test_input_gradient_matches_finite_differences():
    keras.utils.set_random_seed(1)
    model = build_response_model((12, 16), 2, hidden_channels=3)
    images = np.random.default_rng(2).uniform(size=(1, 12, 16, 1)).astype(np.float64)
    gradient = input_gradient(model, images.astype(np.float32))
    assert gradient.shape == images.shape and np.abs(gradient).max() > 0
    step, pixels = 1e-2, [(5, 7), (0, 0), (11, 3)]
    shifted = np.repeat(images, 2 * len(pixels), axis=0)
    for index, (row, column) in enumerate(pixels):
        shifted[2 * index, row, column] += step
        shifted[2 * index + 1, row, column] -= step
    totals = model.predict_on_batch(shifted.astype(np.float32)).astype(np.float64).sum(axis=1)
    expected = (totals[0::2] - totals[1::2]) / (2 * step)
    np.testing.assert_allclose([gradient[0, row, column, 0] for row, column in pixels], expected, rtol=0.02, atol=1e-4)


def test_bad_shapes_are_one_line_errors():
    with pytest.raises(ConfigError, match="hidden_kernel 4 must be odd"):
        build_core((60, 96), hidden_kernel=4)
    with pytest.raises(ConfigError, match="images of 2 x 2 are too small"):
        build_core((2, 2), input_kernel=4, pooling=4)
    with pytest.raises(ConfigError, match="neurons must be at least 1"):
        build_response_model((20, 20), 0)
