"""Oracle correlation and selection: known answers, the algorithm as a plain loop, missing trials."""

import numpy as np
import pytest
from scipy import stats

from calciumgan.core.errors import RecordingError
from exciting_inputs.oracle import (
    oracle_correlation,
    oracle_draw,
    random_trials,
    response_variance,
    select_neurons,
    trial_means,
)


def seed_oracle_draw(responses, picked) -> np.ndarray:
    """The oracle correlation of one draw as a plain loop over neurons and images, with the picked trials given."""
    trials, images, neurons = responses.shape
    scores = []
    for neuron in range(neurons):
        singles, others = [], []
        for image in range(images):
            recorded = np.flatnonzero(~np.isnan(responses[:, image, neuron]))
            if len(recorded) < 2:
                continue
            single = picked[image, neuron]
            singles.append(responses[single, image, neuron])
            others.append(responses[recorded[recorded != single], image, neuron].mean())
        scores.append(stats.pearsonr(singles, others)[0] * len(singles) / images)
    return np.array(scores)


def test_a_noiseless_neuron_scores_one():
    rates = np.random.default_rng(0).uniform(0.5, 8.0, size=(30, 2))  # image-dependent, not integers
    responses = np.broadcast_to(rates, (7, 30, 2))
    np.testing.assert_allclose(oracle_correlation(responses, draws=5), 1.0, rtol=0, atol=1e-12)


def test_an_image_independent_neuron_scores_near_zero():
    images, neurons = 400, 40
    responses = np.random.default_rng(1).poisson(3.0, size=(10, images, neurons)).astype(np.float32)
    oracle = oracle_correlation(responses, draws=20, seed=2)
    # one draw's r has standard deviation 1 / sqrt(images) = 0.05; the average of draws no more
    assert np.all(np.abs(oracle) < 4 / np.sqrt(images))
    assert abs(oracle.mean()) < 4 / np.sqrt(images * neurons)


def test_signal_plus_noise_scores_the_theoretical_oracle():
    """Counts = signal (variance s) + noise (variance n) per trial: the leave-one-out mean of T - 1 trials
    has noise variance n / (T - 1), so r = s / sqrt((s + n) (s + n / (T - 1)))."""
    rng = np.random.default_rng(3)
    trials, images, s, n = 5, 4000, 1.0, 2.0
    responses = 10 + rng.normal(0, np.sqrt(s), (1, images, 1)) + rng.normal(0, np.sqrt(n), (trials, images, 1))
    expected = s / np.sqrt((s + n) * (s + n / (trials - 1)))
    assert oracle_correlation(responses, draws=10)[0] == pytest.approx(expected, abs=0.03)


def test_one_draw_follows_the_seeds_loop_with_missing_and_zero_trials():
    rng = np.random.default_rng(4)
    responses = rng.poisson(1.0, size=(6, 25, 3)).astype(np.float64)  # many zero counts, all kept
    responses[rng.uniform(size=responses.shape) < 0.3] = np.nan
    responses[:, 4, 0] = np.nan
    responses[0, 4, 0] = 2.0  # image 4 has one trial for neuron 0: left out, and the score scaled by 24 / 25
    picked = random_trials(~np.isnan(responses), rng)
    np.testing.assert_allclose(oracle_draw(responses, picked), seed_oracle_draw(responses, picked), rtol=1e-12)


def test_random_trials_draw_uniformly_among_recorded_trials():
    recorded = np.zeros((5, 1, 1), bool)
    recorded[[0, 2, 3]] = True
    rng = np.random.default_rng(5)
    picks = np.array([random_trials(recorded, rng)[0, 0] for _ in range(3000)])
    assert set(np.unique(picks)) == {0, 2, 3}
    assert np.all(np.abs(np.bincount(picks, minlength=5)[[0, 2, 3]] - 1000) < 4 * np.sqrt(1000 * 2 / 3))


def test_images_with_one_trial_reduce_the_score_by_their_share():
    rates = np.random.default_rng(6).uniform(1, 5, size=(10, 1))
    responses = np.repeat(rates[None], 4, axis=0)
    responses[1:, 3] = np.nan  # image 3 recorded once
    np.testing.assert_allclose(oracle_correlation(responses, draws=3), [0.9], atol=1e-12)


def test_a_silent_neuron_has_no_oracle_and_is_never_selected():
    responses = np.zeros((4, 10, 1))
    assert np.isnan(oracle_correlation(responses, draws=2)[0])
    assert not select_neurons([np.nan, 0.5, 0.2], [1.0, 2.0, 3.0], 0.0, 0.0)[0]


def test_selection_keeps_neurons_above_both_quantiles():
    oracle = np.array([0.10, 0.50, 0.30, 0.70, 0.90, 0.20, 0.80, 0.60, 0.40, np.nan])
    variance = np.array([5.0, 1.0, 9.0, 8.0, 2.0, 7.0, 6.0, 4.0, 3.0, 10.0])
    # over the 9 defined oracles the 0.6 quantile is 0.58 (linear): 0.7, 0.9, 0.8, 0.6 pass;
    # over all 10 variances the median is 5.5: 9, 8, 7, 6, 10 pass; both: neurons 3 and 6
    assert np.flatnonzero(select_neurons(oracle, variance, 0.6, 0.5)).tolist() == [3, 6]


def test_variance_is_over_images_of_the_mean_over_trials_with_ddof_one():
    responses = np.random.default_rng(7).poisson(2.0, size=(5, 12, 3)).astype(np.float64)
    responses[0, 0, 0] = np.nan
    means = np.stack([[np.mean(r[~np.isnan(r)]) for r in responses[:, image].T] for image in range(12)])
    np.testing.assert_allclose(trial_means(responses), means, rtol=1e-12)
    np.testing.assert_allclose(response_variance(responses), means.var(axis=0, ddof=1), rtol=1e-12)


@pytest.mark.parametrize(
    "responses, message",
    [
        (np.zeros((3, 4)), r"shape \(3, 4\)"),
        (-np.ones((2, 3, 1)), "non-negative"),
        (np.full((2, 2, 1), np.inf), "finite"),
    ],
)
def test_bad_responses_are_one_line_errors(responses, message):
    with pytest.raises(RecordingError, match=message):
        oracle_correlation(responses)
