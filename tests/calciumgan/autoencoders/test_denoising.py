"""The denoising autoencoder: the clean trace, the architecture, stitching, training gain, saving."""

import dataclasses

import keras
import numpy as np
import pytest

from calciumgan.autoencoders.config import DenoiserConfig, DenoiserModelConfig, DenoiserTrainConfig
from calciumgan.autoencoders.denoising import (
    build_denoising_autoencoder,
    clean_calcium,
    covering_starts,
    denoise_traces,
    denoising_report,
    encoder_lengths,
    peak_accuracy,
    report_markdown,
    train_denoiser,
)
from calciumgan.config import DataConfig
from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import Recording
from calciumgan.data.surrogate import surrogate_recording
from calciumgan.training.run_folder import load_saved_model

TINY = DenoiserConfig(
    data=DataConfig(preset="day4", num_frames=2400, num_neurons=4, window=64, stride=4, validation_fraction=0.25),
    model=DenoiserModelConfig(poolings=2, filters=8, code_channels=4, kernel_size=5),
    train=DenoiserTrainConfig(epochs=3, batch_size=32, learning_rate=3e-3, seed=0),
)


@pytest.fixture(scope="module")
def trained():
    """(model, prepared data, clean calcium) of the tiny config."""
    model, data, clean, _ = train_denoiser(TINY)
    return model, data, clean


def test_clean_calcium_is_the_surrogate_without_its_white_noise():
    recording = surrogate_recording("day4", num_frames=4000, num_neurons=5, seed=3)
    clean = clean_calcium(recording)
    # AR(1): c_t - 0.95 c_{t-1} is the spike count of frame t.
    np.testing.assert_allclose(clean[1:] - 0.95 * clean[:-1], recording.spikes[1:], atol=1e-5)
    residual = (recording.signals - clean).astype(np.float64)
    assert abs(residual.std() - 0.3) < 0.01  # 20,000 draws: standard error of the std 0.0015
    lag_one = np.mean([np.corrcoef(residual[1:, n], residual[:-1, n])[0, 1] for n in range(5)])
    assert abs(lag_one) < 0.03  # white: standard error 0.007


def test_clean_calcium_needs_ground_truth_spikes():
    recording = Recording(signals=np.zeros((10, 2), np.float32), sampling_rate=24.0, source="mine.h5")
    with pytest.raises(RecordingError, match="mine.h5"):
        clean_calcium(recording)


def test_500_samples_give_the_seeds_code_of_16_by_31():
    model = build_denoising_autoencoder(window=500, poolings=4, code_channels=16)
    assert encoder_lengths(500, 4) == [500, 250, 125, 62, 31]
    assert tuple(model.get_layer("code").output.shape) == (None, 31, 16)
    assert tuple(model.output.shape) == (None, 500, 1)


def test_too_many_poolings_are_refused():
    with pytest.raises(ValueError, match="too short"):
        encoder_lengths(8, 4)


def test_covering_windows_overlap_by_half_and_reach_the_last_frame():
    np.testing.assert_array_equal(covering_starts(1000, 500), [0, 250, 500])
    np.testing.assert_array_equal(covering_starts(1100, 500), [0, 250, 500, 600])


def test_stitching_windows_of_an_identity_model_returns_the_traces():
    noisy = keras.Input((40, 1))
    identity = keras.Model(noisy, keras.layers.Identity()(noisy))
    traces = np.random.default_rng(0).standard_normal((130, 3)).astype(np.float32)
    np.testing.assert_array_equal(denoise_traces(identity, traces), traces)


def test_stitching_takes_each_frame_from_the_window_with_the_nearest_centre():
    noisy = keras.Input((40, 1))
    # Every output frame holds the window's first input frame: constant within a window.
    first = keras.layers.Lambda(lambda x: keras.ops.repeat(x[:, :1], 40, axis=1))(noisy)
    traces = np.arange(100, dtype=np.float32)[:, None]  # window starts 0, 20, 40, 60
    stitched = denoise_traces(keras.Model(noisy, first), traces)[:, 0]
    nearest_start = np.array([0] * 30 + [20] * 20 + [40] * 20 + [60] * 30)  # centres 19.5, 39.5, 59.5, 79.5
    np.testing.assert_array_equal(stitched, nearest_start)


def test_denoising_lowers_the_error_to_the_clean_trace(trained):
    model, data, clean = trained
    report = denoising_report(model, data, clean, modes=["fixed"])
    # Noise of std 0.3 gives a noisy MSE of about 0.09; three short epochs already halve it.
    assert abs(report["mse"]["noisy"] - 0.09) < 0.01
    assert report["mse"]["denoised"] < 0.5 * report["mse"]["noisy"]
    clean_recovery = report["spike_recovery"]["fixed"]["clean"]
    assert clean_recovery["precision"] == 1.0 and clean_recovery["recall"] > 0.99  # the exact AR(1) trace


def test_peak_accuracy_counts_windows_whose_maximum_matches_in_value_and_in_place():
    clean = np.zeros((300, 2))
    clean[10, 0], clean[150, 0], clean[250, 0] = 1.0, 2.0, 1.0  # three windows of 100 frames with a spike
    clean[40, 1] = 1.0  # neuron 1: one window with a spike, two silent ones (not counted)
    traces = clean.copy()
    traces[10, 0] = 1.01  # value within 2 %, same frame
    traces[150, 0], traces[152, 0] = 0.0, 1.9  # value 5 % off, 2 frames late (within 2 % of 100 frames)
    traces[250, 0], traces[290, 0] = 0.5, 1.0  # right value, 40 frames off
    traces[40, 1] = 0.97  # value 3 % off, same frame
    accuracy = peak_accuracy(traces, clean, window=100)
    assert accuracy == {"value": 2 / 4, "location": 3 / 4, "windows": 4}


def test_the_clean_ceiling_is_scored_only_where_inference_reads_it(trained):
    model, data, clean = trained
    report = denoising_report(model, data, clean, modes=["fixed", "estimated"])
    assert set(report["spike_recovery"]["fixed"]) == {"noisy", "denoised", "clean"}
    assert set(report["spike_recovery"]["estimated"]) == {"noisy", "denoised"}
    assert report["peak_accuracy"]["denoised"]["windows"] == report["peak_accuracy"]["noisy"]["windows"] > 0
    markdown = report_markdown(report)
    clean_row = next(line for line in markdown.splitlines() if line.startswith("| clean |"))
    assert clean_row.startswith("| clean | 0 | 1 | 1 |") and clean_row.endswith("| — | — | — |")


def test_the_saved_denoiser_reloads_with_equal_outputs(trained, tmp_path):
    model, data, _ = trained
    model.save(tmp_path / "denoiser.keras")
    reloaded = load_saved_model(tmp_path / "denoiser.keras")
    signals = data.validation_scaled
    np.testing.assert_array_equal(denoise_traces(reloaded, signals), denoise_traces(model, signals))


def test_training_is_seeded():
    config = dataclasses.replace(TINY, train=dataclasses.replace(TINY.train, epochs=1))
    assert train_denoiser(config)[3] == train_denoiser(config)[3]
