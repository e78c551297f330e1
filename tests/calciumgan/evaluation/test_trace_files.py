import h5py
import numpy as np
import pytest

from calciumgan.config import EvaluateConfig
from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import Recording, save_recording
from calciumgan.evaluation.inference import infer_spikes
from calciumgan.evaluation.trace_files import TraceFile, common_shape, evenly_spaced_windows, windows_at

CONFIG = EvaluateConfig(workers=1)


def test_evenly_spaced_windows():
    signals = np.arange(100, dtype=np.float32)[:, None]
    windows = evenly_spaced_windows(signals, 10, 4)
    assert windows[:, 0, 0].tolist() == [0, 30, 60, 90]
    assert len(evenly_spaced_windows(signals, 98, 10)) == 3  # only three distinct starts exist
    np.testing.assert_array_equal(windows_at(signals, [5, 7], 3)[:, :, 0], [[5, 6, 7], [7, 8, 9]])


def test_a_samples_file_and_a_recording_file(tmp_path, surrogate_traces):
    _, traces = surrogate_traces(num_frames=1200, num_neurons=3)
    samples = traces.reshape(4, 300, 3)
    with h5py.File(tmp_path / "samples.h5", "w") as file:
        file["signals"] = samples
        file.attrs.update(sampling_rate=24.0, neuron_ids=[4, 5, 6])
    save_recording(Recording(traces, 24.0), tmp_path / "recording.h5")
    from_samples, from_recording = TraceFile.open(tmp_path / "samples.h5"), TraceFile.open(tmp_path / "recording.h5")
    assert from_samples.samples_shape == (4, 300, 3) and from_samples.neuron_ids.tolist() == [4, 5, 6]
    assert from_recording.samples_shape is None
    assert common_shape(from_recording, from_samples, EvaluateConfig(num_samples=10)) == (4, 300, 3)
    np.testing.assert_array_equal(from_recording.first_samples(2, 300), samples[[0, 3]])  # starts 0 and 900
    settings = CONFIG.spike_settings("fixed")
    spikes = from_samples.spikes(2, 300, settings, 1, tmp_path)
    np.testing.assert_array_equal(spikes, infer_spikes(samples[:2], settings))
    with h5py.File(tmp_path / "samples_spikes.h5", "r") as file:  # every sample of the file, streamed
        np.testing.assert_array_equal(file["spikes"][()], infer_spikes(samples, settings))
    np.testing.assert_array_equal(from_samples.training_traces(2, 300), traces[:600])
    np.testing.assert_array_equal(from_recording.training_traces(2, 300), traces)


def test_a_samples_file_needs_its_sampling_rate(tmp_path):
    with h5py.File(tmp_path / "samples.h5", "w") as file:
        file["signals"] = np.zeros((2, 50, 3))
    with pytest.raises(RecordingError, match="missing root attribute 'sampling_rate'"):
        TraceFile.open(tmp_path / "samples.h5")


def test_inputs_at_different_rates_are_refused():
    real = TraceFile.of_array(np.zeros((2, 50, 3)), 24.0, "real")
    synthetic = TraceFile.of_array(np.zeros((2, 50, 3)), 30.0, "synthetic")
    with pytest.raises(RecordingError, match=r"synthetic traces \(2, 50, 3\): sampling rate 30.0 Hz, .* 24.0 Hz"):
        common_shape(real, synthetic, EvaluateConfig(num_samples=10))
