"""Statistics of the traces themselves, needing no spike inference, one row per window.

Spike inference can hide what is wrong with a trace: OASIS turns a time-reversed transient or
white noise with the right variance into plausible spikes. These statistics read the traces
(K, W, N), in their own units (e.g. ΔF/F), and keep one value per window so that their
distributions over windows can be compared (``headline``):

- ``levels`` (K, S, N): every ``stride``-th frame of each neuron, S = ceil(W / stride); pooled
  over windows they are each neuron's ΔF/F distribution.
- ``autocorrelation`` (K, L N): each neuron's autocorrelation at each lag of ``lags`` frames
  (lag-major: column ``l N + n``); frames shuffled in time or smoothed change it.
- ``rise_decay`` (K, N): the skewness of each neuron's frame-to-frame differences. A calcium
  transient rises in a frame or two and decays over many, so its differences are skewed
  positive; reversed in time the skew turns negative.
- ``correlation`` (K, P): the Pearson correlation of the traces of each pair in ``pairs``.
- ``population`` (K, 3): the mean of all traces, the standard deviation over frames of the
  population's mean trace, and the neurons' mean standard deviation.

:meth:`TraceStatistics.summaries` condenses a window into six numbers for the coverage checks.

A neuron whose trace does not vary in a window has no autocorrelation, skew or correlation
there (NaN).
"""

import dataclasses

import numpy as np

from calciumgan.evaluation.pairs import pair_count, pair_neurons, pair_subset

LEVEL_VALUES_PER_WINDOW = 32  # frames of each window kept for the ΔF/F distributions
MAX_PAIRS = 1000  # pairs whose correlations are compared per pair; a fixed random subset beyond it
LAG_SECONDS = (0.05, 0.25, 1.0)  # autocorrelation lags, rounded to whole frames (at least 1)
CHUNK_BYTES = 64 * 2**20  # float64 traces handled at a time


def default_pairs(num_neurons: int) -> tuple[np.ndarray, np.ndarray]:
    """(first, second): every pair of N neurons up to ``MAX_PAIRS``, else a fixed sample of that many."""
    return pair_neurons(num_neurons, pair_subset(pair_count(num_neurons), MAX_PAIRS))


def lag_frames(sampling_rate: float, window: int) -> np.ndarray:
    """Distinct autocorrelation lags (frames) of ``LAG_SECONDS`` at ``sampling_rate`` Hz, below W / 2."""
    lags = np.maximum(1, np.round(np.asarray(LAG_SECONDS) * sampling_rate)).astype(int)
    return np.unique(lags[lags < window // 2]) if window >= 4 else np.array([1])


@dataclasses.dataclass(frozen=True)
class TraceStatistics:
    """Per-window trace statistics of one set (see the module docstring for shapes)."""

    levels: np.ndarray
    autocorrelation: np.ndarray
    rise_decay: np.ndarray
    correlation: np.ndarray
    population: np.ndarray

    @classmethod
    def of(cls, traces: np.ndarray, sampling_rate: float, pairs: np.ndarray | None = None) -> "TraceStatistics":
        """Statistics of (K, W, N) traces sampled at ``sampling_rate`` Hz; ``pairs`` (first, second) neuron
        indices, each (P,), default :func:`default_pairs`.

        Computed in float64, chunk by chunk of windows, so that the temporaries stay near
        ``CHUNK_BYTES`` however large the set.
        """
        traces = np.asarray(traces)
        if traces.ndim != 3 or traces.shape[1] < 3:
            raise ValueError(f"traces must be (K, W >= 3, N); got shape {traces.shape}")
        pairs = default_pairs(traces.shape[2]) if pairs is None else pairs
        step = max(1, CHUNK_BYTES // (8 * traces.shape[1] * max(traces.shape[2], 2 * len(pairs[0]))))
        chunks = [cls._of_chunk(traces[start : start + step].astype(np.float64), sampling_rate, pairs)
                  for start in range(0, len(traces), step)]  # fmt: skip
        return cls(**{field.name: np.concatenate([getattr(chunk, field.name) for chunk in chunks])
                      for field in dataclasses.fields(cls)})  # fmt: skip

    @classmethod
    def _of_chunk(cls, traces: np.ndarray, sampling_rate: float, pairs: tuple) -> "TraceStatistics":
        window = traces.shape[1]
        stride = max(1, -(-window // LEVEL_VALUES_PER_WINDOW))
        centred = traces - traces.mean(axis=1, keepdims=True)
        energy = np.sum(centred**2, axis=1)  # (K, N)
        with np.errstate(invalid="ignore", divide="ignore"):
            autocorrelation = np.concatenate(
                [np.sum(centred[:, lag:] * centred[:, :-lag], axis=1) / energy
                 for lag in lag_frames(sampling_rate, window)], axis=1)  # fmt: skip
        return cls(
            levels=traces[:, ::stride],
            autocorrelation=autocorrelation,
            rise_decay=_difference_skewness(traces),
            correlation=_pair_correlations(centred, energy, pairs),
            population=np.stack([traces.mean(axis=(1, 2)), traces.mean(axis=2).std(axis=1),
                                 np.sqrt(energy / window).mean(axis=1)], axis=1),  # fmt: skip
        )

    def summaries(self) -> np.ndarray:
        """(K, 6) per window: ``population``'s three values and the means over neurons (or pairs) of the
        autocorrelation, rise/decay skew and pair correlation (NaN where no neuron or pair has one)."""
        means = [finite_mean(values) for values in (self.autocorrelation, self.rise_decay, self.correlation)]
        return np.concatenate([self.population, np.stack(means, axis=1)], axis=1)


def finite_mean(values: np.ndarray) -> np.ndarray:
    """(K,) mean of the finite entries of each row of (K, C); NaN for a row without any."""
    finite = np.isfinite(values)
    counts = finite.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.where(finite, values, 0.0).sum(axis=1) / counts, np.nan)


def _difference_skewness(traces: np.ndarray) -> np.ndarray:
    """(K, N) skewness of the frame-to-frame differences of (K, W, N) traces; NaN where they are constant."""
    differences = np.diff(traces, axis=1)
    centred = differences - differences.mean(axis=1, keepdims=True)
    squares = centred * centred  # not ** 3: a float power is several times slower than two products
    variance = np.mean(squares, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = np.mean(squares * centred, axis=1) / variance**1.5
    return np.where(variance > 0, skew, np.nan)


def _pair_correlations(centred: np.ndarray, energy: np.ndarray, pairs: tuple) -> np.ndarray:
    """(K, P) Pearson correlations of the ``pairs`` (first, second) of neurons of each window of mean-free
    (K, W, N) traces, from the P pairs alone (never N x N)."""
    first, second = pairs
    products = np.einsum("kwp,kwp->kp", centred[:, :, first], centred[:, :, second])
    with np.errstate(invalid="ignore", divide="ignore"):
        return products / np.sqrt(energy[:, first] * energy[:, second])
