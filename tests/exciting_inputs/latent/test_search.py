"""What the search sees of a neuron (expected counts or new Poisson trials) and the held-out scores."""

import dataclasses

import numpy as np
import pytest

from exciting_inputs.dataset import ResponseDataset
from exciting_inputs.latent.config import SearchConfig
from exciting_inputs.latent.search import dataset_choice, held_out_responses, neuron_fitness, ratios
from exciting_inputs.simulation.population import random_population

IMAGES = np.random.default_rng(0).uniform(size=(30, 16, 24))


@pytest.fixture(scope="module")
def population():
    """Neuron 0 noiseless, neurons 1-3 Poisson."""
    return random_population(IMAGES, 4, noiseless=1, seed=2)


def _render(codes):
    """Code (n, 1) k -> image k of IMAGES."""
    return IMAGES[np.asarray(codes, int)[:, 0]]


CODES = np.arange(30)[:, None]


def test_expected_fitness_is_the_true_response(population):
    fitness = neuron_fitness(population, _render, SearchConfig(neuron=2, fitness="expected"), seed=0)
    np.testing.assert_allclose(fitness(CODES), population.true_response(IMAGES)[:, 2])


def test_trial_fitness_of_a_noiseless_neuron_is_its_expected_count(population):
    fitness = neuron_fitness(population, _render, SearchConfig(neuron=0, fitness_trials=3), seed=0)
    np.testing.assert_allclose(fitness(CODES), population.true_response(IMAGES)[:, 0], rtol=1e-6)


def test_trial_fitness_draws_new_trials_on_every_call_and_averages_to_the_rate(population):
    fitness = neuron_fitness(population, _render, SearchConfig(neuron=2, fitness_trials=4), seed=0)
    calls = np.stack([fitness(CODES) for _ in range(300)])  # 1200 trials per image
    assert not np.array_equal(calls[0], calls[1])
    rates = population.true_response(IMAGES)[:, 2]
    np.testing.assert_allclose(calls.mean(axis=0), rates, atol=5 * np.sqrt(rates.max() / 1200))
    # a mean of 4 Poisson counts has variance rate / 4
    np.testing.assert_allclose(calls.var(axis=0).mean(), rates.mean() / 4, rtol=0.15)


def test_held_out_scores_a_noiseless_neuron_exactly_and_a_poisson_one_within_its_sem(population):
    exact = held_out_responses(population, IMAGES[:3], neuron=0, trials=5, seed=1)
    for row, rate in zip(exact, population.true_response(IMAGES[:3])[:, 0]):
        assert row == pytest.approx({"mean": rate, "sem": 0.0, "expected": rate}, rel=1e-6, abs=1e-12)
    noisy = held_out_responses(population, IMAGES[:3], neuron=2, trials=4000, seed=1)
    for row in noisy:
        assert row["sem"] == pytest.approx(np.sqrt(row["expected"] / 4000), rel=0.1)
        assert abs(row["mean"] - row["expected"]) < 4 * row["sem"]


def test_the_dataset_image_is_chosen_by_the_recorded_trials_or_by_the_truth(population):
    responses = np.zeros((2, 30, 4), np.float32)
    responses[:, 7, 1] = 50.0  # image 7 drew large counts for neuron 1
    dataset = ResponseDataset(IMAGES.astype(np.float32), responses, population)
    settings = SearchConfig(neuron=1)
    assert dataset_choice(dataset, settings) == (7, 50.0)
    rates = population.true_response(IMAGES)[:, 1]
    index, value = dataset_choice(dataset, dataclasses.replace(settings, fitness="expected"))
    assert index == np.argmax(rates) and value == pytest.approx(rates.max(), rel=1e-5)  # the dataset's float32 images


def test_ratios_held_out_and_expected_with_none_for_a_zero_denominator():
    held_out = {"search": {"mean": 3.0, "expected": 4.0}, "random": {"mean": 2.0, "expected": 0.0}}
    assert ratios(held_out, "search", "random") == {"mean": 1.5, "expected": None}
