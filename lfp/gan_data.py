"""Showing windows for the GAN: the recording stays on the device, each step sends showing indices.

The continuous (T, channels) LFP, the showings' onsets and image ids and the images go to the
device once (``calciumgan.training.data.GANData``); a step's batch is a set of showing
indices, and ``assemble`` cuts their 313-sample windows, standardises each (as the thesis
z-scores every sample) and looks up the shown images. Training draws showings of the training
images in a seeded order; validation scores fixed showings of the test images.
"""

import numpy as np
from keras import ops

from calciumgan.training.data import GANData, gather_windows, shuffled_batches
from lfp.data.recording import standardize_windows


def showing_arrays(recording) -> tuple:
    """(lfp (T, C) float32, onsets (S,) int32, image ids (S,) int32, images (I, H, W, 1) float32)."""
    return (
        np.asarray(recording.lfp, np.float32),
        np.asarray(recording.onsets, np.int32),
        np.asarray(recording.image_ids, np.int32),
        np.asarray(recording.images, np.float32)[..., None],
    )


def assemble_showings(arrays, showings, window: int, use_image: bool):
    """Standardised windows (batch, window, C), with their images (batch, H, W, 1) when ``use_image``."""
    lfp, onsets, image_ids, images = arrays
    windows = standardize_windows(gather_windows(lfp, ops.take(onsets, showings, axis=0), window))
    if not use_image:
        return windows
    return windows, ops.take(images, ops.take(image_ids, showings, axis=0), axis=0)


def showing_data(recording, train_showings, validation_showings, window: int, batch_size: int, n_critic: int,
                 validation_batches: int, use_image: bool, seed: int) -> GANData:  # fmt: skip
    """``n_critic * batch_size`` training showings per step; ``validation_batches`` fixed held-out batches.

    Validation showings are spread evenly over ``validation_showings`` (the test images').
    """
    arrays = showing_arrays(recording)
    train_showings = np.asarray(train_showings, np.int32)
    held_out = np.asarray(validation_showings, np.int32)
    count = min(len(held_out), validation_batches * batch_size)
    held_out = held_out[np.linspace(0, len(held_out) - 1, count).round().astype(int)]
    return GANData(
        train_arrays=arrays,
        train_batches=lambda skip: shuffled_batches(train_showings, n_critic * batch_size, seed, skip),
        validation_arrays=arrays,
        validation_batches=[held_out[i : i + batch_size] for i in range(0, len(held_out), batch_size)],
        assemble=lambda batch: assemble_showings(batch[0], batch[1], window, use_image),
    )
