"""Precision and recall of distributions (Kynkäänniemi et al. 2019) in a space of window summaries.

Each set is a cloud of points, one per window. A set's manifold is the union of balls around
its points, each ball's radius the distance to the point's ``k``-th nearest neighbour in the
same set. Precision: the fraction of synthetic points inside the real manifold (are the samples
realistic?). Recall: the fraction of real points inside the synthetic manifold (is every kind
of real window produced?). A set that repeats one window or a few typical ones has tiny balls
and low recall, however realistic each of its windows is.

Windows cut from one recording overlap their neighbours, which would shrink their balls to the
overlap; where a set's window starts are known (``positions``), a window's neighbours are only
the windows it does not overlap.

The space: six numbers per window that describe its population (``TraceStatistics.summaries``:
level, population fluctuation, neuron spread, autocorrelation, rise/decay skew, pair
correlation), each standardised by its mean and spread over the windows of a reference set
(the training data where known). Per-neuron summaries would give a space of 2 N dimensions, in
which the few independent windows of a held-out block are too sparse to form a manifold.
"""

import numpy as np

NEIGHBOURS = 3  # k of the k-nearest-neighbour balls (the paper's default)


def standardiser(reference: np.ndarray):
    """A function mapping (K, D) summaries to units of the (K0, D) reference's spread per column.

    Columns are centred on the reference's finite mean; a NaN summary maps to 0, the reference's mean.
    """
    centre, spread = np.nanmean(reference, axis=0), np.nanstd(reference, axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    return lambda summaries: np.nan_to_num((summaries - centre) / spread, nan=0.0)


def _distances(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    squared = np.sum(first**2, axis=1)[:, None] + np.sum(second**2, axis=1)[None, :] - 2 * first @ second.T
    return np.sqrt(np.maximum(squared, 0.0))


def ball_radii(points: np.ndarray, window: int, positions: np.ndarray | None = None,
               k: int = NEIGHBOURS) -> np.ndarray:  # fmt: skip
    """(K,) distance of each of (K, D) points to its ``k``-th nearest neighbour in the set.

    With ``positions`` (K,), the start frames of windows of ``window`` frames in one recording,
    windows that overlap a point are not its neighbours. ``inf`` where too few neighbours remain.
    """
    distances = _distances(points, points)
    if positions is None:
        np.fill_diagonal(distances, np.inf)
    else:
        positions = np.asarray(positions)
        distances[np.abs(positions[:, None] - positions[None, :]) < window] = np.inf
    if distances.shape[1] < k:
        return np.full(len(points), np.inf)
    return np.partition(distances, k - 1, axis=1)[:, k - 1]


def inside_fraction(queries: np.ndarray, points: np.ndarray, radii: np.ndarray) -> float:
    """Fraction of (Q, D) ``queries`` within ``radii`` (M,) of at least one of the (M, D) ``points``."""
    return float(np.mean(np.any(_distances(queries, points) <= radii[None, :], axis=1)))


def precision_recall(real: np.ndarray, other: np.ndarray, real_radii: np.ndarray,
                     other_radii: np.ndarray) -> tuple[float, float]:  # fmt: skip
    """(precision, recall) of the ``other`` points against the ``real`` ones, both (K, D), given their ball radii."""
    return inside_fraction(other, real, real_radii), inside_fraction(real, other, other_radii)
