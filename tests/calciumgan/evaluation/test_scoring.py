import numpy as np
import pytest

from calciumgan.config import EvaluateConfig
from calciumgan.data.dichotomized_gaussian import DichotomizedGaussian
from calciumgan.evaluation.divergence import kl_divergence
from calciumgan.evaluation.plots import greedy_sorted
from calciumgan.evaluation.scoring import (
    STATISTICS,
    Divergences,
    SpikeStatistics,
    bootstrap_intervals,
    example_neurons,
    ground_truth_errors,
    window_blocks,
)
from calciumgan.evaluation.statistics import firing_rates

CONFIG = EvaluateConfig(correlation_bin_width=0.5, van_rossum_time_constant=1.0, kl_bins=10)


def _spikes(seed, rate=0.05, shape=(20, 240, 5)):
    return (np.random.default_rng(seed).random(shape) < rate).astype(np.uint8)


def test_statistics_shapes_and_values():
    spikes = _spikes(0)
    statistics = SpikeStatistics.of(spikes, 24.0, CONFIG)
    assert statistics.firing_rate.shape == (20, 5)
    assert statistics.correlation.shape == statistics.van_rossum.shape == (20, 10)
    np.testing.assert_allclose(statistics.firing_rate, spikes.sum(axis=1) / 10.0)


def test_a_set_against_itself_scores_zero_and_against_others_more():
    statistics = SpikeStatistics.of(_spikes(1), 24.0, CONFIG)
    same = Divergences.between(statistics, statistics, CONFIG).means()
    assert same == {"firing_rate": 0.0, "correlation": 0.0, "van_rossum": 0.0, "synchrony": 0.0}
    busier = SpikeStatistics.of(_spikes(2, rate=0.2), 24.0, CONFIG)
    different = Divergences.between(statistics, busier, CONFIG)
    assert all(value > 0.1 for value in different.means().values())
    assert different.firing_rate.shape == (5,) and different.correlation.shape == (20,)


def test_divergences_follow_the_thesis_pairing():
    real, other = SpikeStatistics.of(_spikes(3), 24.0, CONFIG), SpikeStatistics.of(_spikes(4), 24.0, CONFIG)
    divergences = Divergences.between(real, other, CONFIG)
    # Firing rate: neuron 2's rates over all samples; correlation: sample 7's pairs against sample 7's.
    assert divergences.firing_rate[2] == pytest.approx(
        kl_divergence(real.firing_rate[:, 2], other.firing_rate[:, 2], bins=10, pseudo_count=0.5)
    )
    assert divergences.correlation[7] == pytest.approx(
        kl_divergence(real.correlation[7], other.correlation[7], bins=10, pseudo_count=0.5), nan_ok=True
    )


def test_sets_of_different_sizes_are_refused():
    real = SpikeStatistics.of(_spikes(5), 24.0, CONFIG)
    with pytest.raises(ValueError, match="sets differ in size: 20 real and 10 other"):
        Divergences.between(real, SpikeStatistics.of(_spikes(6, shape=(10, 240, 5)), 24.0, CONFIG), CONFIG)


def test_ground_truth_errors_are_small_for_the_true_model():
    latent = np.array([[1.0, 0.6], [0.6, 1.0]])
    model = DichotomizedGaussian(gamma=np.array([-1.8, -2.2]), latent_correlation=latent)
    spikes = model.sample(400_000, np.random.default_rng(0)).reshape(100, 4000, 2)
    errors = ground_truth_errors(spikes, 24.0, model.spike_probabilities() * 24.0, model.covariance())
    assert errors["firing_rate_rmse_hz"] < 0.01 and errors["covariance_rmse"] < 5e-4
    shuffled = spikes.copy()
    shuffled[..., 1] = np.random.default_rng(1).permutation(shuffled[..., 1].reshape(-1)).reshape(100, 4000)
    broken = ground_truth_errors(shuffled, 24.0, model.spike_probabilities() * 24.0, model.covariance())
    assert broken["covariance_rmse"] > 10 * errors["covariance_rmse"]
    assert firing_rates(spikes, 24.0).shape == (100, 2)


