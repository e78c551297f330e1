"""The GAN's networks (thesis §4.4, Fig. 4.1): random-input net (Table 4.3), combination net
(Table 4.4), and the generator and critic assembled from them and the autoencoders' parts.

The latent space is (batch, 115, channels): the 10-channel code (signal encoder or random-input
net) first, then the image encoder's (5, 23, 2) code reshaped channels-last to (115, 2) (the same
values as PyTorch's flatten of (2, 5, 23) to 2 x 115). Both together have 12 channels, where the
thesis's tables take 10 (our fix of this mismatch): the GAN's signal decoder and
combination net take 12 input channels, and ``lfp.models.transfer`` zero-initialises the 2 extra
input slices of a pre-trained decoder. ``use_image=False`` is the thesis's variant without the
image encoder: the generator takes only noise, the critic only the signal, and the latent space
has the 10 code channels.

Sub-models keep stable names (``image_encoder``, ``random_input_net``, ``signal_decoder``,
``signal_encoder``, ``combination_net``) so weights can be moved by name.
"""

import keras

from lfp.models.autoencoders import (
    build_image_encoder,
    build_signal_decoder,
    build_signal_encoder,
    image_code_shape,
    signal_code_shape,
)
from lfp.models.layers import SpectralNoise, WindowStandardization
from lfp.models.stacks import convolution_stack
from lfp.models.tables import COMBINATION_NET, RANDOM_INPUT_NET, table_sizes

NOISE_CHANNELS = 3  # Table 4.3: 3 x 313 noise


def build_random_input_net(*, window: int = 313, noise_channels: int = NOISE_CHANNELS) -> keras.Model:
    """Noise (batch, window, noise_channels) -> (batch, 115, 10) for window 313 (Table 4.3)."""
    length, _ = signal_code_shape(window)
    table_sizes(RANDOM_INPUT_NET, (window,), name="random-input net (Table 4.3)", positions=length)
    noise = keras.Input((window, noise_channels), name="noise")
    return keras.Model(noise, convolution_stack(noise, RANDOM_INPUT_NET, rank=1), name="random_input_net")


def build_combination_net(*, code_length: int = 115, code_channels: int = 12, dropout: float = 0.0,
                          activation: str = "relu") -> keras.Model:  # fmt: skip
    """Latent (batch, 115, code_channels) -> score (batch, 1), float32 (Table 4.4).

    Layers 1-8 are "ReLU/Dropout/BN" to (batch, 24, 1), then Flatten and a linear Dense(1).
    The thesis does not give the dropout rate; 0.0 (no dropout layers) is this package's default.
    ``activation="leaky_relu"`` keeps the narrow last layers (2 and 1 channels) from dying.
    """
    table_sizes(COMBINATION_NET, (code_length,), name="combination net (Table 4.4)")
    latent = keras.Input((code_length, code_channels), name="latent")
    stack = convolution_stack(latent, COMBINATION_NET, rank=1, dropout=dropout, activation=activation)
    features = keras.layers.Flatten(name="flatten")(stack)
    score = keras.layers.Dense(1, dtype="float32", name="score")(features)
    return keras.Model(latent, score, name="combination_net")


def _with_image_code(latent, image_shape, table):
    """``(image input, latent)``: (batch, H, W, C) images through the image encoder, reshaped channels-last to
    (batch, code length, channels) and appended to the (batch, code length, 10) ``latent`` code."""
    code_length = latent.shape[1]
    height, width, channels = image_code_shape(image_shape, table, code_length)
    image = keras.Input(tuple(int(n) for n in image_shape), name="image")
    code = build_image_encoder(image_shape=image_shape, table=table, code_length=code_length)(image)
    code = keras.layers.Reshape((height * width, channels), name="image_code")(code)
    return image, keras.layers.Concatenate(axis=-1, name="latent")([latent, code])


def build_generator(*, window: int = 313, channels: int = 22, image_shape=(48, 64, 1), table="demo",
                    use_image: bool = True, noise_channels: int = NOISE_CHANNELS,
                    output_noise: bool = False) -> keras.Model:  # fmt: skip
    """``[image (batch, H, W, 1), noise (batch, window, 3)]`` -> LFP windows (batch, window, channels).

    ``use_image=False``: input ``noise`` only. ``table``: the image encoder's ("thesis", "demo" or a table).
    Windows are standardised per window (mean 0, std 1), like the training data. ``output_noise``: the
    decoded windows get stationary noise with a learned spectrum per channel (``SpectralNoise``, named
    ``output_noise``) and are standardised again.
    """
    noise = keras.Input((window, noise_channels), name="noise")
    latent = build_random_input_net(window=window, noise_channels=noise_channels)(noise)
    inputs = noise
    if use_image:
        image, latent = _with_image_code(latent, image_shape, table)
        inputs = [image, noise]
    decoder = build_signal_decoder(window=window, channels=channels, code_channels=latent.shape[-1])
    windows = decoder(latent)
    if output_noise:
        windows = WindowStandardization(name="restandardize")(SpectralNoise(name="output_noise")(windows))
    return keras.Model(inputs, windows, name="generator")


def build_critic(*, window: int = 313, channels: int = 22, image_shape=(48, 64, 1), table="demo",
                 use_image: bool = True, dropout: float = 0.0, activation: str = "relu") -> keras.Model:  # fmt: skip
    """``[signal (batch, window, channels), image (batch, H, W, 1)]`` -> score (batch, 1), float32, linear.

    ``use_image=False``: input ``signal`` only. ``dropout`` and ``activation``: the combination net's
    (dropout rate not in the thesis).
    """
    signal = keras.Input((window, channels), name="signal")
    latent = build_signal_encoder(window=window, channels=channels)(signal)
    inputs = signal
    if use_image:
        image, latent = _with_image_code(latent, image_shape, table)
        inputs = [signal, image]
    combination = build_combination_net(code_length=latent.shape[1], code_channels=latent.shape[-1], dropout=dropout,
                                        activation=activation)  # fmt: skip
    return keras.Model(inputs, combination(latent), name="critic")
