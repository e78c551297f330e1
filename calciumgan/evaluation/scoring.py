"""Spike statistics of sets of samples and their divergence from held-out real data (Table 4.3).

Every set of spike trains (K, T, N) is summarised by four distributions: the mean
firing rate of each neuron in each sample (K, N), the Pearson correlation of binned
counts of each pair of neurons in each sample (K, P), the van Rossum distance of
each pair in each sample (K, P), P = N (N - 1) / 2 (the three of Table 4.3), and the
number of neurons active in each frame of each sample (K, T), population synchrony. A set
is scored against the held-out real set with KL(real || other): one KL per neuron over
samples for the firing rate, one per sample over pairs (or frames) for the others
(sample i against real sample i), and the table shows their means.

Windows cut from one recording overlap, so K windows are not K independent samples. Each
mean comes with a block-bootstrap interval: real windows are grouped into blocks by where they
start (one block per window length of the recording), whole blocks are resampled with
replacement, and the means are recomputed on the samples drawn. The interval holds the central
percentiles of those means, shifted by their bias (their average minus the estimate): a KL
recomputed on a resample with duplicated samples comes out larger than the estimate.
"""

import dataclasses

import numpy as np

from calciumgan.evaluation.divergence import kl_of_counts, kl_per_column, kl_per_row, window_histograms
from calciumgan.evaluation.pairs import pair_count, pair_neurons, pair_subset
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.evaluation.statistics import active_neurons, firing_rates, pair_correlations, pair_van_rossum

STATISTICS = ("firing_rate", "correlation", "van_rossum", "synchrony")
PER_SAMPLE = ("correlation", "van_rossum", "synchrony")  # one KL per sample (the firing rate: one per neuron)
BOOTSTRAP_RESAMPLES = 200
INTERVAL_LEVEL = 0.95
EXAMPLE_NEURONS = 6  # neurons the figures show
TITLES = {"firing_rate": "mean firing rate", "correlation": "pairwise correlation", "van_rossum": "van Rossum distance",
          "synchrony": "neurons active per frame"}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class SpikeStatistics:
    """Distributions of one set of spike trains.

    ``firing_rate`` (K, N) in Hz; ``correlation`` and ``van_rossum`` (K, P) over P pairs
    of neurons (correlation is NaN for a neuron whose binned counts never vary);
    ``synchrony`` (K, T), the number of neurons spiking in each frame; ``pairs`` (first,
    second), each (P,), the neurons of those pairs: all N (N - 1) / 2, or the fixed sample
    of ``evaluate.max_pairs`` (``calciumgan.evaluation.pairs``), the same for every set.
    """

    firing_rate: np.ndarray
    correlation: np.ndarray
    van_rossum: np.ndarray
    synchrony: np.ndarray
    pairs: tuple

    @classmethod
    def of(cls, spikes: np.ndarray, sampling_rate: float, config: EvaluateConfig) -> "SpikeStatistics":
        """Statistics of (K, T, N) spike counts per frame."""
        num_neurons = spikes.shape[-1]
        pairs = pair_neurons(num_neurons, pair_subset(pair_count(num_neurons), config.max_pairs))
        return cls(
            firing_rate=firing_rates(spikes, sampling_rate),
            correlation=pair_correlations(spikes, sampling_rate, config.correlation_bin_width, pairs),
            van_rossum=pair_van_rossum(spikes, sampling_rate, config.van_rossum_time_constant, pairs),
            synchrony=active_neurons(spikes),
            pairs=pairs,
        )

    @classmethod
    def joined(cls, parts: list) -> "SpikeStatistics":
        """The statistics of consecutive chunks of one set's samples, as one (every part has the same pairs)."""
        arrays = {name: np.concatenate([getattr(part, name) for part in parts]) for name in STATISTICS}
        return cls(**arrays, pairs=parts[0].pairs)

    def pair_summary(self) -> dict:
        """How many pairs the pairwise statistics compared, of how many."""
        return {"compared": len(self.pairs[0]), "of": pair_count(self.firing_rate.shape[1])}


@dataclasses.dataclass(frozen=True)
class Divergences:
    """KL(real || other) per neuron (firing rate, (N,)) and per sample (the others, (K,))."""

    firing_rate: np.ndarray
    correlation: np.ndarray
    van_rossum: np.ndarray
    synchrony: np.ndarray

    @classmethod
    def between(cls, real: SpikeStatistics, other: SpikeStatistics, config: EvaluateConfig) -> "Divergences":
        if len(other.correlation) != len(real.correlation):
            raise ValueError(f"sets differ in size: {len(real.correlation)} real and {len(other.correlation)} other")
        settings = {"bins": config.kl_bins, "pseudo_count": config.kl_pseudo_count}
        return cls(firing_rate=kl_per_column(real.firing_rate, other.firing_rate, **settings),
                   **{name: kl_per_row(getattr(real, name), getattr(other, name), **settings) for name in PER_SAMPLE})

    def means(self) -> dict:
        """Mean KL of each statistic over its neurons or samples (NaNs, e.g. all-silent, skipped)."""
        return {name: float(np.nanmean(getattr(self, name))) for name in STATISTICS}


def window_blocks(starts: np.ndarray, window: int) -> np.ndarray:
    """(K,) block of each window starting at frame ``starts[k]``: windows in one span of ``window`` frames share one."""
    return np.asarray(starts) // window


def bootstrap_indices(blocks: np.ndarray, rng: np.random.Generator):
    """``BOOTSTRAP_RESAMPLES`` index arrays into the K samples, each whole blocks drawn with replacement.

    ``blocks`` (K,) groups the samples (see :func:`window_blocks`; ``arange(K)`` for independent samples).
    """
    members = [np.flatnonzero(blocks == block) for block in np.unique(blocks)]
    for _ in range(BOOTSTRAP_RESAMPLES):
        yield np.concatenate([members[chosen] for chosen in rng.integers(len(members), size=len(members))])


