"""Random-input net, combination net, generator and critic: Tables 4.3-4.4 sizes, shapes, inputs, save/load."""

import keras
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from lfp.models import build_combination_net, build_critic, build_generator, build_random_input_net
from lfp.adversarial import start_output_noise
from lfp.data.recording import standardize_windows
from lfp.metrics.signals import spectral_distance
from lfp.models.layers import SpectralNoise, WindowStandardization, difference_correlation_factor, missing_spectrum_gains

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


def test_missing_spectrum_gains_restore_the_power_a_smooth_set_lacks():
    """Real windows: white noise of std 0.3 per channel plus a slow sine; generated: the sine alone. The gains
    that fill the gap are 0.3 at every frequency above 0 Hz (and 0 at 0 Hz); for equal sets they are ~0."""
    rng = np.random.default_rng(3)
    time = np.arange(313)
    sine = np.sin(2 * np.pi * 4 * time / 313)[None, :, None] * np.ones((400, 1, 2))
    real = sine + 0.3 * rng.normal(size=(400, 313, 2))
    gains = missing_spectrum_gains(real, sine)
    assert gains.shape == (2, 157) and (gains[:, 0] == 0).all()
    np.testing.assert_allclose(np.median(gains[:, 1:], axis=1), 0.3, rtol=0.03)
    assert np.median(missing_spectrum_gains(real, real)) == 0.0


def test_output_noise_shapes_white_noise_by_its_gains_and_survives_a_keras_file(tmp_path, demo_batch):
    images, noise = demo_batch
    plain = build_generator(window=313, channels=22, image_shape=DEMO_IMAGE, table="demo")
    generator = build_generator(window=313, channels=22, image_shape=DEMO_IMAGE, table="demo", output_noise=True)
    assert generator.count_params() == plain.count_params() + 22 * 157 + 22 * 22  # gains and channel mixing
    layer = generator.get_layer("output_noise")
    gains = np.zeros((22, 157))
    gains[:, 40:60] = 2.0  # a band of frequencies 40-59 (cycles per window)
    gains[3] = 0.5  # channel 3: white noise of std 0.5
    layer.set_gains(gains)
    added = np.asarray(layer(np.zeros((64, 313, 22), np.float32)), np.float64)
    spectrum = np.abs(np.fft.rfft(added, axis=1)).mean(axis=0)  # (157, 22)
    assert spectrum[40:60, 0].min() > 20 * spectrum[:30, 0].max()  # the band, nothing outside it
    np.testing.assert_allclose(added[..., 3].std(), 0.5, rtol=0.03)
    assert abs(np.corrcoef(added[..., 3].ravel(), added[..., 4].ravel())[0, 1]) < 0.02  # mixing starts at I
    windows = np.asarray(generator([images, noise]))
    np.testing.assert_allclose(windows.std(axis=(1, 2)), 1.0, atol=1e-3)  # standardised again after the noise
    generator.save(tmp_path / "generator.keras")
    loaded = keras.saving.load_model(tmp_path / "generator.keras", safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded([images, noise])), np.asarray(generator([images, noise])),
                               rtol=1e-5, atol=1e-5)  # the same noise stream continues in both  # fmt: skip


def test_mixing_by_the_difference_correlation_factor_correlates_the_channels_noise_as_the_windows():
    """Windows whose fast fluctuations correlate 0.8 between channels 0 and 1 (a shared white term) and not with
    channel 2: the layer's noise, mixed by their factor, correlates the same way."""
    rng = np.random.default_rng(4)
    shared, own = rng.normal(size=(200, 313, 1)), rng.normal(size=(200, 313, 3))
    windows = np.concatenate([np.sqrt(0.8) * shared + np.sqrt(0.2) * own[..., :2], own[..., 2:]], axis=-1)
    factor = difference_correlation_factor(windows)
    np.testing.assert_allclose(factor @ factor.T, np.corrcoef(np.diff(windows, axis=1).reshape(-1, 3),
                                                              rowvar=False), atol=1e-5)  # fmt: skip
    layer = SpectralNoise()
    layer.build((None, 313, 3))
    layer.mixing.assign(factor.astype("float32"))
    layer.set_gains(np.ones((3, 157)))
    noise = np.asarray(layer(np.zeros((64, 313, 3), np.float32)), np.float64).reshape(-1, 3)
    correlation = np.corrcoef(noise, rowvar=False)
    assert abs(correlation[0, 1] - 0.8) < 0.02 and abs(correlation[0, 2]) < 0.02


def test_the_started_output_noise_gives_a_silent_generator_the_real_spectrum_and_correlations():
    """A generator whose decoded windows are all zero, against real windows of 1/f-shaped noise whose channels 0
    and 1 correlate 0.6 and channel 2 with neither: after the start, its windows' spectrum is within 0.05
    decades of the real one's above 0 Hz, and their fast fluctuations correlate as the real ones do."""
    rng = np.random.default_rng(6)
    white = rng.normal(size=(256, 3, 313))
    white[:, 1] = 0.6 * white[:, 0] + 0.8 * white[:, 1]
    shaped = np.fft.irfft(np.fft.rfft(white, axis=-1) / np.maximum(np.arange(157), 1.0), n=313, axis=-1)
    real = np.asarray(standardize_windows(shaped.transpose(0, 2, 1)), np.float64)
    noise = keras.Input((313, 3))
    silent = keras.layers.Lambda(lambda z: keras.ops.zeros_like(z))(noise)
    generator = keras.Model(noise, WindowStandardization()(SpectralNoise(name="output_noise")(silent)))
    start_output_noise(generator, real, None, seed=0)
    generated = generator.predict(np.zeros((256, 313, 3), np.float32), verbose=0)
    assert spectral_distance(real, generated, 313.0) < 0.05
    correlations = [np.corrcoef(np.diff(windows, axis=1).reshape(-1, 3), rowvar=False) for windows in (generated, real)]
    np.testing.assert_allclose(correlations[0], correlations[1], atol=0.03)
    assert abs(correlations[1][0, 1] - 0.6) < 0.03 and abs(correlations[1][0, 2]) < 0.03
