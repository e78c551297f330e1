"""Fréchet distance between two sets of samples, each summarised by a Gaussian (thesis Eq. 2.11).

d² = ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2 Tr((Σ1 Σ2)^½), computed in float64 without complex numbers.

The trace of the matrix square root is a nuclear norm, found by one of two exact routes:

- *samples*: with Σi = Ai Aiᵀ and Ai = (centred samples)ᵀ / √(ni − 1) of shape (d, ni), the nonzero
  eigenvalues of Σ1 Σ2 are the squared singular values of A1ᵀ A2 (n1 x n2), so Tr((Σ1 Σ2)^½) = ‖A1ᵀ A2‖_*.
  Cheap when there are fewer samples than dimensions (raw LFP windows: d = 22 x 313 = 6886, n <= 4700).
- *dimensions*: with PSD square roots Si = Σi^½ (from eigh), Σ1 Σ2 = S1² S2² has the eigenvalues of
  (S1 S2)(S1 S2)ᵀ, so Tr((Σ1 Σ2)^½) = ‖S1 S2‖_*. Cheap when samples far outnumber dimensions.
"""

import numpy as np

METHODS = ("auto", "samples", "dimensions")


def frechet_distance(x, y, method: str = "auto") -> float:
    """Squared Fréchet distance between the Gaussians fitted to ``x`` (n1, ...) and ``y`` (n2, ...).

    Trailing axes are flattened to d features (a (n, 313, 22) set of windows has d = 6886); the units are
    those of the data, squared. ``method`` is "samples", "dimensions" or "auto" (the cheaper of the two).
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r}: must be one of {', '.join(METHODS)}")
    x, y = _as_sample_matrix(x, "x"), _as_sample_matrix(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x has {x.shape[1]} features per sample but y has {y.shape[1]}; they must match")
    if method == "auto":
        method = _cheaper_method(len(x), len(y), x.shape[1])
    mean_x, mean_y = x.mean(axis=0), y.mean(axis=0)
    factor_x = (x - mean_x) / np.sqrt(len(x) - 1)  # rows of A1ᵀ
    factor_y = (y - mean_y) / np.sqrt(len(y) - 1)
    traces = np.sum(factor_x**2) + np.sum(factor_y**2)
    if method == "samples":
        cross = _nuclear_norm(factor_x @ factor_y.T)
    else:
        cross = _cross_trace(factor_x.T @ factor_x, factor_y.T @ factor_y)
    return _assemble(mean_x - mean_y, traces, cross)


def frechet_distance_from_moments(mean_1, covariance_1, mean_2, covariance_2) -> float:
    """Squared Fréchet distance between N(mean_1, covariance_1) and N(mean_2, covariance_2).

    Means are (d,), covariances (d, d) symmetric positive semi-definite; uses the *dimensions* route.
    """
    mean_1, covariance_1, mean_2, covariance_2 = (
        np.asarray(value, dtype=np.float64) for value in (mean_1, covariance_1, mean_2, covariance_2)
    )
    dimension = mean_1.size
    expected = {"mean_1": (dimension,), "covariance_1": (dimension, dimension), "mean_2": (dimension,),
                "covariance_2": (dimension, dimension)}  # fmt: skip
    for name, value in zip(expected, (mean_1, covariance_1, mean_2, covariance_2)):
        if value.shape != expected[name]:
            raise ValueError(f"{name} has shape {value.shape}; expected {expected[name]} (d = {dimension} from mean_1)")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite values")
    traces = np.trace(covariance_1) + np.trace(covariance_2)
    return _assemble(mean_1 - mean_2, traces, _cross_trace(covariance_1, covariance_2))


def _as_sample_matrix(samples, name: str) -> np.ndarray:
    """``samples`` (n, ...) as a float64 (n, d) matrix; a ValueError if n < 2 or a value is not finite."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim < 2 or len(samples) < 2:
        raise ValueError(f"{name} has shape {samples.shape}; expected (samples >= 2, features...)")
    if not np.all(np.isfinite(samples)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return samples.reshape(len(samples), -1)


def _cheaper_method(samples_1: int, samples_2: int, dimension: int) -> str:
    """The route with fewer floating-point operations (Gram product + SVD vs covariances + 2 eigh + SVD)."""
    small, large = sorted((samples_1, samples_2))
    samples_cost = dimension * samples_1 * samples_2 + 4 * large * small**2
    dimensions_cost = dimension**2 * (samples_1 + samples_2) + 30 * dimension**3
    return "samples" if samples_cost <= dimensions_cost else "dimensions"


def _cross_trace(covariance_1: np.ndarray, covariance_2: np.ndarray) -> float:
    """Tr((Σ1 Σ2)^½) = ‖Σ1^½ Σ2^½‖_* for PSD (d, d) matrices."""
    return _nuclear_norm(_psd_square_root(covariance_1) @ _psd_square_root(covariance_2))


def _psd_square_root(covariance: np.ndarray) -> np.ndarray:
    """Symmetric square root of a PSD matrix; eigenvalues below zero (rounding) count as zero."""
    eigenvalues, eigenvectors = np.linalg.eigh((covariance + covariance.T) / 2)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def _nuclear_norm(matrix: np.ndarray) -> float:
    return float(np.sum(np.linalg.svd(matrix, compute_uv=False)))


def _assemble(mean_difference: np.ndarray, traces: float, cross_trace: float) -> float:
    """‖Δμ‖² + Tr Σ1 + Tr Σ2 − 2 Tr((Σ1 Σ2)^½), with tiny negative rounding results clipped to 0."""
    return max(float(mean_difference @ mean_difference + traces - 2.0 * cross_trace), 0.0)
