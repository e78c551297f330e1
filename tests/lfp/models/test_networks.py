"""Random-input net, combination net, generator and critic: Tables 4.3-4.4 sizes, shapes, inputs, save/load."""

import keras
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from lfp.models import build_combination_net, build_critic, build_generator, build_random_input_net

pytestmark = pytest.mark.backend

TABLE_4_3 = [310, 277, 261, 192, 169, 165, 153, 134, 115]
TABLE_4_4 = [101, 76, 47, 46, 42, 39, 38, 24]
THESIS_IMAGE, DEMO_IMAGE = (918, 1174, 1), (48, 64, 1)


def relu_lengths(model, activation="relu"):
    return [layer.output.shape[1] for layer in model.layers if layer.name.startswith(activation)]


def test_random_input_net_follows_fixed_table_4_3():
    net = build_random_input_net(window=313, noise_channels=3)
    assert relu_lengths(net) == TABLE_4_3 and net.output.shape == (None, 115, 10)


def test_combination_net_follows_table_4_4_with_a_float32_linear_score():
    net = build_combination_net(code_length=115, code_channels=12, dropout=0.2)
    assert relu_lengths(net) == TABLE_4_4
    assert net.get_layer("flatten").output.shape == (None, 24) and net.output.shape == (None, 1)
    assert net.get_layer("dropout1").rate == 0.2 and net.get_layer("conv1").kernel.shape == (15, 12, 10)
    score = net.get_layer("score")
    assert score.dtype_policy.compute_dtype == "float32" and score.activation is keras.activations.linear
    assert not any(layer.name.startswith("dropout") for layer in build_combination_net(dropout=0.0).layers)


def test_leaky_combination_net_keeps_table_4_4_and_its_score_varies_from_the_start():
    keras.utils.set_random_seed(0)
    net = build_combination_net(code_length=115, code_channels=12, activation="leaky_relu")
    assert relu_lengths(net, "leaky_relu") == TABLE_4_4 and not relu_lengths(net, "relu")
    assert [layer.negative_slope for layer in net.layers if layer.name.startswith("leaky")] == [0.2] * 8
    codes = np.random.default_rng(0).normal(size=(16, 115, 12)).astype("float32")
    assert np.std(np.asarray(net(codes, training=False))) > 1e-4  # no dead unit makes the score constant


@pytest.mark.parametrize("image_shape, table", [(DEMO_IMAGE, "demo"), (THESIS_IMAGE, "thesis")])
def test_conditional_generator_and_critic_shapes(image_shape, table):
    generator = build_generator(window=313, channels=22, image_shape=image_shape, table=table)
    critic = build_critic(window=313, channels=22, image_shape=image_shape, table=table)
    assert [tuple(x.shape) for x in generator.inputs] == [(None, *image_shape), (None, 313, 3)]
    assert [tuple(x.shape) for x in critic.inputs] == [(None, 313, 22), (None, *image_shape)]
    assert generator.output.shape == (None, 313, 22) and critic.output.shape == (None, 1)
    assert generator.get_layer("image_code").output.shape == (None, 115, 2)
    assert generator.get_layer("latent").output.shape == critic.get_layer("latent").output.shape == (None, 115, 12)
    assert generator.get_layer("signal_decoder").get_layer("conv1").kernel.shape == (20, 11, 12)
    assert critic.get_layer("combination_net").get_layer("conv1").kernel.shape == (15, 12, 10)
    names = {layer.name for layer in generator.layers + critic.layers}
    assert {"image_encoder", "random_input_net", "signal_decoder", "signal_encoder", "combination_net"} <= names


def test_generator_and_critic_without_images_take_10_code_channels():
    generator = build_generator(window=313, channels=22, use_image=False)
    critic = build_critic(window=313, channels=22, use_image=False)
    assert [tuple(x.shape) for x in generator.inputs] == [(None, 313, 3)]
    assert [tuple(x.shape) for x in critic.inputs] == [(None, 313, 22)]
    assert generator.get_layer("signal_decoder").input.shape == (None, 115, 10)
    assert critic.get_layer("combination_net").input.shape == (None, 115, 10)
    assert not any(layer.name == "image_encoder" for layer in generator.layers + critic.layers)
    assert generator.output.shape == (None, 313, 22) and critic.output.shape == (None, 1)


def test_image_code_must_match_the_signal_code_length():
    with pytest.raises(ConfigError, match=r"^image encoder 'demo': ends at 5 x 23 = 115 positions .* needs 122$"):
        build_generator(window=320, channels=22, image_shape=DEMO_IMAGE, table="demo")
    with pytest.raises(ConfigError, match=r"^signal encoder \(Table 4.1\) layer 4 .* not positive$"):
        build_critic(window=100, channels=22, use_image=False)


@pytest.fixture(scope="module")
def demo_batch():
    rng = np.random.default_rng(5)
    images = rng.uniform(size=(2, *DEMO_IMAGE)).astype(np.float32)
    noise = rng.normal(size=(2, 313, 3)).astype(np.float32)
    return images, noise


def test_generator_and_critic_round_trip_through_keras_files(tmp_path, demo_batch, randomize_weights):
    images, noise = demo_batch
    generator = build_generator(window=313, channels=22, image_shape=DEMO_IMAGE, table="demo")
    critic = build_critic(window=313, channels=22, image_shape=DEMO_IMAGE, table="demo", dropout=0.1)
    randomize_weights(generator, seed=1)
    randomize_weights(critic, seed=2)
    windows = np.asarray(generator([images, noise], training=False))
    scores = np.asarray(critic([windows, images], training=False))
    np.testing.assert_allclose(windows.std(axis=(1, 2)), 1.0, atol=1e-3)
    assert scores.shape == (2, 1) and scores.dtype == np.float32 and np.ptp(scores) > 0
    for model, inputs, expected in ((generator, [images, noise], windows), (critic, [windows, images], scores)):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(np.asarray(loaded(inputs, training=False)), expected, rtol=1e-5, atol=1e-5)
