"""Transfer of the pre-trained autoencoders into the GAN, with the channel fix (zeroed image-code slices)."""

import keras
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from lfp.models import (
    build_critic,
    build_generator,
    build_image_autoencoder,
    build_signal_autoencoder,
    transfer_pretrained,
)

pytestmark = pytest.mark.backend

IMAGE = (48, 64, 1)


def _values(model) -> list:
    return [keras.ops.convert_to_numpy(weight.value) for weight in model.weights]


def _run(model, inputs) -> np.ndarray:
    return np.asarray(model(inputs, training=False), np.float64)


@pytest.fixture(scope="module")
def transferred(randomize_weights):
    """Random pre-trained autoencoders, and a fresh conditional GAN initialised from them."""
    signal_autoencoder = build_signal_autoencoder(window=313, channels=22)
    image_autoencoder = build_image_autoencoder(image_shape=IMAGE, table="demo")
    randomize_weights(signal_autoencoder, seed=3)
    randomize_weights(image_autoencoder, seed=4)
    generator = build_generator(window=313, channels=22, image_shape=IMAGE, table="demo")
    critic = build_critic(window=313, channels=22, image_shape=IMAGE, table="demo")
    fresh = {name: _values(model.get_layer(name))
             for model, name in ((generator, "random_input_net"), (critic, "combination_net"))}  # fmt: skip
    transfer_pretrained(generator, critic, signal_autoencoder, image_autoencoder)
    return signal_autoencoder, image_autoencoder, generator, critic, fresh


@pytest.fixture(scope="module")
def batch():
    """(codes (2, 115, 10), images (2, 48, 64, 1), noise (2, 313, 3), signals (2, 313, 22))."""
    rng = np.random.default_rng(9)
    arrays = (rng.normal(size=(2, 115, 10)), rng.uniform(size=(2, *IMAGE)), rng.normal(size=(2, 313, 3)),
              rng.normal(size=(2, 313, 22)))  # fmt: skip
    return tuple(array.astype(np.float32) for array in arrays)


@pytest.mark.parametrize("image_code", ["zero", "random"])
def test_transferred_decoder_keeps_the_pretrained_function_of_the_10_code_channels(transferred, batch, image_code):
    signal_autoencoder, _, generator, _, _ = transferred
    code = batch[0]
    extra = np.zeros((2, 115, 2), np.float32)
    if image_code == "random":
        extra = np.random.default_rng(1).normal(size=extra.shape).astype(np.float32)
    expected = _run(signal_autoencoder.get_layer("signal_decoder"), code)
    actual = _run(generator.get_layer("signal_decoder"), np.concatenate([code, extra], axis=-1))
    np.testing.assert_allclose(actual, expected, atol=1e-5)
    assert np.ptp(expected) > 1.0  # a non-trivial function (standardised windows)


def test_new_input_slices_are_zero_and_the_others_pretrained(transferred):
    signal_autoencoder, _, generator, _, _ = transferred
    kernel = keras.ops.convert_to_numpy(generator.get_layer("signal_decoder").get_layer("conv1").kernel.value)
    pretrained = signal_autoencoder.get_layer("signal_decoder").get_layer("conv1").kernel
    assert kernel.shape == (20, 11, 12)  # Conv1DTranspose: (kernel, filters, input channels)
    np.testing.assert_array_equal(kernel[..., 10:], 0.0)
    np.testing.assert_array_equal(kernel[..., :10], keras.ops.convert_to_numpy(pretrained.value))


def test_generator_is_the_pretrained_decoder_of_the_random_input_code(transferred, batch):
    signal_autoencoder, _, generator, _, _ = transferred
    _, images, noise, _ = batch
    code = _run(generator.get_layer("random_input_net"), noise).astype(np.float32)
    expected = _run(signal_autoencoder.get_layer("signal_decoder"), code)
    np.testing.assert_allclose(_run(generator, [images, noise]), expected, atol=1e-5)


def test_encoders_are_copied_and_the_new_nets_untouched(transferred, batch):
    signal_autoencoder, image_autoencoder, generator, critic, fresh = transferred
    _, images, _, signals = batch
    np.testing.assert_allclose(_run(critic.get_layer("signal_encoder"), signals),
                               _run(signal_autoencoder.get_layer("signal_encoder"), signals), atol=1e-6)  # fmt: skip
    expected = _run(image_autoencoder.get_layer("image_encoder"), images)
    for model in (generator, critic):
        np.testing.assert_allclose(_run(model.get_layer("image_encoder"), images), expected, atol=1e-6)
    for model, name in ((generator, "random_input_net"), (critic, "combination_net")):
        for before, after in zip(fresh[name], _values(model.get_layer(name)), strict=True):
            np.testing.assert_array_equal(before, after)


def test_transfer_without_images_copies_the_decoder_as_is(randomize_weights):
    signal_autoencoder = build_signal_autoencoder(window=313, channels=4)
    randomize_weights(signal_autoencoder, seed=6)
    generator = build_generator(window=313, channels=4, use_image=False)
    critic = build_critic(window=313, channels=4, use_image=False)
    transfer_pretrained(generator, critic, signal_autoencoder)
    for model, name in ((generator, "signal_decoder"), (critic, "signal_encoder")):
        for before, after in zip(_values(signal_autoencoder.get_layer(name)), _values(model.get_layer(name)),
                                 strict=True):  # fmt: skip
            np.testing.assert_array_equal(before, after)


def test_an_autoencoder_of_other_channels_is_a_one_line_error():
    generator = build_generator(window=313, channels=4, use_image=False)
    critic = build_critic(window=313, channels=4, use_image=False)
    with pytest.raises(ConfigError) as error:
        transfer_pretrained(generator, critic, build_signal_autoencoder(window=313, channels=3))
    assert str(error.value) == ("generator/signal_decoder/conv9/kernel: the pre-trained weight of shape (10, 3, 20) "
                                "does not fit shape (10, 4, 20)")  # fmt: skip
