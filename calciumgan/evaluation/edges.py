"""Do a window's first and last frames look like its middle? Edge artefacts of generators.

A generator built from zero-padded convolutions computes the frames at a window's edges
differently from those in its middle, and a calcium model started from zero calcium starts its
windows too low. Real windows cut from a recording have no such edges, so any difference
between a set's edge frames and its middle frames is an artefact (or, for inferred spikes, a
property of the inference that every set shares: OASIS sees no frames after the last one).
"""

import numpy as np

MIDDLE = (0.25, 0.75)  # the reference part of a window, as fractions of its length
SAMPLES_PER_CHUNK = 64


def _middle(length: int) -> slice:
    return slice(int(MIDDLE[0] * length), max(int(MIDDLE[1] * length), int(MIDDLE[0] * length) + 1))


def frame_difference_ratios(traces: np.ndarray) -> tuple[float, float]:
    """Mean |x[1] - x[0]| and |x[T-1] - x[T-2]| over the mean |x[t+1] - x[t]| of the middle half.

    ``traces``: (K, T, N) windows, T >= 4. 1.0 at both ends when the edges are like the middle; NaN where the
    middle does not change.
    """
    traces = np.asarray(traces)
    total = np.zeros(traces.shape[1] - 1)
    for start in range(0, len(traces), SAMPLES_PER_CHUNK):  # float64 a chunk at a time, not the whole set
        total += np.abs(np.diff(traces[start : start + SAMPLES_PER_CHUNK].astype(np.float64), axis=1)).sum(axis=(0, 2))
    return _edge_ratios(total / (len(traces) * traces.shape[2]))  # mean per frame: (T - 1,)


def _edge_ratios(per_frame: np.ndarray) -> tuple[float, float]:
    """``per_frame``'s first and last value over its middle half's mean; NaN where that mean is 0."""
    middle = per_frame[_middle(len(per_frame))].mean()
    if middle == 0:
        return float("nan"), float("nan")
    return float(per_frame[0] / middle), float(per_frame[-1] / middle)


def rate_ratios(spikes: np.ndarray) -> tuple[float, float]:
    """Mean spike count in the first and in the last frame over the mean per frame of the middle half.

    ``spikes``: (K, T, N) counts. NaN where the middle holds no spikes.
    """
    return _edge_ratios(np.asarray(spikes).mean(axis=(0, 2), dtype=np.float64))  # per frame: (T,)


def edge_summary(traces: dict, spikes: dict) -> dict:
    """Per set: ``{"frame_difference": (first, last), "spike_rate": (first, last)}`` ratios to the middle.

    ``traces`` and ``spikes`` map set names to (K, T, N) arrays; a set without traces gets
    only its spike-rate ratios.
    """
    summary = {}
    for name, counts in spikes.items():
        summary[name] = {"spike_rate": rate_ratios(counts)}
        if name in traces:
            summary[name]["frame_difference"] = frame_difference_ratios(traces[name])
    return summary
