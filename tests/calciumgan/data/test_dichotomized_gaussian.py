import logging

import numpy as np
import pytest
from scipy import special
from scipy.stats import multivariate_normal

from calciumgan.data.dichotomized_gaussian import (
    MAX_LATENT_CORRELATION,
    NOTICEABLE_CHANGE,
    PSD_TOLERANCE,
    DichotomizedGaussian,
    bivariate_normal_cdf,
    fit_dichotomized_gaussian,
    fit_to_spikes,
    nearest_correlation_matrix,
    solve_latent_correlation,
)


def factor_model(probabilities, seed=0) -> DichotomizedGaussian:
    """A latent model with two assemblies (latent correlations >= 0.5) and an opponent pair."""
    rng = np.random.default_rng(seed)
    num_neurons = len(probabilities)
    loadings = np.zeros((num_neurons, 4))
    loadings[:, 0] = 0.2
    loadings[:3, 1] = [0.8, 0.75, 0.85]
    loadings[3:6, 2] = [0.7, 0.8, 0.75]
    loadings[6, 3], loadings[7, 3] = 0.7, -0.7
    loadings[:, 0] += 0.05 * rng.standard_normal(num_neurons)
    correlation = loadings @ loadings.T
    np.fill_diagonal(correlation, 1.0)
    return DichotomizedGaussian(gamma=special.ndtri(probabilities), latent_correlation=correlation)


def pair_standard_errors(spikes: np.ndarray) -> np.ndarray:
    """(N, N) standard error of each empirical covariance, from the spikes themselves."""
    centred = spikes - spikes.mean(axis=0)
    mean_product = centred.T @ centred / len(spikes)
    mean_squared_product = (centred**2).T @ centred**2 / len(spikes)
    return np.sqrt((mean_squared_product - mean_product**2) / len(spikes))


def empirical_covariance(spikes: np.ndarray) -> np.ndarray:
    centred = spikes - spikes.mean(axis=0)
    return centred.T @ centred / len(spikes)


PROBABILITIES = np.array([0.05, 0.1, 0.2, 0.08, 0.15, 0.3, 0.12, 0.25, 0.04, 0.4])


def test_bivariate_normal_cdf_matches_scipy():
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.uniform(-3.5, 1.5, 12), [-2.0, -2.0, 0.5, -3.0]])
    b = np.concatenate([rng.uniform(-3.5, 1.5, 12), [-1.0, -2.5, 0.3, -3.0]])
    correlation = np.concatenate([rng.uniform(-0.99, 0.99, 12), [0.9, -0.9, 0.999, 0.99999]])
    expected = [
        multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([x, y]) for x, y, r in zip(a, b, correlation)
    ]
    # SciPy uses Genz's bivariate algorithm (about 1e-15) in two dimensions.
    np.testing.assert_allclose(bivariate_normal_cdf(a, b, correlation), expected, rtol=0, atol=1e-13)


def test_bivariate_normal_cdf_rejects_perfect_correlation():
    with pytest.raises(ValueError, match="correlations must lie within"):
        bivariate_normal_cdf(0.0, 0.0, 1.0)


def test_solver_meets_hard_targets_to_1e_10():
    rng = np.random.default_rng(1)
    gamma_a, gamma_b = rng.uniform(-4, 1.5, (2, 2000))
    correlation = np.sin(rng.uniform(-1, 1, 2000) * np.arcsin(MAX_LATENT_CORRELATION))
    target = bivariate_normal_cdf(gamma_a, gamma_b, correlation) - special.ndtr(gamma_a) * special.ndtr(gamma_b)
    solved, clipped = solve_latent_correlation(gamma_a, gamma_b, target)
    achieved = bivariate_normal_cdf(gamma_a, gamma_b, solved) - special.ndtr(gamma_a) * special.ndtr(gamma_b)
    assert not clipped.any()
    assert np.abs(achieved - target).max() < 1e-10


def test_fit_recovers_known_latent_correlation(caplog):
    model = factor_model(PROBABILITIES)
    off_diagonal = model.latent_correlation[~np.eye(10, dtype=bool)]
    assert (off_diagonal >= 0.5).sum() >= 6 and off_diagonal.min() < -0.4
    with caplog.at_level(logging.WARNING):
        fitted = fit_dichotomized_gaussian(model.spike_probabilities(), model.covariance())
    assert caplog.records == []
    np.testing.assert_allclose(fitted.gamma, model.gamma, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fitted.latent_correlation, model.latent_correlation, rtol=0, atol=1e-8)
    np.testing.assert_allclose(fitted.covariance(), model.covariance(), rtol=0, atol=1e-10)


