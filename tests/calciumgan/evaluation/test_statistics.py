import logging
import warnings

import neo
import numpy as np
import pytest
import quantities as pq
from elephant.conversion import BinnedSpikeTrain
from elephant.spike_train_correlation import correlation_coefficient
from elephant.spike_train_dissimilarity import van_rossum_distance
from elephant.statistics import mean_firing_rate

from calciumgan.evaluation import statistics as stats

FS = 24.0
FRAMES = 150  # 6.25 s: 12 whole 0.5 s bins and a trailing partial bin of 6 frames


@pytest.fixture(autouse=True)
def quiet_elephant():
    """Elephant warns about empty trains, discarded trailing spikes and corrected rounding."""
    logger = logging.getLogger("elephant")
    level = logger.level
    logger.setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
    logger.setLevel(level)


def neo_trains(counts: np.ndarray, sampling_rate: float = FS) -> list:
    """One neo SpikeTrain per column of (T, N) counts: frame k at k / fs s, repeated per count."""
    num_frames = counts.shape[0]
    times = np.arange(num_frames) / sampling_rate
    return [
        neo.SpikeTrain(np.repeat(times, counts[:, n].astype(int)) * pq.s, t_stop=num_frames / sampling_rate * pq.s)
        for n in range(counts.shape[1])
    ]


def spike_samples(seed: int, num_samples: int = 3, num_frames: int = FRAMES) -> np.ndarray:
    """(K, T, 8) counts: 6 random neurons (some frames with 2 spikes) and edge cases.

    Neuron 2 is silent, 3 has a single spike, 4 repeats neuron 1, 5 spikes in the first and the
    last frame (the last lies in the discarded partial bin at 0.5 s).
    """
    rng = np.random.default_rng(seed)
    counts = (rng.random((num_samples, num_frames, 8)) < 0.12).astype(np.int64)
    counts += (rng.random(counts.shape) < 0.02) & (counts == 1)
    counts[:, :, 2] = 0
    counts[:, :, 3] = 0
    counts[:, rng.integers(num_frames), 3] = 1
    counts[:, :, 4] = counts[:, :, 1]
    counts[:, :, 5] = 0
    counts[:, [0, -1], 5] = 1
    return counts


ELEPHANT_VAN_ROSSUM_RESIDUE = 1e-6
"""Elephant's distance between identical trains is sqrt(rounding of D^2 = G_ii + G_jj - 2 G_ij),
up to ~2e-7 here. Distinct trains on a 24 Hz grid are at least sqrt((1 - r) / (1 + r)) > 0.01
apart for the time constants below (r = exp(-1 / (tau fs))), so 1e-6 separates the two."""


