import numpy as np
import pytest
from oasis.oasis_methods import oasisAR1

from calciumgan.evaluation.inference import SpikeInferenceSettings, calibrate, estimated_parameters, infer_spikes
from calciumgan.evaluation.recovery import spike_recovery

FIXED = SpikeInferenceSettings()
ESTIMATED = SpikeInferenceSettings(mode="estimated")


# ---- fixed mode (the thesis's setting) ----------------------------------------------------


def test_fixed_mode_recovers_surrogate_spikes(surrogate_traces):
    true, traces = surrogate_traces()
    inferred = infer_spikes(traces, FIXED)
    assert inferred.shape == traces.shape and inferred.dtype == np.uint8
    assert set(np.unique(inferred)) <= {0, 1}
    recovery = spike_recovery(true, inferred)
    assert recovery.true_count > 400
    # measured: recall 0.971, precision 0.973
    assert recovery.recall > 0.93
    assert recovery.precision > 0.93


def test_fixed_mode_equals_direct_oasis_call(surrogate_traces):
    _, traces = surrogate_traces(seed=3, num_frames=1500, num_neurons=4)
    expected = np.zeros(traces.shape, dtype=np.uint8)
    for neuron in range(traces.shape[1]):
        _, events = oasisAR1(traces[:, neuron].astype(np.float64), 0.95, lam=0.0, s_min=0.55)
        expected[:, neuron] = events > 0.5
    np.testing.assert_array_equal(infer_spikes(traces, FIXED), expected)


def test_leading_axes_are_samples(surrogate_traces):
    _, traces = surrogate_traces(num_frames=3 * 500, num_neurons=3)
    samples = traces.reshape(3, 500, 3)
    together = infer_spikes(samples, FIXED)
    for index in range(3):
        np.testing.assert_array_equal(together[index], infer_spikes(samples[index], FIXED))


# ---- estimated mode ------------------------------------------------------------------------


def test_dff_fixed_mode_fails_and_estimated_mode_recovers(dff_traces):
    true, traces = dff_traces()
    fixed = spike_recovery(true, infer_spikes(traces, FIXED))
    estimated = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    assert fixed.true_count > 1800
    # measured: fixed recall 0.030 (61 of 2033 spikes); estimated recall 1.000, precision 0.970
    assert fixed.recall < 0.1
    assert estimated.recall > 0.95
    assert estimated.precision > 0.93
    assert estimated.recall > fixed.recall + 0.8


def test_dff_slower_noisier_indicator(dff_traces):
    true, traces = dff_traces(seed=5, decay=0.94, noise=0.05)
    fixed = spike_recovery(true, infer_spikes(traces, FIXED))
    estimated = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    # measured: fixed recall 0.073; estimated recall 0.986, precision 0.949
    assert fixed.recall < 0.15
    assert estimated.recall > 0.9
    assert estimated.precision > 0.9


def test_estimated_parameters_are_close_to_the_simulation(dff_traces):
    _, traces = dff_traces(seed=6)
    traces = traces + np.float32(0.1)  # a baseline of 0.1
    parameters = estimated_parameters(traces, ESTIMATED)
    assert parameters.decay.shape == (6,)
    np.testing.assert_allclose(parameters.decay, 0.92, atol=0.02)
    np.testing.assert_allclose(parameters.noise, 0.03, rtol=0.2)
    # measured: 0.052 .. 0.124, mean 0.089; a spike adds 0.2
    np.testing.assert_allclose(parameters.baseline, 0.1, atol=0.05)
    assert abs(parameters.baseline.mean() - 0.1) < 0.02
    np.testing.assert_allclose(parameters.min_spike, 5 * parameters.noise * np.sqrt(1 - parameters.decay**2))


def test_estimated_mode_also_works_in_surrogate_units(surrogate_traces):
    true, traces = surrogate_traces(seed=7)
    recovery = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    # measured: recall 0.975, precision 0.950
    assert recovery.recall > 0.9
    assert recovery.precision > 0.9


def test_estimated_mode_is_quiet_on_noise_and_constant_traces():
    rng = np.random.default_rng(8)
    traces = np.concatenate([0.03 * rng.standard_normal((2000, 4)), np.full((2000, 2), 0.7)], axis=1)
    assert infer_spikes(traces, ESTIMATED).sum() <= 2


