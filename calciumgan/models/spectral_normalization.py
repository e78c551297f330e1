"""Spectral normalisation of the critic's layers (Miyato et al. 2018): each kernel W is used as W / sigma(W).

sigma(W) is the largest singular value of W reshaped to (fan_in, units), estimated by one
step of power iteration per training call on a persistent vector u (1, units):
``v = normalise(u W^T)``, ``u = normalise(v W)``, ``sigma = v W u^T``, with u and v held
constant for differentiation, so the gradient flows through W in both the kernel and sigma.
The refreshed u is stored only in training calls; outside them the stored u is used. sigma is
computed in float32 under any precision policy. Each normalised layer is then 1-Lipschitz
(to within the estimate), which bounds the critic without or beside a gradient penalty.

The layers are the critic's: ``SpectralConv1D`` (as Keras's ``Conv1D``),
``SpectralSpaceToDepthConv1D`` (the fast exact strided convolution) and ``SpectralDense``.
"""

import keras
from keras import ops

from calciumgan.models.convolution import SpaceToDepthConv1D

NORM_EPSILON = 1e-12


def _normalise(vector):
    return vector / ops.sqrt(ops.sum(ops.square(vector)) + NORM_EPSILON)


class _SpectrallyNormalised:
    """Mixin for a layer with a ``kernel`` whose last axis is its units: the vector u and ``normalised``."""

    def _add_vector_u(self) -> None:
        self.vector_u = self.add_weight(shape=(1, self.kernel.shape[-1]), name="vector_u", trainable=False,
                                        initializer=keras.initializers.RandomNormal(), dtype="float32")  # fmt: skip

    def normalised(self, kernel, training=False):
        """``kernel`` / sigma, in ``kernel``'s dtype; refreshes the stored u when ``training``."""
        matrix = ops.reshape(ops.cast(kernel, "float32"), (-1, kernel.shape[-1]))
        u = ops.convert_to_tensor(self.vector_u)
        v = ops.stop_gradient(_normalise(ops.matmul(u, ops.transpose(matrix))))
        u = ops.stop_gradient(_normalise(ops.matmul(v, matrix)))
        sigma = ops.sum(ops.matmul(v, matrix) * u)
        if training:
            self.vector_u.assign(u)
        return ops.cast(ops.cast(kernel, "float32") / sigma, kernel.dtype)


@keras.saving.register_keras_serializable(package="calciumgan")
class SpectralConv1D(_SpectrallyNormalised, keras.layers.Layer):
    """Keras's ``Conv1D(filters, kernel_size, strides, padding="same")`` (channels last, kernel (kernel_size,
    input_channels, filters), bias, no activation) whose kernel is spectrally normalised; its own layer, as
    Keras's saves only its kernel and bias."""

    def __init__(self, filters: int, kernel_size: int, strides: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.strides = int(filters), int(kernel_size), int(strides)

    def build(self, input_shape):
        shape = (self.kernel_size, input_shape[-1], self.filters)
        self.kernel = self.add_weight(name="kernel", shape=shape, initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
        self._add_vector_u()

    def call(self, inputs, training=False):
        kernel = self.normalised(self.kernel, training)
        return ops.conv(inputs, kernel, strides=self.strides, padding="same") + self.bias

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else -(-input_shape[1] // self.strides)
        return (input_shape[0], length, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides}  # fmt: skip


@keras.saving.register_keras_serializable(package="calciumgan")
class SpectralSpaceToDepthConv1D(_SpectrallyNormalised, SpaceToDepthConv1D):
    """``SpaceToDepthConv1D`` whose kernel is spectrally normalised."""

    def build(self, input_shape):
        super().build(input_shape)
        self._add_vector_u()

    def call(self, inputs, training=False):
        return self.convolve(inputs, self.normalised(self.kernel, training))


@keras.saving.register_keras_serializable(package="calciumgan")
class SpectralDense(_SpectrallyNormalised, keras.layers.Layer):
    """A dense layer of ``units`` (kernel (input_features, units), bias, no activation) whose kernel is
    spectrally normalised; its own layer, as Keras's ``Dense`` saves only its kernel and bias."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self._add_vector_u()

    def call(self, inputs, training=False):
        return ops.matmul(inputs, self.normalised(self.kernel, training)) + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
