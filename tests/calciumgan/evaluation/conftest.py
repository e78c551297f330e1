"""Synthetic calcium traces with known spikes, shared by the spike-inference tests."""

import numpy as np
import pytest
from scipy import signal

from calciumgan.data.surrogate import calcium_from_spikes


def _surrogate_traces(seed=1, num_frames=4000, num_neurons=6, rate_hz=0.5):
    """Sparse spikes at 24 Hz and the surrogate's calcium (g 0.95, sigma 0.3, one unit a spike)."""
    rng = np.random.default_rng(seed)
    spikes = (rng.random((num_frames, num_neurons)) < rate_hz / 24).astype(np.uint8)
    return spikes, calcium_from_spikes(spikes, rng)


def _dff_traces(seed=2, num_frames=4000, num_neurons=6, rate_hz=2.0, amplitude=0.2, decay=0.92, noise=0.03):
    """GCaMP6f-like ΔF/F at 24 Hz: a spike adds 0.2, tau = -1 / (24 ln 0.92) = 0.5 s."""
    rng = np.random.default_rng(seed)
    spikes = (rng.random((num_frames, num_neurons)) < rate_hz / 24).astype(np.uint8)
    calcium = signal.lfilter([1.0], [1.0, -decay], amplitude * spikes.astype(np.float64), axis=0)
    return spikes, (calcium + noise * rng.standard_normal(spikes.shape)).astype(np.float32)


@pytest.fixture
def surrogate_traces():
    """Factory: (true spikes, traces) (T, N) in the surrogate's units; see ``_surrogate_traces``."""
    return _surrogate_traces


@pytest.fixture
def dff_traces():
    """Factory: (true spikes, traces) (T, N) of a ΔF/F-like indicator; see ``_dff_traces``."""
    return _dff_traces