def test_samples_match_probabilities_and_covariances():
    model = factor_model(PROBABILITIES, seed=2)
    spikes = model.sample(200_000, np.random.default_rng(3))
    assert spikes.dtype == np.uint8 and spikes.shape == (200_000, 10) and set(np.unique(spikes)) == {0, 1}
    spikes = spikes.astype(np.float64)
    probabilities = model.spike_probabilities()
    # Frames are independent: 5 standard errors of each mean and each pair covariance.
    probability_error = np.sqrt(probabilities * (1 - probabilities) / len(spikes))
    assert (np.abs(spikes.mean(axis=0) - probabilities) < 5 * probability_error).all()
    assert (np.abs(empirical_covariance(spikes) - model.covariance()) < 5 * pair_standard_errors(spikes)).all()


def test_fit_to_spikes_then_resampling_reproduces_statistics(caplog):
    recording = factor_model(PROBABILITIES, seed=4).sample(50_000, np.random.default_rng(5)).astype(np.float64)
    recording[recording[:, 0] > 0, 0] = 3  # counts above 1 are one spike after binarising
    with caplog.at_level(logging.WARNING):
        fitted = fit_to_spikes(recording)
    assert caplog.records == []
    binary = (recording > 0).astype(np.float64)
    # The fit itself is exact: model statistics equal the recording's to solver accuracy.
    np.testing.assert_allclose(fitted.spike_probabilities(), binary.mean(axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(fitted.covariance(), empirical_covariance(binary), rtol=0, atol=1e-10)
    # A new sample scatters around them: 5 combined standard errors of the two estimates.
    resampled = fitted.sample(200_000, np.random.default_rng(6)).astype(np.float64)
    probabilities = binary.mean(axis=0)
    combined = np.sqrt(probabilities * (1 - probabilities) * (1 / len(binary) + 1 / len(resampled)))
    assert (np.abs(resampled.mean(axis=0) - probabilities) < 5 * combined).all()
    combined = np.hypot(pair_standard_errors(binary), pair_standard_errors(resampled))
    assert (np.abs(empirical_covariance(resampled) - empirical_covariance(binary)) < 5 * combined).all()


def test_fit_to_spikes_clamps_silent_neuron(caplog):
    spikes = factor_model(PROBABILITIES).sample(1000, np.random.default_rng(7))[:, :4]
    spikes[:, 2] = 0
    with caplog.at_level(logging.INFO):
        fitted = fit_to_spikes(spikes, neuron_ids=[4, 8, 15, 16])  # e.g. Suite2p ROIs of cells
    assert "1 of 4 neurons never or always spike" in caplog.text and caplog.text.rstrip().endswith("neurons [15]")
    assert fitted.spike_probabilities()[2] == pytest.approx(0.5 / 1000, rel=1e-12)
    np.testing.assert_array_equal(fitted.latent_correlation[2], [0, 0, 1, 0])


def test_infeasible_targets_are_clipped_and_projected(caplog):
    mean = np.array([0.2, 0.2, 0.2, 0.1])
    joint = np.full((4, 4), 0.04)  # independent
    joint[0, 1] = joint[1, 0] = 0.17  # strongly together
    joint[0, 2] = joint[2, 0] = 0.17
    joint[1, 2] = joint[2, 1] = 0.001  # almost never together: 0-1-2 cannot all hold
    joint[0, 3] = joint[3, 0] = 0.15  # above min(0.2, 0.1): outside the Frechet bounds
    covariance = joint - np.outer(mean, mean)
    with caplog.at_level(logging.WARNING):
        fitted = fit_dichotomized_gaussian(mean, covariance)
    assert "1 of 6 neuron pairs" in caplog.text
    assert "not positive semi-definite" in caplog.text
    assert ("easier to beat on the correlation checks" in caplog.text) == (
        fitted.adjustments["largest_projection_change"] >= NOTICEABLE_CHANGE)  # the warning says whether it matters
    correlation = fitted.latent_correlation
    np.testing.assert_array_equal(np.diag(correlation), np.ones(4))
    np.testing.assert_array_equal(correlation, correlation.T)
    assert np.linalg.eigvalsh(correlation)[0] > -1e-10
    adjustments = fitted.adjustments
    assert adjustments["clipped_pairs"] == 1 and adjustments["smallest_eigenvalue"] < -PSD_TOLERANCE
    assert adjustments["largest_projection_change"] > 0.01


def test_feasible_latent_correlation_is_not_projected():
    model = factor_model(PROBABILITIES)
    mean, covariance = model.spike_probabilities(), model.covariance()
    fitted = fit_dichotomized_gaussian(mean, covariance)
    rows, columns = np.triu_indices(10, k=1)
    solved, _ = solve_latent_correlation(fitted.gamma[rows], fitted.gamma[columns], covariance[rows, columns])
    np.testing.assert_array_equal(fitted.latent_correlation[rows, columns], solved)
    assert fitted.adjustments["largest_projection_change"] == 0.0 and fitted.adjustments["clipped_pairs"] == 0


def test_nearest_correlation_matrix_matches_higham_example():
    # Higham (2002), Section 4: the nearest correlation matrix to tridiagonal (-1, 2, -1).
    matrix = 2 * np.eye(4) - np.eye(4, k=1) - np.eye(4, k=-1)
    expected = np.array(
        [
            [1.0000, -0.8084, 0.1916, 0.1068],
            [-0.8084, 1.0000, -0.6562, 0.1916],
            [0.1916, -0.6562, 1.0000, -0.8084],
            [0.1068, 0.1916, -0.8084, 1.0000],
        ]
    )
    np.testing.assert_allclose(nearest_correlation_matrix(matrix), expected, atol=1e-4)


@pytest.mark.parametrize(
    ("mean", "covariance", "message"),
    [
        ([0.1, 1.0], np.zeros((2, 2)), r"mean\[1\] is 1.0"),
        ([0.1, 0.2], np.zeros((2, 3)), r"covariance has shape \(2, 3\)"),
        ([0.1, 0.2], np.zeros((3, 3)), r"expected \(2, 2\) to match mean"),
        ([0.1, 0.2], [[0.09, 0.01], [0.02, 0.16]], r"not symmetric: \[0, 1\] is 0.01"),
        ([[0.1, 0.2]], np.zeros((2, 2)), r"mean must be an \(N,\) vector"),
    ],
)
def test_fit_rejects_bad_input(mean, covariance, message):
    with pytest.raises(ValueError, match=message):
        fit_dichotomized_gaussian(mean, covariance)


def test_model_validates_and_freezes_its_arrays():
    with pytest.raises(ValueError, match=r"latent_correlation\[1, 1\] is 0.9"):
        DichotomizedGaussian(gamma=[0.0, 0.0], latent_correlation=[[1.0, 0.0], [0.0, 0.9]])
    with pytest.raises(ValueError, match="not positive semi-definite"):
        DichotomizedGaussian(gamma=[0.0] * 3, latent_correlation=[[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    model = DichotomizedGaussian(gamma=[0.0, 0.0], latent_correlation=np.eye(2))
    with pytest.raises(ValueError, match="read-only"):
        model.gamma[0] = 1.0


def test_entries_a_projection_rounds_past_the_bound_are_shrunk_not_rejected(caplog):
    from calciumgan.data.dichotomized_gaussian import MAX_LATENT_CORRELATION, _shrunk_within_bounds

    over = np.array([[1.0, 1.0 + 2e-16, 0.5], [1.0 + 2e-16, 1.0, 0.5], [0.5, 0.5, 1.0]])
    shrunk, weight = _shrunk_within_bounds(over)
    assert 0 < weight < 1e-5
    off_diagonal = shrunk[~np.eye(3, dtype=bool)]
    assert np.abs(off_diagonal).max() == pytest.approx(MAX_LATENT_CORRELATION, abs=1e-15)
    np.testing.assert_allclose(off_diagonal / over[~np.eye(3, dtype=bool)], off_diagonal[0] / over[0, 1])  # one factor
    assert np.array_equal(np.diag(shrunk), np.ones(3)) and "shrunk towards 0" in caplog.text
    inside = np.array([[1.0, 0.3], [0.3, 1.0]])
    assert _shrunk_within_bounds(inside) == (inside, 0.0)
