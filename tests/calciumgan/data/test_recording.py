import logging

import h5py
import numpy as np
import pytest

from calciumgan.core.errors import OutputError, RecordingError
from calciumgan.data.recording import Recording, load_recording, save_recording


def _recording(num_frames=50, num_neurons=4, spikes=True):
    rng = np.random.default_rng(0)
    return Recording(
        signals=rng.normal(size=(num_frames, num_neurons)),
        sampling_rate=24.0,
        spikes=rng.integers(0, 2, size=(num_frames, num_neurons)) if spikes else None,
        neuron_ids=np.arange(10, 10 + num_neurons),
    )


def test_recording_normalises_types_and_defaults():
    recording = Recording(signals=np.ones((5, 3), dtype=np.float64), sampling_rate=30)
    assert recording.signals.dtype == np.float32
    assert recording.neuron_ids.tolist() == [0, 1, 2]
    assert recording.duration == pytest.approx(5 / 30)
    assert recording.spikes is None


@pytest.mark.parametrize("suffix", [".npz", ".h5", ".hdf5"])
def test_round_trip(tmp_path, suffix):
    original = _recording()
    loaded = load_recording(save_recording(original, tmp_path / f"rec{suffix}"))
    np.testing.assert_array_equal(loaded.signals, original.signals)
    np.testing.assert_array_equal(loaded.spikes, original.spikes)
    np.testing.assert_array_equal(loaded.neuron_ids, original.neuron_ids)
    assert loaded.sampling_rate == 24.0
    assert loaded.source == str(tmp_path / f"rec{suffix}")


def test_round_trip_without_spikes(tmp_path):
    loaded = load_recording(save_recording(_recording(spikes=False), tmp_path / "rec.h5"))
    assert loaded.spikes is None


def test_hdf5_layout_is_the_documented_one(tmp_path):
    path = save_recording(_recording(), tmp_path / "rec.h5")
    with h5py.File(path) as file:
        assert set(file) == {"signals", "spikes", "neuron_ids"}
        assert file["signals"].shape == (50, 4) and file["signals"].dtype == np.float32
        assert file.attrs["sampling_rate"] == 24.0


@pytest.mark.parametrize("bad, fault", [(np.nan, "NaN or infinite"), (np.inf, "NaN or infinite")])
def test_non_finite_values_are_rejected_with_location(tmp_path, bad, fault):
    signals = np.zeros((20, 3))
    signals[7, 2] = bad
    path = tmp_path / "bad.npz"
    np.savez(path, signals=signals, sampling_rate=24.0)
    with pytest.raises(RecordingError) as error:
        load_recording(path)
    message = str(error.value)
    assert message.startswith(str(path)) and fault in message and "frame 7, neuron column 2" in message
    assert "\n" not in message


def test_wrong_number_of_dimensions(tmp_path):
    path = tmp_path / "cube.h5"
    with h5py.File(path, "w") as file:
        file["signals"] = np.zeros((4, 5, 6))
        file.attrs["sampling_rate"] = 24.0
    with pytest.raises(RecordingError, match=r"cube.h5: 'signals' has 3 dimensions \(4, 5, 6\), expected 2"):
        load_recording(path)


def test_missing_file(tmp_path):
    with pytest.raises(RecordingError, match="nothing.h5: no such file"):
        load_recording(tmp_path / "nothing.h5")


def test_missing_dataset_and_attribute(tmp_path):
    no_signals = tmp_path / "no_signals.h5"
    with h5py.File(no_signals, "w") as file:
        file["traces"] = np.zeros((4, 2))
        file.attrs["sampling_rate"] = 24.0
    with pytest.raises(RecordingError, match="no_signals.h5: missing dataset 'signals'"):
        load_recording(no_signals)
    no_rate = tmp_path / "no_rate.npz"
    np.savez(no_rate, signals=np.zeros((4, 2)))
    with pytest.raises(RecordingError, match="no_rate.npz: missing 'sampling_rate'"):
        load_recording(no_rate)


def test_unknown_suffix_and_unreadable_file(tmp_path):
    with pytest.raises(RecordingError, match="unknown format '.csv'"):
        (tmp_path / "rec.csv").write_text("1,2")
        load_recording(tmp_path / "rec.csv")
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    with pytest.raises(RecordingError, match="broken.h5: not a readable HDF5 file"):
        load_recording(tmp_path / "broken.h5")


def test_shape_mismatches_and_bad_ids():
    with pytest.raises(RecordingError, match=r"'spikes' has shape \(5, 2\), 'signals' has \(5, 3\)"):
        Recording(np.zeros((5, 3)), 24.0, spikes=np.zeros((5, 2)))
    with pytest.raises(RecordingError, match="'neuron_ids' holds duplicates"):
        Recording(np.zeros((5, 2)), 24.0, neuron_ids=[3, 3])
    with pytest.raises(RecordingError, match="'sampling_rate' must be a positive"):
        Recording(np.zeros((5, 2)), 0.0)


def test_silent_neuron_is_reported_not_fatal(caplog):
    signals = np.random.default_rng(1).normal(size=(30, 4)).astype(np.float32)
    signals[:, 2] = 0.5
    recording = Recording(signals, 24.0, neuron_ids=[7, 8, 9, 10], source="quiet.h5")
    assert recording.silent_neurons().tolist() == [2]
    with caplog.at_level(logging.WARNING):
        recording.report_silent_neurons()
    assert "quiet.h5: 1 of 4 neurons are constant (silent)" in caplog.text and "[9]" in caplog.text


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = save_recording(_recording(), tmp_path / "rec.h5")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(h5py.File, "create_dataset", fail)
    with pytest.raises(OutputError, match=f"{path}: not written \\(disk full\\)"):
        save_recording(_recording(num_frames=80), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["rec.h5"]


def test_values_float32_cannot_hold_are_refused_with_location():
    values = np.ones((5, 3))
    values[2, 1] = 1e39
    with pytest.raises(RecordingError, match=r"1 values beyond the float32 range .* frame 2, neuron column 1"):
        Recording(values, 24.0)
    with pytest.raises(RecordingError, match="'signals' holds complex numbers"):
        Recording(np.ones((5, 3)) * 1j, 24.0)


def test_a_large_baseline_is_refused_but_float32_data_and_small_offsets_pass():
    trace = np.random.default_rng(0).normal(size=(200, 2))
    with pytest.raises(RecordingError, match=r"neuron column 0 spans .* resolves in only \d+ steps .2 neurons"):
        Recording(trace + 1e8, 24.0)
    Recording(trace + 1e3, 24.0)  # 2 ** -14 steps: about 10^5 levels
    Recording((trace + 1e8).astype(np.float32), 24.0)  # already float32: nothing is lost here
    Recording(np.zeros((200, 2)), 24.0)  # silent neurons span nothing


def test_object_arrays_and_groups_are_refused(tmp_path):
    np.savez(tmp_path / "rec.npz", signals=np.array([np.ones(2), np.ones(3)], dtype=object), sampling_rate=24.0)
    with pytest.raises(RecordingError, match="rec.npz: 'signals' cannot be read as a numeric array"):
        load_recording(tmp_path / "rec.npz")
    with h5py.File(tmp_path / "rec.h5", "w") as file:
        file.create_group("signals")
        file.attrs["sampling_rate"] = 24.0
    with pytest.raises(RecordingError, match="rec.h5: 'signals' is a group, expected a dataset"):
        load_recording(tmp_path / "rec.h5")
