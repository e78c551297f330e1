"""Feature matching on each neuron's statistics: a term of the generator's loss.

A convolutional critic sees a neuron's level, spread and timing only through filters shared by
all neurons, so a generator can keep a neuron at the wrong level for many iterations before the
adversarial signal corrects it. Feature matching (Salimans et al. 2016, "Improved techniques for
training GANs") adds the distance between statistics of real and generated batches to the
generator's loss. Here the statistics are those the evaluation compares window by window
(``calciumgan.evaluation.trace_statistics``).

Samples are (batch, time, neurons, ...); axes after the second are flattened into neurons. Each
window gives, per neuron, its mean, its standard deviation, its autocorrelation at ``LAGS``
frames and the skewness of its frame-to-frame changes (positive for calcium: fast rises, slow
decays). Over the windows of a batch, each of these has a mean and a spread (standard deviation)
per neuron; with the Pearson correlations of every pair of neurons over all frames of the batch
they are the matched statistics.

The gap is the sum of the mean squared differences between generated and real statistics, the
window means and standard deviations counted in units of each neuron's real standard deviation
over all frames (so every neuron counts alike whatever its scale), the others as they are (all
dimensionless). It is zero when the statistics agree; a generated batch that is the real one
plus ``c`` standard deviations of each neuron has gap ``c**2``; the real one reversed in time
has gap ``4 mean(skewness**2)`` over neurons.
"""

from keras import ops

LAGS = (1, 2, 4, 8, 16, 32)
"""Lags (frames) of the matched autocorrelations; those not shorter than the window are left out."""
LEVELS = ("mean", "std")
"""Window statistics in the traces' units: their gaps are counted in units of the real standard deviation."""
SHAPES = ("autocorrelation", "skewness")
"""Dimensionless window statistics."""
MOMENT_LOG_NAMES = ("moment_gap",)
"""The scalar a step returns besides ``gan.LOG_NAMES`` when the generator matches moments: the gap."""
_TINY = 1e-6


def window_statistics(samples) -> dict:
    """Per-window, per-neuron statistics of ``samples`` (batch, time, neurons, ...), all float32.

    Returns ``mean``, ``std`` and ``skewness`` (batch, neurons) and ``autocorrelation`` (lags, batch,
    neurons) at the ``LAGS`` shorter than the window. Square roots and divisions carry a tiny floor,
    so a constant window has finite values and gradients.
    """
    values = _as_frames(samples)
    length = values.shape[1]
    mean = ops.mean(values, axis=1)
    centred = values - mean[:, None]
    variance = ops.mean(ops.square(centred), axis=1)
    autocorrelation = ops.stack([ops.mean(centred[:, lag:] * centred[:, :-lag], axis=1) / (variance + _TINY)
                                 for lag in LAGS if lag < length])  # fmt: skip
    changes = values[:, 1:] - values[:, :-1]
    changes = changes - ops.mean(changes, axis=1)[:, None]
    spread = ops.mean(ops.square(changes), axis=1) + _TINY
    skewness = ops.mean(changes * changes * changes, axis=1) / (spread * ops.sqrt(spread))
    return {"mean": mean, "std": ops.sqrt(variance + _TINY**2), "autocorrelation": autocorrelation,
            "skewness": skewness}  # fmt: skip


def neuron_statistics(samples) -> dict:
    """The matched statistics of ``samples`` (batch, time, neurons, ...), float32.

    For each name of ``window_statistics``: ``{name}_mean`` and ``{name}_spread``, its mean and
    standard deviation over the windows ((neurons,), or (lags, neurons) for the autocorrelation);
    ``scale`` (neurons,), each neuron's standard deviation over all frames; ``correlation``
    (neurons, neurons), the Pearson correlations over all frames.
    """
    values = _as_frames(samples)
    statistics = {}
    for name, value in window_statistics(values).items():
        axis = len(value.shape) - 2  # the windows' axis
        statistics[f"{name}_mean"] = ops.mean(value, axis=axis)
        statistics[f"{name}_spread"] = ops.sqrt(ops.var(value, axis=axis) + _TINY**2)
    flat = ops.reshape(values, (-1, values.shape[-1]))
    centred = flat - ops.mean(flat, axis=0)
    scale = ops.sqrt(ops.mean(ops.square(centred), axis=0) + _TINY**2)
    standardised = centred / scale
    statistics["scale"] = scale
    statistics["correlation"] = ops.matmul(ops.transpose(standardised), standardised) / ops.cast(
        ops.shape(flat)[0], "float32")
    return statistics


def moment_gap(real, fake):
    """The feature-matching gap (a float32 scalar) between samples ``real`` and ``fake`` (batch, time, neurons, ...).

    The batches may differ in size; the real statistics are targets, so no gradient flows into them.
    """
    target = {name: ops.stop_gradient(value) for name, value in neuron_statistics(real).items()}
    generated = neuron_statistics(fake)
    gap = ops.zeros((), "float32")
    for name in LEVELS + SHAPES:
        for moment in ("mean", "spread"):
            key = f"{name}_{moment}"
            difference = generated[key] - target[key]
            if name in LEVELS:
                difference = difference / target["scale"]
            gap = gap + ops.mean(ops.square(difference))
    neurons = target["correlation"].shape[0]
    off_diagonal = 1.0 - ops.eye(neurons, dtype="float32")
    pairs = max(neurons * (neurons - 1), 1)
    return gap + ops.sum(ops.square(generated["correlation"] - target["correlation"]) * off_diagonal) / pairs


def _as_frames(samples):
    """``samples`` as float32 (batch, time, features), the axes after the second flattened."""
    values = ops.cast(samples, "float32")
    return ops.reshape(values, (ops.shape(values)[0], values.shape[1], -1))
