"""CalciumGAN-2D and CalciumGAN-2D FFT (thesis §3.2.1-3.2.2, Tables A.1-A.2), Keras functional models.

The recording is an image of time x neurons with one channel (two, real and imaginary, for the
FFT variant): 2D transposed convolutions in the generator, 2D convolutions and a phase shuffle
in time and across neurons in the critic. Both models take and return the same arrays as the
1D models, traces (batch, window, neurons): the channel axis is added and removed inside, and
the FFT variant's generator ends with an inverse FFT and its critic starts with an FFT
(``calciumgan.models.spectral``), so data, sampling and evaluation are those of the 1D model.

At Table A.2 (window 2048, 102 neurons, noise 32, filters 20, kernel 8, strides 2, five
blocks, critic kernel 16 and strides 4, layer norm) the generator has 4,242,329 parameters
and the critic 4,121,821.
"""

import keras

from calciumgan.models.heads import output_layers
from calciumgan.models.layers import MaskedLeakyReLU, PhaseShuffle2D
from calciumgan.models.shapes import architecture_problem_2d
from calciumgan.models.spectral import ScaledSpectrum, TracesFromSpectrum
from calciumgan.models.wavegan import LEAKY_SLOPE

NEURON_UPSAMPLING = 2  # the middle generator block doubles the neurons (Table A.2: 51 -> 102)


def _check(window, strides, num_blocks, phase_shuffle_neurons, num_neurons) -> None:
    problem = architecture_problem_2d(window, strides, num_blocks, phase_shuffle_neurons, num_neurons)
    if problem:
        raise ValueError(problem)


def _block_filters(filters: int, num_blocks: int, block: int) -> int:
    """Filters of generator block ``block`` < num_blocks - 1: filters * (num_blocks, num_blocks - 2, ..., 1).

    Table A.2 at filters 20 and five blocks: 100, 60, 40, 20.
    """
    return filters * (num_blocks if block == 0 else num_blocks - 1 - block)


def _layer_normalization(last: bool, dtype, name):
    """Layer normalisation after a generator block, with 2 * channels parameters as in Table A.2.

    Keras's ``LayerNormalization`` normalises each pixel over its channels; after the last
    block (one channel, two for spectra) that erases the block's output: one channel always
    normalises to the layer's offset, so the generator's output would not depend on its
    noise. The last block is therefore normalised over all its units, the layer
    normalisation of Ba et al. (2016), as ``GroupNormalization`` with one group.
    """
    if last:
        return keras.layers.GroupNormalization(groups=1, dtype=dtype, name=name)
    return keras.layers.LayerNormalization(dtype=dtype, name=name)


def _upsample(x, upsampling, filters, kernel_size, strides, dtype, name):
    """(batch, time, neurons, channels) -> (batch, time * strides[0], neurons * strides[1], filters).

    ``"transposed"``: ``Conv2DTranspose``; ``"nearest"``: ``UpSampling2D`` then a stride-1
    ``Conv2D`` with as many parameters.
    """
    kernel = (kernel_size, kernel_size)
    if upsampling == "nearest":
        x = keras.layers.UpSampling2D(strides, dtype=dtype, name=f"{name}_nearest")(x)
        return keras.layers.Conv2D(filters, kernel, padding="same", dtype=dtype, name=name)(x)
    return keras.layers.Conv2DTranspose(filters, kernel, strides, padding="same", dtype=dtype, name=name)(x)


