"""Windows cut on the fly by tf.data from one (T, N) array.

Windows are never materialised: the pipeline holds the one (T, N) array and
gathers each batch of windows from a batch of start frames.
"""

import numpy as np
import tensorflow as tf

from calciumgan.data.split import window_starts


def _gather_windows(signals: tf.Tensor, starts: tf.Tensor, window: int) -> tf.Tensor:
    """(T, N) signals and (B,) starts -> (B, window, N) windows."""
    return tf.gather(signals, starts[:, None] + tf.range(window, dtype=starts.dtype)[None, :])


def training_windows(
    signals: np.ndarray, window: int, stride: int, batch_size: int, seed: int, skip_windows: int = 0
) -> tf.data.Dataset:
    """Endless batches (batch_size, window, N) of windows in random order, cut on the fly.

    Pass ``k`` visits every window once in an order fixed by ``(seed, k)``, so the
    stream is a pure function of the seed; ``skip_windows`` resumes it part-way
    (a resumed run sees exactly the windows an uninterrupted run would).
    """
    starts = tf.constant(window_starts(len(signals), window, stride))
    signals = tf.constant(signals, dtype=tf.float32)
    count = int(starts.shape[0])

    def one_pass(pass_index):
        keys = tf.random.stateless_uniform([count], seed=tf.stack([tf.cast(seed, tf.int64), pass_index]))
        return tf.data.Dataset.from_tensor_slices(tf.gather(starts, tf.argsort(keys)))

    first_pass, skip_in_pass = divmod(skip_windows, count)
    return (
        tf.data.Dataset.counter(start=first_pass)
        .flat_map(one_pass)
        .skip(skip_in_pass)
        .batch(batch_size, drop_remainder=True)
        .map(lambda batch_starts: _gather_windows(signals, batch_starts, window))
        .prefetch(1)
    )


def validation_windows(signals: np.ndarray, window: int, count: int, batch_size: int):
    """``count`` windows evenly spaced over ``signals``, repeated endlessly in batches.

    Returns ``(dataset, steps)``: one pass over the windows is ``steps`` batches of
    at most (batch_size, window, N); every pass yields the same windows, so
    validation losses are comparable across epochs.
    """
    last_start = len(signals) - window
    starts = np.unique(np.linspace(0, last_start, count).round().astype(np.int64))
    signals = tf.constant(signals, dtype=tf.float32)
    dataset = (
        tf.data.Dataset.from_tensor_slices(starts)
        .batch(batch_size)
        .map(lambda batch_starts: _gather_windows(signals, batch_starts, window))
        .repeat()
    )
    return dataset, -(-len(starts) // batch_size)
