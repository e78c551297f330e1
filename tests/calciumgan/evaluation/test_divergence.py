import numpy as np
import pytest
from scipy.stats import entropy

from calciumgan.evaluation.divergence import (
    DEFAULT_PSEUDO_COUNT,
    histogram_pair,
    kl_divergence,
    kl_per_column,
    kl_per_row,
)


def reference_kl(real, synthetic, bins=30, pseudo_count=DEFAULT_PSEUDO_COUNT):
    """np.histogram on the pooled finite range, pseudo-count, then scipy.stats.entropy."""
    real = np.asarray(real, float)[np.isfinite(real)]
    synthetic = np.asarray(synthetic, float)[np.isfinite(synthetic)]
    pooled = np.concatenate([real, synthetic])
    value_range = (pooled.min(), pooled.max())
    p, _ = np.histogram(real, bins, range=value_range)
    q, _ = np.histogram(synthetic, bins, range=value_range)
    return entropy(p + pseudo_count, q + pseudo_count)


def discrete_values(rng, size, shift=0.0):
    """Values on a grid (like spike counts / duration), many of them exactly on bin edges."""
    return (rng.poisson(4.0 + shift, size=size) + rng.integers(0, 3, size=size) * 0.5) / 7.0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("bins", [30, 7, 2])
@pytest.mark.parametrize("pseudo_count", [0.5, 1.0, 0.01])
def test_matches_scipy_entropy(seed, bins, pseudo_count):
    rng = np.random.default_rng(seed)
    continuous = rng.normal(size=400), rng.normal(0.4, 1.3, size=250)
    discrete = discrete_values(rng, 300), discrete_values(rng, 500, shift=1.0)
    for real, synthetic in (continuous, discrete):
        expected = reference_kl(real, synthetic, bins, pseudo_count)
        assert kl_divergence(real, synthetic, bins, pseudo_count) == pytest.approx(expected, rel=1e-12)


def test_default_pseudo_count_is_krichevsky_trofimov():
    rng = np.random.default_rng(3)
    real, synthetic = rng.normal(size=100), rng.normal(1.0, size=100)
    assert kl_divergence(real, synthetic) == pytest.approx(reference_kl(real, synthetic, 30, 0.5), rel=1e-12)


def test_identical_samples_score_zero():
    values = np.random.default_rng(4).exponential(size=500)
    assert kl_divergence(values, values) == 0.0
    assert kl_divergence(values, values[::-1], pseudo_count=0.0) == 0.0


def test_hand_worked_two_bins():
    real, synthetic = [0.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0]
    # p = (3/4, 1/4), q = (1/4, 3/4): 3/4 ln 3 + 1/4 ln(1/3) = ln(3) / 2.
    assert kl_divergence(real, synthetic, bins=2, pseudo_count=0.0) == pytest.approx(np.log(3) / 2, rel=1e-14)
    # With 0.5 added: p = (0.7, 0.3), q = (0.3, 0.7): 0.4 ln(7/3).
    assert kl_divergence(real, synthetic, bins=2, pseudo_count=0.5) == pytest.approx(0.4 * np.log(7 / 3), rel=1e-14)
    # The direction is KL(real || synthetic): p = (0.9, 0.1) against q = (0.5, 0.5) and back.
    skewed, even = [0.0] * 9 + [1.0], [0.0] * 5 + [1.0] * 5
    forward = 0.9 * np.log(0.9 / 0.5) + 0.1 * np.log(0.1 / 0.5)
    backward = 0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.5 / 0.1)
    assert kl_divergence(skewed, even, bins=2, pseudo_count=0.0) == pytest.approx(forward, rel=1e-14)
    assert kl_divergence(even, skewed, bins=2, pseudo_count=0.0) == pytest.approx(backward, rel=1e-14)


def test_missing_bin_without_pseudo_count_is_infinite():
    assert kl_divergence([0.0, 1.0], [0.0, 0.0], bins=2, pseudo_count=0.0) == np.inf
    assert np.isfinite(kl_divergence([0.0, 1.0], [0.0, 0.0], bins=2))


