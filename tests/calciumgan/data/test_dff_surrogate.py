"""The ΔF/F surrogate: spikes with history and shared structure, a GCaMP-like indicator, ground truth."""

import math

import numpy as np
import pytest

from calciumgan.config import DataConfig, config_from_dict, load_config
from calciumgan.core.errors import ConfigError
from calciumgan.data.dff_indicator import IndicatorNeurons, kernel_peak, observed_dff, saturated_dff
from calciumgan.data.dff_spiking import ornstein_uhlenbeck
from calciumgan.data.dff_surrogate import dff_ground_truth, dff_model, dff_recording, dff_spike_times
from calciumgan.data.prepare import prepare_data
from calciumgan.data.presets import DFF_PRESETS

PRESET = DFF_PRESETS["dff_day4"]
INDICATOR = PRESET.indicator
FRAME_S = 1 / 24


@pytest.fixture(scope="module")
def full_spikes():
    """Spike times of the whole preset (102 neurons, 21556 frames) and its model."""
    return dff_spike_times("dff_day4", PRESET.num_frames, 102, seed=1), dff_model("dff_day4")


def test_recording_shapes_and_determinism():
    first = dff_recording(num_frames=600, num_neurons=6, seed=3)
    again = dff_recording(num_frames=600, num_neurons=6, seed=3)
    other = dff_recording(num_frames=600, num_neurons=6, seed=4)
    assert first.signals.shape == first.spikes.shape == (600, 6)
    assert first.signals.dtype == first.spikes.dtype == np.float32
    assert first.sampling_rate == 24.0 and first.source == "surrogate:dff_day4"
    np.testing.assert_array_equal(first.signals, again.signals)
    np.testing.assert_array_equal(first.spikes, again.spikes)
    assert not np.array_equal(first.spikes, other.spikes)
    np.testing.assert_array_equal(first.spikes, np.round(first.spikes))  # whole counts


def test_fewer_neurons_are_the_first_neurons_of_the_full_recording():
    few = dff_recording(num_frames=500, num_neurons=3, seed=2)
    more = dff_recording(num_frames=500, num_neurons=7, seed=2)
    np.testing.assert_array_equal(few.spikes, more.spikes[:, :3])
    np.testing.assert_array_equal(few.signals, more.signals[:, :3])


def test_full_recording_has_the_preset_shape():
    recording = dff_recording(seed=0)
    assert recording.signals.shape == (21556, 102)
    assert recording.spikes.max() >= 3  # bursts: several spikes in one frame


def test_mean_rate_is_near_the_target(full_spikes):
    times, model = full_spikes
    rates = np.array([len(spikes) for spikes in times]) / (PRESET.num_frames * FRAME_S)
    target = model.spiking.rate_hz.mean()
    assert target == pytest.approx(1.0)  # 90 pyramidal cells at 0.6 Hz, 12 interneurons at 4 Hz
    # Spike history and population bursts cost 3-10 % of the target rate (module docstring).
    assert 0.85 * target < rates.mean() < 1.02 * target


def test_no_spike_within_the_dead_time(full_spikes):
    times, model = full_spikes
    for neuron, spikes in enumerate(times):
        assert np.all(np.diff(spikes) >= model.spiking.absolute_refractory_s[neuron] - 1e-12)


def test_pyramidal_cells_burst_and_interneurons_fire_faster(full_spikes):
    times, model = full_spikes
    interneuron = model.spiking.interneuron
    rates = np.array([len(spikes) for spikes in times]) / (PRESET.num_frames * FRAME_S)
    assert np.median(rates[interneuron]) > 3 * np.median(rates[~interneuron])
    intervals = [np.diff(times[neuron]) for neuron in np.flatnonzero(~interneuron) if len(times[neuron]) > 50]
    variation = np.array([gaps.std() / gaps.mean() for gaps in intervals])
    assert np.median(variation) > 1.2  # a Poisson train has 1
    short = np.concatenate(intervals) < 0.015
    assert 0.1 < short.mean() < 0.5  # intra-burst intervals under 15 ms


