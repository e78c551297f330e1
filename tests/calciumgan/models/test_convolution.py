"""The exact strided convolutions against Keras's own layers, to second derivatives."""

import keras
import numpy as np
import pytest

from calciumgan.models.convolution import SpaceToDepthConv1D, SubPixelConv1DTranspose, _valid_conv1d_plain_gradients
from calciumgan.models.layers import MaskedLeakyReLU

pytestmark = pytest.mark.backend


class _ValidConvolution(keras.layers.Layer):
    """A stride-1 "valid" convolution with 4 filters of 5 taps, computed by ``convolve``."""

    def __init__(self, convolve):
        super().__init__()
        self.convolve = convolve

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(5, input_shape[-1], 4), initializer="glorot_uniform")

    def call(self, inputs):
        return self.convolve(inputs, self.kernel + 0.0)  # a value: TensorFlow's custom gradients refuse variables


def _stock_valid_convolution(inputs, kernel):
    return keras.ops.conv(inputs, kernel, padding="valid")


@pytest.mark.parametrize("kernel_size, strides", [(24, 2), (8, 2), (2, 2), (4, 4), (6, 3), (12, 4), (25, 5)])
def test_subpixel_equals_conv1d_transpose(kernel_size, strides):
    rng = np.random.default_rng(kernel_size * 10 + strides)
    inputs = rng.normal(size=(3, 7, 5)).astype(np.float32)
    reference = keras.layers.Conv1DTranspose(6, kernel_size, strides, padding="same")
    expected_shape = reference(inputs).shape
    subpixel = SubPixelConv1DTranspose(6, kernel_size, strides)
    subpixel.build(inputs.shape)
    assert subpixel.kernel.shape == reference.kernel.shape
    assert subpixel.count_params() == reference.count_params()
    reference.bias.assign(rng.normal(size=6).astype(np.float32))
    subpixel.set_weights(reference.get_weights())
    outputs = subpixel(inputs)
    assert outputs.shape == expected_shape == (3, 7 * strides, 6)
    np.testing.assert_allclose(outputs, reference(inputs), atol=1e-5)


@pytest.mark.parametrize("kernel_size, strides, length", [(24, 2, 64), (8, 2, 5), (4, 4, 7), (6, 3, 9), (25, 5, 4)])
def test_space_to_depth_equals_conv1d(kernel_size, strides, length):
    rng = np.random.default_rng(kernel_size * 10 + strides)
    inputs = rng.normal(size=(3, length, 5)).astype(np.float32)
    reference = keras.layers.Conv1D(6, kernel_size, strides, padding="same")
    expected = reference(inputs)
    folded = SpaceToDepthConv1D(6, kernel_size, strides)
    folded.build(inputs.shape)
    assert folded.kernel.shape == reference.kernel.shape
    reference.bias.assign(rng.normal(size=6).astype(np.float32))
    folded.set_weights(reference.get_weights())
    outputs = folded(inputs)
    assert outputs.shape == expected.shape == (3, -(-length // strides), 6)
    np.testing.assert_allclose(outputs, reference(inputs), atol=1e-5)


def _first_and_second_derivatives(layer, inputs):
    """d/dx of sum(sin(layer(x))), and d/dweights of the squared norm of that input gradient."""
    weights = [variable.value for variable in layer.trainable_variables]

    def score(weights, x):
        return keras.ops.sum(keras.ops.sin(layer.stateless_call(weights, [], x)[0]))

    if keras.backend.backend() == "jax":
        import jax

        def penalty(weights, x):
            return keras.ops.sum(keras.ops.square(jax.grad(score, argnums=1)(weights, x)))

        return [jax.grad(score, argnums=1)(weights, inputs), *jax.grad(penalty)(weights, inputs)]
    import tensorflow as tf

    x = tf.constant(inputs)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x)
            total = keras.ops.sum(keras.ops.sin(layer(x)))
        input_gradient = inner.gradient(total, x)
        penalty = tf.reduce_sum(tf.square(input_gradient))
    gradients = outer.gradient(penalty, layer.trainable_variables)
    assert not any(isinstance(gradient, tf.IndexedSlices) for gradient in gradients)  # dense kernel gradients
    return [input_gradient, *gradients]


@pytest.mark.parametrize(
    "fast, reference",
    [
        (lambda: SubPixelConv1DTranspose(4, 8, 2), lambda: keras.layers.Conv1DTranspose(4, 8, 2, padding="same")),
        (lambda: SpaceToDepthConv1D(4, 8, 2), lambda: keras.layers.Conv1D(4, 8, 2, padding="same")),
        (lambda: MaskedLeakyReLU(0.2), lambda: keras.layers.LeakyReLU(0.2)),
        (lambda: _ValidConvolution(_valid_conv1d_plain_gradients), lambda: _ValidConvolution(_stock_valid_convolution)),
    ],
)
def test_fast_layers_have_the_reference_gradients_to_second_order(fast, reference):
    """First and second derivatives, as the gradient penalty needs them."""
    inputs = np.random.default_rng(0).normal(size=(2, 10, 3)).astype(np.float32)
    fast, reference = fast(), reference()
    reference(inputs)
    fast.build(inputs.shape)
    fast.set_weights(reference.get_weights())
    for expected, actual in zip(_first_and_second_derivatives(reference, inputs),
                                _first_and_second_derivatives(fast, inputs)):  # fmt: skip
        np.testing.assert_allclose(actual, expected, atol=1e-5)


@pytest.mark.parametrize("layer_class", [SubPixelConv1DTranspose, SpaceToDepthConv1D])
def test_fast_layers_reject_kernel_not_multiple_of_stride(layer_class):
    with pytest.raises(ValueError, match="kernel_size 25 must be a multiple of strides 2"):
        layer_class(4, 25, 2)


@pytest.mark.parametrize("layer_class", [SubPixelConv1DTranspose, SpaceToDepthConv1D])
def test_fast_layers_config_round_trip(layer_class):
    layer = layer_class(4, 8, 2, name="conv")
    clone = layer_class.from_config(layer.get_config())
    assert (clone.filters, clone.kernel_size, clone.strides, clone.name) == (4, 8, 2, "conv")