def shifted_interval(draws: np.ndarray, estimate: float, low: float = 0.0, high: float = np.inf) -> list:
    """[low, high]: the central ``INTERVAL_LEVEL`` percentiles of bootstrap ``draws`` of ``estimate``, shifted
    by their bias (their mean minus the estimate) and clipped to the statistic's range [low, high]."""
    tail, bias = 50 * (1 - INTERVAL_LEVEL), np.mean(draws) - estimate
    return [float(np.clip(np.percentile(draws, tail) - bias, low, high)),
            float(np.clip(np.percentile(draws, 100 - tail) - bias, low, high))]  # fmt: skip


def resampling_weights(indices: list, count: int) -> np.ndarray:
    """(draws, K) float32: how often each of ``count`` samples is drawn into each resample of ``indices``."""
    return np.stack([np.bincount(index, minlength=count) for index in indices]).astype(np.float32)


def _mean_kl(real_counts: np.ndarray, other_counts: np.ndarray, trivial: np.ndarray, pseudo_count: float):
    """(...,) mean over columns of the KL of (..., C, bins) histogram counts; 0 for the (C,) ``trivial`` columns."""
    bins = real_counts.shape[-1]
    kl = kl_of_counts(real_counts.reshape(-1, bins), other_counts.reshape(-1, bins), pseudo_count)
    return np.where(trivial, 0.0, kl.reshape(real_counts.shape[:-1])).mean(axis=-1)


def resampled_mean_kl(real, other, weights: np.ndarray, config: EvaluateConfig) -> tuple[float, np.ndarray]:
    """The mean per-column KL of (K, S, C) ``real`` against (K, S', C) ``other`` over all K windows
    (``np.mean(kl_per_column(...))`` of the values stacked over windows), and (draws,) the same mean on
    each resample of windows given by ``weights`` (draws, K), on the same bins.

    Each window's histograms are counted once, so a resample's histograms are a weighted sum of
    them: every resample at once is one matrix product.
    """
    real_counts, other_counts, trivial = window_histograms(real, other, config.kl_bins)
    value = float(_mean_kl(real_counts.sum(axis=0), other_counts.sum(axis=0), trivial, config.kl_pseudo_count))
    resampled = [(weights @ counts.reshape(len(counts), -1)).reshape(len(weights), *counts.shape[1:])
                 for counts in (real_counts, other_counts)]  # fmt: skip
    return value, _mean_kl(*resampled, trivial, config.kl_pseudo_count)


def bootstrap_intervals(real: SpikeStatistics, other: SpikeStatistics, divergences: Divergences, blocks: np.ndarray,
                        config: EvaluateConfig, rng: np.random.Generator) -> dict:  # fmt: skip
    """Statistic -> [low, high], the bias-shifted ``INTERVAL_LEVEL`` block-bootstrap interval of the mean KL (>= 0).

    ``blocks`` (K,) groups the samples (see :func:`bootstrap_indices`). The firing-rate KL is
    recomputed on each resample, on the bins of the whole sets; the per-sample KLs are averaged
    over the samples drawn.
    """
    weights = resampling_weights(list(bootstrap_indices(blocks, rng)), len(blocks))
    means = divergences.means()
    _, rate_draws = resampled_mean_kl(real.firing_rate[:, None, :], other.firing_rate[:, None, :], weights, config)
    draws = {"firing_rate": rate_draws}
    for name in PER_SAMPLE:
        values = getattr(divergences, name)
        finite = np.isfinite(values)
        with np.errstate(invalid="ignore", divide="ignore"):  # a resample of NaNs alone has no mean
            draws[name] = (weights @ np.where(finite, values, 0.0)) / (weights @ finite)
    return {name: shifted_interval(draws[name], means[name]) for name in STATISTICS}


def ground_truth_errors(spikes: np.ndarray, sampling_rate: float, true_rates, true_covariance) -> dict:
    """RMSE of per-neuron firing rate (Hz) and pairwise covariance per frame against a known model.

    ``spikes`` (K, T, N) are read as binary indicators of frames with a spike; rates are
    averaged over all samples, the covariance is taken over all K T frames; ``true_rates`` (N,)
    Hz and ``true_covariance`` (N, N) must describe the same indicators (a surrogate's
    ``active_rate_hz`` and ``active_covariance``).
    """
    frames = (np.asarray(spikes).reshape(-1, spikes.shape[-1]) > 0).astype(np.float64)
    rates = frames.mean(axis=0) * sampling_rate
    covariance = np.cov(frames, rowvar=False)
    pairs = np.triu_indices(len(rates), 1)
    return {
        "firing_rate_rmse_hz": float(np.sqrt(np.mean((rates - true_rates) ** 2))),
        "covariance_rmse": float(np.sqrt(np.mean((covariance[pairs] - np.asarray(true_covariance)[pairs]) ** 2))),
    }


def example_neurons(rates: np.ndarray, count: int = EXAMPLE_NEURONS) -> list:
    """Up to ``count`` neurons spread over the ranking of mean firing rates, most active first.

    ``rates`` (K, N) in Hz, per sample and neuron; returns column indices into N.
    """
    means = rates.mean(axis=0)
    order = np.argsort(means)[::-1]
    picks = {int(order[i]) for i in np.linspace(0, len(order) - 1, min(count, len(order))).astype(int)}
    return sorted(picks, key=lambda neuron: -means[neuron])
