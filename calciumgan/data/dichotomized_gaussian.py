"""The dichotomized Gaussian (DG) model of correlated binary spike trains (Macke et al. 2009).

Each frame draws a latent vector ``z ~ N(gamma, Lambda)`` with unit variances; neuron ``i``
spikes when ``z_i > 0``. Hence ``P(spike_i) = Phi(gamma_i)`` and
``P(spike_i, spike_j) = Phi2(gamma_i, gamma_j; lambda_ij)``, the bivariate normal CDF.

Fitting inverts this map pair by pair. With ``r = sin(t)`` and the identity
``d Phi2(a, b; r) / d r = phi2(a, b; r)``::

    Phi2(a, b; sin theta) - Phi(a) Phi(b) = integral_0^theta g(a, b, t) dt,
    g(a, b, t) = exp(-(a - b)^2 / (2 cos^2 t) - a b / (1 + sin t)) / (2 pi)   for t >= 0,

and ``g(a, b, -t) = g(a, -b, t)``. The integrand is bounded but turns off like
``exp(-c / cos^2 t)`` near ``t = pi / 2``, so the integral uses Gauss-Legendre panels graded
geometrically towards that point; it agrees with SciPy's bivariate normal CDF to about 1e-15
for every ``|lambda| <= MAX_LATENT_CORRELATION``. The left side is the binary covariance, so
each pair's latent correlation solves ``integral = Sigma_ij`` by safeguarded Newton in ``theta``.

References: Macke, Berens, Ecker, Tolias & Bethge (2009), Neural Computation 21(2):397-423;
Higham (2002), IMA Journal of Numerical Analysis 22(3):329-343 (nearest correlation matrix).
"""

import dataclasses
import logging

import numpy as np
from scipy import special

logger = logging.getLogger(__name__)

MAX_LATENT_CORRELATION = 1.0 - 1e-6
"""Largest ``|lambda_ij|`` used; targets needing more are clipped to it (the integral's accuracy
is verified up to here, and ``|lambda| = 1`` would make a latent pair identical)."""

QUADRATURE_PANELS = 8
QUADRATURE_NODES_PER_PANEL = 12
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(QUADRATURE_NODES_PER_PANEL)
_PANEL_FRACTIONS = np.arange(QUADRATURE_PANELS + 1) / QUADRATURE_PANELS
SINGLE_PANEL_ANGLE = 0.5
"""Latent angles (radians) up to which one quadrature panel is exact: most pairs of a large recording."""
_ONE_PANEL = np.array([0.0, 1.0])
INTEGRAL_CHUNK = 131_072  # entries integrated at once: about 100 MB of quadrature nodes for 8 panels
_MAX_ANGLE = float(np.arcsin(MAX_LATENT_CORRELATION))

NEWTON_MAX_ITERATIONS = 100
NEWTON_ANGLE_TOLERANCE = 1e-14
JOINT_PROBABILITY_TOLERANCE = 1e-14
"""A fitted pair's ``Phi2`` may miss its target by this much (absolute)."""
PSD_TOLERANCE = 1e-10
"""Smallest eigenvalue accepted as positive semi-definite is ``-PSD_TOLERANCE``."""
NOTICEABLE_CHANGE = 0.05
"""A latent correlation that the projection to a correlation matrix moves by more changes the baseline."""


