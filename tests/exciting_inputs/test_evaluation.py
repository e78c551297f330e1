"""Held-out correlations against SciPy, with missing trials."""

import numpy as np
import pytest
from scipy import stats

from exciting_inputs.evaluation import response_correlations


def test_correlations_with_single_trials_trial_means_and_true_rates():
    rng = np.random.default_rng(0)
    truth = rng.uniform(0.5, 5.0, size=(30, 3))
    responses = rng.poisson(truth, size=(8, 30, 3)).astype(np.float64)
    responses[rng.uniform(size=responses.shape) < 0.2] = np.nan
    predicted = truth + rng.normal(0, 0.5, size=truth.shape)
    result = response_correlations(predicted, responses, truth)
    for neuron in range(3):
        trials, images = np.nonzero(~np.isnan(responses[:, :, neuron]))
        single = stats.pearsonr(predicted[images, neuron], responses[trials, images, neuron])[0]
        means = np.nanmean(responses[:, :, neuron], axis=0)
        assert result["single_trial"][neuron] == pytest.approx(single, rel=1e-10)
        assert result["trial_mean"][neuron] == pytest.approx(stats.pearsonr(predicted[:, neuron], means)[0], rel=1e-10)
        assert result["true_rate"][neuron] == pytest.approx(np.corrcoef(predicted[:, neuron], truth[:, neuron])[0, 1])
    np.testing.assert_allclose(response_correlations(truth, responses, truth)["true_rate"], 1.0, rtol=1e-12)
    assert set(response_correlations(predicted, responses)) == {"single_trial", "trial_mean"}