def test_population_bursts_synchronise_the_neurons(full_spikes):
    times, _ = full_spikes
    active = np.stack([np.bincount((spikes / FRAME_S).astype(int), minlength=PRESET.num_frames)
                       for spikes in times], axis=1) > 0  # fmt: skip
    # Each neuron shifted circularly by its own random lag keeps its rate but loses the synchrony.
    rng = np.random.default_rng(0)
    shuffled = np.stack([np.roll(column, rng.integers(PRESET.num_frames)) for column in active.T], axis=1)
    assert np.percentile(active.sum(axis=1), 99.9) > 2 * np.percentile(shuffled.sum(axis=1), 99.9)


def _one_neuron(decay_s: float, phase: float = 0.0) -> IndicatorNeurons:
    return IndicatorNeurons(np.array([0.2]), np.array([decay_s]), np.array([0.05]), np.array([phase]))


def test_single_spike_follows_the_kernel():
    decay_s, amplitude = 0.4, 0.2
    fine_s = 0.001
    response = saturated_dff(np.array([0.5]), np.array([amplitude]), _one_neuron(decay_s), 0, INDICATOR, 2000, fine_s)
    peak_after = (np.argmax(response) * fine_s) - 0.5
    expected_peak_after = INDICATOR.rise_time_s * decay_s / (decay_s - INDICATOR.rise_time_s) * math.log(
        decay_s / INDICATOR.rise_time_s
    )
    assert response.max() == pytest.approx(amplitude / (1 + amplitude / INDICATOR.saturation), rel=1e-4)
    assert peak_after == pytest.approx(expected_peak_after, abs=fine_s)
    assert np.all(response[: int(0.5 / fine_s) + 1] == 0)  # causal
    # At 24 Hz, the tail 0.2-2 s after the spike decays with the neuron's time constant.
    frames = saturated_dff(np.array([1.0]), np.array([amplitude]), _one_neuron(decay_s, 0.3), 0, INDICATOR, 96, FRAME_S)
    sample_times = (np.arange(96) + 0.3) * FRAME_S - 1.0
    tail = (sample_times > 0.2) & (sample_times < 2.0)
    slope = np.polyfit(sample_times[tail], np.log(frames[tail]), 1)[0]
    assert -1 / slope == pytest.approx(decay_s, rel=0.03)  # the saturation bends the start of the tail slightly


def test_kernel_peak_is_the_maximum():
    grid = np.linspace(0, 2, 200_001)
    assert kernel_peak(0.02, 0.4) == pytest.approx(np.max(np.exp(-grid / 0.4) - np.exp(-grid / 0.02)), rel=1e-8)


def test_saturation_makes_simultaneous_spikes_sublinear():
    neuron = _one_neuron(0.4)
    peaks = []
    for count in (1, 2, 4, 8):
        response = saturated_dff(np.full(count, 0.5), np.full(count, 0.2), neuron, 0, INDICATOR, 2000, 0.001)
        peaks.append(response.max())
    per_spike = np.array(peaks) / np.array([1, 2, 4, 8])
    assert np.all(np.diff(per_spike) < 0)
    assert peaks[-1] == pytest.approx(1.6 / (1 + 1.6 / INDICATOR.saturation), rel=1e-4)


def test_preset_amplitudes_and_snr_are_as_designed():
    indicator = dff_model("dff_day4").indicator
    assert 0.1 < np.median(indicator.amplitude) < 0.3
    assert np.mean((indicator.amplitude > 0.1) & (indicator.amplitude < 0.3)) > 0.9
    snr = indicator.amplitude / indicator.noise_std
    assert snr.min() >= 2 and snr.max() <= 5
    assert np.all((indicator.decay_time_s > 0.2) & (indicator.decay_time_s < 0.8))


def test_shot_noise_has_the_designed_std_and_grows_with_fluorescence():
    rng = np.random.default_rng(5)
    num_frames, noise_std = 40_000, 0.05
    at_rest = observed_dff(np.zeros(num_frames), noise_std, INDICATOR, FRAME_S, rng)
    active = observed_dff(np.ones(num_frames), noise_std, INDICATOR, FRAME_S, rng)
    # Frame-to-frame differences remove the slow drift; the std of a difference is sqrt(2) sigma.
    rest_std = np.diff(at_rest).std() / math.sqrt(2)
    active_std = np.diff(active).std() / math.sqrt(2)
    tolerance = 5 / math.sqrt(2 * num_frames)  # 5 standard errors of a sample std, relative
    assert rest_std == pytest.approx(noise_std, rel=tolerance)
    assert active_std / rest_std == pytest.approx(math.sqrt(2), rel=2 * tolerance)  # sigma sqrt(1 + ΔF/F)