@dataclasses.dataclass(frozen=True, eq=False)
class DichotomizedGaussian:
    """Binary spikes ``z > 0`` with ``z ~ N(gamma, latent_correlation)``; arrays are read-only.

    Attributes:
        gamma: (N,) float64 latent means; ``Phi(gamma)`` is the spike probability per frame.
        latent_correlation: (N, N) float64 correlation matrix (unit diagonal, positive
            semi-definite, off-diagonal ``|lambda| <= MAX_LATENT_CORRELATION``).
        adjustments: for a fitted model, how far the fit had to move from its targets
            (see :func:`fit_dichotomized_gaussian`); empty otherwise.
    """

    gamma: np.ndarray
    latent_correlation: np.ndarray
    adjustments: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        gamma = np.array(self.gamma, dtype=np.float64)
        correlation = np.array(self.latent_correlation, dtype=np.float64)
        if gamma.ndim != 1 or not np.isfinite(gamma).all():
            raise ValueError(f"gamma must be a finite (N,) vector, got shape {gamma.shape}")
        num_neurons = len(gamma)
        if correlation.shape != (num_neurons, num_neurons):
            raise ValueError(
                f"latent_correlation has shape {correlation.shape}, expected ({num_neurons}, {num_neurons})"
            )
        if not np.isfinite(correlation).all():
            raise ValueError("latent_correlation holds NaN or infinite values")
        _check_symmetric(correlation, "latent_correlation")
        if not np.array_equal(np.diag(correlation), np.ones(num_neurons)):
            neuron = int(np.flatnonzero(np.diag(correlation) != 1)[0])
            raise ValueError(
                f"latent_correlation[{neuron}, {neuron}] is {correlation[neuron, neuron]}, expected 1"
            )
        off_diagonal = np.abs(correlation - np.eye(num_neurons))
        if off_diagonal.max(initial=0.0) > MAX_LATENT_CORRELATION:
            row, column = np.unravel_index(np.argmax(off_diagonal), off_diagonal.shape)
            raise ValueError(
                f"latent_correlation[{row}, {column}] is {correlation[row, column]}; "
                f"off-diagonal entries must lie within +-{MAX_LATENT_CORRELATION}"
            )
        smallest = _smallest_eigenvalue(correlation)
        if smallest < -PSD_TOLERANCE:
            raise ValueError(
                f"latent_correlation is not positive semi-definite (smallest eigenvalue {smallest:.3g})"
            )
        gamma.flags.writeable = False
        correlation.flags.writeable = False
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "latent_correlation", correlation)

    @property
    def num_neurons(self) -> int:
        return len(self.gamma)

    def spike_probabilities(self) -> np.ndarray:
        """(N,) float64 probability of a spike per frame, ``Phi(gamma)``."""
        return special.ndtr(self.gamma)

    def covariance(self) -> np.ndarray:
        """(N, N) float64 covariance of the binary spikes; diagonal ``p (1 - p)``."""
        rows, columns = np.triu_indices(self.num_neurons, k=1)
        angles = np.arcsin(self.latent_correlation[rows, columns])
        pair_covariance = _covariance_integral(self.gamma[rows], self.gamma[columns], angles)
        covariance = np.zeros((self.num_neurons, self.num_neurons))
        covariance[rows, columns] = pair_covariance
        covariance[columns, rows] = pair_covariance
        probabilities = self.spike_probabilities()
        covariance[np.diag_indices(self.num_neurons)] = probabilities * (1 - probabilities)
        return covariance

    def sample(self, num_frames: int, rng: np.random.Generator) -> np.ndarray:
        """(num_frames, N) uint8 binary spikes, frames independent."""
        if num_frames < 1:
            raise ValueError(f"num_frames must be at least 1, got {num_frames}")
        eigenvalues, eigenvectors = np.linalg.eigh(self.latent_correlation)
        factor = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))  # factor @ factor.T == Lambda
        latent_noise = rng.standard_normal((num_frames, self.num_neurons)) @ factor.T
        return (latent_noise > -self.gamma).astype(np.uint8)


def bivariate_normal_cdf(a, b, correlation) -> np.ndarray:
    """``P(X <= a, Y <= b)`` for standard normals with the given correlation (broadcast arrays).

    Correlations must lie within ``+-MAX_LATENT_CORRELATION``; accurate to about 1e-15.
    """
    a, b, correlation = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (a, b, correlation)))
    if (np.abs(correlation) > MAX_LATENT_CORRELATION).any():
        raise ValueError(f"correlations must lie within +-{MAX_LATENT_CORRELATION}")
    return special.ndtr(a) * special.ndtr(b) + _covariance_integral(a, b, np.arcsin(correlation))


