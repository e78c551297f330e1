import dataclasses
import warnings

import numpy as np
import pytest

from calciumgan.config import EvaluateConfig
from calciumgan.evaluation.pipeline import evaluate_arrays
from calciumgan.evaluation.statistics import van_rossum_between

CONFIG = EvaluateConfig(num_samples=8, heatmap_samples=5, workers=1)


@pytest.fixture
def samples(surrogate_traces):
    """(8, 480, 6) surrogate traces: 20 s windows at 24 Hz, about one spike per second."""
    return surrogate_traces(num_frames=8 * 480, num_neurons=6, rate_hz=1.0)[1].reshape(8, 480, 6)


def test_figure_data_of_a_set_against_itself(samples):
    evaluation = evaluate_arrays(samples, samples, 24.0, CONFIG)
    neurons = evaluation.example_neurons()
    assert neurons == sorted(neurons, key=lambda n: -evaluation.statistics["real"].firing_rate[:, n].mean())
    heatmaps = evaluation.van_rossum_heatmaps
    assert heatmaps.shape == (len(neurons), 5, 5)
    np.testing.assert_allclose(np.diagonal(heatmaps, axis1=1, axis2=2), 0.0)  # each sample against itself
    np.testing.assert_allclose(heatmaps, np.swapaxes(heatmaps, 1, 2))
    spikes = evaluation.spikes["real"]
    np.testing.assert_array_equal(heatmaps, van_rossum_between(spikes[:5, :, neurons], spikes[:5, :, neurons], 24.0))


def test_mean_firing_rates_are_spikes_per_second(samples):
    evaluation = evaluate_arrays(samples, samples[::-1], 24.0, CONFIG)
    rates = evaluation.mean_firing_rates()
    assert list(rates) == ["real", "model", "dichotomized_gaussian", "poisson"]
    for name, value in rates.items():
        assert value == pytest.approx(evaluation.spikes[name].mean() * 24.0)
    assert rates["real"] == pytest.approx(rates["model"]) and rates["real"] > 0.3


def test_fixed_inference_on_dff_traces_warns_and_calibrated_recovers_spikes(dff_traces, caplog):
    true, traces = dff_traces(num_frames=4800, num_neurons=4)
    train, held_out = traces[:2400], traces[2400:].reshape(10, 240, 4)
    fixed = evaluate_arrays(held_out, held_out, 24.0, dataclasses.replace(CONFIG, spike_inference="fixed"), train=train)
    assert "most spikes will be missed" in caplog.text
    calibrated = evaluate_arrays(held_out, held_out, 24.0, CONFIG, train=train)
    assert calibrated.config.spike_inference == "calibrated"
    true_rate = true[2400:].mean() * 24.0
    # measured: fixed 0.05 Hz, calibrated 1.9 Hz against 2.0 Hz of true spikes
    assert calibrated.mean_firing_rates()["real"] == pytest.approx(true_rate, rel=0.15)
    assert fixed.mean_firing_rates()["real"] < 0.2 * true_rate


def test_a_set_without_spikes_gets_defined_scores(samples):
    silent = np.full_like(samples, float(samples.min()))  # below every baseline: no calcium, no spikes
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way
        evaluation = evaluate_arrays(samples, silent, 24.0, CONFIG, train=samples)
    assert evaluation.mean_firing_rates()["model"] == 0.0
    assert all(np.isfinite(value) and value > 0 for value in evaluation.table()["model"].values())


@pytest.mark.parametrize("progress", [True, False])
def test_progress_lines_of_spike_inference_follow_the_config(samples, capsys, progress):
    evaluate_arrays(samples, samples, 24.0, dataclasses.replace(CONFIG, progress=progress))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("spikes ")]
    assert bool(lines) == progress
    # each line names the set it counts: the inputs, then the baselines' traces in one pass
    assert {line.split(" ", 3)[2] for line in lines} == ({"real", "model", "dichotomized_gaussian,"} if progress
                                                         else set())  # fmt: skip


def test_real_data_is_called_held_out_only_when_none_of_it_is_training_data(samples, caplog):
    train, held_out = samples[:4].reshape(-1, 6), samples[4:]
    assert evaluate_arrays(held_out, held_out, 24.0, CONFIG, train=train).extras["real_data"] == {
        "held_out": True, "frames_in_training": 0.0}  # fmt: skip
    assert "not held out" not in caplog.text
    unknown = evaluate_arrays(held_out, held_out, 24.0, CONFIG).extras["real_data"]
    assert unknown == {"held_out": False, "frames_in_training": None}
    # the real set is the recording the generator learnt from, its first half among the training frames
    mixed = evaluate_arrays(samples[2:6], held_out, 24.0, CONFIG, train=train).extras["real_data"]
    assert mixed == {"held_out": False, "frames_in_training": 0.5}
    assert "50% of the frames of the real windows" in caplog.text and "not held out" in caplog.text
