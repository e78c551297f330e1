"""What the genetic search sees of a simulated neuron, and how its choice is scored on held-out trials.

In a closed-loop experiment (Ponce et al. 2019) the search only sees noisy spike counts: with
``search.fitness: trials`` every evaluation of a code shows G(z) for ``fitness_trials`` new Poisson
trials and returns their mean count; ``expected`` returns the neuron's noiseless expected count.
Choosing the best of many noisy values favours lucky draws, so each chosen image (the search's
best, the best of as many random codes, the best dataset image) is shown again for
``evaluation_trials`` held-out trials, and those means are what the report compares.
"""

import numpy as np


def neuron_fitness(population, render, settings, seed: int):
    """fitness(codes (n, latent_dim)) -> (n,) float64 of neuron ``settings.neuron`` for the images
    ``render(codes)`` (n, height, width); with ``settings.fitness == "trials"``, every call draws new trials."""
    trial_seeds = np.random.default_rng(seed)

    def fitness(codes):
        images = render(codes)
        if settings.fitness == "expected":
            return population.true_response(images)[:, settings.neuron]
        counts = population.sample_responses(images, settings.fitness_trials, seed=int(trial_seeds.integers(2**63)))
        return counts[:, :, settings.neuron].mean(axis=0, dtype=np.float64)

    return fitness


def dataset_choice(dataset, settings) -> tuple:
    """(index, value) of the dataset image the same fitness would pick: by the recorded trial means
    (``trials``) or by the truth (``expected``)."""
    if settings.fitness == "expected":
        values = dataset.population.true_response(dataset.images)[:, settings.neuron]
    else:
        values = dataset.responses[:, :, settings.neuron].mean(axis=0, dtype=np.float64)
    best = int(np.argmax(values))
    return best, float(values[best])


def held_out_responses(population, images, neuron: int, trials: int, seed: int) -> list:
    """Per (images, height, width) image: ``{"mean", "sem", "expected"}`` of ``neuron``'s count over
    ``trials`` (>= 2) new trials, and its expected count per trial."""
    counts = population.sample_responses(images, trials, seed=seed)[:, :, neuron].astype(np.float64)
    expected = population.true_response(images)[:, neuron]
    sems = counts.std(axis=0, ddof=1) / np.sqrt(trials)
    return [{"mean": float(mean), "sem": float(sem), "expected": float(value)}
            for mean, sem, value in zip(counts.mean(axis=0), sems, expected)]  # fmt: skip


def ratios(held_out: dict, choice: str, other: str) -> dict:
    """``choice``'s response over ``other``'s, on the held-out trials and in expected counts (the truth); None for
    a zero denominator (JSON has no infinity)."""
    return {key: held_out[choice][key] / held_out[other][key] if held_out[other][key] else None
            for key in ("mean", "expected")}  # fmt: skip
