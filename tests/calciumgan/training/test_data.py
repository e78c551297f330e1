"""Index streams and on-device windows of the generic training data."""

import itertools

import numpy as np
import pytest
from keras import ops

from calciumgan.training.data import gather_windows, shuffled_batches, window_data


def test_every_item_once_per_pass_in_a_new_order_each_pass():
    items = np.arange(10) * 3
    batches = list(itertools.islice(shuffled_batches(items, 5, seed=3), 6))  # 3 passes
    passes = [np.concatenate(batches[i : i + 2]) for i in (0, 2, 4)]
    for one_pass in passes:
        assert sorted(one_pass.tolist()) == items.tolist()
    assert not np.array_equal(passes[0], passes[1])


def test_batches_run_across_passes_and_resume_mid_stream():
    items = np.arange(13)
    full = np.concatenate(list(itertools.islice(shuffled_batches(items, 4, seed=5), 40)))
    resumed = np.concatenate(list(itertools.islice(shuffled_batches(items, 4, seed=5, skip_batches=23), 17)))
    np.testing.assert_array_equal(resumed, full[4 * 23 :])
    assert sorted(full[:13].tolist()) == items.tolist()  # the first pass ends inside batch 4


def test_seed_decides_the_order():
    first = next(shuffled_batches(np.arange(50), 50, seed=1))
    assert np.array_equal(first, next(shuffled_batches(np.arange(50), 50, seed=1)))
    assert not np.array_equal(first, next(shuffled_batches(np.arange(50), 50, seed=2)))


def test_gathered_windows_are_slices_of_the_series():
    series = np.random.default_rng(0).normal(size=(300, 3)).astype(np.float32)
    starts = np.array([0, 17, 284], np.int32)
    windows = np.asarray(gather_windows(ops.convert_to_tensor(series), ops.convert_to_tensor(starts), 16))
    assert windows.shape == (3, 16, 3)
    for window, start in zip(windows, starts):
        np.testing.assert_array_equal(window, series[start : start + 16])


def test_window_data_batches_and_validation():
    train, validation = np.arange(100, dtype=np.float32)[:, None], -np.arange(40, dtype=np.float32)[:, None]
    data = window_data(train, validation, window=8, train_starts=np.arange(0, 93, 2), validation_starts=[0, 16, 32],
                       batch_size=6, validation_batch_size=2, seed=0)  # fmt: skip
    batch = next(data.train_batches(0))
    windows = np.asarray(data.assemble(((ops.convert_to_tensor(data.train_arrays[0]),), ops.convert_to_tensor(batch))))
    assert windows.shape == (6, 8, 1)
    np.testing.assert_array_equal(windows[:, :, 0], batch[:, None] + np.arange(8))
    assert [indices.tolist() for indices in data.validation_batches] == [[0, 16], [32]]


def test_no_items_is_an_error():
    with pytest.raises(ValueError, match="no items"):
        next(shuffled_batches(np.arange(0), 4, seed=0))
