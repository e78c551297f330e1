"""Responses to latent codes: PCA, standardisation and ridge regression (after VanRullen & Reddy 2019).

Fit (on training stimuli): centre the (stimuli, neurons) responses, project them on their first
k principal axes, divide each component by its standard deviation, and regress the latent codes,
standardised per dimension with the training codes' mean and standard deviation, on them by
ridge regression in closed form, W = (S^T S + alpha I)^-1 S^T Z (both sides have zero mean, so
there is no intercept). Prediction reverses the code standardisation.

Scores of held-out predictions: Pearson correlation between predicted and true codes per latent
dimension and over all entries; the image-space correlation between G(z_hat) and G(z) per
stimulus; and identification accuracy, the fraction of stimuli whose G(z_hat) correlates best
with its own G(z) among all held-out images (chance 1 / stimuli).
"""

import dataclasses

import numpy as np

from calciumgan.core.errors import RecordingError

RANK_TOLERANCE = 1e-10  # a component whose standard deviation is below this fraction of the largest is degenerate


@dataclasses.dataclass(frozen=True)
class LinearDecoder:
    """``response_mean`` (neurons,), ``axes`` (k, neurons) principal axes, ``component_std`` (k,),
    ``weights`` (k, latent_dim) on standardised components, ``code_mean`` and ``code_std`` (latent_dim,)."""

    response_mean: np.ndarray
    axes: np.ndarray
    component_std: np.ndarray
    weights: np.ndarray
    code_mean: np.ndarray
    code_std: np.ndarray

    def standardised_components(self, responses) -> np.ndarray:
        """(stimuli, k) standardised principal components of (stimuli, neurons) responses."""
        return (np.asarray(responses, np.float64) - self.response_mean) @ self.axes.T / self.component_std

    def predict(self, responses) -> np.ndarray:
        """(stimuli, latent_dim) float64 latent codes predicted from (stimuli, neurons) responses."""
        responses = np.asarray(responses, np.float64)
        if responses.ndim != 2 or responses.shape[1] != len(self.response_mean):
            raise RecordingError(f"responses of shape {responses.shape}: expected (stimuli, "
                                 f"{len(self.response_mean)})")  # fmt: skip
        return self.standardised_components(responses) @ self.weights * self.code_std + self.code_mean


def ridge_weights(inputs, targets, alpha: float) -> np.ndarray:
    """(features, outputs) ridge solution (X^T X + alpha I)^-1 X^T Y for zero-mean (n, features) X, (n, outputs) Y."""
    inputs = np.asarray(inputs, np.float64)
    gram = inputs.T @ inputs + alpha * np.eye(inputs.shape[1])
    return np.linalg.solve(gram, inputs.T @ np.asarray(targets, np.float64))


def fit_decoder(responses, codes, components: int, alpha: float) -> LinearDecoder:
    """Fit on (stimuli, neurons) responses and the (stimuli, latent_dim) codes that made the stimuli."""
    responses, codes = np.asarray(responses, np.float64), np.asarray(codes, np.float64)
    if responses.ndim != 2 or codes.ndim != 2 or len(responses) != len(codes):
        raise RecordingError(f"responses {responses.shape} and codes {codes.shape} must be (stimuli, neurons) and "
                             "(stimuli, latent_dim) for the same stimuli")  # fmt: skip
    if not 1 <= components <= min(responses.shape):
        raise RecordingError(f"{components} components: must be between 1 and min(stimuli, neurons) = "
                             f"{min(responses.shape)}")  # fmt: skip
    response_mean = responses.mean(axis=0)
    _, _, right = np.linalg.svd(responses - response_mean, full_matrices=False)
    axes = right[:components]
    scores = (responses - response_mean) @ axes.T
    component_std = scores.std(axis=0)
    if component_std.min() <= RANK_TOLERANCE * component_std.max():
        raise RecordingError(f"the responses have rank below the {components} components asked for")
    code_mean, code_std = codes.mean(axis=0), codes.std(axis=0)
    if np.any(code_std == 0):
        raise RecordingError("a latent dimension is constant over the training codes")
    weights = ridge_weights(scores / component_std, (codes - code_mean) / code_std, alpha)
    return LinearDecoder(response_mean, axes, component_std, weights, code_mean, code_std)


def row_correlations(first, second) -> np.ndarray:
    """(rows,) Pearson correlation between matching rows of two (rows, features) arrays."""
    first, second = _centred_rows(first), _centred_rows(second)
    return np.sum(first * second, axis=1) / np.sqrt(np.sum(first**2, axis=1) * np.sum(second**2, axis=1))


def identification_accuracy(predicted_images, true_images) -> float:
    """Fraction of stimuli i whose predicted image correlates more with true image i than with any other.

    (stimuli, ...) arrays; chance is 1 / stimuli.
    """
    predicted, true = _centred_rows(predicted_images), _centred_rows(true_images)
    predicted /= np.linalg.norm(predicted, axis=1, keepdims=True)
    true /= np.linalg.norm(true, axis=1, keepdims=True)
    similarity = predicted @ true.T  # (predicted, true) correlations
    return float(np.mean(np.argmax(similarity, axis=1) == np.arange(len(similarity))))


def decoding_scores(predicted_codes, true_codes, predicted_images, true_images) -> dict:
    """Code correlations (per dimension and over all entries), mean image correlation and identification."""
    predicted_codes, true_codes = np.asarray(predicted_codes, np.float64), np.asarray(true_codes, np.float64)
    return {
        "code_correlation_per_dimension": row_correlations(predicted_codes.T, true_codes.T).tolist(),
        "code_correlation": float(np.corrcoef(predicted_codes.ravel(), true_codes.ravel())[0, 1]),
        "image_correlation": float(np.mean(row_correlations(predicted_images, true_images))),
        "identification_accuracy": identification_accuracy(predicted_images, true_images),
    }


def _centred_rows(values) -> np.ndarray:
    values = np.asarray(values, np.float64).reshape(len(values), -1)
    return values - values.mean(axis=1, keepdims=True)
