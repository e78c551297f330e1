"""The genetic algorithm on fitnesses with known optima, and its selection, crossover and elitism."""

import dataclasses

import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from exciting_inputs.latent.config import SearchConfig
from exciting_inputs.latent.genetic import evolve

OPTIMUM = np.array([1.0, -0.5, 2.0, 0.3])


def _quadratic(codes):
    """(codes,) fitness -||z - OPTIMUM||^2, largest (0) at OPTIMUM."""
    return -np.sum((codes - OPTIMUM) ** 2, axis=1)


def _initial(size=40, seed=0):
    return np.random.default_rng(seed).standard_normal((size, len(OPTIMUM)))


@pytest.mark.parametrize("selection", ["tournament", "truncation"])
@pytest.mark.parametrize("crossover", ["uniform", "blend"])
def test_the_search_finds_a_quadratic_optimum_within_a_tenth(selection, crossover):
    settings = SearchConfig(selection=selection, crossover=crossover, generations=60, mutation_std=0.1)
    result = evolve(_quadratic, _initial(), settings)
    assert np.linalg.norm(result.best_code - OPTIMUM) < 0.1
    assert result.best_fitness == pytest.approx(_quadratic(result.best_code[None])[0])


def test_with_elitism_the_best_fitness_never_decreases_and_without_it_can():
    noisy = SearchConfig(generations=40, mutation_rate=1.0, mutation_std=1.0, crossover="blend", blend_alpha=1.0)
    kept = evolve(_quadratic, _initial(8), dataclasses.replace(noisy, elite=1, tournament_size=2))
    assert np.all(np.diff(kept.best_per_generation) >= 0)
    lost = evolve(_quadratic, _initial(8), dataclasses.replace(noisy, elite=0, tournament_size=2))
    assert np.any(np.diff(lost.best_per_generation) < 0)


def test_without_mutation_or_crossover_the_population_stays_within_the_initial_codes():
    initial = _initial(12)
    settings = SearchConfig(generations=10, crossover="none", mutation_rate=0.0, code_bound=0.0)
    result = evolve(_quadratic, initial, settings)
    matches = np.all(result.final_population[:, None, :] == initial[None, :, :], axis=2)
    assert np.all(matches.any(axis=1))
    assert result.best_fitness <= _quadratic(initial).max()


def test_children_stay_within_the_code_bound_and_evaluations_are_counted():
    calls = []

    def fitness(codes):
        calls.append(len(codes))
        return -np.sum((codes - 10.0) ** 2, axis=1)  # the optimum lies outside the bound

    settings = SearchConfig(population_size=10, generations=5, elite=2, code_bound=1.5, mutation_std=1.0)
    result = evolve(fitness, _initial(10), settings)
    assert np.all(np.abs(result.final_population[2:]) <= 1.5)
    assert calls == [10] + [8] * 5 and result.evaluations == 50
    assert result.evaluations_by_generation.tolist() == [10, 18, 26, 34, 42, 50]
    assert len(result.best_per_generation) == len(result.mean_per_generation) == 6


def _lucky_once():
    """A fitness: the quadratic, plus 100 the first time the initial population's first code is scored (a lucky
    draw of a noisy fitness)."""
    lucky, scored = _initial()[0], []

    def fitness(codes):
        bonus = np.where(np.all(codes == lucky, axis=1) & (not scored), 100.0, 0.0)
        scored.append(True)
        return _quadratic(codes) + bonus

    return fitness


@pytest.mark.parametrize("reevaluate", [False, True])
def test_a_lucky_draw_stays_on_top_unless_the_elite_is_scored_again(reevaluate):
    settings = SearchConfig(generations=30, mutation_std=0.1, elite=2)
    result = evolve(_lucky_once(), _initial(), settings, reevaluate_elite=reevaluate)
    if reevaluate:
        assert result.best_fitness <= 0 and np.linalg.norm(result.best_code - OPTIMUM) < 0.3
        assert result.evaluations == 40 * 31
    else:
        np.testing.assert_array_equal(result.best_code, _initial()[0])
        assert result.best_fitness > 50


def test_the_search_is_reproducible_for_a_seed():
    settings = SearchConfig(generations=5)
    first, second = evolve(_quadratic, _initial(), settings), evolve(_quadratic, _initial(), settings)
    np.testing.assert_array_equal(first.final_population, second.final_population)
    other = evolve(_quadratic, _initial(), dataclasses.replace(settings, seed=1))
    assert not np.array_equal(first.final_population, other.final_population)


def test_a_fitness_of_the_wrong_shape_and_a_too_large_elite_are_refused():
    with pytest.raises(RecordingError, match="fitness returned \\(40, 1\\) values"):
        evolve(lambda codes: _quadratic(codes)[:, None], _initial(), SearchConfig())
    with pytest.raises(RecordingError, match="elite 40 must be below the population size 40"):
        evolve(_quadratic, _initial(), SearchConfig(elite=40))
