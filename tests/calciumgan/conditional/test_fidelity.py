"""Per-label agreement of generated and real windows: known answers from windows built to match or not."""

import numpy as np
import pytest

from calciumgan.conditional.fidelity import label_agreement, neuron_profiles
from calciumgan.core.errors import RecordingError

RNG = np.random.default_rng(0)
MEANS = RNG.uniform(0, 2, (2, 6))  # per label, per neuron
STDS = RNG.uniform(0.5, 1.5, (2, 6))


def _windows(count_per_label, seed):
    """(2 * count, 10, 6) windows whose neuron n in label k has mean MEANS[k, n] and std STDS[k, n] exactly."""
    noise = np.random.default_rng(seed).standard_normal((2, count_per_label * 10, 6))
    noise = (noise - noise.mean(axis=1, keepdims=True)) / noise.std(axis=1, keepdims=True)
    windows = MEANS[:, None, :] + STDS[:, None, :] * noise
    return windows.reshape(2 * count_per_label, 10, 6), np.repeat([0, 1], count_per_label)


def test_profiles_are_means_and_stds_over_windows_and_frames():
    windows, labels = _windows(4, seed=1)
    mean, std = neuron_profiles(windows[labels == 1])
    np.testing.assert_allclose(mean, MEANS[1])
    np.testing.assert_allclose(std, STDS[1])


def test_samples_that_follow_their_labels_match_them():
    samples, sample_labels = _windows(3, seed=1)
    real, real_labels = _windows(5, seed=2)
    result = label_agreement(samples, sample_labels, real, real_labels, 2)
    cross = np.corrcoef(MEANS[0], MEANS[1])[0, 1]
    np.testing.assert_allclose(result["mean_correlation"], [[1, cross], [cross, 1]], atol=1e-12)
    np.testing.assert_allclose(np.diag(result["std_correlation"]), [1, 1], atol=1e-12)
    assert result["matched"] == 1.0


def test_samples_with_swapped_labels_match_none():
    samples, sample_labels = _windows(3, seed=1)
    real, real_labels = _windows(5, seed=2)
    assert label_agreement(samples, 1 - sample_labels, real, real_labels, 2)["matched"] == 0.0


def test_a_label_without_windows_is_refused():
    samples, sample_labels = _windows(3, seed=1)
    with pytest.raises(RecordingError, match=r"samples: no window of label\(s\) \[2\]"):
        label_agreement(samples, sample_labels, samples, sample_labels, 3)
