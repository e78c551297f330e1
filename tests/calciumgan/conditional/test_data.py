"""Labelled windows: blocks per preset, one scaler over the training blocks, starts inside their own block."""

import numpy as np
import pytest

from calciumgan.conditional.config import LabelledDataConfig
from calciumgan.conditional.data import assemble_labelled, labelled_gan_data, labelled_windows
from calciumgan.data.surrogate import surrogate_recording

CONFIG = LabelledDataConfig(presets=["day1", "day4"], num_frames=500, num_neurons=3, window=40, stride=20,
                            validation_fraction=0.2)  # fmt: skip


def test_windows_are_the_scaled_frames_of_their_own_preset():
    windows = labelled_windows(CONFIG, validation_windows_per_label=3)
    recordings = [surrogate_recording(name, num_frames=500, num_neurons=3, seed=0).signals for name in CONFIG.presets]
    # 400 training frames each: starts 0, 20, ..., 360 (19 per label); 100 validation frames: 3 spread starts
    assert windows.train.shape == (800, 3) and windows.validation.shape == (200, 3)
    np.testing.assert_array_equal(windows.train_labels, np.repeat([0, 1], 19))
    np.testing.assert_array_equal(windows.train_starts, np.r_[np.arange(0, 361, 20), 400 + np.arange(0, 361, 20)])
    np.testing.assert_array_equal(windows.validation_starts, [0, 30, 60, 100, 130, 160])
    np.testing.assert_array_equal(windows.validation_labels, [0, 0, 0, 1, 1, 1])
    training = np.concatenate([recording[:400] for recording in recordings])
    assert windows.scaler.minimum == pytest.approx(training.min()) and windows.scaler.maximum == pytest.approx(
        training.max()
    )
    assert windows.train.min() == 0.0 and windows.train.max() == pytest.approx(1.0)
    batch = np.array([18, 19, 4], np.int32)  # the last day-1 window, the first day-4 one, another day-1 one
    samples, labels = assemble_labelled((windows.train, windows.train_starts, windows.train_labels), batch, 40)
    np.testing.assert_array_equal(np.asarray(labels), [0, 1, 0])
    expected = [recordings[0][360:400], recordings[1][0:40], recordings[0][80:120]]
    np.testing.assert_allclose(np.asarray(samples), windows.scaler.transform(np.stack(expected)), atol=1e-6)
    validation = windows.scaler.transform(recordings[1][400 + 60 : 400 + 100])
    np.testing.assert_allclose(windows.validation[160:200], validation, atol=1e-6)


def test_gan_data_draws_whole_passes_and_fixed_validation_batches():
    windows = labelled_windows(CONFIG, validation_windows_per_label=3)
    data = labelled_gan_data(windows, CONFIG.window, batch_size=4, n_critic=2, seed=0)
    stream = data.train_batches(0)
    first_pass = np.concatenate([next(stream) for _ in range(5)])[:38]  # 38 windows, 8 per batch
    np.testing.assert_array_equal(np.sort(first_pass), np.arange(38))
    assert [list(batch) for batch in data.validation_batches] == [[0, 1, 2, 3], [4, 5]]
