"""A simulated recording session: generated images shown repeatedly to a random Gabor population."""

import numpy as np

from calciumgan.core.images import generate_images
from exciting_inputs.dataset import ResponseDataset
from exciting_inputs.simulation.population import random_population


def simulate_session(config) -> ResponseDataset:
    """The ``ResponseDataset`` of an ``exciting_inputs.config.SimulationConfig``: images, Poisson trials and the
    true population.

    Images are ``calciumgan.core.images.generate_images`` (1/f^alpha textures, a windowed grating and
    soft-edged rectangles, mean 0.3-0.7, RMS contrast 0.06-0.25). The images, the receptive fields
    and the trials draw from three independent streams of ``config.seed``.
    """
    image_seed, population_seed, trial_seed = np.random.SeedSequence(config.seed).generate_state(3)
    images = generate_images(config.num_images, config.image_height, config.image_width, seed=int(image_seed))
    population = random_population(
        images, config.num_neurons, complex_fraction=config.complex_fraction, noiseless=config.noiseless_neurons,
        sigma_range=(config.sigma_min, config.sigma_max),
        wavelength_range=(config.wavelength_min, config.wavelength_max),
        mean_count_range=(config.mean_count_min, config.mean_count_max),
        baseline_fraction_range=(config.baseline_fraction_min, config.baseline_fraction_max),
        centre_extent=config.centre_extent, seed=int(population_seed),
    )  # fmt: skip
    responses = population.sample_responses(images, config.trials, seed=int(trial_seed))
    return ResponseDataset(images, responses, population, source="simulation")
