import numpy as np
import pytest

from calciumgan.data.dichotomized_gaussian import DichotomizedGaussian
from calciumgan.evaluation.baselines import (
    calcium_traces,
    dichotomized_gaussian_spikes,
    poisson_spikes,
)
from calciumgan.evaluation.inference import Calibration


def _training_spikes():
    latent = np.array([[1.0, 0.7, 0.0], [0.7, 1.0, 0.0], [0.0, 0.0, 1.0]])
    model = DichotomizedGaussian(gamma=np.array([-1.5, -1.2, -2.0]), latent_correlation=latent)
    return model.sample(200_000, np.random.default_rng(0))


def test_dichotomized_gaussian_baseline_keeps_rates_and_covariances():
    training = _training_spikes()
    spikes, adjustments = dichotomized_gaussian_spikes(training, 100, 2000, rng=np.random.default_rng(1))
    assert spikes.shape == (100, 2000, 3) and adjustments["largest_projection_change"] == 0.0
    flat = spikes.reshape(-1, 3).astype(float)
    np.testing.assert_allclose(flat.mean(axis=0), training.mean(axis=0), atol=0.003)
    # The correlated pair stays correlated, the independent neuron independent (5 standard errors).
    covariance, target = np.cov(flat.T), np.cov(training.T.astype(float))
    assert abs(covariance[0, 1] - target[0, 1]) < 0.003 and abs(covariance[0, 2]) < 0.002


def test_poisson_baseline_keeps_rates_and_drops_correlations():
    training = _training_spikes()
    spikes = poisson_spikes(training, num_samples=100, window=2000, rng=np.random.default_rng(2))
    assert spikes.shape == (100, 2000, 3)
    flat = spikes.reshape(-1, 3).astype(float)
    np.testing.assert_allclose(flat.mean(axis=0), training.mean(axis=0), rtol=0.03)
    assert abs(np.corrcoef(flat.T)[0, 1]) < 0.01 < np.corrcoef(training.T.astype(float))[0, 1]


def _calibration(num_neurons, decay=0.9, noise=0.0, baseline=0.5, size=0.2):
    values = {"decay": decay, "noise": noise, "min_spike": 0.1, "baseline": baseline, "spike_size": size}
    return Calibration(**{name: np.full(num_neurons, value, dtype=np.float64) for name, value in values.items()})


def test_calcium_traces_follow_the_fitted_ar1_model():
    spikes = np.zeros((2, 40, 3), np.uint8)
    spikes[:, 5, 1] = 1  # one spike; the other neurons stay silent, so every window starts at the baseline
    traces = calcium_traces(spikes, _calibration(3), np.random.default_rng(0))
    # the mean rate of neuron 1 is 1/40 per frame: its windows start at the stationary level 0.025 * 0.2 / 0.1
    start = 1 / 40 * 0.2 / (1 - 0.9)
    expected = 0.5 + start * 0.9 ** np.arange(1, 41) + np.where(np.arange(40) >= 5, 0.2 * 0.9 ** (np.arange(40) - 5), 0)
    np.testing.assert_allclose(traces[0, :, 1], expected, rtol=1e-6)
    np.testing.assert_allclose(traces[:, :, [0, 2]], 0.5)


def test_calcium_traces_have_no_edge_artefact_and_the_fitted_noise():
    rng = np.random.default_rng(1)
    spikes = rng.poisson(0.05, size=(4000, 32, 2)).astype(np.uint8)
    traces = calcium_traces(spikes, _calibration(2, noise=0.03), rng)
    frame_means = traces.mean(axis=(0, 2))
    stationary = 0.5 + 0.05 * 0.2 / (1 - 0.9)
    np.testing.assert_allclose(frame_means[[0, -1]], stationary, atol=0.01)  # first and last frames as the middle
    np.testing.assert_allclose(frame_means[16], stationary, atol=0.01)
    silent = calcium_traces(np.zeros((500, 32, 2), np.uint8), _calibration(2, noise=0.03), rng)
    assert np.std(silent) == pytest.approx(0.03, rel=0.02)
