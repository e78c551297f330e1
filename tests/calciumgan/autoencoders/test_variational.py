"""The VAE: its two loss terms against references, one training step in closed form, sampling, saving."""

import math

import keras
import numpy as np
import pytest
from scipy import stats

from calciumgan.autoencoders.variational import (
    VariationalAutoencoder,
    build_vae,
    gaussian_kl,
    gaussian_negative_log_likelihood,
)

WINDOW, NEURONS, LATENT = 6, 3, 2


def _numpy(value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def test_kl_has_its_known_values():
    z_mean = np.array([[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]], np.float32)
    z_log_var = np.array([[0.0, 0.0], [0.0, 0.0], [math.log(4.0), 0.0]], np.float32)
    expected = [0.0, 2.5, 0.5 * (4.0 - 1.0 - math.log(4.0))]
    np.testing.assert_allclose(_numpy(gaussian_kl(z_mean, z_log_var)), expected, rtol=1e-6, atol=1e-7)


def test_kl_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    mean, log_var = np.array([0.7, -1.2, 0.1]), np.array([-0.5, 0.8, 0.0])
    draws = mean + np.exp(0.5 * log_var) * rng.standard_normal((200_000, 3))
    log_ratio = (stats.norm.logpdf(draws, mean, np.exp(0.5 * log_var)) - stats.norm.logpdf(draws)).sum(axis=1)
    closed = _numpy(gaussian_kl(mean[None].astype(np.float32), log_var[None].astype(np.float32)))[0]
    assert abs(closed - log_ratio.mean()) < 4 * log_ratio.std() / math.sqrt(len(log_ratio))


def test_reconstruction_term_is_the_gaussian_negative_log_likelihood():
    rng = np.random.default_rng(1)
    windows, means = rng.random((2, WINDOW, NEURONS)), rng.random((2, WINDOW, NEURONS))
    log_std = np.log([0.1, 0.3, 1.5])
    expected = -stats.norm.logpdf(windows, means, np.exp(log_std)).sum(axis=(1, 2))
    value = gaussian_negative_log_likelihood(*(array.astype(np.float32) for array in (windows, means, log_std)))
    np.testing.assert_allclose(_numpy(value), expected, rtol=1e-5)


def _constant_decoder_vae(noise_std: float) -> VariationalAutoencoder:
    """A VAE whose decoder outputs 0.5 everywhere (zero kernel and bias before the sigmoid)."""
    keras.utils.set_random_seed(3)
    model = build_vae(WINDOW, NEURONS, hidden_units=4, latent_dim=LATENT, initial_noise_std=noise_std, seed=5)
    layer = model.decoder.get_layer("means")
    layer.set_weights([np.zeros_like(weight) for weight in layer.get_weights()])
    return model


@pytest.mark.backend
def test_one_training_step_matches_the_closed_form():
    model = _constant_decoder_vae(noise_std=0.2)
    learning_rate, noise_std = 0.01, 0.2
    model.compile(optimizer=keras.optimizers.SGD(learning_rate))
    windows = np.random.default_rng(2).random((4, WINDOW, NEURONS)).astype(np.float32)
    z_mean, z_log_var = (_numpy(value) for value in model.encoder(windows))
    squared = (windows.astype(np.float64) - 0.5) ** 2
    reconstruction = (0.5 * squared / noise_std**2 + math.log(noise_std) + 0.5 * math.log(2 * math.pi)).sum((1, 2))
    kl = 0.5 * (z_mean**2 + np.exp(z_log_var) - 1 - z_log_var).sum(axis=1)
    logs = model.train_on_batch(windows, return_dict=True)
    np.testing.assert_allclose(logs["reconstruction"], reconstruction.mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["kl"], kl.mean(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(logs["loss"], reconstruction.mean() + kl.mean(), rtol=1e-5)
    # d loss / d log s_n = mean over windows of sum over frames of (1 - (x - m)^2 / s^2)
    gradient = (1.0 - squared / noise_std**2).sum(axis=1).mean(axis=0)
    np.testing.assert_allclose(model.noise_std(), np.exp(math.log(noise_std) - learning_rate * gradient), rtol=1e-5)


@pytest.mark.backend
def test_samples_are_decoded_prior_draws_plus_the_learned_noise():
    model = build_vae(WINDOW, NEURONS, hidden_units=4, latent_dim=LATENT, initial_noise_std=0.3, seed=0)
    means = model.sample_windows(5, seed=7, noise=False)
    rng = np.random.default_rng(7)
    codes = rng.standard_normal((5, LATENT)).astype(np.float32)
    np.testing.assert_allclose(means, _numpy(model.decoder(codes)), rtol=1e-6)
    noisy = model.sample_windows(5, seed=7)
    np.testing.assert_allclose(noisy - means, 0.3 * rng.standard_normal(means.shape), rtol=1e-4, atol=1e-6)


@pytest.mark.backend
def test_the_saved_vae_reloads_with_equal_weights_and_samples(tmp_path):
    model = build_vae(WINDOW, NEURONS, hidden_units=4, latent_dim=LATENT, initial_noise_std=0.3, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(np.random.default_rng(0).random((8, WINDOW, NEURONS)).astype(np.float32), batch_size=4, verbose=0)
    model.save(tmp_path / "vae.keras")
    reloaded = keras.saving.load_model(tmp_path / "vae.keras", safe_mode=True)
    assert isinstance(reloaded, VariationalAutoencoder)
    np.testing.assert_array_equal(reloaded.noise_std(), model.noise_std())
    np.testing.assert_array_equal(reloaded.sample_windows(3, seed=1), model.sample_windows(3, seed=1))


def test_a_non_positive_initial_noise_is_refused():
    with pytest.raises(ValueError, match="initial_noise_std"):
        build_vae(WINDOW, NEURONS, initial_noise_std=0.0)
