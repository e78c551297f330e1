"""Pairwise statistics on a fixed sample of pairs: the same values as all pairs, and nearly the same KL."""

import numpy as np
import pytest

from calciumgan.config import EvaluateConfig
from calciumgan.evaluation import statistics as stats
from calciumgan.evaluation.pairs import pair_count, pair_neurons, pair_subset
from calciumgan.evaluation.scoring import Divergences, SpikeStatistics
from calciumgan.evaluation.trace_statistics import TraceStatistics

RATE = 24.0


def test_pair_subset_is_all_pairs_or_a_fixed_sorted_sample():
    np.testing.assert_array_equal(pair_subset(10, 10), np.arange(10))
    subset = pair_subset(pair_count(200), limit=300)
    assert len(subset) == 300 and np.all(np.diff(subset) > 0) and subset[-1] < 200 * 199 // 2
    np.testing.assert_array_equal(subset, pair_subset(pair_count(200), limit=300))


@pytest.mark.parametrize("num_neurons", [2, 7, 102])
def test_pair_neurons_name_the_upper_triangle_in_row_major_order(num_neurons):
    first, second = pair_neurons(num_neurons, np.arange(pair_count(num_neurons)))
    expected_first, expected_second = np.triu_indices(num_neurons, 1)
    np.testing.assert_array_equal(first, expected_first)
    np.testing.assert_array_equal(second, expected_second)


def test_pair_neurons_of_a_large_recording_without_forming_every_pair():
    positions = np.array([0, 4_998, 4_999, 12_497_499])  # (0, 1), (0, 4999), (1, 2), (4998, 4999) of 5,000
    first, second = pair_neurons(5_000, positions)
    np.testing.assert_array_equal(first, [0, 0, 1, 4_998])
    np.testing.assert_array_equal(second, [1, 4_999, 2, 4_999])


def _spikes(seed, shape=(20, 240, 30), rate=0.05):
    return np.random.default_rng(seed).poisson(rate, size=shape).astype(np.uint8)


def test_pair_statistics_equal_the_matrices_at_those_pairs():
    spikes = _spikes(0)
    spikes[3, :, 4] = 0  # a silent neuron: NaN correlations
    positions = pair_subset(pair_count(30), 100)
    pairs = pair_neurons(30, positions)
    correlations = stats.pair_correlations(spikes, RATE, 0.5, pairs)
    np.testing.assert_array_equal(np.isnan(correlations), np.isnan(stats.upper_triangle(
        stats.correlation_matrices(spikes, RATE, 0.5))[:, positions]))  # fmt: skip
    np.testing.assert_allclose(correlations, stats.upper_triangle(stats.correlation_matrices(spikes, RATE, 0.5))[
        :, positions], rtol=1e-12)  # fmt: skip
    # 100 of 435 pairs take the spike-visiting route, the matrices (every pair) one matrix product per sample
    assert stats.GRAM_SHARE * 100 < 30 * 30 <= stats.GRAM_SHARE * 435
    np.testing.assert_allclose(stats.pair_van_rossum(spikes, RATE, 1.0, pairs),
                               stats.upper_triangle(stats.van_rossum_matrices(spikes, RATE, 1.0))[:, positions],
                               rtol=1e-12, atol=1e-12)  # fmt: skip


def test_van_rossum_chunks_by_spike_visits_give_the_same_distances(monkeypatch):
    spikes = _spikes(1, shape=(12, 120, 9), rate=0.2)
    whole = stats.pair_van_rossum(spikes, RATE)
    monkeypatch.setattr(stats, "VISITS_PER_CHUNK", 1)  # one sample per chunk
    np.testing.assert_array_equal(stats.pair_van_rossum(spikes, RATE), whole)


def test_trace_correlations_of_chosen_pairs_equal_numpy():
    traces = np.random.default_rng(3).standard_normal((4, 50, 6))
    pairs = (np.array([0, 2, 1]), np.array([5, 3, 4]))
    values = TraceStatistics.of(traces, RATE, pairs).correlation
    for k in range(4):
        matrix = np.corrcoef(traces[k].T)
        np.testing.assert_allclose(values[k], matrix[pairs], rtol=1e-10)


def test_a_sample_of_pairs_gives_the_all_pairs_kl_within_five_percent():
    """300 neurons (44,850 pairs) in three assemblies of correlated neurons, real and other differing in the
    assemblies' strength: the correlation and van Rossum KLs from the default 10,000 pairs are within 5 %
    (and 0.005 nats) of those from all pairs, and every row compares the same pairs. A histogram of fewer
    values reads a little more KL: here 0.081 against 0.079 for the correlations."""

    def assemblies(seed, coupling):
        rng = np.random.default_rng(seed)
        drive = rng.random((40, 240, 3)) < 0.05
        members = np.repeat(np.arange(3), 100)
        private = rng.random((40, 240, 300)) < 0.03
        return (private | (drive[:, :, members] & (rng.random((40, 240, 300)) < coupling))).astype(np.uint8)

    real, other = assemblies(0, 0.6), assemblies(1, 0.2)
    sampled, every = EvaluateConfig(), EvaluateConfig(max_pairs=pair_count(300))
    kls = {}
    for name, config in (("sampled", sampled), ("every", every)):
        real_statistics, other_statistics = (SpikeStatistics.of(spikes, RATE, config) for spikes in (real, other))
        np.testing.assert_array_equal(real_statistics.pairs[0], other_statistics.pairs[0])
        kls[name] = Divergences.between(real_statistics, other_statistics, config).means()
        assert real_statistics.pair_summary() == {"compared": min(config.max_pairs, 44_850), "of": 44_850}
    for statistic in ("correlation", "van_rossum"):
        assert kls["every"][statistic] > 0.05  # the sets do differ
        assert kls["sampled"][statistic] == pytest.approx(kls["every"][statistic], rel=0.05, abs=0.005)


def test_the_report_says_how_many_pairs_it_compared(tmp_path):
    """12 neurons (66 pairs) with ``evaluate.max_pairs: 20``: report.json and report.md say 20 of 66."""
    from calciumgan.api import evaluate_arrays
    from calciumgan.evaluation.report import write_report

    rng = np.random.default_rng(0)
    traces = 0.3 * rng.standard_normal((3, 30 * 240, 12)) + (rng.random((3, 30 * 240, 12)) < 0.03)
    real, synthetic, train = (block.reshape(30, 240, 12) for block in traces)
    config = EvaluateConfig(num_samples=30, max_pairs=20, workers=1, progress=False)
    evaluation = evaluate_arrays(real, synthetic, RATE, config, train=train)
    assert evaluation.statistics["model"].correlation.shape == (30, 20)
    assert evaluation.extras["pairs"] == {"compared": 20, "of": 66}
    write_report(evaluation, tmp_path)
    assert "over 20 of the 66 pairs of neurons" in (tmp_path / "report.md").read_text()
