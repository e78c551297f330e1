"""WaveGAN-style generator and phase-shuffle critic as Keras functional models (Table 3.1).

At the thesis configuration (window 2048, 102 neurons, noise 32, filters 64,
kernel 24, stride 2, five blocks, layer norm) the generator has 4,375,740
parameters and the critic 4,110,273.
"""

import keras

from calciumgan.config import ModelConfig
from calciumgan.core.errors import ConfigError
from calciumgan.models.layers import MaskedLeakyReLU, PhaseShuffle, SpaceToDepthConv1D, SubPixelConv1DTranspose

LEAKY_SLOPE = 0.2  # WaveGAN's LeakyReLU slope


def check_architecture(config: ModelConfig, window: int) -> None:
    """Raise ``ConfigError`` if the blocks cannot map noise to ``window`` frames."""
    scale = config.strides**config.num_blocks
    if window % scale:
        raise ConfigError(
            f"data.window {window} must be a multiple of model.strides ** model.num_blocks = {scale}"
        )
    if config.convolutions == "fast" and config.kernel_size % config.strides:
        raise ConfigError(
            f"model.kernel_size {config.kernel_size} must be a multiple of model.strides {config.strides} "
            "for fast convolutions (or set model.convolutions: keras)"
        )
    shortest_shuffled = window // config.strides ** max(config.num_blocks - 1, 1)
    if config.phase_shuffle >= shortest_shuffled:
        raise ConfigError(
            f"model.phase_shuffle {config.phase_shuffle} must be below {shortest_shuffled}, "
            "the shortest sequence it shifts"
        )


def _upsampling_layer(config: ModelConfig, filters: int, dtype, name: str):
    if config.convolutions == "fast":
        return SubPixelConv1DTranspose(filters, config.kernel_size, config.strides, dtype=dtype, name=name)
    return keras.layers.Conv1DTranspose(
        filters, config.kernel_size, config.strides, padding="same", dtype=dtype, name=name
    )


def _downsampling_layer(config: ModelConfig, filters: int, dtype, name: str):
    if config.convolutions == "fast":
        return SpaceToDepthConv1D(filters, config.kernel_size, config.strides, dtype=dtype, name=name)
    return keras.layers.Conv1D(filters, config.kernel_size, config.strides, padding="same", dtype=dtype, name=name)


def build_generator(config: ModelConfig, window: int, num_neurons: int, dtype=None) -> keras.Model:
    """Noise (batch, noise_dim) -> traces (batch, window, num_neurons) in [0, 1], float32.

    Dense -> reshape to (window / strides**num_blocks, noise_dim) -> ``num_blocks``
    upsampling blocks (filters * (num_blocks - 1), ..., filters, then num_neurons
    channels), each followed by layer normalisation and LeakyReLU -> per-frame
    Dense -> sigmoid. ``dtype`` is a Keras dtype policy name such as
    ``"mixed_float16"``; the output is always float32.
    """
    check_architecture(config, window)
    initial_length = window // config.strides**config.num_blocks
    noise = keras.Input((config.noise_dim,), name="noise")
    x = keras.layers.Dense(initial_length * config.noise_dim, dtype=dtype, name="project")(noise)
    x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    x = keras.layers.Reshape((initial_length, config.noise_dim), dtype=dtype)(x)
    for block in range(config.num_blocks):
        last = block == config.num_blocks - 1
        filters = num_neurons if last else config.filters * (config.num_blocks - block)
        x = _upsampling_layer(config, filters, dtype, name=f"upsample_{block}")(x)
        if config.normalization == "layer":
            x = keras.layers.LayerNormalization(dtype=dtype, name=f"layer_norm_{block}")(x)
        x = keras.layers.LeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
    x = keras.layers.Dense(num_neurons, dtype=dtype, name="per_frame_dense")(x)
    traces = keras.layers.Activation("sigmoid", dtype="float32", name="traces")(x)
    return keras.Model(noise, traces, name="generator")


def build_critic(config: ModelConfig, window: int, num_neurons: int, dtype=None) -> keras.Model:
    """Traces (batch, window, num_neurons) -> score (batch, 1), float32.

    ``num_blocks`` strided convolutions with filters, 2 * filters, ... each followed
    by LeakyReLU and, except the last, phase shuffle -> flatten -> Dense(1).
    """
    check_architecture(config, window)
    traces = keras.Input((window, num_neurons), name="traces")
    x = traces
    for block in range(config.num_blocks):
        x = _downsampling_layer(config, config.filters * (block + 1), dtype, name=f"conv_{block}")(x)
        x = MaskedLeakyReLU(LEAKY_SLOPE, dtype=dtype)(x)
        if block < config.num_blocks - 1 and config.phase_shuffle:
            x = PhaseShuffle(config.phase_shuffle, dtype=dtype, name=f"phase_shuffle_{block}")(x)
    x = keras.layers.Flatten(dtype=dtype)(x)
    score = keras.layers.Dense(1, dtype="float32", name="score")(x)
    return keras.Model(traces, score, name="critic")
