"""Kullback-Leibler divergence between the histograms of two sets of values.

CalciumGAN compares the distributions of a spike statistic (firing rate per neuron, pairwise
correlation or van Rossum distance per sample) between recorded and synthetic data by the KL
divergence of their histograms (thesis Figs. 4.6-4.7, Table 4.3). Both sets are histogrammed on
the same ``bins`` equal-width bins spanning their pooled range ``[min, max]``; ``pseudo_count``
is added to every bin before normalising, so a bin empty on the synthetic side gives a large but
finite divergence; then ``KL(real || synthetic) = sum_b p_b log(p_b / q_b)`` in nats.

Non-finite values (the NaN correlations of silent neurons) are dropped first. A side left with no
value (a synthetic sample without spikes has no defined correlation) is a histogram of
pseudo-counts alone, uniform over the other side's range, so the divergence is defined and
large instead of NaN; if neither side has a value, both are equally undefined and the
divergence is 0. If all pooled values are equal and both sides have some, both histograms are
the same single spike and the divergence is 0.

The value depends on the sample sizes, the bin count and the pseudo-count, so two blocks of one
recording already score above zero: report the real-versus-real floor next to a model's numbers.

The row-wise helpers histogram hundreds of columns or rows at once: bin indices come from
arithmetic on each row's edges (with ``np.histogram``'s edge corrections, so the counts equal
``np.histogram(values, bins, range=(min, max))`` row by row) and one ``np.bincount`` with a
per-row offset.
"""

import numpy as np
from scipy import special

DEFAULT_BINS = 30

DEFAULT_PSEUDO_COUNT = 0.5
"""Added to every bin count: the Krichevsky-Trofimov estimator (the posterior mean under the
Jeffreys prior, Dirichlet(1/2)). It keeps the divergence finite when the synthetic histogram
misses a bin the recorded one fills, while moving a 1,000-value histogram by little."""


def _edges(low: np.ndarray, high: np.ndarray, bins: int) -> np.ndarray:
    """(R, bins + 1) edges per row, computed as ``np.linspace(low, high, bins + 1)`` does."""
    edges = np.arange(bins + 1) * ((high - low) / bins)[:, None] + low[:, None]
    edges[:, -1] = high
    return edges


def _bin_indices(values: np.ndarray, finite: np.ndarray, low: np.ndarray, high: np.ndarray, bins: int):
    """(R, n) bin of each entry of ``values`` (R, n) on row r's ``bins`` bins over ``[low[r], high[r]]``,
    as ``np.histogram`` bins it (the last bin closed); meaningless where ``finite`` is False."""
    positions = values - low[:, None]
    positions *= (bins / (high - low))[:, None]
    if not finite.all():
        positions[~finite] = 0.0
    indices = positions.astype(np.intp)
    np.minimum(indices, bins - 1, out=indices)
    # Near an edge the arithmetic can be off by one: check every bin against its edges, as np.histogram does.
    edges = _edges(low, high, bins)
    indices -= values < np.take_along_axis(edges, indices, axis=1)
    indices += (values >= np.take_along_axis(edges, indices + 1, axis=1)) & (indices != bins - 1)
    return indices


def _row_histograms(values: np.ndarray, finite: np.ndarray, low: np.ndarray, high: np.ndarray, bins: int):
    """(R, bins) counts of the finite entries of each row of ``values`` (R, n) on ``[low, high]``.

    Row by row equal to ``np.histogram(values[r][finite[r]], bins, range=(low[r], high[r]))``
    (the last bin closed), for ``low < high`` and finite entries inside the range.
    """
    rows = len(values)
    indices = _bin_indices(values, finite, low, high, bins)
    indices += (np.arange(rows) * bins)[:, None]
    kept = indices.ravel() if finite.all() else indices[finite]
    return np.bincount(kept, minlength=rows * bins).reshape(rows, bins)