def solve_latent_correlation(gamma_a, gamma_b, target_covariance) -> tuple[np.ndarray, np.ndarray]:
    """Latent correlations giving each pair its binary covariance (1-D arrays of pairs).

    Solves ``Phi2(gamma_a, gamma_b; lambda) - Phi(gamma_a) Phi(gamma_b) = target_covariance``.
    Of the correlations meeting a target within ``JOINT_PROBABILITY_TOLERANCE`` the one nearest
    0 is returned. Returns ``(latent_correlation, clipped)``: targets outside the attainable
    range are clipped to ``+-MAX_LATENT_CORRELATION`` and flagged in the boolean ``clipped``.
    """
    gamma_a, gamma_b, target = (np.asarray(x, dtype=np.float64) for x in (gamma_a, gamma_b, target_covariance))
    # Aim JOINT_PROBABILITY_TOLERANCE closer to independence: among the latent correlations that
    # meet the target within tolerance this picks the one nearest 0, which matters where
    # Phi2 is flat (pairs of rare spikers that never spike together).
    target = target - np.clip(target, -JOINT_PROBABILITY_TOLERANCE, JOINT_PROBABILITY_TOLERANCE)
    upper = np.full(target.shape, _MAX_ANGLE)
    lower = -upper
    too_high = target > _covariance_integral(gamma_a, gamma_b, upper)
    too_low = target < _covariance_integral(gamma_a, gamma_b, lower)
    # Start from the first term of the tetrachoric series, target = phi(a) phi(b) lambda + O(lambda^2) (the
    # integrand at angle 0 is phi(a) phi(b)): near the root for the weak correlations of most pairs, so that
    # few Newton steps are needed.
    first_order = target / _integrand(gamma_a, gamma_b, np.zeros_like(target))
    start = np.arcsin(np.clip(first_order, -0.9, 0.9))
    angle = np.where(too_high, _MAX_ANGLE, np.where(too_low, -_MAX_ANGLE, start))
    active = np.flatnonzero(~(too_high | too_low))
    for _ in range(NEWTON_MAX_ITERATIONS):
        if not len(active):
            break
        a, b, theta = gamma_a[active], gamma_b[active], angle[active]
        residual = _covariance_integral(a, b, theta) - target[active]
        lower[active] = np.where(residual < 0, theta, lower[active])
        upper[active] = np.where(residual > 0, theta, upper[active])
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            newton = theta - residual / _integrand(a, np.where(theta < 0, -b, b), np.abs(theta))
        inside = (newton > lower[active]) & (newton < upper[active])
        updated = np.where(inside, newton, (lower[active] + upper[active]) / 2)
        angle[active] = np.where(residual == 0, theta, updated)
        converged = (residual == 0) | (np.abs(updated - theta) <= NEWTON_ANGLE_TOLERANCE)
        active = active[~converged]
    return np.sin(angle), too_high | too_low


def fit_dichotomized_gaussian(mean, covariance) -> DichotomizedGaussian:
    """The DG model with the given spike probabilities and binary covariance.

    Args:
        mean: (N,) spike probabilities per frame, each in (0, 1).
        covariance: (N, N) symmetric target covariance of the binary spikes. The diagonal is
            not used: for binary spikes it is ``mean (1 - mean)``.

    Pairs whose target is unattainable are clipped (warning with their count). If the
    resulting latent correlation matrix is not positive semi-definite it is replaced by the
    nearest correlation matrix (warning). The model's ``adjustments`` say how much of either
    happened: ``clipped_pairs``, ``smallest_eigenvalue`` before projection,
    ``largest_projection_change`` (0 without projection) and ``shrinkage`` (see
    ``_shrunk_within_bounds``).
    """
    mean = np.asarray(mean, dtype=np.float64)
    covariance = np.asarray(covariance, dtype=np.float64)
    if mean.ndim != 1:
        raise ValueError(f"mean must be an (N,) vector, got shape {mean.shape}")
    outside = ~((mean > 0) & (mean < 1))
    if outside.any():
        neuron = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"mean[{neuron}] is {mean[neuron]}; spike probabilities must lie in (0, 1) "
            f"({int(outside.sum())} of {len(mean)} do not)"
        )
    if covariance.shape != (len(mean), len(mean)):
        raise ValueError(
            f"covariance has shape {covariance.shape}, expected ({len(mean)}, {len(mean)}) to match mean"
        )
    if not np.isfinite(covariance).all():
        raise ValueError("covariance holds NaN or infinite values")
    _check_symmetric(covariance, "covariance")

    gamma = special.ndtri(mean)
    rows, columns = np.triu_indices(len(mean), k=1)
    pair_correlation, clipped = solve_latent_correlation(gamma[rows], gamma[columns], covariance[rows, columns])
    if clipped.any():
        logger.warning(
            "%d of %d neuron pairs have a covariance the dichotomized Gaussian cannot reach; "
            "their latent correlation is clipped to +-%g, so this baseline reproduces those pairs' correlation "
            "only in part (a limit of the model, not a fault of the data; nothing to do)",
            int(clipped.sum()),
            len(clipped),
            MAX_LATENT_CORRELATION,
        )
    latent_correlation = np.eye(len(mean))
    latent_correlation[rows, columns] = pair_correlation
    latent_correlation[columns, rows] = pair_correlation
    smallest = _smallest_eigenvalue(latent_correlation)
    adjustments = {"clipped_pairs": int(clipped.sum()), "smallest_eigenvalue": smallest,
                   "largest_projection_change": 0.0, "shrinkage": 0.0}  # fmt: skip
    if smallest < -PSD_TOLERANCE:
        projected = nearest_correlation_matrix(latent_correlation)
        adjustments["largest_projection_change"] = float(np.abs(projected - latent_correlation).max())
        change = adjustments["largest_projection_change"]
        logger.warning(
            "latent correlation matrix is not positive semi-definite (smallest eigenvalue %.3g): the pairs' fits "
            "do not make one joint model, as happens with few frames or many neurons; the nearest correlation "
            "matrix is used instead, changing latent correlations by up to %.3g, %s",
            smallest,
            change,
            "too little to matter for the baseline" if change < NOTICEABLE_CHANGE else
            "so the baseline's pair correlations differ from the data's and it is easier to beat on the correlation "
            "checks; a longer recording brings the fit closer",
        )  # fmt: skip
        latent_correlation, adjustments["shrinkage"] = _shrunk_within_bounds(projected)
    return DichotomizedGaussian(gamma=gamma, latent_correlation=latent_correlation, adjustments=adjustments)


