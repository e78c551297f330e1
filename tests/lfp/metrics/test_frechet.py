"""Fréchet distance: closed forms, a scipy.linalg.sqrtm reference, symmetry and invariances, both routes."""

import numpy as np
import pytest
import scipy.linalg

from lfp.metrics.frechet import _cheaper_method, frechet_distance, frechet_distance_from_moments

ROUTES = ["samples", "dimensions"]
# (samples in x, samples in y, dimension): fewer dimensions than samples, and more (as for raw LFP windows)
SIZES = [(40, 30, 6), (9, 12, 30)]


def _correlated_samples(rng, samples, dimension, shift=0.0):
    mixing = rng.normal(size=(dimension, dimension))
    return rng.normal(size=(samples, dimension)) @ mixing + shift


def _sqrtm_reference(x, y):
    """d² from np.cov and the trace of scipy.linalg.sqrtm(Σ1 Σ2)."""
    cov_x, cov_y = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    cross = np.trace(scipy.linalg.sqrtm(cov_x @ cov_y)).real
    difference = x.mean(axis=0) - y.mean(axis=0)
    return difference @ difference + np.trace(cov_x) + np.trace(cov_y) - 2 * cross


@pytest.mark.parametrize("method", ROUTES)
@pytest.mark.parametrize("n_x, n_y, dimension", SIZES)
def test_both_routes_agree_with_a_sqrtm_reference(method, n_x, n_y, dimension):
    rng = np.random.default_rng(1)
    x = _correlated_samples(rng, n_x, dimension)
    y = _correlated_samples(rng, n_y, dimension, shift=0.5)
    assert frechet_distance(x, y, method=method) == pytest.approx(_sqrtm_reference(x, y), rel=1e-6)


@pytest.mark.parametrize("method", ROUTES)
@pytest.mark.parametrize("n_x, n_y, dimension", SIZES)
def test_a_set_is_at_distance_zero_from_itself(method, n_x, n_y, dimension):
    x = _correlated_samples(np.random.default_rng(2), n_x, dimension) * 100.0
    total_variance = 2 * np.trace(np.cov(x, rowvar=False))
    assert frechet_distance(x, x.copy(), method=method) <= 1e-9 * total_variance


def test_diagonal_gaussians_match_the_closed_form():
    mean_1, mean_2 = np.array([0.0, 1.0, -2.0]), np.array([3.0, 1.0, 0.0])
    variances_1, variances_2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 0.25])
    expected = np.sum((mean_1 - mean_2) ** 2) + np.sum((np.sqrt(variances_1) - np.sqrt(variances_2)) ** 2)
    distance = frechet_distance_from_moments(mean_1, np.diag(variances_1), mean_2, np.diag(variances_2))
    assert distance == pytest.approx(expected, rel=1e-12)  # 13 + 1 + 1 + 6.25 = 21.25


def test_commuting_covariances_match_the_closed_form_in_their_shared_eigenbasis():
    rng = np.random.default_rng(3)
    basis, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    eigenvalues_1, eigenvalues_2 = rng.uniform(0.1, 3.0, size=5), rng.uniform(0.0, 3.0, size=5)
    mean_1, mean_2 = rng.normal(size=5), rng.normal(size=5)
    distance = frechet_distance_from_moments(
        mean_1, basis @ np.diag(eigenvalues_1) @ basis.T, mean_2, basis @ np.diag(eigenvalues_2) @ basis.T
    )
    expected = np.sum((mean_1 - mean_2) ** 2) + np.sum((np.sqrt(eigenvalues_1) - np.sqrt(eigenvalues_2)) ** 2)
    assert distance == pytest.approx(expected, rel=1e-10)


def test_the_moments_api_gives_the_sample_api_result_for_sample_moments():
    rng = np.random.default_rng(4)
    x, y = _correlated_samples(rng, 50, 4), _correlated_samples(rng, 60, 4, shift=1.0)
    from_moments = frechet_distance_from_moments(
        x.mean(axis=0), np.cov(x, rowvar=False), y.mean(axis=0), np.cov(y, rowvar=False)
    )
    assert frechet_distance(x, y) == pytest.approx(from_moments, rel=1e-10)


@pytest.mark.parametrize("method", ROUTES)
def test_the_distance_is_symmetric_and_invariant_to_a_common_rotation(method):
    rng = np.random.default_rng(5)
    x, y = _correlated_samples(rng, 15, 10), _correlated_samples(rng, 20, 10, shift=0.3)
    rotation, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    distance = frechet_distance(x, y, method=method)
    assert frechet_distance(y, x, method=method) == pytest.approx(distance, rel=1e-10)
    assert frechet_distance(x @ rotation, y @ rotation, method=method) == pytest.approx(distance, rel=1e-10)


def test_trailing_axes_are_flattened_into_features():
    rng = np.random.default_rng(6)
    windows_x, windows_y = rng.normal(size=(7, 5, 3)), rng.normal(size=(8, 5, 3)) + 1.0
    flat = frechet_distance(windows_x.reshape(7, 15), windows_y.reshape(8, 15))
    assert frechet_distance(windows_x, windows_y) == pytest.approx(flat, rel=1e-12)


def test_auto_takes_the_sample_route_for_raw_windows_and_the_dimension_route_for_many_samples():
    assert _cheaper_method(4700, 4700, 22 * 313) == "samples"
    assert _cheaper_method(50_000, 50_000, 64) == "dimensions"


@pytest.mark.parametrize(
    "x_shape, y_shape, method, message",
    [
        ((5, 3), (5, 4), "auto", "x has 3 features per sample but y has 4"),
        ((1, 3), (5, 3), "auto", r"x has shape \(1, 3\)"),
        ((5,), (5, 3), "auto", r"x has shape \(5,\)"),
        ((5, 3), (5, 3), "sqrtm", "method 'sqrtm'"),
    ],
)
def test_bad_inputs_raise_one_line_value_errors(x_shape, y_shape, method, message):
    with pytest.raises(ValueError, match=message) as raised:
        frechet_distance(np.zeros(x_shape), np.ones(y_shape), method=method)
    assert "\n" not in str(raised.value)


def test_mismatched_moments_name_the_argument():
    with pytest.raises(ValueError, match=r"covariance_2 has shape \(2, 2\); expected \(3, 3\)"):
        frechet_distance_from_moments(np.zeros(3), np.eye(3), np.zeros(3), np.eye(2))
