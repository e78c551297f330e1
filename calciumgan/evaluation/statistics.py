"""Spike-train statistics of frame-gridded spike counts, in closed form and agreeing with Elephant.

Spike trains inferred from calcium traces sampled at ``sampling_rate`` Hz live on the frame
grid, so a recording is an array of spike counts per frame with the (time, neurons) layout:
one sample is ``(T, N)``, a batch ``(K, T, N)``; any leading axes are batch axes. The spike(s)
of frame ``k`` happen at ``k / sampling_rate`` seconds and a train spans ``[0, T / fs)``.

Each statistic equals what Elephant (Denker et al. 2018) returns for the corresponding
``neo.SpikeTrain`` objects (times ``k / fs`` in seconds, a time repeated for counts above one,
``t_start = 0``, ``t_stop = T / fs``), but is computed for whole batches with array operations:

* mean firing rate: ``elephant.statistics.mean_firing_rate`` (count / duration);
* Pearson correlation of binned counts: ``elephant.spike_train_correlation.correlation_coefficient``
  of ``elephant.conversion.BinnedSpikeTrain(trains, bin_size, t_start=0, t_stop=T / fs)``;
* van Rossum distance: ``elephant.spike_train_dissimilarity.van_rossum_distance``.

One statistic has no Elephant counterpart: population synchrony, the number of neurons that
spike in each frame (:func:`active_neurons`), whose distribution shows the population bursts
a raster shows and the pairwise statistics miss.

All arithmetic is float64. Large batches are processed in chunks of samples (or neurons) so
that the temporary arrays stay near ``CHUNK_BYTES``.
"""

import numpy as np
from scipy import sparse

DEFAULT_CORRELATION_BIN_WIDTH = 0.5
"""Seconds. The CalciumGAN thesis code binned at 500 ms. At the 0.3-0.6 Hz rates of deconvolved
calcium data a 0.5 s bin holds 0.15-0.3 spikes on average, so correlations of binned counts are
measurable; with 10-100 ms bins nearly every bin is empty, and the coefficients shrink towards
zero and are dominated by noise. At 24 Hz the bin is exactly 12 frames, while 100 ms (the
interval named in the thesis text) is 2.4 frames, so its bins alternate between 2 and 3 frames."""

DEFAULT_VAN_ROSSUM_TIME_CONSTANT = 1.0
"""Seconds; Elephant's default. It is long against the 42 ms frame (24 frames at 24 Hz), so a
frame or two of deconvolution jitter changes the distance little, and short against the
85 s sample, so the distance still reflects when the spikes happen, not only how many."""

ELEPHANT_BINNING_TOLERANCE = 1e-8
"""``BinnedSpikeTrain``'s default ``tolerance``: a bin position whose fractional part is at
least ``1 - tolerance`` is taken as float rounding and moved up to the next integer."""

CHUNK_BYTES = 128 * 2**20
"""Approximate size of the float64 temporaries per chunk of samples or neurons."""

VISITS_PER_CHUNK = 2_000_000
"""Spike-by-pair visits of :func:`pair_van_rossum` per chunk of samples: about 100 MB of temporaries."""

GRAM_SHARE = 8
"""The pairwise statistics form each sample's N x N products at once (one matrix product) when the pairs
asked for number at least N^2 / ``GRAM_SHARE`` (all pairs of a few hundred neurons): there that is faster
than gathering pair by pair (correlations) or visiting spikes pair by pair (van Rossum)."""


def _spike_counts(spikes) -> np.ndarray:
    """The input as an array, validated without a float64 copy (chunks are converted later)."""
    counts = np.asarray(spikes)
    if counts.dtype.kind not in "biuf":
        raise ValueError(f"spikes must be numeric spike counts; got dtype {counts.dtype}")
    if counts.ndim < 2:
        raise ValueError(f"spikes must have shape (..., T, N); got shape {counts.shape}")
    if counts.shape[-2] == 0:
        raise ValueError("spikes must have at least one frame")
    if counts.size and not (counts.min() >= 0 and counts.max() < np.inf):  # NaN fails both
        raise ValueError("spikes must be finite, non-negative spike counts")
    return counts


