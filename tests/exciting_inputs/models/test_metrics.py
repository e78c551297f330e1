"""The population correlation metric accumulates over batches to the correlation of the whole set."""

import numpy as np
import pytest

from exciting_inputs.models.metrics import PopulationCorrelation

pytestmark = pytest.mark.backend


def test_correlation_over_batches_is_the_mean_pearson_r_of_the_whole_set():
    rng = np.random.default_rng(0)
    targets = rng.poisson(3.0, size=(50, 4)).astype(np.float32)
    predictions = (targets + rng.normal(0, [0.5, 2.0, 5.0, 1.0], size=(50, 4))).astype(np.float32)
    metric = PopulationCorrelation(4)
    for start in range(0, 50, 16):
        metric.update_state(targets[start : start + 16], predictions[start : start + 16])
    expected = np.mean([np.corrcoef(targets[:, n], predictions[:, n])[0, 1] for n in range(4)])
    assert float(metric.result()) == pytest.approx(expected, abs=1e-5)
    metric.reset_state()
    metric.update_state(targets, predictions)
    assert float(metric.result()) == pytest.approx(expected, abs=1e-5)


def test_a_constant_neuron_scores_zero():
    targets = np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 2.0]], np.float32)
    metric = PopulationCorrelation(2)
    metric.update_state(targets, targets)
    assert float(metric.result()) == pytest.approx(0.5, abs=1e-6)  # neuron 0: r = 1; neuron 1: no variance, 0
