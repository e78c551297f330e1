"""Training data as arrays that stay on the device and small index batches that travel each step.

A :class:`GANData` holds the training and validation arrays (placed on the device once), a
stream of index batches for training (a pure function of the seed and the step, so a resumed
run sees exactly the batches an uninterrupted one would) and fixed index batches for
validation. ``assemble((arrays, indices))`` turns one step's indices into its real samples
inside the compiled step, so a batch of windows is never copied on the host: for time
series, :func:`gather_windows` cuts (batch, window, channels) windows from one (T, channels)
array. Nothing here needs TensorFlow.
"""

import dataclasses
from typing import Callable, Iterator

import numpy as np
from keras import ops


def gather_windows(series, starts, window: int):
    """(batch, window, C) windows of a (T, C) ``series`` beginning at frames ``starts`` (batch,)."""
    frames = ops.expand_dims(starts, 1) + ops.expand_dims(ops.arange(window, dtype=starts.dtype), 0)
    return ops.take(series, frames, axis=0)


def shuffled_batches(items: np.ndarray, batch_size: int, seed: int, skip_batches: int = 0) -> Iterator[np.ndarray]:
    """Endless batches of ``items`` (each visited once per pass) in a seeded random order.

    Pass ``k`` is ``items`` permuted by ``numpy.random.default_rng((seed, k))``; batches run on
    across passes. ``skip_batches`` starts the stream part-way without drawing the skipped
    batches' orders more than once per pass.
    """
    items = np.asarray(items)
    if len(items) == 0:
        raise ValueError("no items to draw batches from")
    position = skip_batches * batch_size
    pass_index, offset = divmod(position, len(items))
    order = items[np.random.default_rng((seed, pass_index)).permutation(len(items))]
    while True:
        pieces, needed = [], batch_size
        while needed:
            if offset == len(order):
                pass_index, offset = pass_index + 1, 0
                order = items[np.random.default_rng((seed, pass_index)).permutation(len(items))]
            piece = order[offset : offset + needed]
            pieces.append(piece)
            offset += len(piece)
            needed -= len(piece)
        yield np.concatenate(pieces)


@dataclasses.dataclass(frozen=True)
class GANData:
    """What the training loop feeds a GAN.

    ``train_arrays`` / ``validation_arrays``: tuples of host arrays placed on the device once.
    ``train_batches(skip_batches)``: endless index batches, one per training step.
    ``validation_batches``: index batches of one validation pass (the same every epoch).
    ``assemble((arrays, indices))``: real samples, in ``keras.ops`` (runs inside the step).
    """

    train_arrays: tuple
    train_batches: Callable[[int], Iterator[np.ndarray]]
    validation_arrays: tuple
    validation_batches: list
    assemble: Callable


def window_data(train, validation, window: int, train_starts, validation_starts, batch_size: int,
                validation_batch_size: int, seed: int) -> GANData:  # fmt: skip
    """Windows of ``window`` frames cut on the device from a (T, C) training and validation array.

    Training steps draw ``batch_size`` of ``train_starts`` in a seeded order; validation
    uses ``validation_starts`` in batches of ``validation_batch_size``.
    """
    starts = np.asarray(train_starts, dtype=np.int32)
    held_out = np.asarray(validation_starts, dtype=np.int32)
    return GANData(
        train_arrays=(np.asarray(train, dtype=np.float32),),
        train_batches=lambda skip: shuffled_batches(starts, batch_size, seed, skip),
        validation_arrays=(np.asarray(validation, dtype=np.float32),),
        validation_batches=[
            held_out[i : i + validation_batch_size] for i in range(0, len(held_out), validation_batch_size)
        ],
        assemble=lambda batch: gather_windows(batch[0][0], batch[1], window),
    )
