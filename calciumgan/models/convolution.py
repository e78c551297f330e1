"""Strided 1D convolutions rewritten as exact stride-1 ones, with gradients that stay fast.

``SubPixelConv1DTranspose`` and ``SpaceToDepthConv1D`` compute Keras's ``Conv1DTranspose`` and
``Conv1D`` (``padding="same"``, a kernel whose size is a multiple of the stride) with the same
parameters and outputs, as one stride-1 ``valid_conv1d`` each: on CPUs forward convolutions
run faster than transposed or strided ones.

On JAX's CPU backend ``valid_conv1d`` states its own gradients as plain forward
convolutions. A gradient penalty differentiates the critic twice; left to itself, XLA turns the
second derivative of a convolution into convolutions with reversed, batch-as-feature layouts that
XLA:CPU runs 15 times slower than the first derivative (the penalty's weight gradient at the
thesis's first critic layer: 1.9 s against 0.13 s), which made a thesis-size iteration take 25 s
instead of 3 s. Written this way every derivative, to any order, is again a plain convolution.
TensorFlow's own gradients are 10 % faster than these, and GPUs have not been measured, so both
keep the stock gradients.
"""

import keras
import numpy as np
from keras import ops


def valid_conv1d(inputs, kernel):
    """``ops.conv(inputs, kernel, padding="valid")``: (B, T, C) inputs, a (K, C, F) kernel, (B, T - K + 1, F) out.

    On JAX's CPU backend the gradients are stated as plain convolutions: the input gradient
    is the upstream gradient padded by K - 1 on both sides and convolved with the kernel
    flipped in time, (K, F, C); the kernel gradient is a convolution with channels as the
    batch and the batch as features, ``dW[k, c, f] = sum_{b, t} x[b, t + k, c] g[b, t, f]``.
    """
    if _plain_gradients_pay():
        return _valid_conv1d_plain_gradients(inputs, kernel)
    return ops.conv(inputs, kernel, strides=1, padding="valid")


def _plain_gradients_pay() -> bool:
    """True on JAX's CPU backend (see the module docstring)."""
    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.default_backend() == "cpu"


@ops.custom_gradient
def _valid_conv1d_plain_gradients(inputs, kernel):
    def gradient(*args, upstream=None):
        upstream = args[0] if upstream is None else upstream
        taps = kernel.shape[0]
        padded = ops.pad(upstream, [[0, 0], [taps - 1, taps - 1], [0, 0]])
        input_gradient = ops.conv(padded, ops.transpose(ops.flip(kernel, axis=0), (0, 2, 1)), padding="valid")
        by_channel = ops.conv(ops.transpose(inputs, (2, 1, 0)), ops.transpose(upstream, (1, 0, 2)), padding="valid")
        return input_gradient, ops.transpose(by_channel, (1, 0, 2))

    return ops.conv(inputs, kernel, strides=1, padding="valid"), gradient


