"""Spike statistics of sets of samples and their divergence from held-out real data (Table 4.3).

Every set of spike trains (K, T, N) is summarised by three distributions: the mean
firing rate of each neuron in each sample (K, N), the Pearson correlation of binned
counts of each pair of neurons in each sample (K, P) and the van Rossum distance of
each pair in each sample (K, P), P = N (N - 1) / 2. A set is scored against the
held-out real set with KL(real || other): one KL per neuron over samples for the
firing rate, one per sample over pairs for correlation and van Rossum distance
(sample i against real sample i), and the table shows their means.
"""

import dataclasses

import numpy as np

from calciumgan.config import EvaluateConfig
from calciumgan.evaluation.divergence import kl_per_column, kl_per_row
from calciumgan.evaluation.statistics import correlation_matrices, firing_rates, upper_triangle, van_rossum_matrices

STATISTICS = ("firing_rate", "correlation", "van_rossum")
EXAMPLE_NEURONS = 6  # neurons the figures show
TITLES = {"firing_rate": "mean firing rate", "correlation": "pairwise correlation", "van_rossum": "van Rossum distance"}


@dataclasses.dataclass(frozen=True)
class SpikeStatistics:
    """Distributions of one set of spike trains.

    ``firing_rate`` (K, N) in Hz; ``correlation`` and ``van_rossum`` (K, P) over the
    pairs of neurons (correlation is NaN for a neuron whose binned counts never vary).
    """

    firing_rate: np.ndarray
    correlation: np.ndarray
    van_rossum: np.ndarray

    @classmethod
    def of(cls, spikes: np.ndarray, sampling_rate: float, config: EvaluateConfig) -> "SpikeStatistics":
        """Statistics of (K, T, N) spike counts per frame."""
        return cls(
            firing_rate=firing_rates(spikes, sampling_rate),
            correlation=upper_triangle(correlation_matrices(spikes, sampling_rate, config.correlation_bin_width)),
            van_rossum=upper_triangle(van_rossum_matrices(spikes, sampling_rate, config.van_rossum_time_constant)),
        )


@dataclasses.dataclass(frozen=True)
class Divergences:
    """KL(real || other) per neuron (firing rate, (N,)) and per sample (correlation, van Rossum, (K,))."""

    firing_rate: np.ndarray
    correlation: np.ndarray
    van_rossum: np.ndarray

    @classmethod
    def between(cls, real: SpikeStatistics, other: SpikeStatistics, config: EvaluateConfig) -> "Divergences":
        if len(other.correlation) != len(real.correlation):
            raise ValueError(f"sets differ in size: {len(real.correlation)} real and {len(other.correlation)} other")
        settings = {"bins": config.kl_bins, "pseudo_count": config.kl_pseudo_count}
        return cls(
            firing_rate=kl_per_column(real.firing_rate, other.firing_rate, **settings),
            correlation=kl_per_row(real.correlation, other.correlation, **settings),
            van_rossum=kl_per_row(real.van_rossum, other.van_rossum, **settings),
        )

    def means(self) -> dict:
        """Mean KL of each statistic over its neurons or samples (NaNs, e.g. all-silent, skipped)."""
        return {name: float(np.nanmean(getattr(self, name))) for name in STATISTICS}


def ground_truth_errors(spikes: np.ndarray, sampling_rate: float, true_rates, true_covariance) -> dict:
    """RMSE of per-neuron firing rate (Hz) and pairwise covariance per frame against a known model.

    ``spikes`` (K, T, N); rates are averaged over all samples, the covariance of binary
    spike indicators per frame is taken over all K T frames; ``true_rates`` (N,) Hz and
    ``true_covariance`` (N, N) as the dichotomized-Gaussian model defines them.
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
