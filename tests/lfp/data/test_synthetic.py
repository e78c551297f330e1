"""The synthetic stimulus-evoked LFP: layout, determinism and the physiological properties it promises."""

import numpy as np
import pytest
import scipy.signal

from calciumgan.core.errors import ConfigError
from calciumgan.core.images import image_features
from lfp.data.synthetic import response_parameters, synthesize_lfp

RATE = 1250.0
WINDOW = 313
SMALL = dict(num_channels=8, window=WINDOW, num_images=6, showings=20, image_size=(32, 32), spontaneous_seconds=12.0)


@pytest.fixture(scope="module")
def recording():
    return synthesize_lfp(**SMALL, seed=1)


@pytest.fixture(scope="module")
def windows(recording):
    """(showings, WINDOW, channels) float64 windows time-locked to each onset."""
    return np.stack([recording.lfp[onset : onset + WINDOW] for onset in recording.onsets]).astype(np.float64)


def test_shapes_dtypes_and_showing_layout(recording):
    assert recording.lfp.dtype == np.float32 and recording.lfp.shape[1] == 8
    assert recording.images.shape == (6, 32, 32) and recording.sampling_rate == RATE
    np.testing.assert_array_equal(recording.channel_ids, np.arange(8))
    np.testing.assert_array_equal(np.bincount(recording.image_ids), [20] * 6)
    steps = np.diff(recording.onsets)
    assert set(steps[steps < 1000].tolist()) <= {312, 313}  # 0.25 s at 1250 Hz, no gap
    gaps = steps[steps >= 1000]  # 2 grey-screen periods of 12 s / 4 between 3 blocks
    assert len(gaps) == 2 and set(gaps.tolist()) <= {312 + 3750, 313 + 3750}
    assert recording.onsets[0] == 3750 and len(recording.lfp) - recording.onsets[-1] >= 3750
    recording.check(WINDOW)
    assert recording.source == "synthetic(seed=1)"


def test_same_seed_same_recording_other_seed_other_recording(recording):
    again = synthesize_lfp(**SMALL, seed=1)
    np.testing.assert_array_equal(again.lfp, recording.lfp)
    np.testing.assert_array_equal(again.image_ids, recording.image_ids)
    other = synthesize_lfp(**SMALL, seed=2)
    assert not np.array_equal(other.image_ids, recording.image_ids)
    assert np.abs(other.lfp[:1000] - recording.lfp[:1000]).mean() > 10  # microvolts


def test_amplitudes_are_tens_of_microvolts_and_neighbours_correlate(recording):
    std = recording.lfp.std(axis=0)
    assert np.all((std > 30) & (std < 150))
    correlation = np.corrcoef(recording.lfp.T)
    assert np.diag(correlation, 1).min() > 0.85  # volume conduction between neighbouring channels
    assert correlation[0, -1] < np.diag(correlation, 1).min()


def test_aperiodic_slope_of_the_channel_averaged_spectrum(recording):
    frequencies, power = scipy.signal.welch(recording.lfp.astype(np.float64), fs=RATE, nperseg=1250, axis=0)
    band = (frequencies >= 2) & (frequencies <= 100)
    slope = np.polyfit(np.log10(frequencies[band]), np.log10(power[band].mean(axis=1)), 1)[0]
    assert -2.1 < slope < -1.1  # sources have beta in [1.3, 1.9]; rhythms bend the fit a little


def test_evoked_response_reverses_polarity_across_depth(windows):
    mean, error = windows.mean(axis=0), windows.std(axis=0) / np.sqrt(len(windows))
    n1 = int(0.065 * RATE)  # N1 peak, 53-77 ms
    assert mean[n1, 0] < -5 * error[n1, 0]  # negative at the top
    assert mean[n1, -1] > 5 * error[n1, -1]  # positive at the bottom
    baseline = windows[:, :20].mean(axis=(0, 1))  # the first 16 ms, before any response
    assert np.abs(baseline).max() < np.abs(mean[n1]).max() / 3


def test_the_evoked_response_depends_on_the_image(recording, windows):
    """Across images, averages of disjoint halves differ more than the two halves of one image."""
    response = windows[:, int(0.04 * RATE) : int(0.2 * RATE)]
    halves = [
        (response[ids][0::2].mean(axis=0), response[ids][1::2].mean(axis=0))
        for ids in (recording.image_ids == image for image in range(6))
    ]

    def distance(a, b):
        return np.sqrt(np.mean((a - b) ** 2))

    within = np.mean([distance(first, second) for first, second in halves])
    between = np.mean([distance(halves[i][0], halves[j][1]) for i in range(6) for j in range(6) if i != j])
    assert between > 1.1 * within  # 1.17 to 1.55 over seeds 1-8


def test_gamma_power_during_showings_grows_with_image_contrast(recording, windows):
    sos = scipy.signal.butter(4, [40, 70], btype="bandpass", fs=RATE, output="sos")
    gamma = scipy.signal.sosfiltfilt(sos, windows[:, :, 2], axis=1)[:, int(0.1 * RATE) :]  # a superficial channel
    log_power = np.log(np.mean(gamma**2, axis=1))  # per showing; the log tames the bursts' heavy tail
    contrast = image_features(recording.images)[recording.image_ids, 1]
    assert np.corrcoef(log_power, contrast)[0, 1] > 0.2  # 120 showings: p < 0.03 under no dependence


def test_response_parameters_stay_in_their_documented_ranges():
    features = np.random.default_rng(0).normal(size=(200, 5)) * [0.1, 0.05, 0.3, 0.3, 0.1] + [0.5, 0.15, 0, 0, 0.1]
    parameters = response_parameters(features)
    assert 0.053 <= parameters["n1_latency"].min() and parameters["n1_latency"].max() <= 0.077
    assert 0.102 <= parameters["p2_latency"].min() and parameters["p2_latency"].max() <= 0.148
    assert np.all((parameters["gamma_gain"] > 1) & (parameters["gamma_gain"] < 4))
    # higher-contrast images give a larger N1
    assert np.corrcoef(features[:, 1], np.log(parameters["n1_amplitude"]))[0, 1] > 0.7
    constant = response_parameters(np.ones((3, 5)))
    np.testing.assert_allclose(constant["n1_amplitude"], 70.0)


def test_bad_arguments_are_config_errors():
    with pytest.raises(ConfigError, match="synthetic LFP: num_channels 0"):
        synthesize_lfp(num_channels=0, image_size=(8, 8))
