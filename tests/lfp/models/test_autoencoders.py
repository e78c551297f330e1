"""Signal and image autoencoders: layer sizes of Tables 4.1-4.2 on the built models, weight counts, outputs."""

import math

import keras
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from lfp.models import (
    WindowStandardization,
    build_image_autoencoder,
    build_signal_autoencoder,
    build_signal_decoder,
    image_code_shape,
)

pytestmark = pytest.mark.backend

TABLE_4_1_ENCODER = [310, 277, 261, 192, 169, 165, 153, 134, 115]
TABLE_4_1_DECODER = [134, 153, 165, 169, 192, 261, 277, 310, 313]
TABLE_4_2_ENCODER = [(475, 603), (228, 292), (199, 263), (130, 194), (115, 165), (86, 136), (72, 122), (34, 59),
                     (15, 40), (6, 31), (5, 23)]  # fmt: skip


def block_sizes(model):
    """Spatial output size of every block: its ReLU's, and the model's output for a decoder's linear last layer."""
    sizes = [tuple(layer.output.shape[1:-1]) for layer in model.layers if layer.name.startswith("relu")]
    if not model.layers[-1].name.startswith("norm"):
        sizes.append(tuple(model.output.shape[1:-1]))
    return sizes


def kernel_weights(model) -> int:
    return sum(math.prod(layer.kernel.shape) for layer in model.layers if layer.name.startswith("conv"))


@pytest.fixture(scope="module")
def signal_autoencoder():
    return build_signal_autoencoder(window=313, channels=22)


@pytest.fixture(scope="module")
def thesis_image_autoencoder():
    return build_image_autoencoder(image_shape=(918, 1174, 1), table="thesis")  # built symbolically, never run


def test_signal_autoencoder_layers_follow_table_4_1(signal_autoencoder):
    encoder, decoder = signal_autoencoder.get_layer("signal_encoder"), signal_autoencoder.get_layer("signal_decoder")
    assert [size[0] for size in block_sizes(encoder)] == TABLE_4_1_ENCODER
    assert [size[0] for size in block_sizes(decoder)] == TABLE_4_1_DECODER
    assert encoder.output.shape == (None, 115, 10) and signal_autoencoder.output.shape == (None, 313, 22)


def test_signal_autoencoder_weight_counts(signal_autoencoder):
    encoder, decoder = signal_autoencoder.get_layer("signal_encoder"), signal_autoencoder.get_layer("signal_decoder")
    assert kernel_weights(encoder) == kernel_weights(decoder) == 55_618
    # + 4 batch-norm values per hidden channel (129 in the encoder, 119 in the decoder) + the decoder's 22 biases
    assert encoder.count_params() == 55_618 + 4 * 129
    assert decoder.count_params() == 55_618 + 4 * 119 + 22


def test_thesis_image_autoencoder_follows_table_4_2(thesis_image_autoencoder):
    encoder = thesis_image_autoencoder.get_layer("image_encoder")
    decoder = thesis_image_autoencoder.get_layer("image_decoder")
    assert block_sizes(encoder) == TABLE_4_2_ENCODER
    assert block_sizes(decoder) == TABLE_4_2_ENCODER[-2::-1] + [(918, 1174)]
    assert kernel_weights(encoder) == kernel_weights(decoder) == 140_544
    assert thesis_image_autoencoder.output.shape == (None, 918, 1174, 1)


def test_signal_decoder_output_is_standardised_per_window():
    decoder = build_signal_decoder(window=313, channels=4, code_channels=12)
    code = np.random.default_rng(0).normal(size=(2, 115, 12)).astype(np.float32)
    windows = np.asarray(decoder(code, training=True), np.float64)
    assert windows.shape == (2, 313, 4) and decoder.input.shape == (None, 115, 12)
    np.testing.assert_allclose(windows.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(windows.std(axis=(1, 2)), 1.0, atol=1e-3)


def test_window_standardization_matches_the_z_score_and_keeps_its_config():
    windows = np.random.default_rng(1).normal(3.0, 2.0, size=(3, 20, 5)).astype(np.float32)
    layer = WindowStandardization(epsilon=1e-3)
    expected = (windows - windows.mean(axis=(1, 2), keepdims=True)) / np.sqrt(windows.var(axis=(1, 2), keepdims=True)
                                                                              + 1e-3)  # fmt: skip
    np.testing.assert_allclose(np.asarray(layer(windows)), expected, rtol=1e-5, atol=1e-5)
    assert WindowStandardization.from_config(layer.get_config()).epsilon == 1e-3


def test_demo_image_autoencoder_reconstructs_the_shape_in_the_unit_interval():
    autoencoder = build_image_autoencoder(image_shape=(48, 64, 1), table="demo")
    images = np.random.default_rng(2).uniform(size=(2, 48, 64, 1)).astype(np.float32)
    reconstructions = np.asarray(autoencoder(images))
    assert autoencoder.get_layer("image_encoder").output.shape == (None, 5, 23, 2)
    assert reconstructions.shape == (2, 48, 64, 1)
    assert 0.0 <= reconstructions.min() and reconstructions.max() <= 1.0
    decoder = autoencoder.get_layer("image_decoder")
    assert [layer.name for layer in decoder.layers[-2:]] == ["conv4", "crop4"]  # no ReLU/BN after the last layer
    assert decoder.get_layer("conv4").activation is keras.activations.sigmoid


def test_image_code_shape_checks_the_code_length():
    assert image_code_shape((48, 64, 1), "demo") == (5, 23, 2)
    assert image_code_shape((64, 64, 1), "demo", code_length=None) == (7, 23, 2)
    with pytest.raises(ConfigError, match=r"^image encoder 'demo': ends at 7 x 23 = 161 positions"):
        build_image_autoencoder(image_shape=(64, 64, 1), table="demo")
    with pytest.raises(ConfigError, match=r"^image shape \(48, 64\) must be \(height, width, channels\)"):
        image_code_shape((48, 64), "demo")
