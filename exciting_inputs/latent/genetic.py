"""A genetic algorithm over latent codes that maximises a fitness (after Ponce et al. 2019).

Each generation keeps its ``elite`` fittest codes unchanged and fills the rest with children:
two parents chosen by tournament (the fittest of ``tournament_size`` codes drawn at random) or
truncation (uniformly among the fittest ``truncation_fraction``), mixed with probability
``crossover_rate`` by uniform crossover (each coordinate from either parent) or blend crossover
(BLX-alpha: uniform in the parents' interval widened by ``blend_alpha`` of its width on each
side), else a copy of the first parent; then each coordinate mutates with probability
``mutation_rate`` by adding N(0, ``mutation_std``^2), and children are clipped to [-``code_bound``,
``code_bound``] (0: unbounded), which keeps them where the generator was trained. Fitness is any
callable on (codes, latent_dim) arrays returning (codes,) values, larger is better. Elites keep their
fitness, unless ``reevaluate_elite``: a noisy fitness (new trials on every call) must score them again
in every generation, as a closed-loop experiment shows every image of a generation, or the luckiest
draw would stay on top for good.
"""

import dataclasses

import numpy as np

from calciumgan.core.errors import RecordingError


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """``best_code`` (latent_dim,), its fitness, and per generation (generation 0 = the initial
    population) the best and mean fitness and the fitness evaluations of codes so far."""

    best_code: np.ndarray
    best_fitness: float
    best_per_generation: np.ndarray
    mean_per_generation: np.ndarray
    evaluations_by_generation: np.ndarray
    final_population: np.ndarray

    @property
    def evaluations(self) -> int:
        return int(self.evaluations_by_generation[-1])


def evolve(fitness, initial, settings, reevaluate_elite: bool = False) -> SearchResult:
    """Run ``settings.generations`` generations from ``initial`` (population, latent_dim) codes.

    ``settings`` has the fields of ``exciting_inputs.latent.config.SearchConfig`` (selection, crossover,
    rates, elite, seed).
    """
    population = np.array(initial, np.float64)
    if population.ndim != 2 or len(population) < 2:
        raise RecordingError(f"initial population of shape {population.shape}: expected (codes >= 2, latent_dim)")
    if settings.elite >= len(population):
        raise RecordingError(f"elite {settings.elite} must be below the population size {len(population)}")
    rng = np.random.default_rng(settings.seed)
    scores = _evaluated(fitness, population)
    evaluations = [len(population)]
    best, mean = [scores.max()], [scores.mean()]
    for _ in range(settings.generations):
        elite = np.argsort(scores)[::-1][: settings.elite]
        count = len(population) - settings.elite
        first = population[_select(scores, count, settings, rng)]
        second = population[_select(scores, count, settings, rng)]
        children = _mutated(_crossed(first, second, settings, rng), settings, rng)
        population = np.concatenate([population[elite], children])
        if reevaluate_elite:
            scores = _evaluated(fitness, population)
        else:
            scores = np.concatenate([scores[elite], _evaluated(fitness, children)])
        evaluations.append(evaluations[-1] + len(population) - (0 if reevaluate_elite else settings.elite))
        best.append(scores.max())
        mean.append(scores.mean())
    top = int(np.argmax(scores))
    return SearchResult(population[top], float(scores[top]), np.array(best), np.array(mean), np.array(evaluations),
                        population)  # fmt: skip


def _evaluated(fitness, codes) -> np.ndarray:
    scores = np.asarray(fitness(codes), np.float64)
    if scores.shape != (len(codes),) or not np.all(np.isfinite(scores)):
        raise RecordingError(f"fitness returned {scores.shape} values (or non-finite ones) for {len(codes)} codes")
    return scores


def _select(scores, count: int, settings, rng) -> np.ndarray:
    """(count,) indices of parents."""
    if settings.selection == "tournament":
        entrants = rng.integers(0, len(scores), (count, settings.tournament_size))
        return entrants[np.arange(count), np.argmax(scores[entrants], axis=1)]
    if settings.selection == "truncation":
        kept = max(1, int(np.ceil(settings.truncation_fraction * len(scores))))
        return np.argsort(scores)[::-1][rng.integers(0, kept, count)]
    raise RecordingError(f"selection '{settings.selection}': expected tournament or truncation")


def _crossed(first, second, settings, rng) -> np.ndarray:
    if settings.crossover == "none":
        return first.copy()
    if settings.crossover == "uniform":
        mixed = np.where(rng.random(first.shape) < 0.5, first, second)
    elif settings.crossover == "blend":
        low, high = np.minimum(first, second), np.maximum(first, second)
        spread = settings.blend_alpha * (high - low)
        mixed = rng.uniform(low - spread, high + spread)
    else:
        raise RecordingError(f"crossover '{settings.crossover}': expected uniform, blend or none")
    return np.where(rng.random((len(first), 1)) < settings.crossover_rate, mixed, first)


def _mutated(children, settings, rng) -> np.ndarray:
    mutate = rng.random(children.shape) < settings.mutation_rate
    children = children + mutate * rng.normal(0.0, settings.mutation_std, children.shape)
    return np.clip(children, -settings.code_bound, settings.code_bound) if settings.code_bound else children