class _ExactStridedConv1D(keras.layers.Layer):
    """Shared parts of the stride-1 rewrites of Keras's strided 1D convolutions.

    A kernel of ``kernel_size`` taps (a multiple of ``strides``) in the stock layer's
    shape, ``kernel_shape(input_channels)``, and one bias per filter.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int,
        strides: int,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if kernel_size % strides or kernel_size < strides:
            raise ValueError(
                f"{type(self).__name__}: kernel_size {kernel_size} must be a multiple of strides {strides}"
            )
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.strides = int(strides)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def kernel_shape(self, input_channels: int) -> tuple:
        raise NotImplementedError

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_shape(input_shape[-1]), initializer=self.kernel_initializer
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }


@keras.saving.register_keras_serializable(package="calciumgan")
class SubPixelConv1DTranspose(_ExactStridedConv1D):
    """``Conv1DTranspose(padding="same")`` computed as a stride-1 convolution plus depth-to-space.

    For stride ``s`` and a kernel of ``K = s * m`` taps, output frame ``s*q + r``
    depends on ``m`` consecutive input frames through the taps ``r + P (mod s)``,
    ``s + r + P (mod s)``, ... of the kernel, where ``P = (K - s) // 2`` is the
    left padding that "same" implies. Gathering those taps per phase ``r`` gives
    one stride-1 convolution with ``s * filters`` output channels; interleaving
    the phases ("depth to space") gives exactly the transposed convolution. On
    CPUs forward convolutions run about twice as fast as transposed ones.

    The kernel has the shape of Keras's ``Conv1DTranspose`` kernel,
    ``(kernel_size, filters, input_channels)``, and the same values give the same
    outputs, so weights move between the two layers unchanged.

    Input: (batch, time, input_channels). Output: (batch, time * strides, filters).
    """

    def __init__(self, filters: int, kernel_size: int, strides: int, **kwargs):
        super().__init__(filters, kernel_size, strides, **kwargs)
        taps_per_phase = self.kernel_size // self.strides
        self._left_padding = (self.kernel_size - self.strides) // 2
        # First input frame of phase r, relative to output block q, is q + offsets[r] - (m - 1).
        self._offsets = (np.arange(self.strides) + self._left_padding) // self.strides
        self._padding = (taps_per_phase - 1 - self._offsets.min(), self._offsets.max())

    def kernel_shape(self, input_channels: int) -> tuple:
        return (self.kernel_size, self.filters, input_channels)

    def _stride_one_kernel(self):
        """The transposed kernel rearranged to (taps_per_phase, input_channels, strides * filters).

        Phase r at stride-1 position t uses tap ``s * (m - 1 - t) + (r + P) % s``:
        reversing the taps and splitting them into (m, s) blocks puts that tap at
        block t, column ``s - 1 - (r + P) % s``, which a flip and a roll of the
        column axis bring to column r. Only dense ops, so the kernel's gradient
        stays dense.
        """
        input_channels = self.kernel.shape[-1]
        taps_per_phase = self.kernel_size // self.strides
        blocks = ops.reshape(
            ops.flip(self.kernel, axis=0), (taps_per_phase, self.strides, self.filters, input_channels)
        )
        by_phase = ops.roll(ops.flip(blocks, axis=1), -self._left_padding % self.strides, axis=1)
        by_phase = ops.transpose(by_phase, (0, 3, 1, 2))
        return ops.reshape(by_phase, (taps_per_phase, input_channels, self.strides * self.filters))

    def call(self, inputs):
        batch, length = ops.shape(inputs)[0], inputs.shape[1]
        padded = ops.pad(inputs, [[0, 0], list(self._padding), [0, 0]])
        phases = valid_conv1d(padded, self._stride_one_kernel())
        if self._offsets.min() != self._offsets.max():
            start = self._offsets - self._offsets.min()
            phases = ops.concatenate(
                [
                    phases[:, start[r] : start[r] + length, r * self.filters : (r + 1) * self.filters]
                    for r in range(self.strides)
                ],
                axis=-1,
            )
        outputs = ops.reshape(phases, (batch, length * self.strides, self.filters))
        return outputs + self.bias

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else input_shape[1] * self.strides
        return (input_shape[0], length, self.filters)


@keras.saving.register_keras_serializable(package="calciumgan")
class SpaceToDepthConv1D(_ExactStridedConv1D):
    """``Conv1D(padding="same")`` with stride ``s`` computed as a stride-1 convolution.

    With ``K = s * m`` taps, output frame t is ``sum_k x[s*t + k - P] W[k]``. Folding
    every ``s`` consecutive (padded) input frames into one frame of ``s * C``
    channels ("space to depth") turns this into a stride-1 convolution with ``m``
    taps whose kernel is ``W`` reshaped to (m, s * C, filters). On CPUs the
    stride-1 form runs faster, above all its kernel gradient (about 2x).

    The kernel has the shape of Keras's ``Conv1D`` kernel,
    ``(kernel_size, input_channels, filters)``, and the same values give the same
    outputs. Input: (batch, time, input_channels). Output:
    (batch, ceil(time / strides), filters).
    """

    def kernel_shape(self, input_channels: int) -> tuple:
        return (self.kernel_size, input_channels, self.filters)

    def call(self, inputs):
        return self.convolve(inputs, self.kernel)

    def convolve(self, inputs, kernel):
        """The convolution of (batch, time, input_channels) ``inputs`` with ``kernel`` (this layer's or a
        rescaled copy of it), plus the bias."""
        batch, length, channels = ops.shape(inputs)[0], inputs.shape[1], inputs.shape[2]
        taps_per_block = self.kernel_size // self.strides
        output_length = -(-length // self.strides)
        left = max((output_length - 1) * self.strides + self.kernel_size - length, 0) // 2
        blocks = output_length + taps_per_block - 1
        padded = ops.pad(inputs, [[0, 0], [left, blocks * self.strides - left - length], [0, 0]])
        folded = ops.reshape(padded, (batch, blocks, self.strides * channels))
        kernel = ops.reshape(kernel, (taps_per_block, self.strides * channels, self.filters))
        return valid_conv1d(folded, kernel) + self.bias

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else -(-input_shape[1] // self.strides)
        return (input_shape[0], length, self.filters)
