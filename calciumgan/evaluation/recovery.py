"""How well spike inference recovers known spikes: matched, missed and invented spikes.

Used where the true spikes are known (surrogate recordings, recordings with electrophysiology):
inferred spike counts (..., T, N) are matched to the true ones of the same shape, train by
train, within a tolerance of a few frames.
"""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class SpikeRecovery:
    """How many true spikes an inference recovered (counts summed over all trains).

    ``recovered`` true spikes were matched by an inferred spike within the tolerance, each
    inferred spike matching at most one; ``invented`` inferred spikes matched none.
    ``recall = recovered / true_count`` and ``precision = recovered / inferred_count`` (NaN when
    the denominator is 0).
    """

    true_count: int
    inferred_count: int
    recovered: int
    invented: int
    recall: float
    precision: float


def spike_recovery(true_spikes, inferred_spikes, tolerance_frames: int = 1, block_traces: int = 65536) -> SpikeRecovery:
    """Match inferred to true spikes per train, within ``tolerance_frames`` either side.

    Args:
        true_spikes: (..., T, N) spike counts per frame (non-negative integers).
        inferred_spikes: spike counts of the same shape.
        tolerance_frames: a true spike at frame t is matched by an inferred one in
            ``t - tolerance .. t + tolerance``.
        block_traces: trains handled at once (bounds memory).

    The matching is the largest possible: true spikes are taken in time order, each using the
    earliest unused inferred spike in its window. (With windows of one length on a line, this
    greedy choice is optimal: an earlier inferred spike is no use to any later true spike.)
    Trains are processed together, one vectorised step per frame and offset.
    """
    true = np.asarray(true_spikes)
    inferred = np.asarray(inferred_spikes)
    if true.shape != inferred.shape or true.ndim < 2:
        raise ValueError(f"spike arrays must share one (..., T, N) shape, got {true.shape} and {inferred.shape}")
    tolerance = int(tolerance_frames)
    if tolerance < 0:
        raise ValueError(f"tolerance_frames must be non-negative, got {tolerance_frames}")
    for name, array in (("true_spikes", true), ("inferred_spikes", inferred)):
        if array.size and (np.any(array < 0) or np.any(array != np.round(array))):
            raise ValueError(f"{name} must hold non-negative integer counts")
    num_frames = true.shape[-2]
    # (T, M) views: one column per train.
    true_columns = np.moveaxis(true, -2, 0).reshape(num_frames, -1)
    inferred_columns = np.moveaxis(inferred, -2, 0).reshape(num_frames, -1)
    recovered = 0
    for begin in range(0, true_columns.shape[1], block_traces):
        wanted = true_columns[:, begin : begin + block_traces].astype(np.int64)
        available = inferred_columns[:, begin : begin + block_traces].astype(np.int64)
        for frame in np.flatnonzero(wanted.any(axis=1)):
            need = wanted[frame].copy()
            for other in range(max(frame - tolerance, 0), min(frame + tolerance, num_frames - 1) + 1):
                taken = np.minimum(need, available[other])
                available[other] -= taken
                need -= taken
            recovered += int((wanted[frame] - need).sum())
    true_count, inferred_count = int(true.sum(dtype=np.int64)), int(inferred.sum(dtype=np.int64))
    return SpikeRecovery(
        true_count=true_count,
        inferred_count=inferred_count,
        recovered=recovered,
        invented=inferred_count - recovered,
        recall=recovered / true_count if true_count else float("nan"),
        precision=recovered / inferred_count if inferred_count else float("nan"),
    )