def test_bad_traces_and_settings_are_rejected():
    with pytest.raises(ValueError, match="NaN"):
        infer_spikes(np.array([[0.0], [np.nan], [1.0]]), FIXED)
    with pytest.raises(ValueError, match="shape"):
        infer_spikes(np.zeros(10), FIXED)
    with pytest.raises(ValueError, match="frames"):
        infer_spikes(np.zeros((5, 2)), ESTIMATED)
    with pytest.raises(ValueError, match="mode"):
        SpikeInferenceSettings(mode="learned")
    with pytest.raises(ValueError, match="decay_bounds"):
        SpikeInferenceSettings(decay_bounds=(0.9, 0.5))


# ---- calibrated mode (per-neuron values from the training block) -------------------------


def _f1(recovery) -> float:
    return 2 * recovery.recall * recovery.precision / (recovery.recall + recovery.precision)


def test_calibration_recovers_the_indicator_model(dff_traces):
    """ΔF/F with g = 0.92, 0.2 per spike, noise 0.03 (conftest): the long block pins every value."""
    _, traces = dff_traces(num_frames=6000, num_neurons=4)
    calibration = calibrate(traces, ESTIMATED)
    np.testing.assert_allclose(calibration.decay, 0.92, atol=0.02)
    np.testing.assert_allclose(calibration.noise, 0.03, rtol=0.2)  # measured 0.033-0.035: dense spikes widen the MAD
    np.testing.assert_allclose(calibration.spike_size, 0.2, rtol=0.2)
    np.testing.assert_allclose(calibration.baseline, 0.0, atol=0.05)  # measured |b| <= 0.04: g is off by 0.015


def test_calibrated_windows_beat_per_window_estimates(dff_traces):
    """Short held-out windows: one window's trace cannot pin its own noise and baseline."""
    true, traces = dff_traces(num_frames=8000, num_neurons=4)
    calibration = calibrate(traces[:4000], ESTIMATED)
    windows, true_windows = traces[4000:].reshape(-1, 80, 4), true[4000:].reshape(-1, 80, 4)
    calibrated = SpikeInferenceSettings(mode="calibrated", calibration=calibration)
    scores = {name: spike_recovery(true_windows, infer_spikes(windows, settings))
              for name, settings in (("calibrated", calibrated), ("estimated", ESTIMATED))}  # fmt: skip
    assert _f1(scores["calibrated"]) > _f1(scores["estimated"]) + 0.02, scores


def test_calibrated_mode_uses_each_neurons_values(dff_traces):
    _, traces = dff_traces(num_frames=3000, num_neurons=3)
    calibration = calibrate(traces, ESTIMATED)
    settings = SpikeInferenceSettings(mode="calibrated", calibration=calibration)
    expected = np.zeros(traces.shape, dtype=np.uint8)
    for neuron in range(3):
        trace = traces[:, neuron].astype(np.float64) - calibration.baseline[neuron]
        _, events = oasisAR1(trace, calibration.decay[neuron], lam=0.0, s_min=calibration.min_spike[neuron])
        expected[:, neuron] = events > 0.9 * calibration.min_spike[neuron]
    np.testing.assert_array_equal(infer_spikes(traces, settings), expected)
    windows = infer_spikes(traces.reshape(3, 1000, 3), settings)
    np.testing.assert_array_equal(windows[1], infer_spikes(traces[1000:2000], settings))
    with pytest.raises(ValueError, match="calibration holds 3 neurons, the traces 2"):
        infer_spikes(traces[:, :2], settings)
    with pytest.raises(ValueError, match="calibrated mode needs a calibration"):
        SpikeInferenceSettings(mode="calibrated")


def test_on_the_realistic_surrogate_calibrated_beats_estimated_beats_fixed():
    """dff_day4 (GCaMP6f-like ΔF/F, bursts, drift, shot noise): F1 of each mode on held-out 256-frame windows."""
    from calciumgan.data.dff_surrogate import dff_recording

    recording = dff_recording("dff_day4", num_frames=7680, num_neurons=24)
    train, held_out = recording.signals[:5120], recording.signals[5120:].reshape(-1, 256, 24)
    true = recording.spikes[5120:].reshape(-1, 256, 24)
    calibrated = SpikeInferenceSettings(mode="calibrated", calibration=calibrate(train))
    modes = {"fixed": FIXED, "estimated": ESTIMATED, "calibrated": calibrated}
    scores = {name: _f1(spike_recovery(true, infer_spikes(held_out, settings))) for name, settings in modes.items()}
    # measured on the full preset (21,556 frames x 102 neurons, last 20% held out): F1 0.068, 0.469, 0.535
    assert scores["calibrated"] > scores["estimated"] > scores["fixed"] + 0.2, scores
