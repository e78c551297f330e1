"""The latent-code experiment folder and its three stages: train the generator, decode, search.

======================= ==============================================================
``config.yaml``         the resolved config (the last command's)
``tool.json``           the tool ("exciting_inputs.latent"), command and version that made it
                        (``calciumgan.core.folders``)
``dataset.h5``          the simulated images, trials and true population (``exciting_inputs.dataset``)
``generator.keras``     the trained image generator, loadable in a fresh process
``generator.json``      its training logs (every tenth iteration)
``decoding/``           ``report.json``, ``report.md``, ``decoding.png``
``search/``             ``report.json``, ``report.md``, ``search.png``
======================= ==============================================================

Decoding and search read the dataset and generator that ``train`` wrote, and refuse a config
whose simulation or generator part differs from the folder's; training again removes their reports. Every
stage refuses a folder that another tool made. :class:`LatentExperiment` is a ``calciumgan.core.folders.ToolFolder``:
the config, the same-settings check, the start and the JSON files are the core's.
"""

import logging
import pathlib
import shutil

import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path, check_output_folder
from calciumgan.core.folders import LATENT, ToolFolder
from calciumgan.training.run_folder import load_saved_model
from exciting_inputs.dataset import load_dataset, save_dataset
from exciting_inputs.latent import report
from exciting_inputs.latent.config import LatentConfig
from exciting_inputs.latent.decoding import decoding_scores, fit_decoder
from exciting_inputs.latent.generator import generate, train_image_generator
from exciting_inputs.latent.genetic import evolve
from exciting_inputs.latent.search import dataset_choice, held_out_responses, neuron_fitness, ratios
from exciting_inputs.simulation.session import simulate_session

logger = logging.getLogger(__name__)
STAGE_FOLDERS = ("decoding", "search")


class LatentExperiment(ToolFolder):
    """The experiment folder at ``root`` (a ``calciumgan.core.folders.ToolFolder``); one that another tool made is
    refused. Its work is the dataset and the generator: decoding and search need them trained with their config's
    simulation and generator settings; training makes them anew."""

    schema, tool = LatentConfig, LATENT
    different_settings = ("{path}: the generator here was trained with different simulation or generator settings; "
                          "train again or choose the matching config")  # fmt: skip

    @property
    def dataset_path(self) -> pathlib.Path:
        return self.path("dataset.h5")

    @property
    def generator_path(self) -> pathlib.Path:
        return self.path("generator.keras")

    @staticmethod
    def same_part(config: LatentConfig) -> tuple:
        return config.simulation, config.generator

    def holds_work(self) -> bool:
        return self.config_path.is_file() and self.generator_path.is_file() and self.dataset_path.is_file()

    def check_same_generator(self, config: LatentConfig) -> None:
        """A one-line ``RunError`` unless the folder holds a generator trained with ``config``'s settings."""
        if not self.holds_work():
            raise RunError(f"{self.root}: no trained generator here; run python -m exciting_inputs.latent.train "
                           f"--config CONFIG --out {self.root}")  # fmt: skip
        self.check_same(config)

    def load(self, config: LatentConfig) -> tuple:
        """The dataset and generator, after ``check_same_generator``."""
        self.check_same_generator(config)
        return load_dataset(self.dataset_path), load_saved_model(self.generator_path)


def train_stage(config: LatentConfig, root) -> list:
    """Simulate the session, train the generator on its images and save both; returns the logs.

    The config is kept last, so a killed training never leaves it beside an older generator."""
    experiment = LatentExperiment(check_output_folder(root))
    dataset = simulate_session(config.simulation)
    generator, history = train_image_generator(dataset.images, config.generator)
    save_dataset(dataset, experiment.dataset_path)
    with atomic_path(experiment.generator_path) as temporary:
        generator.save(temporary)
    experiment.write_json("generator.json", history)
    experiment.start(config, "exciting_inputs.latent.train", replaces_work=True)
    for stale in STAGE_FOLDERS:  # reports of the generator this one replaces
        shutil.rmtree(experiment.path(stale), ignore_errors=True)
    return history


