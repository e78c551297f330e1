"""WaveGAN-style generator and phase-shuffle critic as Keras functional models (Table 3.1).

At the thesis configuration (window 2048, 102 neurons, noise 32, filters 64, kernel 24,
stride 2, five blocks, layer norm, transposed upsampling, direct output) the generator has
4,375,740 parameters and the critic 4,110,273. Every argument is explicit;
``calciumgan.models.settings.ModelConfig`` holds the defaults.
"""

import keras

from calciumgan.models.convolution import SpaceToDepthConv1D, SubPixelConv1DTranspose
from calciumgan.models.heads import output_layers
from calciumgan.models.layers import MaskedLeakyReLU, NeuronBatchStatistics, PhaseShuffle
from calciumgan.models.shapes import architecture_problem
from calciumgan.models.spectral_normalization import SpectralConv1D, SpectralDense, SpectralSpaceToDepthConv1D

LEAKY_SLOPE = 0.2  # WaveGAN's LeakyReLU slope


def _check(window, strides, num_blocks, kernel_size, phase_shuffle, convolutions) -> None:
    problem = architecture_problem(window, strides, num_blocks, kernel_size, phase_shuffle, convolutions)
    if problem:
        raise ValueError(problem)


def _upsample(x, upsampling, convolutions, filters, kernel_size, strides, dtype, name):
    """(batch, time, channels) -> (batch, time * strides, filters).

    ``"transposed"``: a transposed convolution (sub-pixel form when ``convolutions`` is
    ``"fast"``). ``"nearest"``: each frame repeated ``strides`` times, then a stride-1
    convolution of the same kernel size and parameter count.
    """
    if upsampling == "nearest":
        x = keras.layers.UpSampling1D(strides, dtype=dtype, name=f"{name}_nearest")(x)
        return keras.layers.Conv1D(filters, kernel_size, padding="same", dtype=dtype, name=name)(x)
    if convolutions == "fast":
        return SubPixelConv1DTranspose(filters, kernel_size, strides, dtype=dtype, name=name)(x)
    return keras.layers.Conv1DTranspose(filters, kernel_size, strides, padding="same", dtype=dtype, name=name)(x)


def _downsampling_layer(convolutions, filters, kernel_size, strides, dtype, name, spectral_norm=False):
    if convolutions == "fast":
        layer = SpectralSpaceToDepthConv1D if spectral_norm else SpaceToDepthConv1D
        return layer(filters, kernel_size, strides, dtype=dtype, name=name)
    if spectral_norm:
        return SpectralConv1D(filters, kernel_size, strides, dtype=dtype, name=name)
    return keras.layers.Conv1D(filters, kernel_size, strides, padding="same", dtype=dtype, name=name)


def build_generator(
    *, window, num_neurons, noise_dim, filters, kernel_size, strides, num_blocks, normalization, convolutions,
    upsampling="transposed", output="direct", edge_margin=0, output_features=None, event_noise=0.0, events="softplus",
    event_factors=0, slow_factors=0, calcium_rise=False, event_size_spread=0.0, synchrony_spread=0.0,
    dtype=None,
) -> keras.Model:  # fmt: skip
    """Noise (batch, noise_dim) -> traces (batch, window, num_neurons), float32.

    Dense -> reshape to (window / strides**num_blocks, noise_dim) -> ``num_blocks``
    upsampling blocks (filters * num_blocks, ..., 2 * filters, then ``output_features``
    channels, default num_neurons as in the thesis), each followed by layer normalisation
    (``normalization="layer"``) and LeakyReLU -> per-frame Dense to num_neurons -> the ``output`` head (``calciumgan.models.heads``:
    ``"direct"``, a sigmoid into [0, 1], or ``"calcium"``). ``upsampling`` is
    ``"transposed"`` or ``"nearest"`` (see ``_upsample``); ``convolutions`` is ``"fast"``
    (sub-pixel) or ``"keras"`` (``Conv1DTranspose``). ``dtype`` is a Keras dtype policy
    name such as ``"mixed_float16"``; the output is always float32.

    ``edge_margin`` > 0 generates that many extra latent positions at each end, i.e.
    ``edge_margin * strides**num_blocks`` frames, and crops them after the head: the window's
    first and last frames then come from the same computation as its middle ones (no zero
    padding in their receptive field, calcium carried in from earlier frames).
    """
    _check(window, strides, num_blocks, kernel_size, 0, convolutions)
    scale = strides**num_blocks
    initial_length = window // scale + 2 * edge_margin
    noise = keras.Input((noise_dim,), name="noise")
    x = keras.layers.Dense(initial_length * noise_dim, dtype=dtype, name="project")(noise)
    x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    x = keras.layers.Reshape((initial_length, noise_dim), dtype=dtype)(x)
    for block in range(num_blocks):
        last = block == num_blocks - 1
        block_filters = (output_features or num_neurons) if last else filters * (num_blocks - block)
        x = _upsample(x, upsampling, convolutions, block_filters, kernel_size, strides, dtype, f"upsample_{block}")
        if normalization == "layer":
            x = keras.layers.LayerNormalization(dtype=dtype, name=f"layer_norm_{block}")(x)
        x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    projection, head = output_layers(output, num_neurons, dtype, event_noise=event_noise, events=events,
                                      event_factors=event_factors, slow_factors=slow_factors,
                                      calcium_rise=calcium_rise, event_size_spread=event_size_spread,
                                      synchrony_spread=synchrony_spread)  # fmt: skip
    traces = head(projection(x))
    if edge_margin:
        cropped = edge_margin * scale
        traces = keras.layers.Cropping1D((cropped, cropped), dtype="float32", name="edge_crop")(traces)
    return keras.Model(noise, traces, name="generator")


def build_critic(
    *, window, num_neurons, filters, kernel_size, strides, num_blocks, phase_shuffle, convolutions,
    critic_neuron_statistics=False, critic_spectral_norm=False, dtype=None,
) -> keras.Model:  # fmt: skip
    """Traces (batch, window, num_neurons) -> score (batch, 1), float32.

    ``num_blocks`` strided convolutions with filters, 2 * filters, ... each followed by
    LeakyReLU and, except the last, phase shuffle of up to ``phase_shuffle`` frames ->
    flatten -> Dense(1). With ``critic_neuron_statistics`` the Dense layer also sees each
    neuron's mean and spread over the batch (``NeuronBatchStatistics``). With ``critic_spectral_norm``
    every convolution and the Dense layer are spectrally normalised (``spectral_normalization``).
    """
    _check(window, strides, num_blocks, kernel_size, phase_shuffle, convolutions)
    traces = keras.Input((window, num_neurons), name="traces")
    x = traces
    for block in range(num_blocks):
        layer = _downsampling_layer(convolutions, filters * (block + 1), kernel_size, strides, dtype, f"conv_{block}",
                                    critic_spectral_norm)  # fmt: skip
        x = MaskedLeakyReLU(LEAKY_SLOPE, dtype=dtype)(layer(x))
        if block < num_blocks - 1 and phase_shuffle:
            x = PhaseShuffle(phase_shuffle, dtype=dtype, name=f"phase_shuffle_{block}")(x)
    x = keras.layers.Flatten(dtype=dtype)(x)
    if critic_neuron_statistics:
        statistics = NeuronBatchStatistics(dtype=dtype, name="neuron_statistics")(traces)
        x = keras.layers.Concatenate(dtype=dtype)([x, statistics])
    score = (SpectralDense if critic_spectral_norm else keras.layers.Dense)(1, dtype="float32", name="score")(x)
    return keras.Model(traces, score, name="critic")