def test_ornstein_uhlenbeck_has_unit_variance_and_its_timescale():
    paths = ornstein_uhlenbeck(200, 0.1, 2.0, 4000, np.random.default_rng(1))
    assert paths.shape == (200, 4000)
    assert paths[0].std() == pytest.approx(1, abs=0.05) and paths[-1].std() == pytest.approx(1, abs=0.05)
    lag_correlation = np.mean(paths[100] * paths[110])
    assert lag_correlation == pytest.approx(math.exp(-1.0 / 2.0), abs=0.05)


def test_ground_truth_rates_match_a_recordings_spike_counts():
    truth = dff_ground_truth("dff_day4", 8)
    recording = dff_recording(num_neurons=8, seed=5)
    assert truth["firing_rate_hz"].shape == (8,) and truth["spike_covariance"].shape == (8, 8)
    np.testing.assert_allclose(truth["spike_covariance"], truth["spike_covariance"].T)
    # 30 s blocks are nearly independent (the slowest spike latent has a 5 s timescale): their spread
    # gives the recording's standard error; the truth's, from 8 times as many frames, adds 1/8 of its variance.
    blocks = recording.spikes[: 29 * 720].reshape(29, 720, 8).sum(axis=1) / 30.0
    standard_error = blocks.std(axis=0, ddof=1) / math.sqrt(29) * math.sqrt(1 + 1 / 8)
    assert np.all(np.abs(blocks.mean(axis=0) - truth["firing_rate_hz"]) < 4 * standard_error)
    # Bursts make counts per frame over-dispersed (variance above the mean); binary spikes never are.
    assert np.all(np.diag(truth["spike_covariance"]) > truth["firing_rate_hz"] / 24)
    # Frames holding a spike: fewer than spikes, as the recording's own indicators say, and Bernoulli.
    active = (recording.spikes[: 29 * 720] > 0).reshape(29, 720, 8).sum(axis=1) / 30.0
    active_error = active.std(axis=0, ddof=1) / math.sqrt(29) * math.sqrt(1 + 1 / 8)
    assert np.all(np.abs(active.mean(axis=0) - truth["active_rate_hz"]) < 4 * active_error)
    assert np.all(truth["active_rate_hz"] < truth["firing_rate_hz"])
    probability = truth["active_rate_hz"] / 24
    np.testing.assert_allclose(np.diag(truth["active_covariance"]), probability * (1 - probability), rtol=1e-3)
    np.testing.assert_array_equal(truth["decay_time_s"], dff_model("dff_day4").indicator.decay_time_s[:8])


def test_prepare_data_carries_the_recording_and_its_truth():
    data = prepare_data(DataConfig(preset="dff_day4", num_frames=2000, num_neurons=5, window=64, surrogate_seed=1))
    assert data.recording.source == "surrogate:dff_day4" and data.recording.signals.shape == (2000, 5)
    np.testing.assert_array_equal(data.recording.spikes, dff_recording(num_frames=2000, num_neurons=5, seed=1).spikes)
    truth = dff_ground_truth("dff_day4", 5)
    assert sorted(data.ground_truth) == sorted(truth)
    np.testing.assert_array_equal(data.ground_truth["firing_rate_hz"], truth["firing_rate_hz"])
    with pytest.raises(ConfigError, match="data: num_neurons must lie in 1..102, got 500"):
        prepare_data(DataConfig(preset="dff_day4", num_neurons=500))


def test_config_names_the_preset():
    config = load_config("dff_demo")
    assert config.data.source == "surrogate" and config.data.preset == "dff_day4"
    with pytest.raises(ConfigError, match="dff_day4"):
        config_from_dict({"data": {"preset": "dff_day9"}}, "bad")
    with pytest.raises(ValueError, match="known presets: dff_day4"):
        dff_model("day4")
