import numpy as np
import pytest

from calciumgan.data.recording import Recording
from calciumgan.data.surrogate import PRESETS, calcium_from_spikes, preset_model, surrogate_recording

STATED_MEAN_RATES_HZ = {"day1": 58.07 / 102, "day4": 35.83 / 102}  # Table 4.2, read as population rates


def off_diagonal(matrix: np.ndarray) -> np.ndarray:
    return matrix[~np.eye(len(matrix), dtype=bool)]


def test_calcium_without_noise_follows_the_recursion():
    spikes = np.array([[1, 0], [0, 2], [0, 0], [1, 1]])
    traces = calcium_from_spikes(spikes, np.random.default_rng(0), decay=0.5, noise_std=0.0, baseline=2.0)
    # c_t = 0.5 c_{t-1} + s_t, y = 2 + c
    expected = 2.0 + np.array([[1.0, 0.0], [0.5, 2.0], [0.25, 1.0], [1.125, 1.5]])
    assert traces.dtype == np.float32
    np.testing.assert_allclose(traces, expected, rtol=0, atol=1e-6)


def test_calcium_noise_has_the_requested_std():
    rng = np.random.default_rng(1)
    spikes = (rng.random((40_000, 3)) < 0.05).astype(np.float64)
    noisy = calcium_from_spikes(spikes, rng, noise_std=0.3).astype(np.float64)
    clean = calcium_from_spikes(spikes, rng, noise_std=0.0).astype(np.float64)
    residual = (noisy - clean).ravel()
    # The standard error of a sample std is sigma / sqrt(2 n); allow 5 of them.
    assert abs(residual.std() - 0.3) < 5 * 0.3 / np.sqrt(2 * residual.size)
    assert abs(residual.mean()) < 5 * 0.3 / np.sqrt(residual.size)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_rates_and_correlations(name):
    model = preset_model(name)
    assert model.num_neurons == 102
    rates = 24 * model.spike_probabilities()
    assert rates.mean() == pytest.approx(STATED_MEAN_RATES_HZ[name], rel=1e-12)
    assert rates.max() / rates.min() > 10  # heterogeneous (log-normal) rates
    latent = off_diagonal(model.latent_correlation)
    assert (latent >= 0.5).sum() >= 20
    assert (latent < -0.2).any()
    assert np.median(np.abs(latent)) < 0.15  # most pairs weakly correlated


def test_day1_is_more_active_and_less_correlated_than_day4():
    day1, day4 = preset_model("day1"), preset_model("day4")
    assert day1.spike_probabilities().mean() > day4.spike_probabilities().mean()
    assert np.median(off_diagonal(day1.latent_correlation)) < np.median(off_diagonal(day4.latent_correlation))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_full_recording_has_thesis_shape_and_stated_mean_rate(name):
    recording = surrogate_recording(name, seed=2)
    num_frames = PRESETS[name].num_frames
    assert isinstance(recording, Recording)
    assert recording.signals.shape == recording.spikes.shape == (num_frames, 102)
    assert recording.signals.dtype == recording.spikes.dtype == np.float32
    assert set(np.unique(recording.spikes)) == {0.0, 1.0}
    assert recording.sampling_rate == 24.0
    np.testing.assert_array_equal(recording.neuron_ids, np.arange(102))
    assert recording.source == f"surrogate:{name}"
    # Frames are independent; the population mean's variance is the sum of the covariance / N^2.
    model = preset_model(name)
    standard_error_hz = 24 * np.sqrt(model.covariance().sum() / 102**2 / num_frames)
    mean_rate_hz = 24 * recording.spikes.astype(np.float64).mean()
    assert abs(mean_rate_hz - STATED_MEAN_RATES_HZ[name]) < 5 * standard_error_hz


def test_recording_is_deterministic_for_a_seed():
    first = surrogate_recording("day1", num_frames=500, num_neurons=7, seed=3)
    again = surrogate_recording("day1", num_frames=500, num_neurons=7, seed=3)
    other = surrogate_recording("day1", num_frames=500, num_neurons=7, seed=4)
    assert first.signals.shape == (500, 7)
    np.testing.assert_array_equal(first.signals, again.signals)
    np.testing.assert_array_equal(first.spikes, again.spikes)
    assert not np.array_equal(first.signals, other.signals)
    np.testing.assert_array_equal(preset_model("day4").latent_correlation, preset_model("day4").latent_correlation)


def test_small_recording_keeps_first_neurons_of_the_preset():
    recording = surrogate_recording("day4", num_frames=100, num_neurons=5)
    assert recording.signals.shape == (100, 5)
    np.testing.assert_array_equal(recording.neuron_ids, np.arange(5))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="known presets: day1, day4"):
        preset_model("day2")
    with pytest.raises(ValueError, match=r"num_neurons must lie in 1..102, got 103"):
        surrogate_recording(num_neurons=103)
    with pytest.raises(ValueError, match="decay must lie in"):
        calcium_from_spikes(np.zeros((3, 2)), np.random.default_rng(0), decay=1.0)
