"""LFP summaries and scores: closed-form spectra, numpy.corrcoef agreement, known distances."""

import numpy as np
import pytest

from lfp.metrics.signals import (
    amplitude_spectra,
    channel_correlations,
    channel_means,
    correlation_distance,
    spectral_distance,
)

RATE, LENGTH = 1250.0, 313  # Hz, samples: the thesis's window
BIN = RATE / LENGTH  # 3.994 Hz between frequencies


def _sines(cycles, amplitudes, phases=(0.0,)):
    """(phases, LENGTH, channels) windows: channel c is amplitudes[c] sin(2π cycles[c] t / LENGTH + phase)."""
    time = np.arange(LENGTH)[None, :, None]
    phase = np.asarray(phases, dtype=float).reshape(-1, 1, 1)
    return np.asarray(amplitudes) * np.sin(2 * np.pi * np.asarray(cycles) * time / LENGTH + phase)


def test_a_sine_peaks_at_its_frequency_with_its_amplitude():
    windows = _sines(cycles=[10, 25], amplitudes=[3.0, 0.5], phases=[0.0, 1.0, 2.0]) + 0.75
    frequencies, mean, std = amplitude_spectra(windows, RATE)
    assert frequencies.shape == (LENGTH // 2 + 1,) and mean.shape == std.shape == (2, LENGTH // 2 + 1)
    assert frequencies[1] == pytest.approx(BIN)
    np.testing.assert_array_equal(np.argmax(mean[:, 1:], axis=1) + 1, [10, 25])
    np.testing.assert_allclose(mean[:, [10, 25]].diagonal(), [3.0, 0.5], rtol=1e-12)
    np.testing.assert_allclose(mean[:, 0], [0.75, 0.75], rtol=1e-12)  # the constant offset
    np.testing.assert_allclose(mean[:, 30], 0.0, atol=1e-12)  # nothing leaks into other bins
    np.testing.assert_allclose(std, 0.0, atol=1e-12)  # phase does not change the amplitude


def test_spectral_std_is_the_spread_of_amplitudes_over_windows():
    windows = np.concatenate([_sines([10], [1.0]), _sines([10], [3.0])])
    _, mean, std = amplitude_spectra(windows, RATE)
    assert mean[0, 10] == pytest.approx(2.0) and std[0, 10] == pytest.approx(1.0)


def test_channel_means_are_the_mean_and_std_over_windows():
    windows = np.stack([np.zeros((4, 2)), np.full((4, 2), 2.0)])
    mean, std = channel_means(windows)
    np.testing.assert_array_equal(mean, np.ones((4, 2)))
    np.testing.assert_array_equal(std, np.ones((4, 2)))


def test_channel_correlations_average_numpy_corrcoef_over_windows():
    windows = np.random.default_rng(0).normal(size=(5, 40, 4)) @ np.random.default_rng(1).normal(size=(4, 4))
    expected = np.mean([np.corrcoef(window, rowvar=False) for window in windows], axis=0)
    np.testing.assert_allclose(channel_correlations(windows), expected, rtol=1e-12, atol=1e-12)


def test_identical_channels_correlate_fully_and_independent_noise_hardly():
    rng = np.random.default_rng(2)
    identical = np.repeat(rng.normal(size=(10, LENGTH, 1)), 3, axis=2)
    np.testing.assert_allclose(channel_correlations(identical), np.ones((3, 3)), rtol=1e-12)
    noise = channel_correlations(rng.normal(size=(200, LENGTH, 4)))
    off_diagonal = noise[~np.eye(4, dtype=bool)]
    # each window's estimate has std 1/sqrt(313); averaged over 200 windows: 0.004, so 0.02 is 5 sigma
    assert np.max(np.abs(off_diagonal)) < 0.02
    np.testing.assert_allclose(np.diag(noise), 1.0)


def test_a_constant_channel_contributes_zero_correlation():
    windows = np.stack([np.arange(6.0), np.full(6, 2.0)], axis=1)[None]
    np.testing.assert_allclose(channel_correlations(windows), [[1.0, 0.0], [0.0, 0.0]], rtol=1e-12, atol=0)


def test_spectral_distance_counts_decades_of_amplitude():
    windows = np.random.default_rng(3).normal(size=(20, LENGTH, 3))
    assert spectral_distance(windows, windows, RATE) == 0.0
    assert spectral_distance(windows, 10.0 * windows, RATE) == pytest.approx(1.0, rel=1e-12)


def test_spectral_distance_ignores_differences_above_max_frequency():
    windows = np.random.default_rng(4).normal(size=(20, LENGTH, 3))
    with_line = windows + _sines(cycles=[75] * 3, amplitudes=[50.0] * 3)  # 299.6 Hz
    assert spectral_distance(windows, with_line, RATE, max_frequency=100.0) == pytest.approx(0.0, abs=1e-12)
    assert spectral_distance(windows, with_line, RATE) > 0.01


def test_correlation_distance_of_opposite_structures():
    base = np.random.default_rng(5).normal(size=(6, LENGTH, 1))
    together = np.repeat(base, 4, axis=2)  # all correlations +1
    alternating = together * np.array([1.0, -1.0, 1.0, -1.0])  # 8 of 16 entries become -1
    assert correlation_distance(together, together) == 0.0
    assert correlation_distance(together, alternating) == pytest.approx(np.sqrt(8 * 2.0**2) / 4, rel=1e-12)


def test_mismatched_sets_raise_one_line_errors():
    with pytest.raises(ValueError, match="windows have shape"):
        channel_means(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="reference has 3 channels but candidate has 2"):
        correlation_distance(np.ones((2, 5, 3)), np.ones((2, 5, 2)))
    with pytest.raises(ValueError, match="max_frequency 1.0 Hz leaves no frequency"):
        spectral_distance(np.ones((2, LENGTH, 1)), np.ones((2, LENGTH, 1)), RATE, max_frequency=1.0)
