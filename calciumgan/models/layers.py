"""Custom Keras layers: per-example phase shuffle and fast exact strided convolutions.

All work on sequences shaped (batch, time, channels), are written in ``keras.ops`` (so they run
on TensorFlow and JAX) and save with ``.keras`` files that load under either backend.
"""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="calciumgan")
class PhaseShuffle(keras.layers.Layer):
    """Shift each example in time by its own random offset in ``[-max_shift, max_shift]``.

    WaveGAN's critic regulariser (Donahue et al. 2019): frames shifted in from
    beyond an end are its reflection, so a periodic artefact of the
    generator's upsampling no longer sits at a fixed phase. The shift is drawn per
    example (public versions draw one per batch). Outside training it is the identity.

    Input and output: (batch, time, channels), ``time > max_shift``.
    """

    def __init__(self, max_shift: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if max_shift < 0:
            raise ValueError(f"PhaseShuffle: max_shift must be >= 0, got {max_shift}")
        self.max_shift = int(max_shift)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.max_shift == 0:
            return inputs
        batch, length = ops.shape(inputs)[0], inputs.shape[1]
        shifts = keras.random.randint(
            (batch,), -self.max_shift, self.max_shift + 1, seed=self.seed_generator
        )
        # Output frame t of example b reads input frame t - shift_b, reflected at both ends
        # (-1 -> 1, length -> length - 2): one gather, no padded copy.
        source = ops.abs(ops.arange(length)[None, :] - shifts[:, None])
        source = ops.where(source > length - 1, 2 * (length - 1) - source, source)
        return ops.take_along_axis(inputs, source[:, :, None], axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}


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
        phases = ops.conv(padded, self._stride_one_kernel(), strides=1, padding="valid")
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
        batch, length, channels = ops.shape(inputs)[0], inputs.shape[1], inputs.shape[2]
        taps_per_block = self.kernel_size // self.strides
        output_length = -(-length // self.strides)
        left = max((output_length - 1) * self.strides + self.kernel_size - length, 0) // 2
        blocks = output_length + taps_per_block - 1
        padded = ops.pad(inputs, [[0, 0], [left, blocks * self.strides - left - length], [0, 0]])
        folded = ops.reshape(padded, (batch, blocks, self.strides * channels))
        kernel = ops.reshape(self.kernel, (taps_per_block, self.strides * channels, self.filters))
        return ops.conv(folded, kernel, strides=1, padding="valid") + self.bias

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else -(-input_shape[1] // self.strides)
        return (input_shape[0], length, self.filters)


@keras.saving.register_keras_serializable(package="calciumgan")
class MaskedLeakyReLU(keras.layers.Layer):
    """LeakyReLU written as ``x * mask(x)`` with the mask held constant for differentiation.

    Values and first derivatives equal ``keras.layers.LeakyReLU``'s. Its second
    derivative is zero, as LeakyReLU's is almost everywhere, but here autodiff
    knows it: TensorFlow's own LeakyReLU gradient sends a tensor of zeros back
    through every earlier layer when a gradient penalty is differentiated, which
    costs a full backward pass of the critic per penalty.
    """

    def __init__(self, negative_slope: float = 0.2, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        slope = ops.cast(self.negative_slope, inputs.dtype)
        mask = ops.stop_gradient(ops.where(inputs > 0, ops.ones_like(inputs), slope))
        return inputs * mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