def _check_positive(name: str, value: float, allow_inf: bool = False) -> float:
    value = float(value)
    if not value > 0 or (np.isinf(value) and not allow_inf) or np.isnan(value):
        raise ValueError(f"{name} must be positive{'' if allow_inf else ' and finite'}; got {value}")
    return value


def _whole_numbers(counts: np.ndarray) -> bool:
    return counts.dtype.kind in "biu" or bool(np.all(counts == np.floor(counts)))


def _chunk_size(bytes_per_item: int) -> int:
    return max(1, CHUNK_BYTES // max(1, bytes_per_item))


def firing_rates(spikes, sampling_rate: float) -> np.ndarray:
    """Mean firing rate of each neuron: spike count / duration.

    Parameters
    ----------
    spikes : (..., T, N) array of spike counts per frame.
    sampling_rate : frames per second (Hz).

    Returns
    -------
    (..., N) float64 array, in Hz (the duration is ``T / sampling_rate`` seconds).
    """
    sampling_rate = _check_positive("sampling_rate", sampling_rate)
    counts = _spike_counts(spikes)
    duration = counts.shape[-2] / sampling_rate
    return counts.sum(axis=-2, dtype=np.float64) / duration


def round_binning_errors(positions: np.ndarray, tolerance: float | None = ELEPHANT_BINNING_TOLERANCE):
    """Integer bin of each non-negative position (in bin widths), as Elephant rounds it.

    A position whose fractional part is at least ``1 - tolerance`` is counted in the next bin
    (it sits on a bin edge up to float rounding); otherwise the position is floored.
    """
    positions = np.asarray(positions, dtype=np.float64)
    if tolerance:
        positions = np.where(positions % 1 >= 1 - tolerance, positions + 0.5, positions)
    return np.floor(positions).astype(np.int64)


def frame_bins(
    num_frames: int, sampling_rate: float, bin_width: float, tolerance: float | None = ELEPHANT_BINNING_TOLERANCE
) -> tuple[np.ndarray, int]:
    """Map frames to time bins exactly as ``elephant.conversion.BinnedSpikeTrain`` bins spikes.

    The train spans ``[0, T / fs)``; Elephant keeps ``B = floor((T / fs) / bin_width)`` whole
    bins (up to ``tolerance``) and discards the spikes of a trailing partial bin. A spike at
    ``k / fs`` seconds goes to bin ``floor((k / fs) * (1 / bin_width))``, where a value within
    ``tolerance`` below an integer counts as that integer. The same float64 operations as
    Elephant's are applied to the frame times, so awkward widths (0.1 s = 2.4 frames at 24 Hz,
    1/3 s = 8 frames whose edges are not exact in binary) bin identically.

    Returns
    -------
    bins : (T,) int64 bin index of each frame; frames with index ``>= B`` are discarded.
    num_bins : B, the number of whole bins.
    """
    sampling_rate = _check_positive("sampling_rate", sampling_rate)
    bin_width = _check_positive("bin_width", bin_width)
    duration = num_frames / sampling_rate
    num_bins = int(round_binning_errors(duration / bin_width, tolerance))
    if num_bins < 1:
        raise ValueError(f"bin_width {bin_width} s is longer than the {duration} s spike trains")
    frame_times = np.arange(num_frames) / sampling_rate
    return round_binning_errors(frame_times * (1.0 / bin_width), tolerance), num_bins


def active_neurons(spikes) -> np.ndarray:
    """(..., T) number of neurons with at least one spike in each frame of (..., T, N) spike counts."""
    return (_spike_counts(spikes) > 0).sum(axis=-1)


def binned_counts(spikes, sampling_rate: float, bin_width: float) -> np.ndarray:
    """Spike counts per time bin of ``bin_width`` seconds, binned as Elephant's ``BinnedSpikeTrain``.

    Parameters
    ----------
    spikes : (..., T, N) array of spike counts per frame.
    sampling_rate : Hz.
    bin_width : seconds.

    Returns
    -------
    (..., B, N) float64 counts, ``B = floor(T / (sampling_rate * bin_width))`` whole bins (see
    :func:`frame_bins`); spikes in a trailing partial bin are dropped.
    """
    counts = _spike_counts(spikes)
    bins, num_bins = frame_bins(counts.shape[-2], sampling_rate, bin_width)
    num_kept = int(np.searchsorted(bins, num_bins, side="left"))  # bins are non-decreasing
    starts = np.searchsorted(bins[:num_kept], np.arange(num_bins), side="left")
    ends = np.append(starts[1:], num_kept)
    widths = ends - starts
    if num_kept and np.all(widths == widths[0]):  # equal bins (e.g. 12 frames): a reshape and a sum
        kept = counts[..., :num_kept, :].reshape(counts.shape[:-2] + (num_bins, widths[0], counts.shape[-1]))
        return kept.sum(axis=-2, dtype=np.float64)
    occupied = widths > 0  # a bin narrower than a frame may hold no frame at all
    binned = np.zeros(counts.shape[:-2] + (num_bins, counts.shape[-1]))
    if num_kept:
        kept = counts[..., :num_kept, :]
        binned[..., occupied, :] = np.add.reduceat(kept, starts[occupied], axis=-2, dtype=np.float64)
    return binned


def _sparse_batched_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left @ right`` for stacks (B, R, T) and (B, T, C), using only the non-zeros of ``left``.

    Spike counts are mostly zeros (about 1.5 % of frames at 0.4 Hz and 24 Hz), so one sparse
    block-diagonal product costs O(nnz C) instead of the dense O(B R T C).
    """
    batch, rows, inner = left.shape
    flat = np.flatnonzero(left != 0)  # a boolean mask is far faster to scan than numbers
    blocks, rest = np.divmod(flat, rows * inner)
    row, column = np.divmod(rest, inner)
    matrix = sparse.csr_matrix(
        (left[blocks, row, column].astype(np.float64), (blocks * rows + row, blocks * inner + column)),
        shape=(batch * rows, batch * inner),
    )
    product = matrix @ np.ascontiguousarray(right).reshape(batch * inner, right.shape[-1])
    return np.asarray(product).reshape(batch, rows, right.shape[-1])


def _all_pairs(num_neurons: int, pairs) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) neuron indices, each (P,): ``pairs`` as given, or every pair in upper-triangle order."""
    first, second = np.triu_indices(num_neurons, 1) if pairs is None else pairs
    return np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)