def histogram_pair(real, synthetic, bins: int = DEFAULT_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of both value sets on the shared bins of their pooled finite range.

    Returns ``(real_counts, synthetic_counts, edges)`` with shapes ``(bins,)``, ``(bins,)``,
    ``(bins + 1,)``; the counts equal ``np.histogram(values, bins, range=(min, max))``. If the
    pooled range is one value, its edges are widened by 0.5 either side, as NumPy does.
    """
    _check_arguments(bins, 0.0)
    bins = int(bins)
    real, synthetic = _flat_finite(real), _flat_finite(synthetic)
    pooled = np.concatenate([real, synthetic])
    if pooled.size == 0:
        raise ValueError("no finite values to histogram")
    low, high = pooled.min(), pooled.max()
    if low == high:
        low, high = low - 0.5, high + 0.5
    low, high = np.array([low]), np.array([high])
    counts = [_row_histograms(v[None], np.ones((1, v.size), bool), low, high, bins)[0] for v in (real, synthetic)]
    return counts[0], counts[1], _edges(low, high, bins)[0]


def _flat_finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).ravel()
    return values[np.isfinite(values)]


def _check_arguments(bins: int, pseudo_count: float) -> None:
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer; got {bins}")
    if not np.isfinite(pseudo_count) or pseudo_count < 0:
        raise ValueError(f"pseudo_count must be finite and >= 0; got {pseudo_count}")


def _shared_ranges(real: np.ndarray, synthetic: np.ndarray):
    """Each row's bin range over the pooled finite values of (R, n) ``real`` and (R, m) ``synthetic``.

    Returns ``(low, high, defined, single_value)``, each (R,): rows where neither side has a value
    (not ``defined``) or all pooled values are equal (``single_value``) get placeholder ranges; their
    divergence is 0 by definition.
    """
    real_finite, synthetic_finite = np.isfinite(real), np.isfinite(synthetic)
    low = np.minimum(
        np.where(real_finite, real, np.inf).min(axis=1, initial=np.inf),
        np.where(synthetic_finite, synthetic, np.inf).min(axis=1, initial=np.inf),
    )
    high = np.maximum(
        np.where(real_finite, real, -np.inf).max(axis=1, initial=-np.inf),
        np.where(synthetic_finite, synthetic, -np.inf).max(axis=1, initial=-np.inf),
    )
    both = real_finite.any(axis=1) & synthetic_finite.any(axis=1)
    defined = real_finite.any(axis=1) | synthetic_finite.any(axis=1)
    single_value = both & (low == high)
    one_sided_point = defined & ~both & (low == high)  # widened by 0.5 either side, as NumPy does
    # Placeholder ranges for rows whose answer does not need a histogram (both undefined, or one spike).
    low = np.where(defined, low, 0.0) - 0.5 * one_sided_point
    high = np.where(defined & ~single_value, high, low + 1.0) + 0.5 * one_sided_point
    return low, high, defined, single_value


def kl_of_counts(real_counts: np.ndarray, synthetic_counts: np.ndarray, pseudo_count: float) -> np.ndarray:
    """(R,) KL(real || synthetic) in nats of the (R, bins) histogram counts, ``pseudo_count`` added to every bin."""
    p, q = real_counts + pseudo_count, synthetic_counts + pseudo_count
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p / p.sum(axis=1, keepdims=True)
        q = q / q.sum(axis=1, keepdims=True)
        return special.rel_entr(p, q).sum(axis=1)


def _kl_rows(real: np.ndarray, synthetic: np.ndarray, bins: int, pseudo_count: float) -> np.ndarray:
    """KL(real[r] || synthetic[r]) for each row r of (R, n) and (R, m) arrays."""
    _check_arguments(bins, pseudo_count)
    bins = int(bins)
    low, high, defined, single_value = _shared_ranges(real, synthetic)
    divergences = np.zeros(len(real))
    if not defined.any():
        return divergences
    p = _row_histograms(real, np.isfinite(real) & defined[:, None], low, high, bins)
    q = _row_histograms(synthetic, np.isfinite(synthetic) & defined[:, None], low, high, bins)
    kl = kl_of_counts(p, q, pseudo_count)
    divergences[defined] = kl[defined]
    divergences[single_value] = 0.0
    return divergences


def window_histograms(real, synthetic, bins: int = DEFAULT_BINS):
    """Per-window histograms of each column of two sets, on the bins :func:`kl_per_column` would use.

    ``real`` (K, S, C) and ``synthetic`` (M, S', C): S values per window of each of C columns.
    Each column's bins span the pooled finite values of both sets over all their windows. Returns
    ``(real_counts, synthetic_counts, trivial)``: float32 counts (K, C, bins) and (M, C, bins),
    which summed over all windows give :func:`kl_per_column`'s histograms (so that a bootstrap
    resample of windows is a weighted sum), and (C,) the columns whose divergence is 0 by definition.
    """
    _check_arguments(bins, 0.0)
    real, synthetic = np.asarray(real, dtype=np.float64), np.asarray(synthetic, dtype=np.float64)
    if real.ndim != 3 or synthetic.ndim != 3 or real.shape[2] != synthetic.shape[2]:
        raise ValueError(f"real and synthetic must be (K, S, C) and (M, S', C); got {real.shape} and {synthetic.shape}")
    bins = int(bins)
    by_column = [values.transpose(2, 0, 1).reshape(values.shape[2], -1) for values in (real, synthetic)]  # (C, K S)
    low, high, defined, single_value = _shared_ranges(*by_column)
    counts = []
    for values, flat in zip((real, synthetic), by_column):
        windows, per_window, columns = values.shape
        finite = np.isfinite(flat)
        indices = _bin_indices(flat, finite, low, high, bins).reshape(columns, windows, per_window)
        offsets = (np.arange(windows)[None, :, None] * columns + np.arange(columns)[:, None, None]) * bins
        kept = finite.reshape(indices.shape)
        flat_counts = np.bincount((indices + offsets)[kept], minlength=windows * columns * bins)
        counts.append(flat_counts.reshape(windows, columns, bins).astype(np.float32))
    return counts[0], counts[1], ~defined | single_value


def kl_divergence(real, synthetic, bins: int = DEFAULT_BINS, pseudo_count: float = DEFAULT_PSEUDO_COUNT) -> float:
    """KL(real || synthetic), in nats, of the histograms of two sets of values.

    Parameters
    ----------
    real, synthetic : arrays of any shape (flattened); non-finite values are dropped.
    bins : number of equal-width bins over the pooled range of both sets.
    pseudo_count : added to every bin count before normalising (default 0.5, see
        :data:`DEFAULT_PSEUDO_COUNT`); 0 gives the plain plug-in estimate, infinite when the
        synthetic histogram misses a bin the real one fills.

    Returns
    -------
    float: >= 0; 0 if all pooled values are equal or neither set has a finite value; with
    ``pseudo_count`` 0, NaN if one set has no finite value.
    """
    real = np.asarray(real, dtype=np.float64).reshape(1, -1)
    synthetic = np.asarray(synthetic, dtype=np.float64).reshape(1, -1)
    return float(_kl_rows(real, synthetic, bins, pseudo_count)[0])


def kl_per_column(
    real, synthetic, bins: int = DEFAULT_BINS, pseudo_count: float = DEFAULT_PSEUDO_COUNT
) -> np.ndarray:
    """One KL divergence per column, over the rows: e.g. per neuron, over samples (firing rates).

    Parameters
    ----------
    real : (K, C) values; column c holds K values of quantity c.
    synthetic : (M, C) values of the same C quantities.

    Returns
    -------
    (C,) float64: ``kl_divergence(real[:, c], synthetic[:, c])`` for each column.
    """
    real, synthetic = np.asarray(real, dtype=np.float64), np.asarray(synthetic, dtype=np.float64)
    if real.ndim != 2 or synthetic.ndim != 2 or real.shape[1] != synthetic.shape[1]:
        raise ValueError(f"real and synthetic must be (K, C) and (M, C); got {real.shape} and {synthetic.shape}")
    return _kl_rows(real.T, synthetic.T, bins, pseudo_count)


def kl_per_row(real, synthetic, bins: int = DEFAULT_BINS, pseudo_count: float = DEFAULT_PSEUDO_COUNT) -> np.ndarray:
    """One KL divergence per row, row ``i`` of ``real`` against row ``i`` of ``synthetic``.

    E.g. per sample over neuron pairs (the upper triangles of correlation or van Rossum
    matrices of real sample ``i`` and synthetic sample ``i``).

    Parameters
    ----------
    real : (K, P) values.
    synthetic : (K, Q) values (Q may differ from P).

    Returns
    -------
    (K,) float64: ``kl_divergence(real[i], synthetic[i])`` for each row.
    """
    real, synthetic = np.asarray(real, dtype=np.float64), np.asarray(synthetic, dtype=np.float64)
    if real.ndim != 2 or synthetic.ndim != 2 or len(real) != len(synthetic):
        raise ValueError(f"real and synthetic must be (K, P) and (K, Q); got {real.shape} and {synthetic.shape}")
    return _kl_rows(real, synthetic, bins, pseudo_count)
