"""Reference models for the evaluation table, fitted to spikes inferred from training windows.

- ``dichotomized_gaussian_spikes``: the thesis's baseline; matches every neuron's spike
  probability and every pair's covariance per frame, but has no temporal structure.
- ``poisson_spikes``: a weaker reference; independent neurons with the fitted rates.

Both return (K, window, N) spike counts per frame. The thesis scored those spikes directly,
while every other row went through spike inference; :func:`calcium_traces` instead turns them
into traces with the calcium model of the data (the calibration fitted on the training block),
so that a baseline passes through the same inference, window by window, as the real and
synthetic traces it is compared with.
"""

import numpy as np

from calciumgan.data.dichotomized_gaussian import fit_to_spikes
from calciumgan.evaluation.inference import Calibration

NEURON_CHUNK = 64  # neurons whose traces are made at once (their noise is drawn as one array)


def dichotomized_gaussian_spikes(training_spikes: np.ndarray, num_samples: int, window: int, rng, neuron_ids=None):
    """(num_samples, window, N) uint8 spikes from a DG model fitted to (T, N) training spikes, and
    how far the fit had to move from the spikes' statistics (``DichotomizedGaussian.adjustments``).
    ``neuron_ids`` (N,) name the neurons in the fit's log."""
    model = fit_to_spikes(training_spikes, neuron_ids)
    return model.sample(num_samples * window, rng).reshape(num_samples, window, -1), model.adjustments


def poisson_spikes(training_spikes: np.ndarray, num_samples: int, window: int, rng) -> np.ndarray:
    """(num_samples, window, N) spike counts of independent Poisson neurons at the training rates."""
    rates_per_frame = np.asarray(training_spikes, dtype=np.float64).mean(axis=0)
    return rng.poisson(rates_per_frame, size=(num_samples, window, len(rates_per_frame))).astype(np.uint8)


def calcium_traces(spikes: np.ndarray, calibration: Calibration, rng) -> np.ndarray:
    """(K, W, N) float32 traces of (K, W, N) spike counts under neuron n's fitted calcium model.

    ``y_t = b_n + c_t + sn_n u_t`` with ``c_t = g_n c_{t-1} + a_n s_t`` and ``u_t ~ N(0, 1)``:
    decay ``g_n``, baseline ``b_n``, noise ``sn_n`` and spike size ``a_n`` from the calibration
    (a neuron without inferred training spikes takes the median size of the others, or its
    minimum spike). Each window starts at the stationary calcium level of its neuron, as a
    window cut from a long recording does, so its first frames hold no artefact.
    """
    counts = np.asarray(spikes)
    sizes = calibration.spike_size
    fallback = np.nanmedian(sizes) if np.isfinite(sizes).any() else np.nan
    sizes = np.where(np.isfinite(sizes), sizes, fallback)
    sizes = np.where(np.isfinite(sizes), sizes, calibration.min_spike)
    rates = counts.mean(axis=(0, 1), dtype=np.float64)
    num_samples, window, num_neurons = counts.shape
    traces = np.empty(counts.shape, dtype=np.float32)
    for first in range(0, num_neurons, NEURON_CHUNK):
        chunk = slice(first, min(first + NEURON_CHUNK, num_neurons))
        decay, size = calibration.decay[chunk], sizes[chunk]
        baseline, noise_std = calibration.baseline[chunk], calibration.noise[chunk]
        # the noise of neuron after neuron, (K, W) each: one draw of the whole chunk takes the same numbers
        noise = rng.standard_normal((len(decay), num_samples, window)).transpose(1, 2, 0)
        calcium = np.broadcast_to(rates[chunk] * size / (1.0 - decay), (num_samples, len(decay)))  # stationary level
        for frame in range(window):
            calcium = size * counts[:, frame, chunk] + decay * calcium
            traces[:, frame, chunk] = baseline + calcium + noise_std * noise[:, frame]
    return traces