def build_generator(
    *, window, num_neurons, noise_dim, filters, kernel_size, strides, num_blocks, normalization,
    upsampling="transposed", output="direct", dtype=None, frequency_domain=False,
) -> keras.Model:  # fmt: skip
    """Noise (batch, noise_dim) -> traces (batch, window, num_neurons), float32.

    Dense -> reshape to (window / strides**num_blocks, ceil(num_neurons / 2), noise_dim) ->
    ``num_blocks`` upsampling blocks with (kernel_size, kernel_size) kernels and strides
    (strides, 1), except the middle block's (strides, 2), the last with one channel (two in
    the frequency domain), each followed by layer normalisation (``normalization="layer"``;
    see ``_layer_normalization``) and LeakyReLU -> an odd last neuron dropped -> per-pixel Dense -> the ``output`` head.
    ``frequency_domain``: the sigmoid's output is a scaled spectrum (batch, window,
    num_neurons, 2) and ``TracesFromSpectrum`` turns it into traces.
    """
    _check(window, strides, num_blocks, 0, num_neurons)
    if frequency_domain and output != "direct":
        raise ValueError(f"the frequency-domain generator needs output 'direct', got '{output}'")
    channels = 2 if frequency_domain else 1
    shape = (window // strides**num_blocks, -(-num_neurons // NEURON_UPSAMPLING), noise_dim)
    noise = keras.Input((noise_dim,), name="noise")
    x = keras.layers.Dense(shape[0] * shape[1] * shape[2], dtype=dtype, name="project")(noise)
    x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    x = keras.layers.Reshape(shape, dtype=dtype)(x)
    for block in range(num_blocks):
        block_filters = channels if block == num_blocks - 1 else _block_filters(filters, num_blocks, block)
        block_strides = (strides, NEURON_UPSAMPLING if block == num_blocks // 2 else 1)
        x = _upsample(x, upsampling, block_filters, kernel_size, block_strides, dtype, f"upsample_{block}")
        if normalization == "layer":
            x = _layer_normalization(block == num_blocks - 1, dtype, f"layer_norm_{block}")(x)
        x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    if x.shape[2] != num_neurons:
        x = keras.layers.Cropping2D(((0, 0), (0, x.shape[2] - num_neurons)), dtype=dtype)(x)
    if frequency_domain:
        projection, head = output_layers(output, channels, dtype, head_name="scaled_spectrum")
        traces = TracesFromSpectrum(name="traces")(head(projection(x)))
    else:
        projection, head = output_layers(output, channels, dtype)
        traces = head(keras.layers.Reshape((window, num_neurons), dtype=dtype)(projection(x)))
    return keras.Model(noise, traces, name="generator")


def build_critic(
    *, window, num_neurons, filters, kernel_size, strides, num_blocks, phase_shuffle, phase_shuffle_neurons,
    critic_kernel_size=None, critic_strides=None, dtype=None, frequency_domain=False,
) -> keras.Model:  # fmt: skip
    """Traces (batch, window, num_neurons) -> score (batch, 1), float32.

    A channel axis (``frequency_domain``: the ``ScaledSpectrum``, two channels) ->
    ``num_blocks`` convolutions with filters, 2 * filters, ..., (k, k) kernels and strides
    (s, 1), where k and s are ``critic_kernel_size`` and ``critic_strides`` (None: the
    generator's ``kernel_size`` and ``strides``), each followed by LeakyReLU and, except the
    last, a 2D phase shuffle of up to ``phase_shuffle`` frames (where the sequence is longer
    than that, as in Table A.2) and ``phase_shuffle_neurons`` neurons -> flatten -> Dense(1).
    """
    _check(window, strides, num_blocks, phase_shuffle_neurons, num_neurons)
    kernel = (critic_kernel_size or kernel_size,) * 2
    block_strides = (critic_strides or strides, 1)
    traces = keras.Input((window, num_neurons), name="traces")
    if frequency_domain:
        x = ScaledSpectrum(name="scaled_spectrum")(traces)
    else:
        x = keras.layers.Reshape((window, num_neurons, 1), dtype=dtype)(traces)
    for block in range(num_blocks):
        layer = keras.layers.Conv2D(filters * (block + 1), kernel, block_strides, padding="same", dtype=dtype,
                                    name=f"conv_{block}")  # fmt: skip
        x = MaskedLeakyReLU(LEAKY_SLOPE, dtype=dtype)(layer(x))
        time_shift = phase_shuffle if x.shape[1] > phase_shuffle else 0
        if block < num_blocks - 1 and (time_shift or phase_shuffle_neurons):
            x = PhaseShuffle2D(time_shift, phase_shuffle_neurons, dtype=dtype, name=f"phase_shuffle_{block}")(x)
    x = keras.layers.Flatten(dtype=dtype)(x)
    score = keras.layers.Dense(1, dtype="float32", name="score")(x)
    return keras.Model(traces, score, name="critic")
