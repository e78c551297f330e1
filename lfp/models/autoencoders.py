"""The signal autoencoder (Table 4.1) and the image autoencoder (Table 4.2) as Keras functional models.

Each autoencoder nests its encoder and decoder as models named ``signal_encoder`` /
``signal_decoder`` and ``image_encoder`` / ``image_decoder``; the GAN reuses these by name
(``lfp.models.transfer``).
"""

import numbers

import keras

from calciumgan.core.errors import ConfigError
from lfp.models.layers import WindowStandardization
from lfp.models.stacks import convolution_stack, transposed_stack
from lfp.models.tables import SIGNAL_ENCODER, image_encoder_table, mirror_table, table_sizes

SIGNAL_NAME = "signal encoder (Table 4.1)"
SIGNAL_CODE_LENGTH = 115  # the thesis's code length: 313 samples through Table 4.1


def signal_code_shape(window: int = 313) -> tuple:
    """(code length, code channels) of the signal encoder for ``window`` samples: (115, 10) for 313."""
    if not isinstance(window, numbers.Integral) or window < 1:
        raise ConfigError(f"data.window must be a positive number of samples, got {window!r}")
    (length,) = table_sizes(SIGNAL_ENCODER, (int(window),), name=SIGNAL_NAME)[-1]
    return length, SIGNAL_ENCODER[-1].filters


def build_signal_encoder(*, window: int = 313, channels: int = 22) -> keras.Model:
    """(batch, window, channels) -> code (batch, 115, 10) for window 313 (Table 4.1 left)."""
    signal_code_shape(window)
    signal = keras.Input((window, channels), name="signal")
    return keras.Model(signal, convolution_stack(signal, SIGNAL_ENCODER, rank=1), name="signal_encoder")


def build_signal_decoder(*, window: int = 313, channels: int = 22, code_channels: int = 10) -> keras.Model:
    """Code (batch, 115, code_channels) -> (batch, window, channels), each window standardised (Table 4.1 right).

    ``code_channels`` 12 is the GAN's decoder (10 code channels + 2 image-code channels).
    """
    length, _ = signal_code_shape(window)
    code = keras.Input((length, code_channels), name="code")
    layers = mirror_table(SIGNAL_ENCODER, (window,), channels, name=SIGNAL_NAME)
    windows = WindowStandardization(name="standardize")(transposed_stack(code, layers, rank=1))
    return keras.Model(code, windows, name="signal_decoder")


def build_signal_autoencoder(*, window: int = 313, channels: int = 22) -> keras.Model:
    """(batch, window, channels) -> reconstruction of the same shape, via the (batch, 115, 10) code."""
    signal = keras.Input((window, channels), name="signal")
    encoder = build_signal_encoder(window=window, channels=channels)
    decoder = build_signal_decoder(window=window, channels=channels, code_channels=encoder.output.shape[-1])
    return keras.Model(signal, decoder(encoder(signal)), name="signal_autoencoder")


def _checked_image_shape(image_shape) -> tuple:
    shape = tuple(image_shape)
    if len(shape) != 3 or not all(isinstance(n, numbers.Integral) and n > 0 for n in shape):
        raise ConfigError(f"image shape {shape} must be (height, width, channels) of positive integers")
    return tuple(int(n) for n in shape)


def image_code_shape(image_shape, table="demo", code_length: int | None = SIGNAL_CODE_LENGTH) -> tuple:
    """(height, width, channels) of the image code for (height, width, channels) images.

    ``code_length``: the positions (height x width) the code must have to be reshaped to
    (code_length, channels) beside the signal code; ``None`` accepts any size.
    """
    name, layers = image_encoder_table(table)
    shape = _checked_image_shape(image_shape)
    size = table_sizes(layers, shape[:2], name=name, positions=code_length)[-1]
    return (*size, layers[-1].filters)


def build_image_encoder(*, image_shape=(48, 64, 1), table="demo", code_length: int | None = SIGNAL_CODE_LENGTH):
    """(batch, height, width, channels) -> code (batch, 5, 23, 2) for both shipped tables (Table 4.2 left).

    ``table``: "thesis" (918 x 1174 images), "demo" (48 x 64) or a tuple of ``ConvLayer``.
    """
    _, layers = image_encoder_table(table)
    image_code_shape(image_shape, table, code_length)
    image = keras.Input(_checked_image_shape(image_shape), name="image")
    return keras.Model(image, convolution_stack(image, layers, rank=2), name="image_encoder")


def build_image_decoder(*, image_shape=(48, 64, 1), table="demo") -> keras.Model:
    """Code (batch, 5, 23, 2) -> (batch, height, width, channels) in [0, 1] (Table 4.2 right, last layer sigmoid)."""
    name, layers = image_encoder_table(table)
    shape = _checked_image_shape(image_shape)
    code = keras.Input(image_code_shape(shape, table, code_length=None), name="code")
    mirrored = mirror_table(layers, shape[:2], shape[2], name=name)
    return keras.Model(code, transposed_stack(code, mirrored, rank=2, output_activation="sigmoid"),
                       name="image_decoder")  # fmt: skip


def build_image_autoencoder(*, image_shape=(48, 64, 1), table="demo",
                            code_length: int | None = SIGNAL_CODE_LENGTH) -> keras.Model:  # fmt: skip
    """(batch, height, width, channels) images -> reconstructions in [0, 1] of the same shape."""
    encoder = build_image_encoder(image_shape=image_shape, table=table, code_length=code_length)
    decoder = build_image_decoder(image_shape=image_shape, table=table)
    image = keras.Input(_checked_image_shape(image_shape), name="image")
    return keras.Model(image, decoder(encoder(image)), name="image_autoencoder")