def test_nans_dropped_and_degenerate_cases():
    rng = np.random.default_rng(5)
    real, synthetic = rng.normal(size=200), rng.normal(size=150)
    with_nans = np.concatenate([real, [np.nan, np.nan]])
    assert kl_divergence(with_nans, synthetic) == kl_divergence(real, synthetic)
    # A side without values is the pseudo-counts alone: uniform over the other side's range.
    counts = np.histogram(synthetic, 30)[0] + 0.5
    uniform, q = np.full(30, 1 / 30), counts / counts.sum()
    assert kl_divergence([np.nan, np.nan], synthetic) == pytest.approx(np.sum(uniform * np.log(uniform / q)))
    counts = np.histogram(real, 30)[0] + 0.5
    assert kl_divergence(real, []) == pytest.approx(np.sum(counts / counts.sum() * np.log(counts / counts.sum() * 30)))
    assert kl_divergence([np.nan], [np.nan, np.nan]) == 0.0  # both undefined: they agree
    assert np.isnan(kl_divergence(real, [], pseudo_count=0.0))
    assert kl_divergence([0.4] * 3, [np.nan]) > 0  # one value on one side: a widened range, as NumPy
    # A single pooled value: both histograms are one spike, whatever the sample sizes.
    assert kl_divergence([0.3] * 5, [0.3, np.nan] * 40) == 0.0


def test_histogram_pair_equals_numpy():
    rng = np.random.default_rng(6)
    real, synthetic = discrete_values(rng, 300), discrete_values(rng, 200, shift=2.0)
    real_counts, synthetic_counts, edges = histogram_pair(real, synthetic, bins=11)
    pooled = np.concatenate([real, synthetic])
    expected_real, expected_edges = np.histogram(real, 11, range=(pooled.min(), pooled.max()))
    np.testing.assert_array_equal(real_counts, expected_real)
    np.testing.assert_array_equal(synthetic_counts, np.histogram(synthetic, expected_edges)[0])
    np.testing.assert_array_equal(edges, expected_edges)


def test_values_within_an_ulp_of_an_edge_bin_as_numpy():
    # On [0, 9/7] in 3 bins, 3/7 and 6/7 give (x - min) / (max - min) * 3 of exactly 1 and 2 but
    # lie a rounding below the edges 3/7 and 6/7 that np.linspace computes: NumPy bins them low.
    values = np.arange(10) / 7
    counts, _, edges = histogram_pair(values, values[:5], bins=3)
    np.testing.assert_array_equal(counts, np.histogram(values, 3)[0])
    np.testing.assert_array_equal(counts, [4, 3, 3])
    columns = np.stack([values, values * 2, values[::-1]], axis=1)
    synthetic = columns[::2]
    expected = [reference_kl(columns[:, c], synthetic[:, c], bins=3) for c in range(3)]
    np.testing.assert_allclose(kl_per_column(columns, synthetic, bins=3), expected, rtol=1e-12)


def per_item_reference(real_rows, synthetic_rows, **kwargs):
    return np.array([kl_divergence(r, s, **kwargs) for r, s in zip(real_rows, synthetic_rows)])


def test_kl_per_column_equals_one_call_per_column():
    rng = np.random.default_rng(7)
    real, synthetic = discrete_values(rng, (60, 40)), discrete_values(rng, (45, 40), shift=0.5)
    real[:, 3] = np.nan  # no finite real values: the uniform pseudo-count histogram
    real[::3, 4] = np.nan  # some NaNs: dropped
    real[:, 5], synthetic[:, 5] = 0.25, 0.25  # one pooled value: 0
    synthetic[:, 6] = real[:45, 6]
    divergences = kl_per_column(real, synthetic, bins=9)
    assert divergences.shape == (40,)
    expected = per_item_reference(real.T, synthetic.T, bins=9)
    np.testing.assert_allclose(divergences, expected, rtol=1e-12, atol=0)
    assert divergences[3] > 0 and divergences[5] == 0.0 and np.isfinite(divergences).all()
    assert divergences[0] == pytest.approx(reference_kl(real[:, 0], synthetic[:, 0], bins=9), rel=1e-12)


def test_kl_per_row_equals_one_call_per_row():
    rng = np.random.default_rng(8)
    real, synthetic = rng.normal(size=(25, 66)), rng.normal(0.2, 1.1, size=(25, 55))
    synthetic[2] = np.nan
    real[4, :10] = np.nan
    divergences = kl_per_row(real, synthetic, pseudo_count=1.0)
    assert divergences.shape == (25,)
    np.testing.assert_allclose(divergences, per_item_reference(real, synthetic, pseudo_count=1.0), rtol=1e-12)
    assert divergences[2] > 0 and np.isfinite(divergences).all()
    assert divergences[0] == pytest.approx(reference_kl(real[0], synthetic[0], pseudo_count=1.0), rel=1e-12)


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="bins"):
        kl_divergence([0, 1], [0, 1], bins=0)
    with pytest.raises(ValueError, match="pseudo_count"):
        kl_divergence([0, 1], [0, 1], pseudo_count=-1.0)
    with pytest.raises(ValueError, match="real and synthetic"):
        kl_per_column(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="real and synthetic"):
        kl_per_row(np.zeros((3, 4)), np.zeros((2, 4)))