def _filled_matrices(values: np.ndarray, diagonal: np.ndarray, batch_shape: tuple) -> np.ndarray:
    """(..., N, N) symmetric matrices from (B, P) values of all upper-triangle pairs and (B, N) diagonals."""
    num_neurons = diagonal.shape[-1]
    rows, columns = np.triu_indices(num_neurons, 1)
    matrices = np.empty((len(values), num_neurons, num_neurons))
    matrices[:, rows, columns] = values
    matrices[:, columns, rows] = values
    matrices[:, np.arange(num_neurons), np.arange(num_neurons)] = diagonal
    return matrices.reshape(batch_shape + (num_neurons, num_neurons))


def pair_correlations(
    spikes, sampling_rate: float, bin_width: float = DEFAULT_CORRELATION_BIN_WIDTH, pairs=None, binary: bool = False
) -> np.ndarray:
    """Pearson correlation between the binned spike counts of pairs of neurons of each sample.

    Equal to the entries of ``elephant.spike_train_correlation.correlation_coefficient(
    BinnedSpikeTrain(trains, bin_size=bin_width, t_start=0, t_stop=T / fs), binary=binary)`` per
    sample. A neuron whose binned counts do not vary (silent, or e.g. one spike in every bin) has
    no defined correlation: its pairs are NaN, as Elephant returns them. Drop NaNs before
    histogramming (``calciumgan.evaluation.divergence`` does). The work and memory are those of the
    P pairs, never N x N.

    Parameters
    ----------
    spikes : (..., T, N) spike counts per frame.
    sampling_rate : Hz.
    bin_width : seconds; default :data:`DEFAULT_CORRELATION_BIN_WIDTH` (0.5 s, see there).
    pairs : (first, second) neuron indices, each (P,); default every pair in upper-triangle order.
    binary : count a bin with several spikes as one, as Elephant's ``binary=True``.

    Returns
    -------
    (..., P) float64 correlations in [-1, 1] (or NaN).
    """
    flat, batch_shape = _binned_samples(spikes, sampling_rate, bin_width, binary)
    first, second = _all_pairs(flat.shape[-1], pairs)
    return _correlations_of_binned(flat, first, second).reshape(batch_shape + (len(first),))


