"""PCA + ridge decoding of latent codes: exact recovery from a linear population, the closed form
against an independent least-squares solve, and the identification and correlation scores."""

import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from exciting_inputs.latent.decoding import (
    decoding_scores,
    fit_decoder,
    identification_accuracy,
    ridge_weights,
    row_correlations,
)


def _linear_population(stimuli=50, neurons=12, latent_dim=4, seed=0):
    """Codes (stimuli, latent_dim) and noise-free responses r = A z + b (stimuli, neurons)."""
    rng = np.random.default_rng(seed)
    codes = rng.standard_normal((stimuli, latent_dim))
    mixing, offset = rng.standard_normal((latent_dim, neurons)), rng.uniform(1, 5, neurons)
    return codes, codes @ mixing + offset, (mixing, offset)


def test_a_full_rank_decoder_without_penalty_recovers_the_codes_of_a_linear_population():
    codes, responses, (mixing, offset) = _linear_population()
    decoder = fit_decoder(responses, codes, components=4, alpha=0.0)
    new_codes = np.random.default_rng(5).standard_normal((20, 4)) * 2
    np.testing.assert_allclose(decoder.predict(new_codes @ mixing + offset), new_codes, atol=1e-6)


def test_the_ridge_closed_form_equals_least_squares_on_the_augmented_system():
    rng = np.random.default_rng(1)
    inputs, targets, alpha = rng.standard_normal((30, 5)), rng.standard_normal((30, 3)), 2.5
    augmented_inputs = np.vstack([inputs, np.sqrt(alpha) * np.eye(5)])
    augmented_targets = np.vstack([targets, np.zeros((5, 3))])
    expected = np.linalg.lstsq(augmented_inputs, augmented_targets, rcond=None)[0]
    np.testing.assert_allclose(ridge_weights(inputs, targets, alpha), expected, rtol=1e-10, atol=1e-12)


def test_a_strong_penalty_shrinks_the_predictions_towards_the_mean_training_code():
    codes, responses, _ = _linear_population()
    decoder = fit_decoder(responses, codes, components=4, alpha=1e9)
    np.testing.assert_allclose(decoder.predict(responses), np.broadcast_to(codes.mean(axis=0), codes.shape),
                               atol=1e-6)  # fmt: skip


def test_the_decoder_reads_the_first_principal_components():
    """A response direction with much variance but no code information, then the code's: with one
    component the decoder sees only the uninformative direction and predicts the mean code."""
    rng = np.random.default_rng(2)
    codes = rng.standard_normal((200, 1))
    nuisance = 100 * rng.standard_normal((200, 1))
    responses = np.hstack([nuisance, codes])
    one = fit_decoder(responses, codes, components=1, alpha=0.0)
    two = fit_decoder(responses, codes, components=2, alpha=0.0)
    assert abs(np.corrcoef(one.predict(responses)[:, 0], codes[:, 0])[0, 1]) < 0.2
    np.testing.assert_allclose(two.predict(responses), codes, atol=1e-8)


def test_identification_of_a_perfect_decoder_is_one_and_of_a_derangement_zero():
    images = np.random.default_rng(3).random((7, 4, 5))
    assert identification_accuracy(images, images) == 1.0
    assert identification_accuracy(np.roll(images, 1, axis=0), images) == 0.0
    assert identification_accuracy(2 * images + 1, images) == 1.0  # correlation ignores gain and offset


def test_scores_agree_with_numpy_correlations():
    rng = np.random.default_rng(4)
    true, predicted = rng.standard_normal((10, 3)), rng.standard_normal((10, 3))
    images, predicted_images = rng.random((10, 4, 6)), rng.random((10, 4, 6))
    scores = decoding_scores(predicted, true, predicted_images, images)
    expected = [np.corrcoef(predicted[:, dim], true[:, dim])[0, 1] for dim in range(3)]
    np.testing.assert_allclose(scores["code_correlation_per_dimension"], expected)
    assert scores["code_correlation"] == pytest.approx(np.corrcoef(predicted.ravel(), true.ravel())[0, 1])
    image_r = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(predicted_images, images)]
    assert scores["image_correlation"] == pytest.approx(np.mean(image_r))
    np.testing.assert_allclose(row_correlations(predicted, true), [np.corrcoef(a, b)[0, 1] for a, b in
                                                                   zip(predicted, true)])  # fmt: skip


def test_more_components_than_the_responses_rank_is_refused():
    codes, responses, _ = _linear_population(latent_dim=3)
    with pytest.raises(RecordingError, match="rank below the 5 components"):
        fit_decoder(responses, codes, components=5, alpha=0.0)


def test_mismatched_shapes_are_refused():
    codes, responses, _ = _linear_population()
    with pytest.raises(RecordingError, match=r"responses \(50, 12\) and codes \(49, 4\)"):
        fit_decoder(responses, codes[:-1], components=2, alpha=1.0)
    decoder = fit_decoder(responses, codes, components=2, alpha=1.0)
    with pytest.raises(RecordingError, match=r"expected \(stimuli, 12\)"):
        decoder.predict(responses[:, :5])
