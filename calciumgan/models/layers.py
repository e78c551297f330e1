"""Custom Keras layers of the critic: per-example phase shuffle and a LeakyReLU for penalties.

Both work on sequences shaped (batch, time, channels), are written in ``keras.ops`` (so they run
on TensorFlow and JAX) and save with ``.keras`` files that load under either backend. The fast
exact strided convolutions live in ``calciumgan.models.convolution``.
"""

import keras
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
        # (-1 -> 1, length -> length - 2): one gather of rows of the (batch * time, channels)
        # array, whose gradients (a segment sum, then a gather) are fast on every backend.
        source = ops.abs(ops.arange(length)[None, :] - shifts[:, None])
        source = ops.where(source > length - 1, 2 * (length - 1) - source, source)
        rows = ops.reshape(source + ops.arange(batch)[:, None] * length, (-1,))
        flat = ops.reshape(inputs, (-1, inputs.shape[2]))
        return ops.reshape(ops.take(flat, rows, axis=0), ops.shape(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}


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
