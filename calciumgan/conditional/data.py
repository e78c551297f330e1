"""Labelled windows: one surrogate recording per label, split, scaled by one scaler and cut on the device.

Each preset's recording is split into a training and a validation block (contiguous, validation
last; ``calciumgan.data.split``). One min-max scaler is fitted on all training blocks together,
so that what tells the labels apart (rates, amplitudes) survives scaling. The blocks of all
labels are stacked into one (T, N) array per set; a window's start indexes that array and never
crosses from one recording into the next.
"""

import dataclasses

import numpy as np
from keras import ops

from calciumgan.config import DataConfig
from calciumgan.data.prepare import load_data
from calciumgan.data.split import MinMaxScaler, evenly_spaced_starts, split_train_validation, window_starts
from calciumgan.training.data import GANData, gather_windows, shuffled_batches


@dataclasses.dataclass(frozen=True)
class LabelledWindows:
    """Scaled blocks (T, N) float32 with window starts (W,) int32 and their labels (W,) int32 into them."""

    train: np.ndarray
    train_starts: np.ndarray
    train_labels: np.ndarray
    validation: np.ndarray
    validation_starts: np.ndarray
    validation_labels: np.ndarray
    scaler: MinMaxScaler
    presets: tuple


def labelled_windows(config, validation_windows_per_label: int) -> LabelledWindows:
    """The recordings of ``config.presets`` (a ``LabelledDataConfig``), label k = ``presets[k]``.

    Training windows start every ``stride`` frames; validation windows are up to
    ``validation_windows_per_label`` starts spread evenly over each validation block.
    """
    blocks = []
    for preset in config.presets:
        source = DataConfig(source="surrogate", preset=preset, num_frames=config.num_frames,
                            num_neurons=config.num_neurons, surrogate_seed=config.surrogate_seed)  # fmt: skip
        recording = load_data(source)
        blocks.append(split_train_validation(recording, config.window, config.validation_fraction))
    train_blocks = [train.signals for train, _ in blocks]
    scaler = MinMaxScaler.fit(np.concatenate(train_blocks), per_neuron=config.scaling == "per_neuron")
    train, train_starts, train_labels = _stacked(
        train_blocks, scaler, lambda length: window_starts(length, config.window, config.stride)
    )
    validation, validation_starts, validation_labels = _stacked(
        [validation.signals for _, validation in blocks], scaler,
        lambda length: evenly_spaced_starts(length, config.window, validation_windows_per_label),
    )  # fmt: skip
    return LabelledWindows(train, train_starts, train_labels, validation, validation_starts, validation_labels,
                           scaler, tuple(config.presets))  # fmt: skip


def _stacked(blocks: list, scaler: MinMaxScaler, starts_of) -> tuple:
    """Scaled blocks stacked in time (T, N), with every block's window starts offset into the stack and labelled."""
    offsets = np.cumsum([0] + [len(block) for block in blocks[:-1]])
    starts = [offset + starts_of(len(block)) for offset, block in zip(offsets, blocks)]
    labels = [np.full(len(block_starts), label) for label, block_starts in enumerate(starts)]
    stacked = scaler.transform(np.concatenate(blocks))
    return stacked, np.concatenate(starts).astype(np.int32), np.concatenate(labels).astype(np.int32)


def assemble_labelled(arrays, indices, window: int):
    """``(windows (batch, window, N), labels (batch,))`` of the windows numbered ``indices``."""
    series, starts, labels = arrays
    return gather_windows(series, ops.take(starts, indices, axis=0), window), ops.take(labels, indices, axis=0)


def labelled_gan_data(windows: LabelledWindows, window: int, batch_size: int, n_critic: int, seed: int) -> GANData:
    """``n_critic * batch_size`` labelled training windows per step in a seeded order; validation in batches."""
    held_out = np.arange(len(windows.validation_starts), dtype=np.int32)
    return GANData(
        train_arrays=(windows.train, windows.train_starts, windows.train_labels),
        train_batches=lambda skip: shuffled_batches(
            np.arange(len(windows.train_starts), dtype=np.int32), n_critic * batch_size, seed, skip
        ),  # fmt: skip
        validation_arrays=(windows.validation, windows.validation_starts, windows.validation_labels),
        validation_batches=[held_out[i : i + batch_size] for i in range(0, len(held_out), batch_size)],
        assemble=lambda batch: assemble_labelled(batch[0], batch[1], window),
    )
