"""Custom Keras layers of the critic: per-example phase shuffle (1D and 2D), a LeakyReLU for penalties and
per-neuron batch statistics.

They work on sequences shaped (batch, time, channels) or, for the 2D variant, (batch, time,
neurons, channels); they are written in ``keras.ops`` (so they run on TensorFlow and JAX) and
save with ``.keras`` files that load under either backend. The fast exact strided convolutions
live in ``calciumgan.models.convolution``.
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
        source = _shifted_positions(length, _random_shifts(batch, self.max_shift, self.seed_generator))
        return _gather_positions(inputs, source + ops.arange(batch)[:, None] * length)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}


def _random_shifts(batch, max_shift: int, seed_generator):
    """One integer shift per example, uniform in ``[-max_shift, max_shift]``: (batch,)."""
    return keras.random.randint((batch,), -max_shift, max_shift + 1, seed=seed_generator)


def _shifted_positions(length: int, shifts):
    """(batch, length) source positions: position t of example b reads t - shift_b, reflected at both ends.

    Reflection maps -1 to 1 and ``length`` to ``length - 2``; it needs ``|shift| < length``.
    """
    source = ops.abs(ops.arange(length)[None, :] - shifts[:, None])
    return ops.where(source > length - 1, 2 * (length - 1) - source, source)


def _gather_positions(inputs, rows):
    """Output position i of the flattened (batch * positions, channels) array is input row ``rows[..., i]``.

    One gather whose gradients (a segment sum, then a gather) are fast on every backend.
    """
    flat = ops.reshape(inputs, (-1, inputs.shape[-1]))
    return ops.reshape(ops.take(flat, ops.reshape(rows, (-1,)), axis=0), ops.shape(inputs))


@keras.saving.register_keras_serializable(package="calciumgan")
class PhaseShuffle2D(keras.layers.Layer):
    """Phase shuffle of the 2D critic (thesis §3.2.1): shift in time and across neurons.

    Each example is shifted by its own random offsets, up to ``max_shift`` frames in time
    (m of Table A.1) and up to ``max_neuron_shift`` neurons (n), with reflection at every
    edge as in ``PhaseShuffle``. Outside training it is the identity.

    Input and output: (batch, time, neurons, channels), ``time > max_shift`` and
    ``neurons > max_neuron_shift``.
    """

    def __init__(self, max_shift: int, max_neuron_shift: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if max_shift < 0 or max_neuron_shift < 0:
            raise ValueError(f"PhaseShuffle2D: shifts must be >= 0, got {max_shift} and {max_neuron_shift}")
        self.max_shift = int(max_shift)
        self.max_neuron_shift = int(max_neuron_shift)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or not (self.max_shift or self.max_neuron_shift):
            return inputs
        batch, length, neurons = ops.shape(inputs)[0], inputs.shape[1], inputs.shape[2]
        frames = _shifted_positions(length, _random_shifts(batch, self.max_shift, self.seed_generator))
        columns = _shifted_positions(neurons, _random_shifts(batch, self.max_neuron_shift, self.seed_generator))
        frame_rows = frames + ops.arange(batch)[:, None] * length  # (batch, time)
        return _gather_positions(inputs, frame_rows[:, :, None] * neurons + columns[:, None, :])

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "max_neuron_shift": self.max_neuron_shift,
                "seed": self.seed}  # fmt: skip


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


@keras.saving.register_keras_serializable(package="calciumgan")
class NeuronBatchStatistics(keras.layers.Layer):
    """Each neuron's mean and standard deviation over the whole batch, given to every example.

    Input (batch, time, neurons); output (batch, 2 neurons): the means over batch and time, then
    the standard deviations, the same row for every example. A critic that sees them can tell
    a batch whose neurons have the wrong rates or amplitudes from a real one even when every
    single window looks plausible (the minibatch features of Salimans et al. 2016 and Karras et
    al. 2018, per neuron). Under a gradient penalty the statistics of the interpolated batch are
    its own.
    """

    def call(self, inputs):
        values = ops.cast(inputs, "float32")
        mean = ops.mean(values, axis=(0, 1))
        spread = ops.sqrt(ops.mean(ops.square(values - mean), axis=(0, 1)) + 1e-8)
        row = ops.concatenate([mean, spread])[None, :]
        return ops.cast(ops.repeat(row, ops.shape(inputs)[0], axis=0), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * input_shape[2])
