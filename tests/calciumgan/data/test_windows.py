import itertools

import numpy as np

from calciumgan.data.split import window_starts
from calciumgan.data.windows import training_windows, validation_windows


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
