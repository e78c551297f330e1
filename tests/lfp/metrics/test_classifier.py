"""Stimulus classifier: Inception-score closed forms, exact parameter count, a fit on a separable problem."""

import numpy as np
import pytest

from lfp.metrics.classifier import (
    build_stimulus_classifier,
    class_probabilities,
    conditional_accuracy,
    fit_stimulus_classifier,
    inception_score,
)


@pytest.mark.parametrize("classes", [2, 5, 118])
def test_confident_predictions_uniform_over_classes_score_the_number_of_classes(classes):
    probabilities = np.tile(np.eye(classes), (3, 1))
    assert inception_score(probabilities) == pytest.approx((classes, 0.0), rel=1e-12)


def test_identical_rows_score_one():
    probabilities = np.tile([0.2, 0.5, 0.3], (10, 1))
    assert inception_score(probabilities) == pytest.approx((1.0, 0.0), abs=1e-12)


def test_symmetric_uncertain_predictions_score_two_over_their_entropy():
    p = 0.8
    probabilities = np.array([[p, 1 - p], [1 - p, p]] * 4)
    entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    assert inception_score(probabilities)[0] == pytest.approx(np.exp(np.log(2) - entropy), rel=1e-12)


def test_splits_give_the_mean_and_std_of_their_scores():
    confident = np.eye(2)  # score 2
    alike = np.array([[0.5, 0.5], [0.5, 0.5]])  # score 1
    assert inception_score(np.concatenate([confident, alike]), splits=2) == pytest.approx((1.5, 0.5))


def test_rows_that_are_not_distributions_are_rejected():
    with pytest.raises(ValueError, match="do not sum to 1"):
        inception_score(np.array([[0.5, 0.2]]))
    with pytest.raises(ValueError, match="splits 3"):
        inception_score(np.eye(2), splits=3)


def test_conditional_accuracy_counts_rows_whose_argmax_is_the_label():
    probabilities = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])
    assert conditional_accuracy(probabilities, [0, 1, 1, 1]) == 0.75


@pytest.mark.backend
def test_the_classifier_has_the_computed_parameter_count_and_outputs_distributions():
    model = build_stimulus_classifier(window=313, channels=22, num_classes=118)
    convolutions = 7 * (22 * 16 + 16 * 32 + 32 * 64)
    normalisation = 4 * (16 + 32 + 64)  # gamma, beta, moving mean and variance
    assert model.count_params() == convolutions + normalisation + 64 * 118 + 118  # 28,502
    probabilities = class_probabilities(model, np.zeros((2, 313, 22)))
    assert probabilities.shape == (2, 118)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def _channel_coded_windows(rng, per_class, classes=3, window=64, channels=4):
    """Class k: an 8-cycle oscillation of random phase on channel k, over unit Gaussian noise."""
    labels = np.repeat(np.arange(classes), per_class)
    windows = rng.normal(size=(len(labels), window, channels))
    phases = rng.uniform(0, 2 * np.pi, size=len(labels))
    oscillation = 2.0 * np.sin(2 * np.pi * 8 * np.arange(window)[None] / window + phases[:, None])
    windows[np.arange(len(labels)), :, labels] += oscillation
    return windows.astype(np.float32), labels


@pytest.mark.backend
def test_a_fit_on_a_separable_problem_classifies_held_out_windows():
    rng = np.random.default_rng(0)
    windows, labels = _channel_coded_windows(rng, per_class=40)
    held_out_windows, held_out_labels = _channel_coded_windows(rng, per_class=20)
    model = fit_stimulus_classifier(windows, labels, num_classes=3, epochs=30, batch_size=16, seed=0)
    probabilities = class_probabilities(model, held_out_windows)
    assert conditional_accuracy(probabilities, held_out_labels) >= 0.9  # chance is 1/3


def test_fit_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match=r"labels span 0..3; expected 0..2"):
        fit_stimulus_classifier(np.zeros((4, 8, 2)), np.array([0, 1, 2, 3]), num_classes=3)