def decode_stage(config: LatentConfig, root) -> dict:
    """Fit the decoder on responses to generated images and score it on held-out images and trials."""
    experiment = LatentExperiment(root)
    dataset, generator = experiment.load(config)
    settings, population = config.decoding, dataset.population
    code_seed, train_seed, test_seed, shuffle_seed = np.random.SeedSequence(settings.seed).generate_state(4)
    codes = np.random.default_rng(code_seed).standard_normal((settings.train_codes + settings.test_codes,
                                                              config.generator.latent_dim))  # fmt: skip
    images = generate(generator, codes)
    train, test = slice(0, settings.train_codes), slice(settings.train_codes, None)
    train_responses = population.sample_responses(images[train], settings.trials, seed=int(train_seed))
    test_responses = population.sample_responses(images[test], settings.trials, seed=int(test_seed))
    decoder = fit_decoder(train_responses.mean(axis=0), codes[train], settings.components, settings.alpha)
    predicted = decoder.predict(test_responses.mean(axis=0))
    predicted_images = generate(generator, predicted)
    single = decoder.predict(test_responses[0])
    shuffled = np.random.default_rng(shuffle_seed).permutation(settings.test_codes)
    result = {
        "test_codes": settings.test_codes, "trials": settings.trials, "components": settings.components,
        "alpha": settings.alpha, "chance_identification": 1 / settings.test_codes,
        "held_out_trial_mean": decoding_scores(predicted, codes[test], predicted_images, images[test]),
        "held_out_single_trial": decoding_scores(single, codes[test], generate(generator, single), images[test]),
        "shuffled": decoding_scores(predicted[shuffled], codes[test], predicted_images[shuffled], images[test]),
    }  # fmt: skip
    report.write_decoding(result, codes[test], predicted, images[test], predicted_images, experiment.path("decoding"))
    experiment.start(config, "exciting_inputs.latent.decode")
    logger.info("decoding: code r %.3f (shuffled %.3f), identification %.3f (chance %.3f)",
                result["held_out_trial_mean"]["code_correlation"], result["shuffled"]["code_correlation"],
                result["held_out_trial_mean"]["identification_accuracy"], result["chance_identification"])  # fmt: skip
    return result


def search_stage(config: LatentConfig, root) -> dict:
    """Search latent codes for the neuron's largest response; score the search's choice, the best of as many
    random codes and the best dataset image on held-out trials (``exciting_inputs.latent.search``)."""
    experiment = LatentExperiment(root)
    dataset, generator = experiment.load(config)
    settings, population, latent_dim = config.search, dataset.population, config.generator.latent_dim
    initial_seed, random_seed, fitness_seed, held_out_seed = np.random.SeedSequence(settings.seed).generate_state(4)
    fitness = neuron_fitness(population, lambda codes: generate(generator, codes), settings, int(fitness_seed))
    size = settings.population_size
    initial = np.random.default_rng(initial_seed).standard_normal((size, latent_dim))
    result = evolve(fitness, initial, settings, reevaluate_elite=settings.fitness == "trials")
    random_codes = np.random.default_rng(random_seed).standard_normal((result.evaluations, latent_dim))
    random_fitness = fitness(random_codes)
    random_best = int(np.argmax(random_fitness))
    dataset_best, dataset_fitness = dataset_choice(dataset, settings)
    chosen = np.concatenate([generate(generator, np.stack([result.best_code, random_codes[random_best]])),
                             dataset.images[dataset_best][None]])  # fmt: skip
    held_out = held_out_responses(population, chosen, settings.neuron, settings.evaluation_trials, int(held_out_seed))
    held_out = dict(zip(("search", "random", "dataset"), held_out))
    summary = {
        "neuron": settings.neuron, "kind": ["simple", "complex"][int(population.kind[settings.neuron])],
        "fitness": settings.fitness, "fitness_trials": settings.fitness_trials, "evaluations": result.evaluations,
        "evaluations_by_generation": result.evaluations_by_generation.tolist(),
        "best_per_generation": result.best_per_generation.tolist(),
        "mean_per_generation": result.mean_per_generation.tolist(), "search_best": result.best_fitness,
        "random_best": float(random_fitness[random_best]), "dataset_image": dataset_best,
        "dataset_best": dataset_fitness,
        "dataset_mean": float(population.true_response(dataset.images)[:, settings.neuron].mean()),
        "held_out": {"trials": settings.evaluation_trials, **held_out},
        "search_over_random": ratios(held_out, "search", "random"),
        "search_over_dataset": ratios(held_out, "search", "dataset"),
        "best_code": result.best_code.tolist(),
    }  # fmt: skip
    report.write_search(summary, np.maximum.accumulate(random_fitness), chosen, experiment.path("search"))
    experiment.start(config, "exciting_inputs.latent.evolve")
    logger.info("search: held-out mean count %.3f (expected %.3f); best random code %.3f; best dataset image %.3f",
                held_out["search"]["mean"], held_out["search"]["expected"], held_out["random"]["mean"],
                held_out["dataset"]["mean"])  # fmt: skip
    return summary
