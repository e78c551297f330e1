import numpy as np

from calciumgan.data.dichotomized_gaussian import DichotomizedGaussian
from calciumgan.evaluation.baselines import dichotomized_gaussian_spikes, poisson_spikes


def _training_spikes():
    latent = np.array([[1.0, 0.7, 0.0], [0.7, 1.0, 0.0], [0.0, 0.0, 1.0]])
    model = DichotomizedGaussian(gamma=np.array([-1.5, -1.2, -2.0]), latent_correlation=latent)
    return model.sample(200_000, np.random.default_rng(0))


def test_dichotomized_gaussian_baseline_keeps_rates_and_covariances():
    training = _training_spikes()
    spikes = dichotomized_gaussian_spikes(training, num_samples=100, window=2000, rng=np.random.default_rng(1))
    assert spikes.shape == (100, 2000, 3)
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
