"""Reference spike trains for the evaluation table, fitted to the training block's inferred spikes.

- ``dichotomized_gaussian_spikes``: the thesis's baseline; matches every neuron's spike
  probability and every pair's covariance per frame, but has no temporal structure.
- ``poisson_spikes``: a weaker reference; independent neurons with the fitted rates.

Both return (K, window, N) spike counts per frame, so they are scored exactly like the
spikes inferred from real or synthetic traces.
"""

import numpy as np

from calciumgan.data.dichotomized_gaussian import fit_to_spikes


def dichotomized_gaussian_spikes(training_spikes: np.ndarray, num_samples: int, window: int, rng) -> np.ndarray:
    """(num_samples, window, N) uint8 spikes from a DG model fitted to (T, N) training spikes."""
    model = fit_to_spikes(training_spikes)
    return model.sample(num_samples * window, rng).reshape(num_samples, window, -1)


def poisson_spikes(training_spikes: np.ndarray, num_samples: int, window: int, rng) -> np.ndarray:
    """(num_samples, window, N) spike counts of independent Poisson neurons at the training rates."""
    rates_per_frame = np.asarray(training_spikes, dtype=np.float64).mean(axis=0)
    return rng.poisson(rates_per_frame, size=(num_samples, window, len(rates_per_frame))).astype(np.uint8)
