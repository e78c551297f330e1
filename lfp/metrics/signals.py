"""LFP-specific summaries of a set of windows (batch, time, channels) and scores comparing two sets.

The summaries are those the thesis plots: mean amplitude spectra per channel (Figs 5.2, 5.5), mean and
std over windows per time step and channel (Figs 5.3, 5.4) and channel-correlation matrices (Figs A.1-A.3).
All statistics are float64.
"""

import numpy as np

# Mean amplitudes below this fraction of the largest one count as this fraction (a 12-decade floor for log10).
RELATIVE_AMPLITUDE_FLOOR = 1e-12


def amplitude_spectra(windows, sampling_rate: float):
    """Single-sided amplitude spectrum |rfft| of every window and channel, summarised over windows.

    ``windows`` is (batch, time, channels) in signal units, ``sampling_rate`` in Hz. The amplitude is
    scaled so that A·sin(2πft) with f on the frequency grid has amplitude A at f (and a constant c has c
    at 0 Hz). Returns frequencies (f,) in Hz, mean (channels, f) and std (channels, f) over windows,
    with f = time // 2 + 1.
    """
    windows = _as_windows(windows)
    length = windows.shape[1]
    amplitudes = np.abs(np.fft.rfft(windows, axis=1)) * (2.0 / length)
    amplitudes[:, 0] /= 2.0
    if length % 2 == 0:
        amplitudes[:, -1] /= 2.0  # the Nyquist bin, like 0 Hz, has no mirror image
    frequencies = np.fft.rfftfreq(length, d=1.0 / sampling_rate)
    return frequencies, amplitudes.mean(axis=0).T, amplitudes.std(axis=0).T


def channel_means(windows):
    """Mean and std over windows of (batch, time, channels) windows; each (time, channels)."""
    windows = _as_windows(windows)
    return windows.mean(axis=0), windows.std(axis=0)


def channel_correlations(windows) -> np.ndarray:
    """Pearson correlation between channels over time within each window, averaged over windows.

    Returns a (channels, channels) matrix. A channel that is constant within a window contributes 0 to
    that window's row, column and diagonal entry (its correlation is undefined).
    """
    windows = _as_windows(windows)
    centred = windows - windows.mean(axis=1, keepdims=True)
    norms = np.sqrt(np.sum(centred**2, axis=1, keepdims=True))
    standardised = np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0)
    return np.einsum("btc,btd->cd", standardised, standardised) / len(windows)


def spectral_distance(reference, candidate, sampling_rate: float, max_frequency: float | None = None) -> float:
    """RMS difference of log10 mean amplitude spectra of two window sets, in decades.

    Taken over all channels and the frequencies in (0, max_frequency] Hz (all above 0 Hz when None); 0 Hz
    is left out because z-scored windows have no mean. A set scaled by 10 is 1 decade away.
    """
    frequencies, reference_mean, _ = amplitude_spectra(reference, sampling_rate)
    _, candidate_mean, _ = amplitude_spectra(candidate, sampling_rate)
    if reference_mean.shape != candidate_mean.shape:
        raise ValueError(
            f"reference spectra {reference_mean.shape} and candidate spectra {candidate_mean.shape} differ; "
            "the windows need the same length and channels"
        )
    upper = np.inf if max_frequency is None else max_frequency
    band = (frequencies > 0) & (frequencies <= upper)
    if not band.any():
        raise ValueError(f"max_frequency {max_frequency} Hz leaves no frequency above 0 Hz")
    floor = RELATIVE_AMPLITUDE_FLOOR * max(reference_mean.max(), candidate_mean.max(), np.finfo(np.float64).tiny)
    difference = np.log10(np.maximum(reference_mean[:, band], floor)) - np.log10(
        np.maximum(candidate_mean[:, band], floor)
    )
    return float(np.sqrt(np.mean(difference**2)))


def correlation_distance(reference, candidate) -> float:
    """Frobenius norm of the difference of two sets' channel-correlation matrices, divided by the channels.

    0 for equal correlation structure, at most 2 (every entry off by the full range).
    """
    reference_correlations = channel_correlations(reference)
    candidate_correlations = channel_correlations(candidate)
    if reference_correlations.shape != candidate_correlations.shape:
        raise ValueError(
            f"reference has {len(reference_correlations)} channels but candidate has {len(candidate_correlations)}"
        )
    return float(np.linalg.norm(reference_correlations - candidate_correlations) / len(reference_correlations))


def _as_windows(windows) -> np.ndarray:
    """``windows`` as a float64 (batch, time, channels) array; a ValueError naming the shape otherwise."""
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim != 3 or min(windows.shape) < 1:
        raise ValueError(f"windows have shape {windows.shape}; expected (batch, time, channels)")
    return windows
