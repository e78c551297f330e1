import itertools

import numpy as np
import pytest

from calciumgan.errors import RecordingError
from calciumgan.recording import Recording
from calciumgan.windows import (
    MinMaxScaler,
    split_train_validation,
    training_windows,
    validation_windows,
    window_starts,
)


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


def _take(dataset, count):
    return [batch.numpy() for batch in itertools.islice(dataset, count)]


def test_training_windows_are_slices_of_the_array():
    signals = np.random.default_rng(0).normal(size=(300, 3)).astype(np.float32)
    window, stride = 16, 5
    starts = set(window_starts(300, window, stride).tolist())
    (batch,) = _take(training_windows(signals, window, stride, batch_size=8, seed=1), 1)
    assert batch.shape == (8, window, 3)
    for example in batch:
        matches = [s for s in starts if np.array_equal(signals[s : s + window], example)]
        assert len(matches) == 1


def test_training_windows_visit_every_window_once_per_pass():
    signals = np.arange(100, dtype=np.float32)[:, None]
    window, stride = 10, 3
    count = len(window_starts(100, window, stride))
    batches = _take(training_windows(signals, window, stride, batch_size=count, seed=3), 2)
    for batch in batches:
        assert sorted(batch[:, 0, 0].astype(int).tolist()) == window_starts(100, window, stride).tolist()
    assert not np.array_equal(batches[0], batches[1])  # each pass has its own order


def test_training_windows_resume_mid_stream():
    signals = np.arange(200, dtype=np.float32)[:, None]
    full = np.concatenate(_take(training_windows(signals, 8, 2, batch_size=7, seed=5), 40))
    resumed = np.concatenate(_take(training_windows(signals, 8, 2, batch_size=7, seed=5, skip_windows=7 * 23), 17))
    np.testing.assert_array_equal(resumed, full[7 * 23 :])


def test_windows_are_not_materialised():
    """118,000 stride-1 windows of 2048 x 100 would need 97 GB; the pipeline only holds the array."""
    signals = np.random.default_rng(0).random((120_000, 100), dtype=np.float32)
    (batch,) = _take(training_windows(signals, 2048, 1, batch_size=2, seed=0), 1)
    start = int(np.flatnonzero(np.all(signals == batch[0, 0], axis=1))[0])
    np.testing.assert_array_equal(batch[0], signals[start : start + 2048])


def test_validation_windows_are_evenly_spread_and_repeat():
    signals = np.arange(1000, dtype=np.float32)[:, None]
    dataset, steps = validation_windows(signals, 100, count=5, batch_size=2)
    assert steps == 3
    first_pass = np.concatenate(_take(dataset, steps))
    assert first_pass[:, 0, 0].tolist() == [0, 225, 450, 675, 900]
    second_pass = np.concatenate(_take(dataset.skip(steps), steps))
    np.testing.assert_array_equal(first_pass, second_pass)