def _binned_samples(spikes, sampling_rate: float, bin_width: float, binary: bool) -> tuple[np.ndarray, tuple]:
    """(B, bins, N) binned counts of (..., T, N) spikes (at most 1 per bin if ``binary``) and the batch shape."""
    binned = binned_counts(spikes, sampling_rate, bin_width)
    if binary:
        binned = np.minimum(binned, 1.0)
    return binned.reshape((-1,) + binned.shape[-2:]), binned.shape[:-2]


def _correlations_of_binned(binned: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """(B, P) correlations of the pairs (first, second) of (B, bins, N) binned counts."""
    num_bins = binned.shape[-2]
    sums, scale = _count_scales(binned)
    correlations = np.empty((len(binned), len(first)))
    step = _chunk_size(3 * num_bins * len(first) * 8)
    whole_gram = GRAM_SHARE * len(first) >= binned.shape[-1] ** 2  # a large share of all pairs: every product at once
    for start in range(0, len(binned), step):
        chunk = slice(start, start + step)
        # num_bins x covariance = num_bins S - n_i n_j with S = sum over bins of b_i b_j and n the
        # spike counts: whole numbers, exact in float64 for integer counts (Elephant's sparse path).
        if whole_gram:
            products = np.matmul(binned[chunk].transpose(0, 2, 1), binned[chunk])[:, first, second]
        else:
            products = np.einsum("kbp,kbp->kp", binned[chunk][:, :, first], binned[chunk][:, :, second])
        scaled_covariance = num_bins * products - sums[chunk, first] * sums[chunk, second]
        denominator = scale[chunk, first] * scale[chunk, second]
        with np.errstate(invalid="ignore", divide="ignore"):
            correlations[chunk] = np.where(denominator > 0, scaled_covariance / denominator, np.nan)
    return np.clip(correlations, -1.0, 1.0)


def _count_scales(binned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spike counts (B, N) of (B, bins, N) binned counts and their scale (B, N): ``num_bins`` times the
    standard deviation over bins, 0 where a neuron's counts do not vary."""
    num_bins = binned.shape[-2]
    sums = binned.sum(axis=-2)
    squares = np.einsum("kbn,kbn->kn", binned, binned)
    scaled_variance = num_bins * squares - sums**2
    # Zero for constant counts; the relative floor only matters for non-integer counts, where
    # rounding can leave a residue (integer counts that vary give at least num_bins - 1).
    constant = scaled_variance <= 1e-12 * num_bins * squares
    return sums, np.where(constant, 0.0, np.sqrt(np.maximum(scaled_variance, 0.0)))


def correlation_matrices(
    spikes, sampling_rate: float, bin_width: float = DEFAULT_CORRELATION_BIN_WIDTH, binary: bool = False
) -> np.ndarray:
    """:func:`pair_correlations` of every pair as (..., N, N) matrices, Elephant's layout: symmetric, with
    1 on the diagonal, and a neuron whose binned counts do not vary NaN in its row, column and diagonal."""
    flat, batch_shape = _binned_samples(spikes, sampling_rate, bin_width, binary)
    first, second = _all_pairs(flat.shape[-1], None)
    diagonal = np.where(_count_scales(flat)[1] > 0, 1.0, np.nan)
    return _filled_matrices(_correlations_of_binned(flat, first, second), diagonal, batch_shape)


def upper_triangle(matrices) -> np.ndarray:
    """The entries above the diagonal of each matrix (one value per neuron pair).

    Parameters
    ----------
    matrices : (..., N, N) array.

    Returns
    -------
    (..., N (N - 1) / 2) array, pairs in row-major order (0,1), (0,2), ..., (N-2,N-1).
    """
    matrices = np.asarray(matrices)
    if matrices.ndim < 2 or matrices.shape[-1] != matrices.shape[-2]:
        raise ValueError(f"matrices must have shape (..., N, N); got {matrices.shape}")
    rows, columns = np.triu_indices(matrices.shape[-1], k=1)
    return matrices[..., rows, columns]


def _kernel_decay(sampling_rate: float, time_constant: float) -> float:
    """``exp(-1 / (tau fs))``: the kernel ``exp(-|t - t'| / tau)`` at a lag of one frame."""
    sampling_rate = _check_positive("sampling_rate", sampling_rate)
    time_constant = _check_positive("time_constant", time_constant, allow_inf=True)
    return float(np.exp(-1.0 / (time_constant * sampling_rate)))


def _causal_filter(counts: np.ndarray, decay: float) -> np.ndarray:
    """``y[t] = x[t] + decay * y[t - 1]`` along axis -2: ``sum over s <= t of decay**(t-s) x[s]``.

    Float64. Runs the recursion one frame at a time over a time-first copy, each step one
    vector operation over all other axes (faster than ``scipy.signal.lfilter`` along an
    inner axis). Returns a view with time back on axis -2.
    """
    return np.moveaxis(_causal_filter_time_first(counts, decay), 0, -2)


def _causal_filter_time_first(counts: np.ndarray, decay: float) -> np.ndarray:
    """:func:`_causal_filter` of (..., T, N) counts, returned time-first as (T, ..., N)."""
    filtered = np.array(np.moveaxis(counts, -2, 0), dtype=np.float64, order="C")
    for frame in range(1, len(filtered)):
        filtered[frame] += decay * filtered[frame - 1]
    return filtered


def _symmetric_filter(counts: np.ndarray, decay: float) -> np.ndarray:
    """``sum over s of decay**|t-s| x[s]`` along axis -2: causal + anti-causal - the zero lag."""
    backward = _causal_filter(counts[..., ::-1, :], decay)[..., ::-1, :]
    return _causal_filter(counts, decay) + backward - counts


def _distances_from_squares(squares: np.ndarray, decay: float, integral: bool) -> np.ndarray:
    """Square roots, with rounding residue near zero removed.

    For distinct trains of whole spike counts ``D^2 = v^T K v`` with a non-zero integer vector
    ``v``, which is at least the smallest eigenvalue of ``K``, above ``(1 - r) / (1 + r)`` (the
    minimum of the AR(1) kernel's spectral density). Squared distances below half that bound
    are therefore rounding residue of identical trains and are set to exactly zero; rounding
    can also leave tiny negatives, clipped for any input.
    """
    floor = 0.5 * (1.0 - decay) / (1.0 + decay) if integral else 0.0
    return np.sqrt(np.where(squares < floor, 0.0, np.maximum(squares, 0.0)))


def pair_van_rossum(
    spikes, sampling_rate: float, time_constant: float = DEFAULT_VAN_ROSSUM_TIME_CONSTANT, pairs=None
) -> np.ndarray:
    """van Rossum distances between pairs of neurons of each sample, as Elephant computes them.

    With Elephant's normalisation (an empty train and a one-spike train are 1 apart; divide
    by sqrt(2) for van Rossum's 2001 normalisation), for trains ``x_i`` with spikes ``t_a``,
    ``D_ij^2 = G_ii + G_jj - 2 G_ij`` with ``G_ij = sum_a sum_b exp(-|t_a - t_b| / tau)``, i.e.
    ``(2 / tau)`` times the integral of the squared difference of the trains filtered by a
    causal exponential. On the frame grid ``G_ij = x_i . (K x_j)`` with ``K_ts = r^|t - s|``,
    ``r = exp(-1 / (tau fs))``: one O(T N) filtering (``K x`` from a causal and an anti-causal
    recursion), then each pair visits only the frames where its first neuron spikes, O(spikes x
    pairs / N) per sample; no T x T kernel is formed, and no N x N matrix unless the pairs are a
    large share of all (:data:`GRAM_SHARE`), where ``X^T (K X)`` is one sparse matrix product per sample.

    Parameters
    ----------
    spikes : (..., T, N) spike counts per frame.
    sampling_rate : Hz.
    time_constant : tau in seconds, > 0 (``np.inf`` gives ``|count_i - count_j|``, as in
        Elephant); default :data:`DEFAULT_VAN_ROSSUM_TIME_CONSTANT` (1 s, see there).
    pairs : (first, second) neuron indices, each (P,); default every pair in upper-triangle order.

    Returns
    -------
    (..., P) float64 distances (dimensionless).
    """
    decay = _kernel_decay(sampling_rate, time_constant)
    counts = _spike_counts(spikes)
    batch_shape, (num_frames, num_neurons) = counts.shape[:-2], counts.shape[-2:]
    flat = counts.reshape((-1, num_frames, num_neurons))
    first, second = _all_pairs(num_neurons, pairs)
    # pairs sorted by first neuron: those of neuron n are slots starts[n] .. starts[n] + per_neuron[n]
    order = np.argsort(first, kind="stable")
    partner = second[order]
    per_neuron = np.bincount(first, minlength=num_neurons)
    starts = np.cumsum(per_neuron) - per_neuron
    # visits per sample: each spiking frame of a neuron, once per pair it leads
    visits = (flat != 0).sum(axis=1) @ per_neuron
    distances = np.empty((len(flat), len(first)))
    whole_gram = GRAM_SHARE * len(first) >= num_neurons * num_neurons
    for chunk in _chunks(visits, _chunk_size(3 * num_frames * num_neurons * 8), VISITS_PER_CHUNK):
        values = flat[chunk].astype(np.float64)
        if whole_gram:
            gram = _gram_matrices(values, decay)
            own, cross = np.diagonal(gram, axis1=1, axis2=2), gram[:, first, second]
        else:
            own, cross = _visited_products(values, decay, order, partner, per_neuron, starts)
        squares = own[:, first] + own[:, second] - 2.0 * cross
        distances[chunk] = _distances_from_squares(squares, decay, _whole_numbers(values))
    return distances.reshape(batch_shape + (len(first),))


def _visited_products(values, decay, order, partner, per_neuron, starts) -> tuple[np.ndarray, np.ndarray]:
    """(B, N) ``x_n . (K x_n)`` and (B, P) ``x_first . (K x_second)`` of (B, T, N) counts, visiting each spike
    once per pair its neuron leads (``order`` (P,), ``partner``, ``per_neuron``, ``starts``: the pairs sorted by
    first neuron, as :func:`pair_van_rossum` lays them out)."""
    num_frames, num_neurons = values.shape[1:]
    filtered = np.ascontiguousarray(_symmetric_filter(values, decay))  # K x per sample
    own = np.einsum("ktn,ktn->kn", values, filtered)
    # every spike (sample, frame, neuron), once per pair the neuron leads: the pair's slot and its
    # partner's filtered train at that frame
    spikes = np.flatnonzero(values)
    neuron, row = spikes % num_neurons, spikes // num_neurons  # row: sample * T + frame
    repeats = per_neuron[neuron]
    firsts = np.cumsum(repeats) - repeats  # where each spike's visits begin
    slot = np.arange(repeats.sum()) + np.repeat(starts[neuron] - firsts, repeats)
    contributions = np.repeat(values.ravel()[spikes], repeats) * filtered.ravel()[
        np.repeat(row * num_neurons, repeats) + partner[slot]]  # fmt: skip
    sample = np.repeat(row // num_frames, repeats)
    cross = np.bincount(sample * len(order) + order[slot], weights=contributions,
                        minlength=len(values) * len(order)).reshape(len(values), len(order))  # fmt: skip
    return own, cross


def _gram_matrices(values: np.ndarray, decay: float) -> np.ndarray:
    """(B, N, N) ``G = X^T K X`` of (B, T, N) counts X: ``A + A^T - X^T X`` with ``A = X^T L X``, L the causal
    recursion (``K = L + L^T - I``), so one filtering pass and two sparse products."""
    events = values.transpose(0, 2, 1)
    causal = _sparse_batched_product(events, _causal_filter(values, decay))
    return causal + causal.transpose(0, 2, 1) - _sparse_batched_product(events, values)


def _chunks(costs: np.ndarray, most_items: int, most_cost: int):
    """Consecutive slices of ``len(costs)`` items, each at most ``most_items`` long and costing at most
    ``most_cost`` in all (or one item, whatever its cost)."""
    start = 0
    while start < len(costs):
        stop = start + 1
        total = costs[start]
        while stop < len(costs) and stop - start < most_items and total + costs[stop] <= most_cost:
            total += costs[stop]
            stop += 1
        yield slice(start, stop)
        start = stop


def van_rossum_matrices(
    spikes, sampling_rate: float, time_constant: float = DEFAULT_VAN_ROSSUM_TIME_CONSTANT
) -> np.ndarray:
    """:func:`pair_van_rossum` of every pair as (..., N, N) symmetric matrices with a zero diagonal."""
    counts = _spike_counts(spikes)
    values = pair_van_rossum(counts, sampling_rate, time_constant)
    flat = values.reshape((-1, values.shape[-1]))
    return _filled_matrices(flat, np.zeros((len(flat), counts.shape[-1])), counts.shape[:-2])


def van_rossum_between(
    first, second, sampling_rate: float, time_constant: float = DEFAULT_VAN_ROSSUM_TIME_CONSTANT
) -> np.ndarray:
    """van Rossum distance of each neuron's train between every pair of samples of two sets.

    For neuron ``n``, entry ``[n, k, m]`` is the distance between ``first[k, :, n]`` and
    ``second[m, :, n]`` (same definition and normalisation as :func:`van_rossum_matrices`),
    e.g. the same neuron across recorded and generated samples (CalciumGAN thesis, Fig. 4.6c).
    Filtering costs O((K + M) T N) and the cross products O(spikes in ``first`` x M); neurons
    are processed in chunks. The result holds N K M floats (816 MB for K = M = 1000, N = 102).

    Parameters
    ----------
    first : (K, T, N) spike counts per frame.
    second : (M, T, N) spike counts per frame, same T and N.
    sampling_rate : Hz.
    time_constant : tau in seconds (see :func:`van_rossum_matrices`).

    Returns
    -------
    (N, K, M) float64 distances.
    """
    decay = _kernel_decay(sampling_rate, time_constant)
    first, second = _spike_counts(first), _spike_counts(second)
    if first.ndim != 3 or second.ndim != 3 or first.shape[1:] != second.shape[1:]:
        raise ValueError(f"first and second must be (K, T, N) and (M, T, N); got {first.shape} and {second.shape}")
    (num_first, num_frames, num_neurons), num_second = first.shape, len(second)
    distances = np.empty((num_neurons, num_first, num_second))
    step = _chunk_size((5 * (num_first + num_second) * num_frames + 3 * num_first * num_second) * 8)
    for start in range(0, num_neurons, step):
        neurons = slice(start, start + step)
        left = first[:, :, neurons].astype(np.float64)  # (K, T, n)
        right = second[:, :, neurons].astype(np.float64)  # (M, T, n)
        filtered_left, filtered_right = _symmetric_filter(left, decay), _symmetric_filter(right, decay)
        own_left = np.einsum("ktn,ktn->nk", left, filtered_left)  # (n, K)
        own_right = np.einsum("mtn,mtn->nm", right, filtered_right)  # (n, M)
        del filtered_left
        by_neuron = np.ascontiguousarray(np.moveaxis(filtered_right, -1, 0).swapaxes(-1, -2))  # (n, T, M)
        cross = _sparse_batched_product(np.moveaxis(left, -1, 0), by_neuron)  # (n, K, M)
        squares = own_left[:, :, None] + own_right[:, None, :] - 2.0 * cross
        integral = _whole_numbers(left) and _whole_numbers(right)
        distances[neurons] = _distances_from_squares(squares, decay, integral)
    return distances
