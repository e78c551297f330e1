import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import Recording
from calciumgan.data.split import MinMaxScaler, evenly_spaced_starts, split_train_validation, window_starts


def _frames_covered(starts, offset, window):
    return {offset + start + t for start in starts for t in range(window)}


def test_split_is_contiguous_and_windows_share_no_frame():
    recording = Recording(np.arange(1000 * 2, dtype=np.float32).reshape(1000, 2), 24.0)
    window, stride = 64, 2
    train, validation = split_train_validation(recording, window, validation_fraction=0.2)
    assert (train.num_frames, validation.num_frames) == (800, 200)
    np.testing.assert_array_equal(np.concatenate([train.signals, validation.signals]), recording.signals)
    train_frames = _frames_covered(window_starts(train.num_frames, window, stride), 0, window)
    validation_frames = _frames_covered(window_starts(validation.num_frames, window, stride), 800, window)
    assert train_frames.isdisjoint(validation_frames)
    assert max(train_frames) == 799 and min(validation_frames) == 800


def test_split_errors_name_the_recording():
    short = Recording(np.zeros((100, 3)), 24.0, source="short.h5")
    with pytest.raises(RecordingError, match="short.h5: 100 frames is shorter than one window of 2048 frames"):
        split_train_validation(short, 2048, 0.2)
    with pytest.raises(RecordingError, match="short.h5: 100 frames cannot hold one window of 64 frames"):
        split_train_validation(short, 64, 0.2)


def test_window_starts():
    assert window_starts(10, 4, 3).tolist() == [0, 3, 6]
    assert window_starts(4, 4, 1).tolist() == [0]
    assert len(window_starts(21556, 2048, 2)) == 9755


def test_scaler_is_fitted_on_training_block_and_inverts_exactly():
    rng = np.random.default_rng(0)
    train = rng.normal(3.0, 2.0, size=(500, 5)).astype(np.float32)
    validation = rng.normal(3.0, 6.0, size=(200, 5)).astype(np.float32)
    scaler = MinMaxScaler.fit(train)
    scaled = scaler.transform(train)
    assert scaled.min() == pytest.approx(0.0, abs=1e-7) and scaled.max() == pytest.approx(1.0, abs=1e-6)
    assert scaler.minimum == train.min() and scaler.maximum == train.max()
    # Validation values outside the training range stay outside [0, 1]: no refit on them.
    assert scaler.transform(validation).min() < 0 or scaler.transform(validation).max() > 1
    np.testing.assert_allclose(scaler.inverse(scaler.transform(validation)), validation, rtol=1e-6, atol=1e-5)
    # Eq. 3.3 with x_max instead of x_min would shift everything by (max - min).
    assert scaler.inverse(np.zeros((1, 5)))[0, 0] == pytest.approx(train.min())


def test_per_neuron_scaler_and_constant_neuron(tmp_path):
    signals = np.stack([np.linspace(-1, 1, 50), np.linspace(0, 10, 50), np.full(50, 4.0)], axis=1)
    scaler = MinMaxScaler.fit(signals, per_neuron=True)
    scaled = scaler.transform(signals)
    np.testing.assert_allclose(scaled[:, :2].min(axis=0), 0, atol=1e-7)
    np.testing.assert_allclose(scaled[:, :2].max(axis=0), 1, atol=1e-6)
    np.testing.assert_array_equal(scaled[:, 2], 0.0)
    np.testing.assert_allclose(scaler.inverse(scaled), signals, atol=1e-6)
    scaler.save(tmp_path / "scaler.json")
    loaded = MinMaxScaler.load(tmp_path / "scaler.json")
    np.testing.assert_array_equal(loaded.minimum, scaler.minimum)
    np.testing.assert_array_equal(loaded.maximum, scaler.maximum)


def test_evenly_spaced_starts_include_both_ends_and_never_repeat():
    assert evenly_spaced_starts(100, 10, 4).tolist() == [0, 30, 60, 90]
    assert evenly_spaced_starts(100, 98, 10).tolist() == [0, 1, 2]  # only three distinct starts exist