def _shrunk_within_bounds(correlation: np.ndarray) -> tuple[np.ndarray, float]:
    """``(1 - a) C + a I`` with the smallest ``a`` that brings every off-diagonal entry within
    +-MAX_LATENT_CORRELATION (a projection can return entries of 1 up to rounding), and ``a``;
    a convex combination of correlation matrices, so it stays one. Warns when ``a`` is not 0."""
    largest = np.abs(correlation - np.eye(len(correlation))).max(initial=0.0)
    if largest <= MAX_LATENT_CORRELATION:
        return correlation, 0.0
    weight = 1.0 - MAX_LATENT_CORRELATION / largest
    logger.warning("latent correlations shrunk towards 0 by a factor %.3g to keep them within +-%g", 1 - weight,
                   MAX_LATENT_CORRELATION)  # fmt: skip
    return (1.0 - weight) * correlation + weight * np.eye(len(correlation)), float(weight)


def fit_to_spikes(spikes, neuron_ids=None) -> DichotomizedGaussian:
    """The DG model matching the binarised spikes' probabilities and covariance.

    Args:
        spikes: (T, N) spike counts per frame; a frame with a count above 0 is a spike.
        neuron_ids: (N,) the neurons' ids in the recording, for the log; ``0 .. N-1`` when not given.

    A neuron that never (always) spikes would need ``gamma = -inf`` (``+inf``); its probability
    is clamped to ``[0.5 / T, 1 - 0.5 / T]``, the value half a spike away. Its covariance with
    every other neuron is 0, so its latent correlations are 0.
    """
    counts = np.asarray(spikes)
    if counts.ndim != 2 or counts.shape[0] < 2 or counts.shape[1] < 1:
        raise ValueError(f"spikes must be a (T, N) array with T >= 2 frames, got shape {counts.shape}")
    binary = counts > 0
    num_frames = binary.shape[0]
    # Frames spiking together, by pair: whole numbers below 2^24 are exact in float32 products and sums,
    # which take half the time of float64 ones (most of the fit's time for thousands of neurons).
    exact_type = np.float32 if num_frames < 2**24 else np.float64
    together = binary.astype(exact_type).T @ binary.astype(exact_type)
    probabilities = binary.mean(axis=0, dtype=np.float64)
    covariance = together.astype(np.float64) / num_frames - np.outer(probabilities, probabilities)
    clamped = np.clip(probabilities, 0.5 / num_frames, 1 - 0.5 / num_frames)
    constant = np.flatnonzero(clamped != probabilities)
    if len(constant):
        logger.info(
            "%d of %d neurons never or always spike; their probability is clamped half a spike "
            "from 0 or 1: neurons %s",
            len(constant),
            binary.shape[1],
            (constant if neuron_ids is None else np.asarray(neuron_ids)[constant]).tolist(),
        )
    return fit_dichotomized_gaussian(clamped, covariance)