def test_greedy_sorting_puts_the_closest_pairs_on_the_diagonal():
    distances = np.array([[5.0, 1.0, 9.0], [0.5, 7.0, 8.0], [6.0, 4.0, 3.0]])
    np.testing.assert_array_equal(greedy_sorted(distances), [[0.5, 7.0, 8.0], [5.0, 1.0, 9.0], [6.0, 4.0, 3.0]])


def test_example_neurons_spread_over_the_ranking_of_rates():
    means = np.array([0.1, 0.5, 0.3, 0.9, 0.2, 0.7, 0.4, 0.6])
    rates = np.stack([means - 0.05, means + 0.05])  # (K = 2, N = 8) Hz
    # ranking 3, 5, 7, 1, 6, 2, 4, 0: the first, the fourth and the last, most active first
    assert example_neurons(rates, count=3) == [3, 1, 0]
    assert example_neurons(rates[:, :2]) == [1, 0]


def test_window_blocks_group_overlapping_windows():
    # 1,000 windows of 256 frames over a 4,000-frame block start about 3.7 frames apart: 15 blocks
    starts = np.unique(np.linspace(0, 4000 - 256, 1000).round().astype(int))
    assert len(np.unique(window_blocks(starts, 256))) == 15
    np.testing.assert_array_equal(window_blocks([0, 255, 256, 700], 256), [0, 0, 1, 2])


def test_bootstrap_intervals_contain_the_mean_and_widen_with_dependence():
    rng = np.random.default_rng(3)
    config = EvaluateConfig(kl_bins=10)
    pairs = np.triu_indices(5, 1)  # the 10 pairs of 5 neurons
    real = SpikeStatistics(rng.gamma(2, 1, (120, 5)), rng.normal(size=(120, 10)), rng.normal(size=(120, 10)),
                           rng.poisson(1.0, (120, 30)), pairs)  # fmt: skip
    other = SpikeStatistics(rng.gamma(2, 1.2, (120, 5)), rng.normal(0.3, 1, (120, 10)), rng.normal(size=(120, 10)),
                            rng.poisson(1.5, (120, 30)), pairs)  # fmt: skip
    divergences = Divergences.between(real, other, config)
    independent = bootstrap_intervals(real, other, divergences, np.arange(120), config, np.random.default_rng(0))
    for name, (low, high) in independent.items():
        assert low < divergences.means()[name] < high, name
    # 6 windows, each seen 20 times (heavily overlapping windows): 120 samples but 6 independent ones
    copies, other_copies = (SpikeStatistics(*(np.repeat(getattr(statistics, name)[:6], 20, axis=0)
                                              for name in STATISTICS), pairs) for statistics in (real, other))  # fmt: skip
    copied = Divergences.between(copies, other_copies, config)
    naive = bootstrap_intervals(copies, other_copies, copied, np.arange(120), config, np.random.default_rng(0))
    blocked = bootstrap_intervals(copies, other_copies, copied, np.arange(120) // 20, config, np.random.default_rng(0))
    for name in ("correlation", "van_rossum", "synchrony"):
        assert blocked[name][1] - blocked[name][0] > 2 * (naive[name][1] - naive[name][0]), name
    again = bootstrap_intervals(real, other, divergences, np.arange(120), config, np.random.default_rng(0))
    assert again == independent  # deterministic for a seed


def test_synchrony_tells_population_bursts_from_independent_neurons_with_the_same_rates():
    rng = np.random.default_rng(4)
    bursts = rng.random((40, 200, 1)) < 0.05  # frames where most neurons fire together
    bursting = ((bursts & (rng.random((40, 200, 12)) < 0.8)) | (rng.random((40, 200, 12)) < 0.01)).astype(np.uint8)
    shuffled = np.stack([rng.permutation(bursting[:, :, n].ravel()).reshape(40, 200) for n in range(12)], axis=-1)
    config = EvaluateConfig(correlation_bin_width=1.0)
    real = SpikeStatistics.of(bursting, 24.0, config)
    means = {name: Divergences.between(real, SpikeStatistics.of(other, 24.0, config), config).means()
             for name, other in (("same", bursting[::-1]), ("shuffled", shuffled))}  # fmt: skip
    assert means["shuffled"]["synchrony"] > 5 * means["same"]["synchrony"]
    assert means["shuffled"]["firing_rate"] < 0.5  # the rates alone cannot tell them apart
