"""The training stream of a prepared recording: windows of the scaled blocks, never materialised."""

import numpy as np
from keras import ops

from calciumgan.config import DataConfig, TrainConfig
from calciumgan.data.prepare import prepare_data
from calciumgan.data.split import window_starts
from calciumgan.data.windows import training_data


def _assembled(data, arrays, indices):
    device_arrays = tuple(ops.convert_to_tensor(array) for array in arrays)
    return np.asarray(data.assemble((device_arrays, ops.convert_to_tensor(indices))))


def test_training_batches_are_windows_of_the_scaled_training_block():
    prepared = prepare_data(DataConfig(num_frames=800, num_neurons=4, window=32, stride=3))
    train = TrainConfig(batch_size=4, n_critic=2, validation_batches=2, seed=1)
    data = training_data(prepared, DataConfig(num_frames=800, num_neurons=4, window=32, stride=3), train)
    starts = next(data.train_batches(0))
    assert len(starts) == 8 and set(starts.tolist()) <= set(window_starts(prepared.train.num_frames, 32, 3).tolist())
    windows = _assembled(data, data.train_arrays, starts)
    scaled = prepared.train_scaled
    for window, start in zip(windows, starts):
        np.testing.assert_array_equal(window, scaled[start : start + 32])


def test_validation_windows_are_evenly_spread_over_the_held_out_block():
    config = DataConfig(num_frames=1000, num_neurons=2, window=32, validation_fraction=0.2)
    prepared = prepare_data(config)
    data = training_data(prepared, config, TrainConfig(batch_size=2, validation_batches=2))
    assert [batch.tolist() for batch in data.validation_batches] == [[0, 56], [112, 168]]
    windows = _assembled(data, data.validation_arrays, data.validation_batches[1])
    np.testing.assert_array_equal(windows[1], prepared.validation_scaled[168:200])


def test_windows_are_not_materialised():
    """118,000 stride-1 windows of 2048 x 100 would need 97 GB; the data holds only the array."""
    config = DataConfig(num_frames=150_000, num_neurons=100, window=2048, stride=1)
    prepared = prepare_data(config)
    data = training_data(prepared, config, TrainConfig(batch_size=2, n_critic=1))
    assert sum(array.nbytes for array in data.train_arrays + data.validation_arrays) == 150_000 * 100 * 4
    starts = next(data.train_batches(0))
    np.testing.assert_array_equal(_assembled(data, data.train_arrays, starts)[0],
                                  prepared.train_scaled[starts[0] : starts[0] + 2048])  # fmt: skip