def nearest_correlation_matrix(matrix, tolerance: float = 1e-10, max_iterations: int = 1000) -> np.ndarray:
    """The nearest (Frobenius norm) correlation matrix to a symmetric (N, N) ``matrix``.

    Higham's (2002) alternating projections onto the positive semi-definite cone and onto
    unit-diagonal matrices, with Dykstra's correction on the former. The result is rescaled to
    an exact unit diagonal, so it is positive semi-definite with unit diagonal in any case.
    """
    unit_diagonal = np.array(matrix, dtype=np.float64)
    correction = np.zeros_like(unit_diagonal)
    for _ in range(max_iterations):
        shifted = unit_diagonal - correction
        semidefinite = _psd_projection(shifted)
        correction = semidefinite - shifted
        previous = unit_diagonal
        unit_diagonal = semidefinite.copy()
        np.fill_diagonal(unit_diagonal, 1.0)
        change = np.linalg.norm(unit_diagonal - previous) / np.linalg.norm(unit_diagonal)
        if change <= tolerance and np.linalg.norm(unit_diagonal - semidefinite) <= tolerance * len(matrix):
            break
    else:
        logger.warning(
            "nearest correlation matrix: no convergence to %g in %d iterations", tolerance, max_iterations
        )
    scale = 1 / np.sqrt(np.diag(semidefinite))
    result = semidefinite * np.outer(scale, scale)
    np.fill_diagonal(result, 1.0)
    return result


def _psd_projection(matrix: np.ndarray) -> np.ndarray:
    """Nearest positive semi-definite matrix: negative eigenvalues set to 0."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    projected = (eigenvectors * np.clip(eigenvalues, 0.0, None)) @ eigenvectors.T
    return (projected + projected.T) / 2


def _smallest_eigenvalue(matrix: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(matrix)[0]) if len(matrix) else 0.0


def _check_symmetric(matrix: np.ndarray, name: str) -> None:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be square, got shape {matrix.shape}")
    asymmetry = np.abs(matrix - matrix.T)
    if asymmetry.max(initial=0.0) > 1e-10 * max(1.0, np.abs(matrix).max()):
        row, column = np.unravel_index(np.argmax(asymmetry), asymmetry.shape)
        raise ValueError(
            f"{name} is not symmetric: [{row}, {column}] is {matrix[row, column]}, "
            f"[{column}, {row}] is {matrix[column, row]}"
        )


def _integrand(a: np.ndarray, b: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """``d/dt Phi2(a, b; sin t)`` at ``0 <= t < pi / 2``, written without cancellation."""
    cosine = np.cos(angle)
    return np.exp(-((a - b) ** 2) / (2 * cosine**2) - a * b / (1 + np.sin(angle))) / (2 * np.pi)


def _covariance_integral(a: np.ndarray, b: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """``Phi2(a, b; sin angle) - Phi(a) Phi(b)`` for arrays of the same shape, ``|angle| < pi / 2``.

    Panels run from 0 to ``|angle|``; their distances from the singular point ``pi / 2`` form a
    geometric sequence, so each panel sees the singularity at least its own length away. Up to
    ``SINGLE_PANEL_ANGLE`` one panel does: the singularity then lies more than four half-widths
    from its centre, where Gauss-Legendre's error with 12 nodes is below 1e-20. Entries are
    integrated ``INTEGRAL_CHUNK`` at a time, so that the nodes of millions of pairs never fill memory.
    """
    a, b, angle = np.broadcast_arrays(a, b, angle)
    shape = angle.shape
    a, b, angle = (np.ravel(values) for values in (a, b, angle))
    result = np.empty(angle.shape)
    for start in range(0, len(angle), INTEGRAL_CHUNK):
        part = slice(start, start + INTEGRAL_CHUNK)
        result[part] = _integral_chunk(a[part], b[part], angle[part])
    return result.reshape(shape)


def _integral_chunk(a: np.ndarray, b: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """:func:`_covariance_integral` of 1-D arrays."""
    sign = np.sign(angle)
    b = sign * b  # the integrand at -t equals that at t with b -> -b
    result = np.empty(angle.shape)
    near = np.abs(angle) <= SINGLE_PANEL_ANGLE
    for chosen, fractions in ((near, _ONE_PANEL), (~near, _PANEL_FRACTIONS)):
        gap = np.pi / 2 - np.abs(angle[chosen])
        edges = np.pi / 2 - (np.pi / 2) * (gap / (np.pi / 2))[..., None] ** fractions  # [0, |angle|] for one panel
        start, stop = edges[..., :-1, None], edges[..., 1:, None]
        nodes = start + (stop - start) * (_NODES + 1) / 2
        values = _integrand(a[chosen][..., None, None], b[chosen][..., None, None], nodes)
        result[chosen] = sign[chosen] * np.sum((stop - start) / 2 * _WEIGHTS * values, axis=(-2, -1))
    return result
