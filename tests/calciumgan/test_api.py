"""The notebook API: ``calciumgan.evaluate_arrays`` scores as the file tool does; ``load_run`` checks the folder."""

import dataclasses

import h5py
import numpy as np
import pytest

import calciumgan
from calciumgan import api
from calciumgan.config import EvaluateConfig
from calciumgan.core.errors import RecordingError, RunError
from calciumgan.data.recording import Recording, save_recording
from calciumgan.data.surrogate import surrogate_recording
from calciumgan.evaluation.pipeline import evaluate_files
from calciumgan.evaluation.scoring import STATISTICS
from calciumgan.evaluation.trace_files import evenly_spaced_windows

WINDOW, COUNT = 480, 20
CONFIG = EvaluateConfig(num_samples=COUNT, workers=1)


@pytest.fixture(scope="module")
def halves():
    """Two halves of one surrogate recording: the first as (T, N), the second as (K, W, N) windows."""
    recording = surrogate_recording("day4", num_frames=9600, num_neurons=10)
    first, second = recording.signals[:4800], recording.signals[4800:]
    return first, evenly_spaced_windows(second, WINDOW, COUNT), recording.sampling_rate


def write_samples(path, samples, sampling_rate):
    with h5py.File(path, "w") as file:
        file.create_dataset("signals", data=samples)
        file.attrs["sampling_rate"] = sampling_rate
    return path


def assert_same_scores(first, second):
    assert first.spikes.keys() == second.spikes.keys()
    for name in first.spikes:
        np.testing.assert_array_equal(first.spikes[name], second.spikes[name])
        for statistic in STATISTICS:
            np.testing.assert_array_equal(getattr(first.statistics[name], statistic),
                                          getattr(second.statistics[name], statistic))  # fmt: skip
    for name in first.divergences:
        for statistic in STATISTICS:
            np.testing.assert_array_equal(getattr(first.divergences[name], statistic),
                                          getattr(second.divergences[name], statistic))  # fmt: skip
    assert first.table() == second.table()


@pytest.mark.parametrize("recording_side", ["real", "synthetic"])
def test_arrays_score_exactly_as_files(halves, tmp_path, recording_side):
    recording, samples, rate = halves
    recording_file = save_recording(Recording(recording, rate), tmp_path / "recording.h5")
    samples_file = write_samples(tmp_path / "samples.h5", samples, rate)
    if recording_side == "real":
        arrays, files = (recording, samples), (recording_file, samples_file)
    else:
        arrays, files = (samples, recording), (samples_file, recording_file)
    from_arrays = calciumgan.evaluate_arrays(*arrays, rate, CONFIG)
    from_files = evaluate_files(*files, CONFIG, tmp_path / "report")
    assert_same_scores(from_arrays, from_files)
    assert list(from_arrays.table()) == ["model", "dichotomized_gaussian", "poisson"]
    assert from_arrays.spikes["real"].shape == (COUNT, WINDOW, 10) and from_arrays.spikes["model"].sum() > 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["recording.h5", "report", "samples.h5"]


def test_a_set_scored_against_itself_has_zero_divergence(halves):
    _, samples, rate = halves
    evaluation = calciumgan.evaluate_arrays(samples, samples, rate, CONFIG)
    assert evaluation.table()["model"] == {"firing_rate": 0.0, "correlation": 0.0, "van_rossum": 0.0, "synchrony": 0.0}
    assert all(value > 0 for value in evaluation.table()["poisson"].values())


def test_a_recording_is_cut_into_evenly_spaced_windows(halves):
    recording, samples, rate = halves
    windows = evenly_spaced_windows(recording, WINDOW, COUNT)
    as_recording = calciumgan.evaluate_arrays(recording, samples, rate, CONFIG, train=recording)
    as_windows = calciumgan.evaluate_arrays(windows, samples, rate, CONFIG, train=recording)
    assert_same_scores(as_recording, as_windows)
    assert list(as_recording.table()) == ["floor", "model", "dichotomized_gaussian", "poisson"]
    assert as_recording.table()["floor"] == {"firing_rate": 0.0, "correlation": 0.0, "van_rossum": 0.0, "synchrony": 0.0}


def test_default_config_is_the_evaluate_section_default(halves):
    _, samples, rate = halves
    evaluation = calciumgan.evaluate_arrays(samples[:3], samples[:3], rate)
    assert evaluation.config == dataclasses.replace(EvaluateConfig(), spike_inference="calibrated")
    assert len(evaluation.spikes["real"]) == 3 and "no training data given" in evaluation.extras["baselines_fitted_to"]


@pytest.mark.parametrize(
    "real, synthetic, rate, fault",
    [
        (np.zeros((50, 4)), np.zeros((60, 4)), 24.0, "one of the two inputs must hold samples"),
        (np.zeros((3, 50, 4)), np.zeros((3, 50, 5)), 24.0, "samples of 50 frames x 5 neurons"),
        (np.zeros((3, 50, 4)), np.zeros((40, 4)), 24.0, "its 40 frames are fewer than the 50 frames"),
        (np.zeros((3, 50, 4)), np.full((3, 50, 4), np.nan), 24.0, "NaN or infinite values (first at sample 0"),
        (np.zeros((3, 50, 4)), np.zeros((50,)), 24.0, "expected samples (K, T, N) or one recording (T, N)"),
        (np.zeros((3, 50, 4)), np.zeros((3, 50, 4)), 0.0, "'sampling_rate' must be a positive number"),
    ],
)
def test_unusable_arrays_are_one_line_errors(real, synthetic, rate, fault):
    with pytest.raises(RecordingError) as error:
        calciumgan.evaluate_arrays(real, synthetic, rate, CONFIG)
    assert "\n" not in str(error.value) and fault in str(error.value)


def test_load_run_names_what_an_unfinished_run_lacks(tmp_path):
    assert calciumgan.load_run is api.load_run and calciumgan.evaluate_arrays is api.evaluate_arrays
    with pytest.raises(RunError, match="no such run folder"):
        calciumgan.load_run(tmp_path / "absent")
    (tmp_path / "config.yaml").write_text("{}\n")
    (tmp_path / "recording.h5").write_bytes(b"")
    with pytest.raises(RunError) as error:
        calciumgan.load_run(tmp_path)
    message = str(error.value)
    assert "\n" not in message and "not a finished training run" in message
    assert "missing recording.json, scaler.json, untrained_generator.keras, generator.keras" in message