def assert_matches(actual, expected, rtol=1e-9, zero=1e-10):
    """Same NaN pattern; relative agreement, and |actual| <= zero where the reference is <= zero."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    finite = ~np.isnan(expected)
    small = finite & (np.abs(expected) <= zero)
    np.testing.assert_allclose(actual[finite & ~small], expected[finite & ~small], rtol=rtol, atol=0)
    np.testing.assert_allclose(actual[small], 0.0, rtol=0, atol=zero)


def test_fixture_has_double_spikes():
    assert (spike_samples(0) == 2).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_firing_rates_match_elephant(seed):
    samples = spike_samples(seed)
    expected = [[mean_firing_rate(train).rescale("Hz").magnitude for train in neo_trains(s)] for s in samples]
    assert_matches(stats.firing_rates(samples, FS), expected)


def test_firing_rates_known_answer():
    counts = np.zeros((48, 2))
    counts[[3, 10, 10], 0] = 1  # three spikes in 2 s
    np.testing.assert_array_equal(stats.firing_rates(counts, 24.0), [1.0, 0.0])


@pytest.mark.parametrize("sampling_rate", [24.0, 30.0, 7.5, 15.49])
@pytest.mark.parametrize("bin_width", [0.5, 0.1, 1 / 3, 0.7, 1 / 24, 0.01, 2.0, 0.25])
def test_frame_bins_match_elephant_for_every_frame(sampling_rate, bin_width):
    num_frames = 173
    counts = np.ones((num_frames, 1), dtype=int)  # a spike in every frame tests every frame's bin
    counts[::5] = 2
    reference = BinnedSpikeTrain(
        neo_trains(counts, sampling_rate),
        bin_size=bin_width * pq.s,
        t_start=0 * pq.s,
        t_stop=num_frames / sampling_rate * pq.s,
    )
    binned = stats.binned_counts(counts, sampling_rate, bin_width)
    assert binned.shape == (reference.n_bins, 1)
    np.testing.assert_array_equal(binned, reference.to_array().T)


def test_binned_counts_known_answers():
    ones = np.ones((48, 1))
    # 0.1 s at 24 Hz is 2.4 frames: bins take 3, 2, 3, 2, 2 frames in every 12.
    np.testing.assert_array_equal(stats.binned_counts(ones, 24.0, 0.1)[:5, 0], [3, 2, 3, 2, 2])
    # 1/3 s is 8 frames; frame 8 at 8/24 s sits on the edge up to rounding and opens bin 1.
    np.testing.assert_array_equal(stats.binned_counts(ones, 24.0, 1 / 3)[:, 0], [8] * 6)
    # 69 / 30 s * (1 / 0.01 s) is 229.99999999999997 in float64: Elephant's tolerance puts it in bin 230.
    tiny = stats.binned_counts(np.ones((100, 1)), 30.0, 0.01)[:, 0]
    assert (tiny[229], tiny[230]) == (0, 1)
    # 2 s in 0.7 s bins: two whole bins of 17 frames (k < 16.8, k < 33.6); the last 14 dropped.
    np.testing.assert_array_equal(stats.binned_counts(ones, 24.0, 0.7)[:, 0], [17, 17])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("bin_width", [0.5, 0.1, 1 / 3, 0.25])
@pytest.mark.parametrize("binary", [False, True])
def test_correlation_matrices_match_elephant(seed, bin_width, binary):
    samples = spike_samples(seed)
    expected = [
        correlation_coefficient(
            BinnedSpikeTrain(neo_trains(s), bin_size=bin_width * pq.s, t_start=0 * pq.s, t_stop=FRAMES / FS * pq.s),
            binary=binary,
        )
        for s in samples
    ]
    assert_matches(stats.correlation_matrices(samples, FS, bin_width, binary=binary), expected)


def test_correlation_nan_for_silent_and_constant_neurons():
    counts = np.zeros((48, 4))
    counts[[1, 13, 26, 40], 0] = 1  # one spike in each of four 0.5 s bins: constant counts
    counts[[1, 2, 30], 1] = 1
    counts[[1, 30, 31], 2] = 1
    correlations = stats.correlation_matrices(counts, 24.0, 0.5)
    assert np.isnan(correlations[0]).all() and np.isnan(correlations[:, 0]).all()
    assert np.isnan(correlations[3]).all() and np.isnan(correlations[:, 3]).all()
    # Bins of neurons 1 and 2: [2, 0, 1, 0] and [1, 0, 2, 0]; covariance 1.75, variances 2.75.
    assert correlations[1, 2] == pytest.approx(7 / 11, rel=1e-12)
    assert correlations[1, 1] == pytest.approx(1.0, rel=1e-15)
    binary = stats.correlation_matrices(counts, 24.0, 0.5, binary=True)
    assert binary[1, 2] == pytest.approx(1.0, rel=1e-12)  # both become [1, 0, 1, 0]


def test_default_bins_are_the_thesis_half_second():
    """Two neurons that fire in the same half seconds but never in the same frame: r = 1 in 0.5 s bins (12 frames
    at 24 Hz), negative frame by frame and in 0.25 s bins."""
    counts = np.zeros((240, 2))
    counts[0::24, 0] = 1  # the first frame of every other half second
    counts[11::24, 1] = 1  # the last frame of the same half seconds
    assert stats.correlation_matrices(counts, 24.0)[0, 1] == pytest.approx(1.0, rel=1e-12)
    assert stats.correlation_matrices(counts, 24.0, 1 / 24)[0, 1] < 0
    assert stats.correlation_matrices(counts, 24.0, 0.25)[0, 1] < 0


def test_upper_triangle_known_answer():
    matrices = np.arange(2 * 16).reshape(2, 4, 4)
    np.testing.assert_array_equal(stats.upper_triangle(matrices)[1], [17, 18, 19, 22, 23, 27])
    assert stats.upper_triangle(np.zeros((3, 5, 102, 102))).shape == (3, 5, 102 * 101 // 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("time_constant", [1.0, 0.1, 5.0, 0.02, np.inf])
def test_van_rossum_matrices_match_elephant(seed, time_constant):
    samples = spike_samples(seed)
    expected = [van_rossum_distance(neo_trains(s), time_constant=time_constant * pq.s) for s in samples]
    actual = stats.van_rossum_matrices(samples, FS, time_constant)
    assert_matches(actual, expected, zero=ELEPHANT_VAN_ROSSUM_RESIDUE)
    np.testing.assert_array_equal(actual[:, 1, 4], 0.0)  # identical trains: exactly zero


def test_van_rossum_known_answers():
    counts = np.zeros((240, 4))
    counts[24, 1] = 1  # one spike at 1 s
    counts[72, 2] = 1  # one spike at 3 s
    counts[24, 3] = 2  # two spikes at 1 s
    distances = stats.van_rossum_matrices(counts, 24.0, time_constant=2.0)
    assert distances[0, 1] == pytest.approx(1.0, rel=1e-12)  # Elephant's normalisation
    assert distances[1, 2] == pytest.approx(np.sqrt(2 - 2 * np.exp(-2.0 / 2.0)), rel=1e-12)
    assert distances[0, 3] == pytest.approx(2.0, rel=1e-12)
    assert distances[1, 3] == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_array_equal(np.diagonal(distances), 0.0)
    np.testing.assert_array_equal(distances, distances.T)


@pytest.mark.parametrize("time_constant", [1.0, 0.3])
def test_van_rossum_between_matches_elephant(time_constant):
    first, second = spike_samples(5, num_samples=3), spike_samples(6, num_samples=2)
    second[1] = first[2]  # identical samples: zeros on those entries
    actual = stats.van_rossum_between(first, second, FS, time_constant)
    assert actual.shape == (8, 3, 2)
    expected = np.empty_like(actual)
    for k in range(3):
        trains_first = neo_trains(first[k])
        for m in range(2):
            trains_second = neo_trains(second[m])
            for n in range(8):
                pair = [trains_first[n], trains_second[n]]
                expected[n, k, m] = van_rossum_distance(pair, time_constant=time_constant * pq.s)[0, 1]
    assert_matches(actual, expected, zero=ELEPHANT_VAN_ROSSUM_RESIDUE)
    np.testing.assert_array_equal(actual[:, 2, 1], 0.0)


def test_van_rossum_between_agrees_with_within_sample_distances():
    samples = spike_samples(7, num_samples=2)
    moved = samples[:, :, ::-1].copy()  # neuron n of `moved` is neuron N-1-n of `samples`
    between = stats.van_rossum_between(samples, moved, FS)
    within = stats.van_rossum_matrices(samples, FS)
    n = np.arange(8)
    np.testing.assert_allclose(between[n, 0, 0], within[0, n, 7 - n], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(between[n, 1, 1], within[1, n, 7 - n], rtol=1e-12, atol=1e-12)


def test_batched_shapes():
    samples = spike_samples(8, num_samples=6).reshape(2, 3, FRAMES, 8)
    assert stats.firing_rates(samples, FS).shape == (2, 3, 8)
    assert stats.binned_counts(samples, FS, 0.5).shape == (2, 3, 12, 8)
    assert stats.correlation_matrices(samples, FS).shape == (2, 3, 8, 8)
    assert stats.van_rossum_matrices(samples, FS).shape == (2, 3, 8, 8)
    assert stats.upper_triangle(stats.van_rossum_matrices(samples, FS)).shape == (2, 3, 28)
    flat = stats.van_rossum_matrices(samples.reshape(6, FRAMES, 8), FS)
    np.testing.assert_array_equal(stats.van_rossum_matrices(samples, FS).reshape(6, 8, 8), flat)


def test_chunked_results_equal_unchunked(monkeypatch):
    samples = spike_samples(9, num_samples=5)
    whole_within = stats.van_rossum_matrices(samples, FS)
    whole_between = stats.van_rossum_between(samples[:3], samples[3:], FS)
    monkeypatch.setattr(stats, "CHUNK_BYTES", 1)  # one sample / one neuron per chunk
    np.testing.assert_allclose(stats.van_rossum_matrices(samples, FS), whole_within, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(stats.van_rossum_between(samples[:3], samples[3:], FS), whole_between, rtol=1e-12)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="non-negative"):
        stats.firing_rates(-np.ones((4, 2)), FS)
    with pytest.raises(ValueError, match="longer than"):
        stats.binned_counts(np.ones((10, 2)), FS, 1.0)
    with pytest.raises(ValueError, match="time_constant"):
        stats.van_rossum_matrices(np.ones((10, 2)), FS, 0.0)
    with pytest.raises(ValueError, match="first and second"):
        stats.van_rossum_between(np.ones((2, 10, 2)), np.ones((2, 11, 2)), FS)


def test_input_dtypes_give_identical_results():
    counts = spike_samples(10, num_samples=2)
    counts[:, :, 6] = np.minimum(counts[:, :, 6], 1)
    binary = counts[:, :, 6:8] > 0
    for function in (stats.firing_rates, stats.correlation_matrices, stats.van_rossum_matrices):
        reference = function(counts, FS)
        np.testing.assert_array_equal(function(counts.astype(np.float32), FS), reference)
        np.testing.assert_array_equal(function(binary, FS), function(binary.astype(np.int64), FS))


def test_weighted_spikes_follow_the_same_formulas():
    """Non-integer counts (e.g. deconvolved amplitudes): Pearson of binned sums, kernel quadratic form."""
    rng = np.random.default_rng(11)
    weights = rng.random((96, 4)) * (rng.random((96, 4)) < 0.2)
    weights[:, 3] = 0.1  # the same amount in every bin: no correlation defined
    binned = weights[:96].reshape(8, 12, 4).sum(axis=1)
    expected = np.corrcoef(binned[:, :3].T)
    correlations = stats.correlation_matrices(weights, 24.0, 0.5)
    np.testing.assert_allclose(correlations[:3, :3], expected, rtol=1e-9)
    assert np.isnan(correlations[3]).all()
    lags = np.abs(np.arange(96)[:, None] - np.arange(96)[None, :])
    kernel = np.exp(-lags / (0.7 * 24.0))
    differences = weights[:, :, None] - weights[:, None, :]
    expected = np.sqrt(np.einsum("tij,ts,sij->ij", differences, kernel, differences))
    np.testing.assert_allclose(stats.van_rossum_matrices(weights, 24.0, 0.7), expected, rtol=1e-9, atol=1e-12)
    between = stats.van_rossum_between(weights[None], weights[None, :, ::-1], 24.0, 0.7)
    np.testing.assert_allclose(between[:, 0, 0], expected[np.arange(4), 3 - np.arange(4)], rtol=1e-9, atol=1e-12)


def test_active_neurons_count_the_neurons_spiking_in_each_frame():
    spikes = np.array([[[0, 2, 1], [0, 0, 0], [1, 1, 1]], [[3, 0, 0], [0, 1, 0], [0, 0, 0]]])
    np.testing.assert_array_equal(stats.active_neurons(spikes), [[2, 0, 3], [1, 1, 0]])
